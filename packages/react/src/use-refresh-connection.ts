import { refreshGuard } from '@bankconnect/core'
import type { RefreshDecision, RefreshPolicy, RefreshRefusal } from '@bankconnect/core'
import { useQuery } from '@tanstack/react-query'
import { useCallback, useMemo, useRef, useState } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import type { BankConnectContextValue } from './bank-connect-provider.tsx'
import { formatDuration } from './messages.ts'
import type { Messages } from './messages.ts'
import { useLatest } from './use-latest.ts'
import {
  AppServerError,
  askAppServer,
  fetchUserJobs,
  serverUrl,
  userJobsQueryKey,
} from './use-user-jobs.ts'
import type { UserJobsData } from './use-user-jobs.ts'

/**
 * Where a refresh stands:
 * - `idle`: nothing asked yet (or after `reset()`);
 * - `checking`: reading the connection's jobs to apply the guard (only when none are loaded);
 * - `refused`: the guard (the browser's, or the app server's) said no; see `refusal`;
 * - `refreshing`: the refresh request is on its way to the app server;
 * - `started`: a job refreshes the connection; follow `jobId` (e.g. `useJob`, `JobProgress`);
 * - `error`: the request failed; see `error`.
 */
export type RefreshStatus = 'idle' | 'checking' | 'refused' | 'refreshing' | 'started' | 'error'

/** Why a refresh was refused, with the explanation to show. */
export interface RefreshRefusalInfo {
  /** Core's reason (`too-soon`, `daily-limit`, `connection-invalid`, `connection-not-ready`). */
  reason: Exclude<RefreshRefusal, 'job-running'>
  /** When a refresh will be allowed (ms since the epoch); `undefined` when no time helps. */
  nextAllowedAt: number | undefined
  /** The explanation, from the messages (`refresh.refused.<reason>`). */
  message: string
}

/** What {@link UseRefreshConnectionResult.refresh} resolves with (it never rejects). */
export type RefreshOutcome =
  | { status: 'started'; jobId: string; reused: boolean }
  | { status: 'refused'; refusal: RefreshRefusalInfo }
  | { status: 'error'; error: Error }

/** Options of {@link useRefreshConnection}. */
export interface UseRefreshConnectionOptions {
  /**
   * The browser's copy of the refresh policy (core's `RefreshPolicy`): keep it the same as the
   * app server's `createRefreshHandler({ policy })`, whose check is the one that counts. Default:
   * core's defaults (24 h between refreshes, 20 a day for open banking).
   */
  policy?: RefreshPolicy
  /** Called when a refresh job started (or a running one was handed back). Latest one is called. */
  onStarted?: (event: { connectionId: string; jobId: string; reused: boolean }) => void
}

/** What {@link useRefreshConnection} returns. */
export interface UseRefreshConnectionResult {
  /** Where the refresh stands. */
  status: RefreshStatus
  /**
   * The guard's decision now, from the user's jobs the kit already holds (e.g. a health check's);
   * `undefined` while none are loaded. Use it to explain before the user even asks.
   */
  decision: RefreshDecision | undefined
  /** The explanation of the current decision when it refuses, or of the last refusal. */
  refusal: RefreshRefusalInfo | undefined
  /** The job refreshing the connection, once `started`. */
  jobId: string | undefined
  /** `true` when `jobId` was already running (no new job was started). */
  reused: boolean
  /** The failure, when `error`. */
  error: Error | undefined
  /**
   * Refreshes the connection if the guard allows it: a refusal sends no request. One refresh at a
   * time: calling again while one is on its way returns the same promise.
   */
  refresh(): Promise<RefreshOutcome>
  /** Back to `idle` (e.g. after the user dismissed a refusal). */
  reset(): void
}

interface RefreshState {
  status: RefreshStatus
  refusal: RefreshRefusalInfo | undefined
  jobId: string | undefined
  reused: boolean
  error: Error | undefined
}

const IDLE: RefreshState = {
  status: 'idle',
  refusal: undefined,
  jobId: undefined,
  reused: false,
  error: undefined,
}
const FRESH_JOBS_MS = 60_000

/**
 * Refreshes ONE connection, the sparing way Basiq advises: core's `refreshGuard` runs first, on
 * the connection's `lastUsed` and the user's jobs, and a refusal (refreshed within the policy's
 * interval, open-banking daily limit, invalid credentials, not active) sends no request and comes
 * with an explanation from the messages. A job of the connection that is still running is handed
 * back instead of starting another. Only then does the app server's refresh endpoint
 * (`createRefreshHandler`, which applies the guard again and is the check that counts) ask Basiq.
 *
 * There is deliberately no hook that refreshes several connections at once.
 *
 * @param connectionId the connection to refresh; `undefined` makes `refresh()` an error.
 * @param options see {@link UseRefreshConnectionOptions}.
 */
export function useRefreshConnection(
  connectionId: string | undefined,
  options: UseRefreshConnectionOptions = {},
): UseRefreshConnectionResult {
  const ctx = useBankConnect()
  const { queryClient, messages } = ctx
  const [state, setState] = useState<RefreshState>(IDLE)
  const inFlight = useRef<{ id: string | undefined; promise: Promise<RefreshOutcome> } | null>(null)
  const latest = useLatest({ ctx, policy: options.policy, onStarted: options.onStarted })

  // Only observes what other hooks loaded: reading never triggers a request from here.
  const all = useQuery(
    {
      queryKey: userJobsQueryKey(ctx, undefined),
      queryFn: ({ signal }) => fetchUserJobs(ctx, undefined, signal),
      enabled: false,
    },
    queryClient,
  )
  const own = useQuery(
    {
      queryKey: userJobsQueryKey(ctx, connectionId),
      queryFn: ({ signal }) => fetchUserJobs(ctx, connectionId, signal),
      enabled: false,
    },
    queryClient,
  )
  const known = newer(all.data, all.dataUpdatedAt, own.data, own.dataUpdatedAt)
  // The decision shown is the one as of the answer it is read from (so it stays the same on
  // every render); `refresh()` decides again at the moment the user asks.
  const knownAt = known === own.data ? own.dataUpdatedAt : all.dataUpdatedAt
  const policy = options.policy
  const decision = useMemo(() => {
    if (connectionId === undefined || known === undefined) return undefined
    const connection = known.connections.find((candidate) => candidate.id === connectionId)
    return connection === undefined
      ? undefined
      : refreshGuard(connection, known.jobs, knownAt, policy)
  }, [connectionId, known, knownAt, policy])

  const refresh = useCallback((): Promise<RefreshOutcome> => {
    const running = inFlight.current
    if (running !== null && running.id === connectionId) return running.promise
    const promise = runRefresh(connectionId, latest.current, setState).finally(() => {
      if (inFlight.current?.promise === promise) inFlight.current = null
    })
    inFlight.current = { id: connectionId, promise }
    return promise
  }, [connectionId, latest])

  const reset = useCallback(() => setState(IDLE), [])

  const shownRefusal =
    state.refusal ??
    (decision !== undefined && !decision.allowed && decision.reason !== 'job-running'
      ? refusalInfo(
          messages,
          decision.reason ?? 'connection-not-ready',
          decision.nextAllowedAt?.getTime(),
          knownAt,
        )
      : undefined)

  return useMemo(
    () => ({ ...state, refusal: shownRefusal, decision, refresh, reset }),
    [state, shownRefusal, decision, refresh, reset],
  )
}

async function runRefresh(
  connectionId: string | undefined,
  latest: {
    ctx: BankConnectContextValue
    policy: RefreshPolicy | undefined
    onStarted: UseRefreshConnectionOptions['onStarted']
  },
  setState: (state: RefreshState) => void,
): Promise<RefreshOutcome> {
  const { ctx, policy } = latest
  const { queryClient, messages } = ctx
  const fail = (error: Error): RefreshOutcome => {
    setState({ ...IDLE, status: 'error', error })
    return { status: 'error', error }
  }
  const refuse = (reason: Exclude<RefreshRefusal, 'job-running'>, at: number | undefined) => {
    const refusal = refusalInfo(messages, reason, at, Date.now())
    setState({ ...IDLE, status: 'refused', refusal })
    return { status: 'refused', refusal } as const
  }
  const started = (jobId: string, reused: boolean): RefreshOutcome => {
    setState({ ...IDLE, status: 'started', jobId, reused })
    try {
      latest.onStarted?.({ connectionId: connectionId ?? '', jobId, reused })
    } catch {
      // The refresh started whatever the app's callback does.
    }
    // The jobs now include this one: health checks show the connection syncing.
    void queryClient.invalidateQueries({ queryKey: ['bankconnect', 'user-jobs', ctx.userId] })
    return { status: 'started', jobId, reused }
  }

  if (typeof connectionId !== 'string' || connectionId === '') {
    return fail(new TypeError('useRefreshConnection: pass the id of the connection to refresh'))
  }
  try {
    let data: UserJobsData | undefined = freshest(ctx, connectionId)
    if (data === undefined) {
      setState({ ...IDLE, status: 'checking' })
      data = await queryClient.fetchQuery<UserJobsData>({
        queryKey: userJobsQueryKey(ctx, connectionId),
        queryFn: ({ signal }) => fetchUserJobs(ctx, connectionId, signal),
        staleTime: FRESH_JOBS_MS,
        retry: false,
      })
    }
    const connection = data.connections.find((candidate) => candidate.id === connectionId)
    if (connection === undefined) {
      return fail(
        new AppServerError({
          status: 404,
          code: 'not-found',
          message: `useRefreshConnection: the signed-in user has no connection ${connectionId}`,
        }),
      )
    }
    const decision = refreshGuard(connection, data.jobs, Date.now(), policy)
    if (decision.reason === 'job-running' && decision.runningJobId !== undefined) {
      return started(decision.runningJobId, true)
    }
    if (!decision.allowed) {
      const reason = decision.reason === 'job-running' ? 'connection-not-ready' : decision.reason
      return refuse(reason ?? 'connection-not-ready', decision.nextAllowedAt?.getTime())
    }

    setState({ ...IDLE, status: 'refreshing' })
    const body = await askAppServer(ctx.serverFetch, serverUrl(ctx.refreshUrl), {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ connectionId }),
    })
    const job = isRecord(body) && isRecord(body.job) ? body.job : undefined
    if (typeof job?.id !== 'string' || job.id === '') {
      return fail(
        new AppServerError({
          status: 200,
          code: 'invalid-response',
          message: 'The refresh endpoint answered without a job',
        }),
      )
    }
    return started(job.id, isRecord(body) && body.reused === true)
  } catch (error) {
    if (error instanceof AppServerError && error.code === 'refresh-refused') {
      // The server's guard is the one that counts (its clock, the jobs as of now).
      const reason = knownRefusal(error.reason)
      return refuse(reason, error.nextAllowedAt)
    }
    return fail(error instanceof Error ? error : new Error(String(error)))
  }
}

/** The newest loaded answer that covers the connection: the all-connections one or its own. */
function freshest(ctx: BankConnectContextValue, connectionId: string): UserJobsData | undefined {
  const { queryClient } = ctx
  const allState = queryClient.getQueryState<UserJobsData>(userJobsQueryKey(ctx, undefined))
  const ownState = queryClient.getQueryState<UserJobsData>(userJobsQueryKey(ctx, connectionId))
  const pick = newer(
    allState?.data,
    allState?.dataUpdatedAt ?? 0,
    ownState?.data,
    ownState?.dataUpdatedAt ?? 0,
  )
  // An answer that is invalidated (a refresh or update started since) is not evidence.
  if (pick === allState?.data && allState?.isInvalidated) return undefined
  if (pick === ownState?.data && ownState?.isInvalidated) return undefined
  return pick
}

function newer(
  a: UserJobsData | undefined,
  aAt: number,
  b: UserJobsData | undefined,
  bAt: number,
): UserJobsData | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return bAt > aAt ? b : a
}

/**
 * The explanation of a refusal.
 *
 * @internal shared with `ConnectionHealth`.
 */
export function refusalInfo(
  messages: Messages,
  reason: Exclude<RefreshRefusal, 'job-running'>,
  nextAllowedAt: number | undefined,
  now: number,
): RefreshRefusalInfo {
  const time =
    nextAllowedAt === undefined
      ? undefined
      : formatDuration(Math.max(1000, nextAllowedAt - now), messages.locale)
  return { reason, nextAllowedAt, message: messages[`refresh.refused.${reason}`]({ time }) }
}

function knownRefusal(reason: string | undefined): Exclude<RefreshRefusal, 'job-running'> {
  switch (reason) {
    case 'too-soon':
    case 'daily-limit':
    case 'connection-invalid':
    case 'connection-not-ready':
      return reason
    default:
      return 'connection-not-ready'
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
