import type { JobPhase } from './interpret-job.ts'

/** What {@link nextPollDelay} needs to know about a job being polled. */
export interface PollState {
  /** The job's phase from the last successful poll (`interpretJob`); `'unknown'` before one. */
  phase: JobPhase | 'unknown'
  /**
   * Time since the job was created, in milliseconds (the caller's best estimate), failed polls
   * included. A negative value (clock skew) counts as 0.
   */
  elapsedMs: number
  /**
   * The institution's average verify-credentials duration
   * (`institution.stats.averageDurationMs?.verifyCredentials`). Default
   * {@link DEFAULT_EXPECTED_VERIFY_MS} when absent, `null` or not a positive number.
   */
  expectedVerifyMs?: number | null
  /**
   * The institution's average total job duration (`…averageDurationMs?.total`), to pace background
   * polling after the release. Default {@link DEFAULT_EXPECTED_TOTAL_MS}.
   */
  expectedTotalMs?: number | null
  /**
   * Failed polls in a row (5xx, network error, garbled answer, and a 429 without `Retry-After`).
   * Default 0.
   */
  consecutiveFailures?: number
  /** The last answer's `Retry-After` (429, or a 503 that sent one), in milliseconds. */
  retryAfterMs?: number
  /** Phase `paused`: time until the pause's `resumeAt`, in milliseconds. */
  pauseRemainingMs?: number
  /**
   * Set once a paused job has resumed: time since its `resumeAt`. The job starts over after a
   * pause, so the verify schedule counts from there instead of from `elapsedMs`.
   */
  sinceResumeMs?: number
  /** Set while an MFA answer was submitted and the job does not show its outcome yet. */
  sinceMfaAnswerMs?: number
  /** Jitter source returning a number in [0, 1). Default `Math.random`. */
  random?: () => number
}

/** Options of {@link nextPollDelay}. */
export interface PollScheduleOptions {
  /**
   * Give up (return `false`) once `elapsedMs` reaches this before the release. Default
   * {@link DEFAULT_POLL_TIMEOUT_MS} (15 minutes: a 6-minute pause plus a slow bank fit in it).
   */
  timeoutMs?: number
  /**
   * The same limit after the release (phase `released`). Default
   * {@link DEFAULT_BACKGROUND_TIMEOUT_MS}.
   */
  backgroundTimeoutMs?: number
  /**
   * Background polling interval once the expected total duration has passed. Default
   * {@link DEFAULT_BACKGROUND_INTERVAL_MS}.
   */
  backgroundIntervalMs?: number
  /** Longest backoff after failed polls. Default {@link DEFAULT_MAX_BACKOFF_MS}. */
  maxBackoffMs?: number
}

/**
 * Expected verify-credentials duration when the institution has no statistics (Basiq sends
 * `averageDurationMs: null` without recent jobs): 8 s, in line with the averages Basiq publishes
 * for its test banks (6–9 s).
 */
export const DEFAULT_EXPECTED_VERIFY_MS = 8_000
/** Expected total job duration when the institution has no statistics: 20 s. */
export const DEFAULT_EXPECTED_TOTAL_MS = 20_000
/** Default time limit before the release: 15 minutes. */
export const DEFAULT_POLL_TIMEOUT_MS = 15 * 60_000
/** Default time limit after the release (background sync): 30 minutes. */
export const DEFAULT_BACKGROUND_TIMEOUT_MS = 30 * 60_000
/** Default background polling interval: 5 s. */
export const DEFAULT_BACKGROUND_INTERVAL_MS = 5_000
/** Default cap of the backoff after failed polls: 30 s. */
export const DEFAULT_MAX_BACKOFF_MS = 30_000

// How the verify-credentials schedule is derived.
//
// The release delay is the time from the step's success to the response that shows it. A poller
// that sends one request per cycle (gap + round trip) catches a success somewhere inside a cycle,
// so its delay spreads evenly over about one cycle, while its request count is the waiting time
// divided by the cycle. A fixed interval therefore only picks a point on one curve
// (delay × requests ≈ constant): a shorter interval buys delay with requests. Getting off that
// curve needs to know *when* success is likely, which the institution's average tells:
//
// 1. Skip the early region. verify-credentials logs in to the bank's website, which is most of its
//    average duration; polls before half the average almost always find the step still running.
//    The few connections that do finish earlier wait at most until that first poll. Every poll
//    here costs a request for every connection, which is why there is a single one: a spread much
//    wider than a login's, or a statistic far above the bank's real durations, would call for an
//    earlier first poll (`pnpm bench:polling` prints that sensitivity).
// 2. Poll evenly through the body (½ to 3 × the average) with a short gap. The delay target is a
//    bound for (nearly) everyone, and an even gap is what bounds the delay wherever the success
//    falls: the worst case is gap + 1.5 round trips, and 0.85 s keeps that under one second (what
//    reads as immediate) with a typical 80–100 ms round trip. A shorter gap would multiply
//    requests (and Basiq's load and rate limits) for no visible gain.
// 3. Back off in the tail. Past 3 × the average the estimate is wrong for this connection (a slow
//    bank, a retry inside Basiq); few connections get there and they have already waited long, so
//    a few seconds more matter proportionally less. The gap grows ×1.6 per average of overtime up
//    to 5 s, the slowest interval of Basiq's own sample apps: the kit never polls more lazily.
//
// Nothing here depends on a particular spread of durations: the first poll and the body scale with
// the institution's own average, the gap is a user-facing bound, and the tail rule only decides how
// fast to give up on density.
const FIRST_POLL_FRACTION = 0.5
const DENSE_GAP_MS = 850
const DENSE_UNTIL_FACTOR = 3
const TAIL_GROWTH_PER_EXPECTED = 1.6
const TAIL_CAP_MS = 5_000
// Statistics outside this range are not plausible for a login; clamping keeps a bad value from
// pushing the first poll past the time limit or into a burst of requests.
const MIN_EXPECTED_MS = 1_000
const MAX_EXPECTED_MS = 120_000
// While the user types an MFA answer the job cannot change, except by expiring (minutes).
const MFA_WAITING_MS = 5_000
// After an answer the bank checks it in seconds: poll densely from the answer on.
const MFA_ANSWER_EXPECTED_MS = 5_000
// A paused job cannot move before `resumeAt`; waking at least every 30 s keeps a countdown honest
// if the pause is lifted early or `resumeAt` was wrong.
const PAUSE_MIN_MS = 2_000
const PAUSE_CAP_MS = 30_000
const BACKOFF_BASE_MS = 1_000

const phases: ReadonlySet<string> = new Set([
  'unknown',
  'pending',
  'verifying',
  'mfa-required',
  'paused',
  'released',
  'complete',
  'failed',
])

/**
 * How long to wait after the last response before polling the job again, in milliseconds, or
 * `false` to stop polling (the job is finished, or the time limit is reached: report a timeout).
 *
 * - `complete`, `failed` → `false`; `elapsedMs` at or past the limit (`timeoutMs`, or
 *   `backgroundTimeoutMs` once `released`) → `false`. Failed polls count, since the limit is on
 *   elapsed time. A delay that would cross the limit is shortened to a last poll at the limit.
 * - `unknown`, `pending`, `verifying`: no request before ½ × the expected verify duration, then a
 *   0.85 s gap until 3 × expected, then gaps growing ×1.6 per expected duration of overtime, up to
 *   5 s. After a pause, counted from the resume.
 * - `mfa-required`: 5 s while the user types; right after an answer (`sinceMfaAnswerMs`) the dense
 *   0.85 s gap again, backing off the same way after 15 s.
 * - `paused`: wake at `resumeAt`, at least every 30 s and no more often than every 2 s.
 * - `released`: background polling until complete, paced to the expected total duration (wake
 *   when it should be done, at most 3 × `backgroundIntervalMs` ahead), then every
 *   `backgroundIntervalMs`, slowing as the overtime grows.
 * - failures: at least an exponential backoff with jitter (1 s, 2 s, 4 s … up to `maxBackoffMs`,
 *   each drawn between half and the full value); a `Retry-After` is never undercut.
 *
 * @throws {TypeError} for a `state` without a known `phase` or a finite `elapsedMs`, or an option
 *   that is not a positive number (programming errors, reported with the field's name).
 */
export function nextPollDelay(state: PollState, options?: PollScheduleOptions): number | false {
  const input = checkState(state)
  const limits = checkOptions(options)
  const { phase } = input
  if (phase === 'complete' || phase === 'failed') return false

  const elapsed = Math.max(0, input.elapsedMs)
  const limit = phase === 'released' ? limits.backgroundTimeoutMs : limits.timeoutMs
  const remaining = limit - elapsed
  if (remaining <= 0) return false

  let delay = scheduledDelay(input, elapsed, limits)
  const failures = count(input.consecutiveFailures)
  if (failures > 0) delay = Math.max(delay, backoff(failures, input.random, limits.maxBackoffMs))
  const retryAfter = positive(input.retryAfterMs) ?? 0
  delay = Math.max(delay, retryAfter)

  if (delay > remaining) {
    // A last look at the limit, unless the server asked us not to come back that soon.
    if (retryAfter > remaining) return false
    delay = remaining
  }
  // Rounding must not undercut a fractional Retry-After by a fraction of a millisecond.
  return Math.max(0, Math.round(delay), Math.ceil(retryAfter))
}

function scheduledDelay(
  state: PollState,
  elapsed: number,
  limits: Required<PollScheduleOptions>,
): number {
  const expected = clampExpected(state.expectedVerifyMs, DEFAULT_EXPECTED_VERIFY_MS)
  const sinceAnswer = nonNegative(state.sinceMfaAnswerMs)
  switch (state.phase) {
    case 'released':
      return backgroundDelay(state, elapsed, limits.backgroundIntervalMs)
    case 'paused': {
      const left = nonNegative(state.pauseRemainingMs) ?? PAUSE_CAP_MS
      return Math.min(PAUSE_CAP_MS, Math.max(PAUSE_MIN_MS, left))
    }
    case 'mfa-required':
      if (sinceAnswer === undefined) return MFA_WAITING_MS
      return bodyGap(sinceAnswer, MFA_ANSWER_EXPECTED_MS)
    default: {
      if (sinceAnswer !== undefined) return bodyGap(sinceAnswer, MFA_ANSWER_EXPECTED_MS)
      const running = nonNegative(state.sinceResumeMs) ?? elapsed
      const firstPoll = FIRST_POLL_FRACTION * expected
      if (running < firstPoll) return firstPoll - running
      return bodyGap(running, expected)
    }
  }
}

/** The gap in the body and the tail of the schedule, `since` ms after the reference point. */
function bodyGap(since: number, expected: number): number {
  const overtime = since - DENSE_UNTIL_FACTOR * expected
  if (overtime <= 0) return DENSE_GAP_MS
  return Math.min(TAIL_CAP_MS, DENSE_GAP_MS * TAIL_GROWTH_PER_EXPECTED ** (overtime / expected))
}

function backgroundDelay(state: PollState, elapsed: number, interval: number): number {
  const verify = clampExpected(state.expectedVerifyMs, DEFAULT_EXPECTED_VERIFY_MS)
  const total = Math.max(verify, positive(state.expectedTotalMs) ?? DEFAULT_EXPECTED_TOTAL_MS)
  const left = total - elapsed
  // Wake when the job should be done; once overdue, slow down as the overtime grows (a job twice
  // as slow as usual is likely to take a while more).
  if (left >= interval) return Math.min(left, 3 * interval)
  return Math.min(3 * interval, interval * Math.max(1, elapsed / total))
}

function backoff(failures: number, random: (() => number) | undefined, cap: number): number {
  const ceiling = Math.min(cap, BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 30))
  // "Equal jitter": never less than half the step, so a burst of failures still spreads clients
  // out without ever retrying immediately.
  return ceiling / 2 + unit(random) * (ceiling / 2)
}

function unit(random: (() => number) | undefined): number {
  let value = Number.NaN
  try {
    value = typeof random === 'function' ? Number(random()) : Math.random()
  } catch {
    value = Math.random()
  }
  if (Number.isNaN(value)) return Math.random()
  return Math.min(1, Math.max(0, value))
}

function clampExpected(value: unknown, fallback: number): number {
  const ms = positive(value) ?? fallback
  return Math.min(MAX_EXPECTED_MS, Math.max(MIN_EXPECTED_MS, ms))
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0
}

function checkState(state: unknown): PollState {
  if (typeof state !== 'object' || state === null) {
    throw new TypeError('nextPollDelay: state must be an object like { phase, elapsedMs }')
  }
  const { phase, elapsedMs } = state as Record<string, unknown>
  if (typeof phase !== 'string' || !phases.has(phase)) {
    throw new TypeError(
      `nextPollDelay: state.phase must be one of ${[...phases].join(', ')}; got ${JSON.stringify(phase)}`,
    )
  }
  if (typeof elapsedMs !== 'number' || !Number.isFinite(elapsedMs)) {
    throw new TypeError(
      `nextPollDelay: state.elapsedMs must be a finite number of milliseconds; got ${String(elapsedMs)}`,
    )
  }
  return state as PollState
}

function checkOptions(options: unknown): Required<PollScheduleOptions> {
  const given = (typeof options === 'object' && options !== null ? options : {}) as Record<
    string,
    unknown
  >
  // Limits may be `Infinity` (never give up); intervals must be finite to schedule anything.
  const read = (name: keyof PollScheduleOptions, fallback: number, finite: boolean): number => {
    const value = given[name]
    if (value === undefined) return fallback
    if (
      typeof value !== 'number' ||
      Number.isNaN(value) ||
      value <= 0 ||
      (finite && !Number.isFinite(value))
    ) {
      const what = finite ? 'a positive, finite number' : 'a positive number'
      throw new TypeError(
        `nextPollDelay: options.${name} must be ${what} of milliseconds; got ${String(value)}`,
      )
    }
    return value
  }
  return {
    timeoutMs: read('timeoutMs', DEFAULT_POLL_TIMEOUT_MS, false),
    backgroundTimeoutMs: read('backgroundTimeoutMs', DEFAULT_BACKGROUND_TIMEOUT_MS, false),
    backgroundIntervalMs: read('backgroundIntervalMs', DEFAULT_BACKGROUND_INTERVAL_MS, true),
    maxBackoffMs: read('maxBackoffMs', DEFAULT_MAX_BACKOFF_MS, true),
  }
}
