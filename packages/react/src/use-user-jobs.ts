import { ConnectionListSchema, JobListSchema, parseResource } from '@bankconnect/core'
import type { Connection, Job } from '@bankconnect/core'
import { useQuery } from '@tanstack/react-query'
import { useCallback, useMemo } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import type { BankConnectContextValue } from './bank-connect-provider.tsx'

/**
 * An error answer of the app server's user-jobs or refresh endpoint (`@bankconnect/server`), or
 * an answer that could not be read. `code` is the server's `error.code` (`'unauthorized'`,
 * `'not-found'`, `'refresh-refused'`, `'upstream-unavailable'`, …), or `'network-error'` /
 * `'invalid-response'` when there was no readable answer.
 */
export class AppServerError extends Error {
  /** HTTP status; `0` when the server could not be reached. */
  readonly status: number
  /** What went wrong, as the server put it (see above). */
  readonly code: string
  /** For `refresh-refused`: why (core's `RefreshRefusal`). */
  readonly reason: string | undefined
  /** For `refresh-refused`: when a refresh will be allowed (ms since the epoch), if known. */
  readonly nextAllowedAt: number | undefined
  /** The server's `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined

  constructor(init: {
    status: number
    code: string
    message: string
    reason?: string | undefined
    nextAllowedAt?: number | undefined
    retryAfterMs?: number | undefined
  }) {
    super(init.message)
    this.name = 'AppServerError'
    this.status = init.status
    this.code = init.code
    this.reason = init.reason
    this.nextAllowedAt = init.nextAllowedAt
    this.retryAfterMs = init.retryAfterMs
  }
}

/** What the user-jobs endpoint answered, parsed. */
export interface UserJobsData {
  /** The user's jobs, newest first (Basiq keeps 7 days). */
  jobs: Job[]
  /** The user's connections, with `status` and `lastUsed`. */
  connections: Connection[]
}

/** Options of {@link useUserJobs}. */
export interface UseUserJobsOptions {
  /** Only this connection's jobs (and only this connection). Default: all of the user's. */
  connectionId?: string
  /** Set `false` to read nothing (the last answer stays). Default `true`. */
  enabled?: boolean
  /**
   * How long an answer counts as fresh, in ms: a component mounting within it reads the cache
   * instead of asking again. Default `60_000`. Window focus never triggers a request.
   */
  staleTimeMs?: number
}

/** Where {@link useUserJobs} stands: `idle` when disabled with nothing loaded. */
export type UserJobsStatus = 'idle' | 'loading' | 'success' | 'error'

/** What {@link useUserJobs} returns. */
export interface UseUserJobsResult {
  /** Where the request stands. */
  status: UserJobsStatus
  /** The user's jobs, newest first; `[]` until loaded. */
  jobs: readonly Job[]
  /** The user's connections; `[]` until loaded. */
  connections: readonly Connection[]
  /** The last failure (an {@link AppServerError}); `undefined` after a success. */
  error: Error | undefined
  /** When the shown answer arrived (ms since the epoch); `undefined` before the first. */
  updatedAt: number | undefined
  /** `true` while a request is on its way (also when refreshing shown data). */
  fetching: boolean
  /** Asks the app server again now. */
  refetch(): Promise<void>
}

const DEFAULT_STALE_TIME_MS = 60_000
const NO_JOBS: readonly Job[] = Object.freeze([])
const NO_CONNECTIONS: readonly Connection[] = Object.freeze([])

/**
 * React Query key of the user's jobs; every hook reading them shares it (the prefix
 * `['bankconnect', 'user-jobs', userId]` covers every filter).
 *
 * @internal shared with the connection-health hooks.
 */
export function userJobsQueryKey(
  ctx: Pick<BankConnectContextValue, 'userId' | 'userJobsUrl'>,
  connectionId: string | undefined,
): readonly ['bankconnect', 'user-jobs', string, string, string] {
  return ['bankconnect', 'user-jobs', ctx.userId, ctx.userJobsUrl, connectionId ?? '']
}

/**
 * Asks the app server for the user's jobs and connections.
 *
 * @internal shared with the connection-health hooks.
 */
export async function fetchUserJobs(
  ctx: Pick<BankConnectContextValue, 'userJobsUrl' | 'serverFetch'>,
  connectionId: string | undefined,
  signal?: AbortSignal,
): Promise<UserJobsData> {
  const url = serverUrl(ctx.userJobsUrl)
  if (connectionId !== undefined) url.searchParams.set('connectionId', connectionId)
  const body = await askAppServer(ctx.serverFetch, url, {
    method: 'GET',
    headers: { accept: 'application/json' },
    ...(signal ? { signal } : {}),
  })
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
  try {
    // Read with core's schemas, so a malformed answer is an error here, not a crash later.
    const jobs = parseResource(JobListSchema, { type: 'list', data: fields.jobs }).data
    const connections = parseResource(ConnectionListSchema, {
      type: 'list',
      data: fields.connections,
    }).data
    return { jobs, connections }
  } catch (error) {
    throw new AppServerError({
      status: 200,
      code: 'invalid-response',
      message: `The user-jobs endpoint answered something other than { jobs, connections }: ${
        error instanceof Error ? error.message : String(error)
      }`,
    })
  }
}

/**
 * The signed-in user's jobs and connections, from the app server's user-jobs endpoint (Basiq
 * only lets a SERVER_ACCESS token read them, so the browser never asks Basiq itself). One React
 * Query query per filter, shared by every component; no refetch on window focus.
 *
 * For the daily health check, use {@link useConnectionHealth}, which keeps Basiq's cadence.
 *
 * @param options see {@link UseUserJobsOptions}.
 */
export function useUserJobs(options: UseUserJobsOptions = {}): UseUserJobsResult {
  const ctx = useBankConnect()
  const { queryClient } = ctx
  const connectionId = options.connectionId === '' ? undefined : options.connectionId
  const staleTime = validMs(options.staleTimeMs) ?? DEFAULT_STALE_TIME_MS
  const query = useQuery(
    {
      queryKey: userJobsQueryKey(ctx, connectionId),
      // Without the abort signal: an answer that went out is kept for the next reader even when
      // its component unmounts (or StrictMode remounts it), so it is never asked for twice.
      queryFn: () => fetchUserJobs(ctx, connectionId),
      enabled: options.enabled !== false,
      staleTime,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      retry: false,
    },
    queryClient,
  )
  const { refetch: refetchQuery } = query
  const refetch = useCallback(async () => {
    await refetchQuery()
  }, [refetchQuery])
  return useMemo(
    () => ({
      status: statusOf(query.status, query.fetchStatus),
      jobs: query.data?.jobs ?? NO_JOBS,
      connections: query.data?.connections ?? NO_CONNECTIONS,
      error: query.status === 'error' ? (query.error ?? undefined) : undefined,
      updatedAt: query.dataUpdatedAt === 0 ? undefined : query.dataUpdatedAt,
      fetching: query.fetchStatus === 'fetching',
      refetch,
    }),
    [query.status, query.fetchStatus, query.data, query.error, query.dataUpdatedAt, refetch],
  )
}

function statusOf(status: string, fetchStatus: string): UserJobsStatus {
  if (status === 'success') return 'success'
  if (status === 'error') return 'error'
  return fetchStatus === 'fetching' ? 'loading' : 'idle'
}

/**
 * An endpoint URL, relative ones resolved against the page (so `'/api/basiq/jobs'` works).
 *
 * @internal shared with the refresh hook.
 */
export function serverUrl(url: string): URL {
  const base = typeof location === 'undefined' ? undefined : location.href
  try {
    return new URL(url, base)
  } catch {
    throw new AppServerError({
      status: 0,
      code: 'network-error',
      message: `"${url}" is not a URL this page can reach; pass an absolute URL to BankConnectProvider`,
    })
  }
}

/**
 * Sends a request to the app server and returns its JSON body; every failure becomes an
 * {@link AppServerError} (abort reasons pass through untouched).
 *
 * @internal shared with the refresh hook.
 */
export async function askAppServer(
  fetchImpl: BankConnectContextValue['serverFetch'],
  url: URL,
  init: RequestInit,
): Promise<unknown> {
  let response: Response
  try {
    response = await fetchImpl(url.href, init)
  } catch (error) {
    if (init.signal?.aborted) throw init.signal.reason
    throw new AppServerError({
      status: 0,
      code: 'network-error',
      message: `The app server at ${url.pathname} could not be reached: ${String(error)}`,
    })
  }
  let body: unknown
  try {
    body = await response.json()
  } catch {
    if (init.signal?.aborted) throw init.signal.reason
    body = undefined
  }
  if (response.ok) return body
  const fields = isRecord(body) && isRecord(body.error) ? body.error : {}
  const retryAfterHeader = response.headers.get('retry-after')
  const retryAfter = retryAfterHeader === null ? Number.NaN : Number(retryAfterHeader)
  const nextAllowedAt =
    typeof fields.nextAllowedAt === 'string' ? Date.parse(fields.nextAllowedAt) : Number.NaN
  throw new AppServerError({
    status: response.status,
    code: typeof fields.code === 'string' ? fields.code : 'invalid-response',
    message:
      typeof fields.message === 'string'
        ? fields.message
        : `The app server answered ${url.pathname} with HTTP ${response.status}`,
    reason: typeof fields.reason === 'string' ? fields.reason : undefined,
    nextAllowedAt: Number.isFinite(nextAllowedAt) ? nextAllowedAt : undefined,
    retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined,
  })
}

function validMs(value: unknown): number | undefined {
  return typeof value === 'number' && (Number.isFinite(value) || value === Infinity) && value >= 0
    ? value
    : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
