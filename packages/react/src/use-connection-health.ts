import { interpretParsedJob, recoveryFor } from '@bankconnect/core'
import type { Connection, Job, Recovery } from '@bankconnect/core'
import { useQuery } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import { fetchUserJobs, userJobsQueryKey } from './use-user-jobs.ts'

/**
 * A connection's health, exposed as `data-state` by `ConnectionHealth`:
 * - `healthy`: its last refresh worked and is recent;
 * - `syncing`: a job of the connection is running (a refresh, an update, the first sync);
 * - `needs-attention`: it failed (invalid credentials, the bank asks the user to act, the bank
 *   is down); `recovery` says what helps;
 * - `stale`: it works, but has not fetched data for `staleAfterMs`.
 */
export type ConnectionHealthState = 'healthy' | 'syncing' | 'needs-attention' | 'stale'

/**
 * The one thing a connection needs:
 * - `re-enter-credentials`: new login details (`CredentialsForm` in update mode);
 * - `act-in-bank`: the user clears something in their online banking, then checks again (a
 *   guarded refresh);
 * - `wait`: nothing to do now (a sync is running, the bank is down for a while);
 * - `refresh`: a stale connection may be refreshed (guarded);
 * - `none`: healthy.
 */
export type ConnectionHealthAction =
  're-enter-credentials' | 'act-in-bank' | 'wait' | 'refresh' | 'none'

/** One connection's health. */
export interface ConnectionHealthEntry {
  /** The connection id. */
  connectionId: string
  /** The institution's id, e.g. `'AU00000'`. */
  institutionId: string
  /** See {@link ConnectionHealthState}. */
  state: ConnectionHealthState
  /** See {@link ConnectionHealthAction}. */
  action: ConnectionHealthAction
  /** What went wrong and what helps, when `needs-attention` (from core's `recoveryFor`). */
  recovery: Recovery | undefined
  /** The running job, when `syncing` (follow it with `useJob`). */
  runningJobId: string | undefined
  /** When the connection last fetched data (ms since the epoch), if known. */
  lastUpdatedAt: number | undefined
  /** The connection as the app server sent it. */
  connection: Connection
  /** The connection's newest job within Basiq's 7 days, if any. */
  latestJob: Job | undefined
}

/** Where the check's storage keeps its timestamp: `localStorage`, `sessionStorage` or your own. */
export interface ConnectionHealthStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** Options of {@link useConnectionHealth}. */
export interface UseConnectionHealthOptions {
  /**
   * Least time between two checks, in ms. Default {@link DEFAULT_HEALTH_CADENCE_MS} (a day, as
   * Basiq advises); values below a minute are raised to a minute, invalid ones mean the default.
   */
  cadenceMs?: number
  /**
   * A working connection that has not fetched data for this long is `stale`, in ms. Default
   * {@link DEFAULT_STALE_AFTER_MS} (7 days: past it, Basiq no longer lists its jobs).
   */
  staleAfterMs?: number
  /**
   * Where the time of the last check is kept (a timestamp only, under
   * `${CONNECTION_HEALTH_STORAGE_KEY}:<userId>`), so tabs, remounts and providers share one
   * schedule. Default: `localStorage` when available; `null` keeps it in memory.
   */
  storage?: ConnectionHealthStorage | null
  /** Set `false` to check nothing (what was loaded stays). Default `true`. */
  enabled?: boolean
}

/** Where the check stands: `idle` when disabled before anything was loaded. */
export type ConnectionHealthStatus = 'idle' | 'loading' | 'ready' | 'error'

/** What {@link useConnectionHealth} returns. */
export interface UseConnectionHealthResult {
  /** Where the check stands (`ready` with the last answer even while a re-check runs or failed). */
  status: ConnectionHealthStatus
  /** Every connection of the user, the ones needing attention first; `[]` until loaded. */
  connections: readonly ConnectionHealthEntry[]
  /** How many connections need attention. */
  needsAttention: number
  /** The last check's failure, if it failed. */
  error: Error | undefined
  /** When the shown answer was checked (ms since the epoch). */
  checkedAt: number | undefined
  /**
   * When the next automatic check is due (ms since the epoch), while enabled and not loading: a
   * cadence after the last check, or 15 minutes after a failed one (at most the cadence).
   */
  nextCheckAt: number | undefined
  /** `true` while a check is on its way. */
  checking: boolean
  /**
   * Checks now, whatever the cadence (e.g. the user asked, or an update finished); resolves once
   * the answer (or the failure) is in. Never rejects.
   */
  check(): Promise<void>
}

/** Default least time between two health checks: 24 hours. */
export const DEFAULT_HEALTH_CADENCE_MS = 24 * 3_600_000
/** Default age after which a working connection is `stale`: 7 days. */
export const DEFAULT_STALE_AFTER_MS = 7 * 24 * 3_600_000
/** Prefix of the storage key of the last check's time (`:<userId>` follows). */
export const CONNECTION_HEALTH_STORAGE_KEY = 'bankconnect:connection-health'

const MIN_CADENCE_MS = 60_000
const ERROR_RETRY_MS = 15 * 60_000
// setTimeout's ceiling; a longer cadence just re-arms.
const MAX_TIMER_MS = 2_147_483_647
const NO_ENTRIES: readonly ConnectionHealthEntry[] = Object.freeze([])
const severity: Record<ConnectionHealthState, number> = {
  'needs-attention': 0,
  syncing: 1,
  stale: 2,
  healthy: 3,
}

/**
 * The health of each of the signed-in user's connections, checked the way Basiq advises: when
 * the screen mounts with nothing loaded yet (sign-in, a page load) and then at most once per
 * `cadenceMs` (a day), never on window focus or reconnect. The time of the last check is kept in
 * `storage` (a timestamp only), so other tabs and later mounts keep the same schedule.
 *
 * Each connection is `syncing` while one of its jobs runs, `needs-attention` when it is invalid
 * or its latest job failed (with core's recovery: re-enter credentials, act in the bank, or
 * wait), `stale` when it has not fetched data for `staleAfterMs`, else `healthy`. The jobs and
 * connections come from the app server's user-jobs endpoint (`createUserJobsHandler`).
 *
 * @param options see {@link UseConnectionHealthOptions}.
 */
export function useConnectionHealth(
  options: UseConnectionHealthOptions = {},
): UseConnectionHealthResult {
  const ctx = useBankConnect()
  const { queryClient, userId } = ctx
  const cadenceMs = cadenceOf(options.cadenceMs)
  const staleAfterMs = positiveMs(options.staleAfterMs) ?? DEFAULT_STALE_AFTER_MS
  const storage = options.storage === undefined ? defaultStorage() : options.storage
  const enabled = options.enabled !== false
  const storageKey = `${CONNECTION_HEALTH_STORAGE_KEY}:${userId}`

  const query = useQuery(
    {
      queryKey: userJobsQueryKey(ctx, undefined),
      // Without the abort signal: a check that went out finishes and is kept even when its
      // screen unmounts (or StrictMode remounts it), so it is never sent twice.
      queryFn: async () => {
        const data = await fetchUserJobs(ctx, undefined)
        writeTime(storage, storageKey, Date.now())
        return data
      },
      enabled,
      // The schedule below decides when to check again; a loaded answer is never "stale" to
      // React Query, so mounts, focus and reconnects do not ask again.
      staleTime: Infinity,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      retry: false,
    },
    queryClient,
  )

  const { refetch, dataUpdatedAt, errorUpdatedAt, data, status: queryStatus } = query
  const active = enabled && queryStatus !== 'pending'
  const dueAt = useCallback(
    (now: number | undefined) => {
      const last = Math.max(dataUpdatedAt, readTime(storage, storageKey, now) ?? 0)
      // A failed check is tried again sooner than a day later, but not in a loop.
      if (errorUpdatedAt > last) return errorUpdatedAt + Math.min(cadenceMs, ERROR_RETRY_MS)
      return last + cadenceMs
    },
    [dataUpdatedAt, errorUpdatedAt, storage, storageKey, cadenceMs],
  )
  const nextCheckAt = active ? dueAt(undefined) : undefined

  useEffect(() => {
    if (!active) return
    let timer: ReturnType<typeof setTimeout> | undefined
    // Re-read when the timer fires: another tab (or provider) may have checked meanwhile, and
    // then the next check moves along with it.
    const arm = () => {
      const now = Date.now()
      const delay = dueAt(now) - now
      if (delay <= 0) void refetch({ cancelRefetch: false })
      else timer = setTimeout(arm, Math.min(MAX_TIMER_MS, delay))
    }
    arm()
    return () => clearTimeout(timer)
  }, [active, dueAt, refetch])

  const check = useCallback(async () => {
    await refetch({ cancelRefetch: false })
  }, [refetch])

  // Health as of the check (so every render agrees); the next check moves it along.
  const connections = useMemo(() => {
    if (data === undefined) return NO_ENTRIES
    return data.connections
      .map((connection) => healthOf(connection, data.jobs, dataUpdatedAt, staleAfterMs, userId))
      .sort((a, b) => severity[a.state] - severity[b.state])
  }, [data, dataUpdatedAt, staleAfterMs, userId])

  let status: ConnectionHealthStatus
  if (data !== undefined) status = 'ready'
  else if (queryStatus === 'error') status = 'error'
  else status = query.fetchStatus === 'fetching' ? 'loading' : 'idle'

  return useMemo(
    () => ({
      status,
      connections,
      needsAttention: connections.filter((entry) => entry.state === 'needs-attention').length,
      error: query.error ?? undefined,
      checkedAt: dataUpdatedAt === 0 ? undefined : dataUpdatedAt,
      nextCheckAt,
      checking: query.fetchStatus === 'fetching',
      check,
    }),
    [status, connections, query.error, dataUpdatedAt, nextCheckAt, query.fetchStatus, check],
  )
}

function healthOf(
  connection: Connection,
  jobs: readonly Job[],
  now: number,
  staleAfterMs: number,
  userId: string,
): ConnectionHealthEntry {
  const own = jobs
    .map((job) => ({ job, reading: interpretParsedJob(job), created: Date.parse(job.created) }))
    .filter((entry) => entry.reading.connectionId === connection.id)
    // Newest first; Basiq lists them so, but a list merged from elsewhere may not be.
    .sort((a, b) => (b.created || 0) - (a.created || 0))
  const latest = own[0]
  const running = own.find(
    ({ reading }) => reading.phase !== 'complete' && reading.phase !== 'failed',
  )
  const latestFinished = own.find(
    ({ reading }) => reading.phase === 'complete' || reading.phase === 'failed',
  )
  const lastUpdatedAt = lastUpdateOf(connection, own)
  const base = {
    connectionId: connection.id,
    institutionId: connection.institution.id,
    connection,
    latestJob: latest?.job,
    lastUpdatedAt,
    recovery: undefined,
    runningJobId: undefined,
  }

  if (running !== undefined) {
    return { ...base, state: 'syncing', action: 'wait', runningJobId: running.job.id }
  }
  const failed = latestFinished?.reading.phase === 'failed' ? latestFinished : undefined
  if (connection.status === 'invalid' || failed !== undefined) {
    const context = {
      userId,
      connectionId: connection.id,
      ...(failed ? { job: failed.job } : {}),
    }
    // Jobs older than 7 days are gone; an invalid connection still means rejected credentials.
    const error = failed?.reading.error ?? { type: 'error', code: 'invalid-credentials' }
    const recovery = recoveryFor(error, context)
    return { ...base, state: 'needs-attention', action: actionFor(recovery), recovery }
  }
  if (connection.status === 'pending') return { ...base, state: 'syncing', action: 'wait' }
  if (lastUpdatedAt === undefined || now - lastUpdatedAt >= staleAfterMs) {
    return { ...base, state: 'stale', action: 'refresh' }
  }
  return { ...base, state: 'healthy', action: 'none' }
}

function actionFor(recovery: Recovery): ConnectionHealthAction {
  const primary = recovery.actions[0]
  if (primary === 're-enter-credentials' || primary === 'act-in-bank') return primary
  return 'wait'
}

function lastUpdateOf(
  connection: Connection,
  own: readonly { reading: { phase: string }; job: Job }[],
): number | undefined {
  let last = parseTime(connection.lastUsed)
  for (const { reading, job } of own) {
    if (reading.phase !== 'complete') continue
    const at = parseTime(job.updated)
    if (at !== undefined && (last === undefined || at > last)) last = at
  }
  return last
}

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const ms = Date.parse(value)
  return Number.isFinite(ms) ? ms : undefined
}

function cadenceOf(value: unknown): number {
  const ms = positiveMs(value)
  return ms === undefined ? DEFAULT_HEALTH_CADENCE_MS : Math.max(MIN_CADENCE_MS, ms)
}

function positiveMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined
}

/**
 * The stored time of the last check. With `now`, a time after it (a skewed clock, a hand-edited
 * value) is ignored, so it cannot postpone checks.
 */
function readTime(
  storage: ConnectionHealthStorage | null,
  key: string,
  now: number | undefined,
): number | undefined {
  if (storage === null) return undefined
  try {
    const value = Number(storage.getItem(key))
    if (!Number.isFinite(value) || value <= 0) return undefined
    return now !== undefined && value > now ? undefined : value
  } catch {
    return undefined
  }
}

function writeTime(storage: ConnectionHealthStorage | null, key: string, value: number): void {
  if (storage === null) return
  try {
    storage.setItem(key, String(value))
  } catch {
    // Full or disabled storage: the schedule then lives in memory only.
  }
}

function defaultStorage(): ConnectionHealthStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage
  } catch {
    // Some browsers throw on access when storage is disabled.
    return null
  }
}
