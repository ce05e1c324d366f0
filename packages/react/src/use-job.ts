import { interpretParsedJob } from '@bankconnect/core'
import type {
  Institution,
  Job,
  JobInterpretation,
  JobPhase,
  JobStep,
  MfaResult,
  PauseResult,
  Recovery,
  ReleaseWhen,
} from '@bankconnect/core'
import { useQuery } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import type { BankConnectContextValue } from './bank-connect-provider.tsx'
import {
  connectionBankQueryKey,
  institutionQueryKey,
  institutionQueryOptions,
  isTransient,
  jobQueryKey,
  jobQueryOptions,
  jobStartedAt,
  mfaKey,
  recoveryOf,
} from './job-query.ts'
import { useLatest } from './use-latest.ts'

/** What `onReleased` receives. */
export interface JobReleasedEvent {
  /** The job that released the user. */
  jobId: string
  /** The new connection's id (from the verify-credentials result), when known. */
  connectionId: string | undefined
  /** The job as last polled. */
  job: Job
}

/** What `onComplete` receives. */
export type JobCompleteEvent = JobReleasedEvent

/** What `onFailed` receives. */
export interface JobFailedEvent {
  /** The job. */
  jobId: string
  /** What the user can do about it. */
  recovery: Recovery
  /** The job as last polled; `undefined` when it could never be read. */
  job: Job | undefined
}

/** Options of {@link useJob}. */
export interface UseJobOptions {
  /**
   * Extra release condition for this watcher (a step title or a predicate); it can only delay the
   * release. Default: the provider's `releaseWhen`, else verify-credentials (and MFA) succeeded.
   */
  releaseWhen?: ReleaseWhen
  /** The job's institution, for its expected durations. Default: fetched from `institutionId`. */
  institution?: Institution
  /**
   * The job's institution id (Basiq's job resource does not carry it until late). Default: read
   * from the job once it shows; without it the schedule uses the core defaults.
   */
  institutionId?: string
  /**
   * Called once per job per provider when the user may move on (phase `released`, or `complete`
   * when the release was never seen), whatever re-renders, remounts or StrictMode do. The latest
   * function is always the one called.
   */
  onReleased?: (event: JobReleasedEvent) => void
  /** Called once per job when every step succeeded. The latest function is called. */
  onComplete?: (event: JobCompleteEvent) => void
  /**
   * Called once per failure the kit cannot get past by itself: the job failed, polling timed out,
   * or Basiq refused the request (e.g. the session expired). Not for failed polls it retries.
   * The latest function is called.
   */
  onFailed?: (event: JobFailedEvent) => void
  /** Set `false` to stop watching without unmounting. Default `true`. */
  enabled?: boolean
}

/** The release estimate, from the institution's average verify-credentials duration. */
export interface JobEta {
  /** The institution's average; `undefined` when it publishes none (or is not known yet). */
  expectedMs: number | undefined
  /** Time left until the average is reached (≥ 0); `undefined` without an average. */
  remainingMs: number | undefined
  /** `true` once the wait for the release passed the average (only while still waiting). */
  overdue: boolean
}

/** What {@link useJob} returns; the same object while nothing changed. */
export interface UseJobResult {
  /** Where the job stands (`pending` until the first answer). */
  phase: JobPhase
  /** The job as last polled; `undefined` before the first answer. */
  job: Job | undefined
  /** The job's steps, in order (`[]` before the first answer). */
  steps: readonly JobStep[]
  /** The step running or next, or the failed one. */
  currentStep: JobStep | undefined
  /**
   * What the user can do, when something is wrong: a failure (`transient: false`), or a passing
   * problem the kit is getting past by itself (`transient: true`: show "still trying").
   */
  recovery: Recovery | undefined
  /** The MFA challenge, when `phase` is `mfa-required`. */
  mfa: MfaResult | undefined
  /** When the MFA challenge expires (ms since the epoch), counted from when it was first seen. */
  mfaExpiresAt: number | undefined
  /** `true` once an answer to the current challenge was accepted and the bank is checking it. */
  mfaAnswered: boolean
  /** The pause, when `phase` is `paused` (see `pause.resumeAt`). */
  pause: PauseResult | undefined
  /** The release estimate. */
  eta: JobEta
  /** Time since the job was created or first seen by this provider, as of the last update. */
  elapsedMs: number
  /** The connection's id, from the verify-credentials result. */
  connectionId: string | undefined
  /** The job's institution, when known. */
  institution: Institution | undefined
  /** `true` while the kit keeps polling the job. */
  polling: boolean
  /** Restarts polling after a timeout or a refused poll (not a new connection attempt). */
  retry(): void
}

const NO_STEPS: readonly JobStep[] = Object.freeze([])

/**
 * Follows a Basiq job until it is finished. Every component watching the same job shares one
 * React Query query, so however many watch it there is one request per poll; the delay between
 * polls comes from `nextPollDelay` (dense around the bank's usual verify time, backing off on
 * errors, honouring `Retry-After`, stopping at `complete` / `failed` or the time limit).
 * Unmounting the last watcher cancels the request in flight; a released job goes on being
 * followed by the provider's background tracker.
 *
 * @param jobId the job to follow; `undefined` waits (no requests).
 * @param options see {@link UseJobOptions}.
 */
export function useJob(jobId: string | undefined, options: UseJobOptions = {}): UseJobResult {
  const ctx = useBankConnect()
  const { registry, queryClient } = ctx
  const id = normaliseJobId(jobId)
  const releaseWhen = options.releaseWhen ?? ctx.releaseWhen
  const enabled = options.enabled !== false
  // Entries change outside React (the schedule gave up, an MFA answer went out): re-render then.
  const version = useSyncExternalStore(registry.subscribe, registry.version, registry.version)

  const select = useCallback(
    (job: Job) => ({ job, reading: interpretParsedJob(job, { releaseWhen }) }),
    [releaseWhen],
  )
  const query = useQuery({ ...jobQueryOptions(ctx, id, releaseWhen, enabled), select }, queryClient)

  const given = options.institution
  const reading = query.data?.reading
  const named = given?.id ?? options.institutionId ?? reading?.institutionId
  // A job heard of without its bank (the control's jobCreated, a consent return, a reload) names
  // only its connection until accounts arrive. One look at the connection tells the bank, so the
  // next poll follows that bank's statistics rather than the default for a bank without any.
  const owner = reading?.userId
  const ownedConnection = reading?.connectionId
  const bankQuery = useQuery(
    {
      queryKey: connectionBankQueryKey(owner, ownedConnection),
      queryFn: async ({ signal }) =>
        (await ctx.client.getConnection(owner ?? '', ownedConnection ?? '', { signal })).institution
          .id,
      enabled:
        enabled && named === undefined && owner !== undefined && ownedConnection !== undefined,
      staleTime: Number.POSITIVE_INFINITY,
      retry: false,
      refetchOnWindowFocus: false,
    },
    queryClient,
  )
  const institutionId = named ?? bankQuery.data
  const institutionQuery = useQuery(
    {
      ...institutionQueryOptions(ctx, institutionId ?? ''),
      enabled: institutionId !== undefined && given === undefined,
    },
    queryClient,
  )
  const institution = given ?? institutionQuery.data

  const [tickAt, setTickAt] = useState(0)
  const view = useMemo(
    () =>
      deriveView({
        ctx,
        id,
        enabled,
        data: query.data,
        error: query.error,
        failed: query.status === 'error',
        lastUpdateAt: Math.max(query.dataUpdatedAt, query.errorUpdatedAt),
        institution,
        tickAt,
        version,
      }),
    [
      ctx,
      id,
      enabled,
      query.data,
      query.error,
      query.status,
      query.dataUpdatedAt,
      query.errorUpdatedAt,
      institution,
      tickAt,
      version,
    ],
  )

  useEffect(() => {
    if (id === undefined || institutionId === undefined) return
    registry.entry(id).institutionId = institutionId
    if (given !== undefined && queryClient.getQueryData(institutionQueryKey(given.id)) !== given) {
      // The schedule reads statistics from the cache, shared by every watcher of the job.
      queryClient.setQueryData(institutionQueryKey(given.id), given)
    }
  }, [id, institutionId, given, registry, queryClient])

  const { overdueAt } = view
  useEffect(() => {
    if (overdueAt === undefined) return
    // Flip `eta.overdue` when the average passes, without re-rendering every second until then.
    const timer = setTimeout(() => setTickAt(Date.now()), Math.max(0, overdueAt - Date.now()) + 1)
    return () => clearTimeout(timer)
  }, [overdueAt])

  const callbacks = useLatest({
    onReleased: options.onReleased,
    onComplete: options.onComplete,
    onFailed: options.onFailed,
  })
  const { result } = view
  useEffect(() => {
    if (id === undefined) return
    const { phase, job, recovery, connectionId } = result
    const { onReleased, onComplete, onFailed } = callbacks.current
    // The keys are consumed only by a watcher that has the callback, so a watcher without one
    // (a progress view, the background tracker) cannot swallow the notification.
    if (job && (phase === 'released' || phase === 'complete')) {
      if (onReleased && registry.once(`released:${id}`))
        onReleased({ jobId: id, connectionId, job })
      if (phase === 'complete' && onComplete && registry.once(`complete:${id}`)) {
        onComplete({ jobId: id, connectionId, job })
      }
    }
    if (recovery && !recovery.transient && onFailed) {
      if (registry.once(`failed:${id}:${view.attempt}:${recovery.kind}`)) {
        onFailed({ jobId: id, recovery, job })
      }
    }
  }, [id, result, view.attempt, registry, callbacks])

  const retry = useCallback(() => {
    if (id === undefined) return
    const entry = registry.entry(id)
    entry.stoppedAt = undefined
    entry.restartedAt = Date.now()
    entry.attempt += 1
    entry.consecutiveFailures = 0
    registry.touch()
    void queryClient.refetchQueries(
      { queryKey: jobQueryKey(id), exact: true },
      { cancelRefetch: false },
    )
  }, [id, registry, queryClient])

  return useMemo(() => ({ ...result, retry }), [result, retry])
}

interface ViewInput {
  ctx: BankConnectContextValue
  id: string | undefined
  enabled: boolean
  data: { job: Job; reading: JobInterpretation } | undefined
  error: Error | null
  failed: boolean
  lastUpdateAt: number
  institution: Institution | undefined
  tickAt: number
  version: number
}

interface View {
  result: Omit<UseJobResult, 'retry'>
  /** When `eta.overdue` will flip, while it has not yet. */
  overdueAt: number | undefined
  /** Polling restarts so far (part of the "already notified" keys). */
  attempt: number
}

function deriveView(input: ViewInput): View {
  const { ctx, id, data, error, institution } = input
  const entry = id === undefined ? undefined : ctx.registry.peek(id)
  const job = data?.job
  const reading = data?.reading
  const lastFailed = input.failed && error !== null
  const refused = lastFailed && !isTransient(error)
  const phase: JobPhase = reading?.phase ?? (refused ? 'failed' : 'pending')

  const firstSeenAt = entry?.firstSeenAt
  const startedAt =
    entry === undefined || firstSeenAt === undefined
      ? undefined
      : jobStartedAt(entry, job, Math.max(input.lastUpdateAt, firstSeenAt))
  const now = Math.max(input.lastUpdateAt, input.tickAt, startedAt ?? 0)
  const elapsedMs = startedAt === undefined ? 0 : now - startedAt
  const expectedMs = positive(institution?.stats.averageDurationMs?.verifyCredentials)
  const waiting = phase === 'pending' || phase === 'verifying'
  const overdue = waiting && expectedMs !== undefined && elapsedMs > expectedMs
  const overdueAt =
    waiting && !overdue && expectedMs !== undefined && startedAt !== undefined
      ? startedAt + expectedMs
      : undefined

  const recovery =
    id === undefined
      ? undefined
      : recoveryOf({
          jobId: id,
          userId: ctx.userId,
          job,
          reading,
          error,
          lastFailed,
          stoppedAt: entry?.stoppedAt,
          startedAt,
          institution,
        })

  const mfa = reading?.mfa
  const mfaSeenAt = mfa === undefined ? undefined : entry?.mfaSeenAt.get(mfaKey(mfa))
  const terminal = phase === 'complete' || phase === 'failed'
  return {
    overdueAt,
    attempt: entry?.attempt ?? 0,
    result: {
      phase,
      job,
      steps: job?.steps ?? NO_STEPS,
      currentStep: reading?.currentStep,
      recovery,
      mfa,
      mfaExpiresAt: mfa === undefined ? undefined : (mfaSeenAt ?? now) + mfa.expiryMs,
      mfaAnswered: phase === 'mfa-required' && entry?.mfaAnsweredAt !== undefined,
      pause: reading?.pause,
      eta: {
        expectedMs,
        remainingMs: expectedMs === undefined ? undefined : Math.max(0, expectedMs - elapsedMs),
        overdue,
      },
      elapsedMs,
      connectionId: reading?.connectionId,
      institution,
      polling:
        id !== undefined &&
        input.enabled &&
        !terminal &&
        entry?.stoppedAt === undefined &&
        !refused,
    },
  }
}

function normaliseJobId(jobId: unknown): string | undefined {
  if (jobId === undefined || jobId === null || jobId === '') return undefined
  // A non-string id reaches the client, which rejects it with a TypeError naming the problem:
  // the watcher then shows a failure instead of the page crashing.
  return typeof jobId === 'string' ? jobId : String(jobId)
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined
}
