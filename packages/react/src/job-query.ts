import {
  DEFAULT_BACKGROUND_TIMEOUT_MS,
  DEFAULT_POLL_TIMEOUT_MS,
  JobTimeoutError,
  interpretParsedJob,
  isBasiqError,
  nextPollDelay,
  recoveryFor,
} from '@bankconnect/core'
import type {
  BasiqApiError,
  Institution,
  Job,
  JobInterpretation,
  MfaResult,
  PollState,
  Recovery,
  ReleaseWhen,
} from '@bankconnect/core'
import type { Query } from '@tanstack/react-query'
import type { BankConnectContextValue } from './bank-connect-provider.tsx'
import type { JobEntry } from './job-registry.ts'

/** React Query key of a job: every watcher of one job shares this one query. */
export function jobQueryKey(jobId: string | undefined): readonly ['bankconnect', 'job', string] {
  return ['bankconnect', 'job', jobId ?? '']
}

/** React Query key of an institution (for its statistics). */
export function institutionQueryKey(
  institutionId: string | undefined,
): readonly ['bankconnect', 'institution', string] {
  return ['bankconnect', 'institution', institutionId ?? '']
}

/** React Query key of a connection (for the accounts it holds). */
export function connectionQueryKey(
  userId: string,
  connectionId: string | undefined,
): readonly ['bankconnect', 'connection', string, string] {
  return ['bankconnect', 'connection', userId, connectionId ?? '']
}

/** React Query key of the bank a connection belongs to (for jobs heard of without it). */
export function connectionBankQueryKey(
  userId: string | undefined,
  connectionId: string | undefined,
): readonly ['bankconnect', 'connection-bank', string, string] {
  return ['bankconnect', 'connection-bank', userId ?? '', connectionId ?? '']
}

/** How long an institution's statistics are reused: Basiq recomputes them daily. */
const INSTITUTION_STALE_MS = 60 * 60_000

/**
 * The query of an institution's record (for its statistics), the same for `useJob` and for the
 * first look at a job, so both fill and read one cache entry.
 */
export function institutionQueryOptions(ctx: BankConnectContextValue, institutionId: string) {
  return {
    queryKey: institutionQueryKey(institutionId),
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      ctx.client.getInstitution(institutionId, { signal }),
    staleTime: INSTITUTION_STALE_MS,
    retry: false,
    refetchOnWindowFocus: false,
  } as const
}

// How far the job's own timestamps may lag our clock and still be believed (see onPollSucceeded).
const MAX_TRUSTED_SKEW_MS = 10_000

type JobQuery = Query<Job, Error, Job, readonly ['bankconnect', 'job', string]>

/**
 * The options every watcher of a job passes to `useQuery`, so that they all agree: one query per
 * job, one request per poll, and a schedule owned by `nextPollDelay` (React Query's own retries,
 * refetch on mount and on focus are off, since each would be a request outside the schedule).
 */
export function jobQueryOptions(
  ctx: BankConnectContextValue,
  jobId: string | undefined,
  releaseWhen: ReleaseWhen | undefined,
  enabled = true,
) {
  return {
    queryKey: jobQueryKey(jobId),
    queryFn: ({ signal }: { signal: AbortSignal }) => fetchJob(ctx, jobId ?? '', signal),
    enabled: enabled && jobId !== undefined && jobId !== '',
    refetchInterval: (query: JobQuery) => scheduleFor(ctx, jobId ?? '', query, releaseWhen),
    refetchIntervalInBackground: true,
    refetchOnWindowFocus: false,
    refetchOnMount: false,
    retryOnMount: false,
    retry: false,
    structuralSharing: true,
  } as const
}

async function fetchJob(ctx: BankConnectContextValue, jobId: string, signal: AbortSignal) {
  const entry = ctx.registry.entry(jobId)
  entry.firstSeenAt ??= Date.now()
  await waitForFirstPoll(ctx, jobId, entry, signal)
  let job: Job
  try {
    job = await ctx.client.getJob(jobId, { signal })
  } catch (error) {
    if (!signal.aborted) onPollFailed(ctx, jobId, entry, error)
    throw error
  }
  onPollSucceeded(ctx, jobId, entry, job)
  return job
}

/**
 * A job this provider created has a known age, so its first poll can follow the schedule (which
 * asks nothing while success is implausible) instead of going out at once. Jobs heard of any other
 * way (a consent return, a reload) are fetched at once: their age is only known from the answer.
 */
async function waitForFirstPoll(
  ctx: BankConnectContextValue,
  jobId: string,
  entry: JobEntry,
  signal: AbortSignal,
): Promise<void> {
  if (entry.createdAt === undefined) return
  if (ctx.queryClient.getQueryData(jobQueryKey(jobId)) !== undefined) return
  // The first look is timed from the bank's statistics: fetch them now if no watcher has yet
  // (useJob asks for them only after it renders), or the default's guess would time it.
  if (entry.institutionId !== undefined && institutionOf(ctx, entry) === undefined) {
    await ctx.queryClient
      .fetchQuery(institutionQueryOptions(ctx, entry.institutionId))
      // Without them the schedule falls back to its default; the job is polled all the same.
      .catch(() => undefined)
    if (signal.aborted) throw signal.reason
  }
  const durations = institutionOf(ctx, entry)?.stats.averageDurationMs ?? undefined
  const delay = nextPollDelay(
    {
      phase: 'unknown',
      elapsedMs: Math.max(0, Date.now() - entry.createdAt),
      expectedVerifyMs: durations?.verifyCredentials ?? null,
      expectedTotalMs: durations?.total ?? null,
    },
    ctx.pollSchedule,
  )
  if (delay === false || delay <= 0) return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, delay)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}

function onPollFailed(
  ctx: BankConnectContextValue,
  jobId: string,
  entry: JobEntry,
  error: unknown,
): void {
  entry.consecutiveFailures += 1
  const last = ctx.queryClient.getQueryData<Job>(jobQueryKey(jobId))
  const known = last === undefined ? undefined : interpretParsedJob(last)
  const recovery = recoveryFor(error, {
    jobId,
    userId: ctx.userId,
    ...(known?.connectionId ? { connectionId: known.connectionId } : {}),
  })
  const api = isBasiqError(error) && error.kind === 'api' ? (error as BasiqApiError) : undefined
  ctx.log(recovery.transient ? 'warn' : 'error', {
    type: 'poll-failed',
    message: `Polling job ${jobId} failed (${recovery.kind})${api ? `: HTTP ${api.status}` : ''}`,
    jobId,
    connectionId: recovery.support.connectionId,
    code: recovery.support.code ?? (isBasiqError(error) ? error.kind : 'unknown'),
    correlationId: recovery.support.correlationId,
    recovery: recovery.kind,
  })
}

function onPollSucceeded(
  ctx: BankConnectContextValue,
  jobId: string,
  entry: JobEntry,
  job: Job,
): void {
  if (entry.consecutiveFailures > 0) {
    ctx.log('info', {
      type: 'poll-recovered',
      message: `Polling job ${jobId} works again after ${entry.consecutiveFailures} failed poll(s)`,
      jobId,
    })
    entry.consecutiveFailures = 0
  }
  const now = Date.now()
  const reading = interpretParsedJob(job, { releaseWhen: ctx.releaseWhen })
  let changed = false
  if (reading.institutionId !== undefined && entry.institutionId === undefined) {
    entry.institutionId = reading.institutionId
  }
  if (reading.mfa && !entry.mfaSeenAt.has(mfaKey(reading.mfa))) {
    // The job's `updated` is when the challenge appeared; trusted only when close to our clock,
    // so a skewed server clock cannot expire the countdown early.
    const updated = Date.parse(job.updated)
    const seenAt = updated <= now && now - updated < MAX_TRUSTED_SKEW_MS ? updated : now
    entry.mfaSeenAt.set(mfaKey(reading.mfa), seenAt)
    changed = true
  }
  if (reading.phase !== 'mfa-required' && entry.mfaAnsweredAt !== undefined) {
    entry.mfaAnsweredAt = undefined
    changed = true
  }
  if (reading.pause) {
    const resumeAt = Date.parse(reading.pause.resumeAt)
    if (Number.isFinite(resumeAt)) entry.resumeAt = resumeAt
  }
  if (changed) ctx.registry.touch()

  const ids = {
    jobId,
    connectionId: reading.connectionId,
    step: reading.currentStep?.title,
  }
  if (reading.phase === 'failed' && ctx.registry.once(`log:failed:${jobId}`)) {
    const recovery = recoveryFor(reading.error, {
      job,
      jobId,
      userId: ctx.userId,
      institution: institutionOf(ctx, entry),
    })
    ctx.log('error', {
      type: 'job-failed',
      message: `Job ${jobId} failed at ${reading.failedStep?.title ?? 'an unknown step'}`,
      ...ids,
      step: reading.failedStep?.title,
      code: reading.error?.code,
      recovery: recovery.kind,
    })
  }
  if (reading.phase === 'paused' && ctx.registry.once(`log:paused:${jobId}`)) {
    ctx.log('info', {
      type: 'job-paused',
      message: `Job ${jobId} is paused by Basiq`,
      ...ids,
      code: reading.pause?.code,
      recovery: 'paused',
    })
  }
  if (reading.phase === 'released' || reading.phase === 'complete') {
    // Following a released job is the provider's job, not a watcher's: it must go on after the
    // screen that showed the release unmounts.
    ctx.backgroundJobs.getState().add(jobId, now)
    if (ctx.registry.once(`log:released:${jobId}`)) {
      ctx.log('info', { type: 'job-released', message: `Job ${jobId} released the user`, ...ids })
    }
  }
  if (reading.phase === 'complete' && ctx.registry.once(`log:complete:${jobId}`)) {
    ctx.log('info', { type: 'job-complete', message: `Job ${jobId} is complete`, ...ids })
  }
}

/** The institution cached for a job, when known. */
export function institutionOf(
  ctx: BankConnectContextValue,
  entry: JobEntry,
): Institution | undefined {
  if (entry.institutionId === undefined) return undefined
  return ctx.queryClient.getQueryData<Institution>(institutionQueryKey(entry.institutionId))
}

/** Identifies one MFA challenge, so its expiry countdown and "answered" mark stay with it. */
export function mfaKey(mfa: MfaResult): string {
  return `${mfa.method}\u0000${mfa.input.join('\u0000')}\u0000${mfa.links.response}`
}

/** When the job's clock started for this provider: first seen, or its `created` when older. */
export function jobStartedAt(entry: JobEntry, job: Job | undefined, now: number): number {
  const seen = entry.firstSeenAt ?? now
  // Basiq stamps `created` to the second: the job may be up to 999 ms younger than the stamp, and
  // assuming it older would poll before the schedule means to.
  const created = job === undefined ? Number.NaN : Date.parse(job.created) + 999
  // A `created` in the future (clock skew) says nothing useful.
  return Number.isFinite(created) && created <= now ? Math.min(seen, created) : seen
}

/** Whether an error is one the schedule retries (network, 5xx, 429, garbled answer). */
export function isTransient(error: unknown): boolean {
  return recoveryFor(error).transient
}

/**
 * The polling delay after the query's last update, from `nextPollDelay`. It is a function of the
 * query state (the time of its last update stands in for "now", and the jitter is derived from
 * the state), so every watcher and every re-render computes the same number and React Query does
 * not restart its timer on each render.
 */
function scheduleFor(
  ctx: BankConnectContextValue,
  jobId: string,
  query: JobQuery,
  releaseWhen: ReleaseWhen | undefined,
): number | false {
  if (jobId === '') return false
  const { state } = query
  // Nothing to schedule before this provider's first poll of the job (which creates the entry).
  const entry = ctx.registry.peek(jobId)
  if (entry === undefined) return false
  const at = Math.max(state.dataUpdatedAt, state.errorUpdatedAt, entry.firstSeenAt ?? 0)
  if (at === 0) return false
  const lastFailed = state.status === 'error' && state.error !== null
  if (lastFailed && !isTransient(state.error)) return false

  const reading: JobInterpretation | undefined =
    state.data === undefined ? undefined : interpretParsedJob(state.data, { releaseWhen })
  const institution = institutionOf(ctx, entry)
  const durations = institution?.stats.averageDurationMs ?? undefined
  const start = jobStartedAt(entry, state.data, at)
  const shift = entry.restartedAt === undefined ? 0 : Math.max(0, entry.restartedAt - start)
  const configured = ctx.pollSchedule ?? {}

  const pollState: PollState = {
    phase: reading?.phase ?? 'unknown',
    elapsedMs: at - start,
    expectedVerifyMs: durations?.verifyCredentials ?? null,
    expectedTotalMs: durations?.total ?? null,
    consecutiveFailures: lastFailed ? entry.consecutiveFailures : 0,
    random: seededUnit(`${jobId}:${state.errorUpdateCount}:${state.dataUpdateCount}`),
  }
  const retryAfter = lastFailed ? (state.error as Partial<BasiqApiError>).retryAfterMs : undefined
  if (typeof retryAfter === 'number' && retryAfter >= 0) pollState.retryAfterMs = retryAfter
  if (reading?.pause) {
    const resumeAt = Date.parse(reading.pause.resumeAt)
    if (Number.isFinite(resumeAt)) pollState.pauseRemainingMs = Math.max(0, resumeAt - at)
  } else if (entry.resumeAt !== undefined && at >= entry.resumeAt) {
    pollState.sinceResumeMs = at - entry.resumeAt
  }
  if (reading?.phase === 'mfa-required' && entry.mfaAnsweredAt !== undefined) {
    pollState.sinceMfaAnswerMs = Math.max(0, at - entry.mfaAnsweredAt)
  }

  const delay = nextPollDelay(pollState, {
    ...configured,
    timeoutMs: (configured.timeoutMs ?? DEFAULT_POLL_TIMEOUT_MS) + shift,
    backgroundTimeoutMs: (configured.backgroundTimeoutMs ?? DEFAULT_BACKGROUND_TIMEOUT_MS) + shift,
  })
  const terminal = reading?.phase === 'complete' || reading?.phase === 'failed'
  if (delay === false && !terminal && entry.stoppedAt === undefined) {
    // React Query may ask for the interval while a component renders (when it builds an
    // observer): record and report the give-up just after, never during a render.
    queueMicrotask(() => markStopped(ctx, jobId, entry, at, start, reading))
  }
  return delay
}

function markStopped(
  ctx: BankConnectContextValue,
  jobId: string,
  entry: JobEntry,
  at: number,
  start: number,
  reading: JobInterpretation | undefined,
): void {
  if (entry.stoppedAt === undefined) {
    entry.stoppedAt = at
    const recovery = recoveryFor(new JobTimeoutError(at - start, jobId), {
      jobId,
      userId: ctx.userId,
      ...(reading?.connectionId ? { connectionId: reading.connectionId } : {}),
    })
    ctx.log('error', {
      type: 'job-timed-out',
      message: `Stopped polling job ${jobId} after ${Math.round((at - start) / 1000)} s`,
      jobId,
      connectionId: reading?.connectionId,
      step: reading?.currentStep?.title,
      code: 'timeout',
      recovery: recovery.kind,
    })
    ctx.registry.touch()
  }
}

/** The recovery `useJob` shows, from the job, the last poll and the schedule. */
export function recoveryOf(args: {
  jobId: string
  userId: string
  job: Job | undefined
  reading: JobInterpretation | undefined
  error: unknown
  lastFailed: boolean
  stoppedAt: number | undefined
  startedAt: number | undefined
  institution: Institution | undefined
}): Recovery | undefined {
  const { jobId, userId, job, reading, error, lastFailed, institution } = args
  const context = {
    jobId,
    userId,
    ...(job ? { job } : {}),
    ...(institution ? { institution } : {}),
    ...(reading?.connectionId ? { connectionId: reading.connectionId } : {}),
  }
  if (reading?.phase === 'failed') return recoveryFor(reading.error, context)
  if (lastFailed && !isTransient(error)) return recoveryFor(error, context)
  if (args.stoppedAt !== undefined) {
    const waited = args.stoppedAt - (args.startedAt ?? args.stoppedAt)
    return recoveryFor(new JobTimeoutError(waited, jobId), context)
  }
  if (lastFailed) return recoveryFor(error, context)
  if (reading?.phase === 'paused' && reading.pause) {
    return recoveryFor(reading.pause, { ...context, step: reading.currentStep?.title })
  }
  return undefined
}

// A tiny string hash → [0, 1): the same state always jitters the same way (see scheduleFor), while
// different jobs and different failures still spread out.
function seededUnit(seed: string): () => number {
  let hash = 2166136261
  for (let index = 0; index < seed.length; index += 1) {
    hash ^= seed.charCodeAt(index)
    hash = Math.imul(hash, 16777619)
  }
  const value = (hash >>> 0) / 2 ** 32
  return () => value
}
