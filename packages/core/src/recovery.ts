import { isBasiqError } from './errors.ts'
import type { BasiqApiError, BasiqError, BasiqParseError } from './errors.ts'
import { MALFORMED_JOB_CODE, interpretParsedJob } from './interpret-job.ts'
import type { Institution, Job } from './schemas.ts'

/**
 * Something the user (or the kit on their behalf) can do about a failure:
 * - `re-enter-credentials`: type the login details again (a new connection attempt);
 * - `act-in-bank`: log in to the bank's website and clear what it asks for (new terms, a popup);
 * - `pick-another-bank`: go back to the bank picker;
 * - `try-later`: come back later (the bank or Basiq is down);
 * - `wait`: nothing to do, the kit carries on by itself (see `retryAfterMs`);
 * - `retry`: try the same thing again now (or after `retryAfterMs`);
 * - `contact-support`: get in touch, quoting the ids in `support`.
 */
export type RecoveryAction =
  | 're-enter-credentials'
  | 'act-in-bank'
  | 'pick-another-bank'
  | 'try-later'
  | 'wait'
  | 'retry'
  | 'contact-support'

/** Which kind of failure a {@link Recovery} is about; `messageKey` is `recovery.<kind>`. */
export type RecoveryKind =
  | 'invalid-credentials'
  | 'user-action-required'
  | 'institution-down'
  | 'service-unavailable'
  | 'paused'
  | 'mfa-failed'
  | 'mfa-expired'
  | 'rate-limited'
  | 'transport'
  | 'session-expired'
  | 'timeout'
  | 'unknown'

/** Ids to quote to support (and to log with the error); only the known ones are present. */
export interface RecoverySupport {
  /** Basiq user id. */
  userId?: string
  /** Connection id. */
  connectionId?: string
  /** Job id. */
  jobId?: string
  /** Basiq's `correlationId` of the failed request, when there was one. */
  correlationId?: string
  /** The Basiq (or HTTP error) code, e.g. `'invalid-credentials'`. */
  code?: string
  /** The job step the failure happened at, e.g. `'verify-credentials'`. */
  step?: string
}

/** What the user can do about a failure, for the UI to render. */
export interface Recovery {
  /** The kind of failure. */
  kind: RecoveryKind
  /** Key into the kit's messages (the React package owns the text): `recovery.<kind>`. */
  messageKey: `recovery.${string}`
  /** What the user can do, in the order a UI should offer them, primary first. */
  actions: RecoveryAction[]
  /**
   * How long until trying again makes sense, in milliseconds: the pause's time left, a
   * `Retry-After`, or 10 minutes for a bank that is temporarily unavailable. `undefined` = no
   * particular delay (or unknown).
   */
  retryAfterMs: number | undefined
  /**
   * Basiq's own explanation, passed on to the user because it helps (e.g. "Account is locked").
   * `undefined` when there is none or it is not meant for users.
   */
  detail: string | undefined
  /**
   * `true` when the kit is still trying by itself (network trouble, rate limit, pause): show
   * "still trying", not a failure.
   */
  transient: boolean
  /** Ids to show for support and to log. */
  support: RecoverySupport
}

/** What {@link recoveryFor} may know besides the error; every field is optional. */
export interface RecoveryContext {
  /** The institution of the connection; its `status` tells a bank outage from a passing glitch. */
  institution?: Institution
  /** The job the error belongs to: supplies `jobId`, `connectionId`, `userId` and the step. */
  job?: Job
  /** The current time (ms since the epoch), for the pause countdown. Default `Date.now()`. */
  now?: number
  /** Basiq user id (overrides the one read from `job`). */
  userId?: string
  /** Job id (overrides `job.id`). */
  jobId?: string
  /** Connection id (overrides the one read from `job`). */
  connectionId?: string
  /** The step the error happened at (overrides the job's failed step). */
  step?: string
}

/**
 * Basiq's advice for a bank that is unavailable but not in a major outage: wait 10 minutes, then
 * try again.
 */
export const SERVICE_UNAVAILABLE_RETRY_MS = 10 * 60_000

const TIMEOUT_BRAND = Symbol.for('bankconnect.JobTimeoutError')

/**
 * Polling gave up: the job did not reach the expected phase within the time limit (see
 * `nextPollDelay`). The job itself may still finish; the kit just stopped waiting.
 */
export class JobTimeoutError extends Error {
  /** How long the kit waited, in milliseconds. */
  readonly elapsedMs: number
  /** The job, when known. */
  readonly jobId: string | undefined

  constructor(elapsedMs: number, jobId?: string) {
    const seconds = Number.isFinite(elapsedMs) ? Math.round(elapsedMs / 1000) : 0
    super(`Stopped waiting for job ${jobId ?? '(unknown)'} after ${seconds} s`)
    this.name = 'JobTimeoutError'
    this.elapsedMs = elapsedMs
    this.jobId = jobId
    Object.defineProperty(this, TIMEOUT_BRAND, { value: true })
  }
}

/** Whether `error` is a {@link JobTimeoutError}, across duplicated copies of this package. */
export function isJobTimeoutError(error: unknown): error is JobTimeoutError {
  return typeof error === 'object' && error !== null && TIMEOUT_BRAND in error
}

const SERVICE_CODES: ReadonlySet<string> = new Set([
  'service-unavailable',
  'system-unavailable',
  'maintenance',
  'institution-not-available',
])
const USER_ACTION_CODES: ReadonlySet<string> = new Set([
  'account-not-accessible-requires-user-action',
  'user-action-required',
])

/**
 * Turns any failure into what the user can do about it. Never throws.
 *
 * `error` may be:
 * - a job step's error result (`{ type: 'error', code, title, detail }`, or Basiq's raw
 *   `{ code, title, detail }`): `invalid-credentials` → re-enter (on `mfa-challenge`:
 *   `mfa-failed`); `job-timed-out` on `mfa-challenge` → `mfa-expired`;
 *   `account-not-accessible-requires-user-action` / `user-action-required` → act in the bank,
 *   then retry; `service-unavailable` / `system-unavailable` / `maintenance` /
 *   `institution-not-available` → `institution-down` when the institution's status is
 *   `major-outage`, else `service-unavailable` (retry in 10 minutes); other codes → `unknown`;
 * - a pause result (`{ type: 'pause', resumeAt }`) → `paused`, `retryAfterMs` = time left;
 * - a `BasiqError`: 429 → `rate-limited` (its `Retry-After`), 5xx, network and parse errors →
 *   `transport` (the kit keeps polling), 401 and 403 `access-denied` → `session-expired`, others
 *   → `unknown`;
 * - a {@link JobTimeoutError} or the string `'timeout'` → `timeout`;
 * - anything else → `unknown` with `contact-support`.
 *
 * `support` always carries every id known from the error and the context.
 */
export function recoveryFor(error: unknown, context?: RecoveryContext): Recovery {
  try {
    return recover(error, readContext(context))
  } catch {
    // Only reachable through hostile values (throwing getters); the UI still needs something.
    return build('unknown', ['retry', 'contact-support'], {}, {})
  }
}

interface Known {
  institutionStatus: string | undefined
  now: number
  step: string | undefined
  ids: Pick<RecoverySupport, 'userId' | 'connectionId' | 'jobId'>
  pauseStep: string | undefined
}

function readContext(context: unknown): Known {
  const ctx = isRecord(context) ? context : {}
  // Only ids and step titles are read from the job, so it is not parsed again: a job that is not
  // one reads as malformed, whose ids come from whatever fields it does have.
  const fromJob = ctx.job === undefined ? undefined : interpretParsedJob(ctx.job as Job)
  const jobId = text(ctx.jobId) ?? (isRecord(ctx.job) ? text(ctx.job.id) : undefined)
  const institution = isRecord(ctx.institution) ? ctx.institution : {}
  const now = typeof ctx.now === 'number' && Number.isFinite(ctx.now) ? ctx.now : Date.now()
  return {
    institutionStatus: text(institution.status),
    now,
    step: text(ctx.step) ?? text(fromJob?.failedStep?.title),
    pauseStep:
      text(ctx.step) ??
      (fromJob?.phase === 'paused' ? text(fromJob.currentStep?.title) : undefined),
    ids: {
      userId: text(ctx.userId) ?? text(fromJob?.userId),
      connectionId: text(ctx.connectionId) ?? text(fromJob?.connectionId),
      jobId,
    },
  }
}

function recover(error: unknown, known: Known): Recovery {
  if (error === 'timeout' || isJobTimeoutError(error)) {
    const jobId = isJobTimeoutError(error) ? text(error.jobId) : undefined
    return build(
      'timeout',
      ['retry', 'contact-support'],
      { ...known.ids, jobId: known.ids.jobId ?? jobId },
      {},
    )
  }
  if (isBasiqError(error)) return recoverTransport(error, known)
  if (!isRecord(error)) return build('unknown', ['retry', 'contact-support'], known.ids, {})

  if (error.type === 'pause') {
    const resumeAt = typeof error.resumeAt === 'string' ? Date.parse(error.resumeAt) : Number.NaN
    return build(
      'paused',
      ['wait'],
      { ...known.ids, code: text(error.code), step: known.pauseStep },
      {
        retryAfterMs: Number.isNaN(resumeAt) ? undefined : Math.max(0, resumeAt - known.now),
        detail: text(error.detail),
        transient: true,
      },
    )
  }

  const code = error.type === 'error' || error.type === undefined ? text(error.code) : undefined
  if (code === undefined) return build('unknown', ['retry', 'contact-support'], known.ids, {})
  const support = { ...known.ids, code, step: known.step }
  // The synthetic code of an unreadable job carries a developer message, not Basiq's words.
  const detail =
    code === MALFORMED_JOB_CODE ? undefined : (text(error.detail) ?? text(error.details))
  const onMfa = known.step === 'mfa-challenge'

  if (code === 'invalid-credentials') {
    const kind = onMfa ? 'mfa-failed' : 'invalid-credentials'
    return build(kind, ['re-enter-credentials', 'pick-another-bank'], support, { detail })
  }
  if (code === 'job-timed-out' && onMfa) {
    return build('mfa-expired', ['re-enter-credentials', 'pick-another-bank'], support, { detail })
  }
  if (code === 'job-timed-out') {
    return build('timeout', ['retry', 'contact-support'], support, { detail })
  }
  if (USER_ACTION_CODES.has(code)) {
    return build('user-action-required', ['act-in-bank', 'retry'], support, { detail })
  }
  if (SERVICE_CODES.has(code)) {
    // Basiq's advice: a major outage is widespread, so wait until the status lifts; anything else
    // is worth another try in 10 minutes, and support if it persists.
    if (known.institutionStatus === 'major-outage') {
      return build('institution-down', ['try-later', 'pick-another-bank'], support, { detail })
    }
    return build(
      'service-unavailable',
      ['try-later', 'pick-another-bank', 'contact-support'],
      support,
      {
        detail,
        retryAfterMs: SERVICE_UNAVAILABLE_RETRY_MS,
      },
    )
  }
  return build('unknown', ['retry', 'contact-support'], support, { detail })
}

function recoverTransport(error: BasiqError, known: Known): Recovery {
  const support: RecoverySupport = { ...known.ids }
  const correlationId = text((error as Partial<BasiqApiError | BasiqParseError>).correlationId)
  if (correlationId !== undefined) support.correlationId = correlationId
  if (error.kind === 'network' || error.kind === 'parse') {
    // A dropped connection or a garbled answer says nothing about the job: poll again.
    return build('transport', ['wait'], support, { transient: true })
  }
  const api = error as BasiqApiError
  const status = typeof api.status === 'number' ? api.status : 0
  support.code = text(api.code)
  const retryAfterMs = validDelay(api.retryAfterMs)
  if (status === 429)
    return build('rate-limited', ['wait'], support, { retryAfterMs, transient: true })
  if (status >= 500) return build('transport', ['wait'], support, { retryAfterMs, transient: true })
  // The client already retried once with a fresh token, so the session itself is gone.
  if (status === 401 || (status === 403 && api.code === 'access-denied')) {
    return build('session-expired', ['retry', 'contact-support'], support, {})
  }
  return build('unknown', ['retry', 'contact-support'], support, {})
}

function build(
  kind: RecoveryKind,
  actions: RecoveryAction[],
  support: RecoverySupport,
  extra: { retryAfterMs?: number | undefined; detail?: string | undefined; transient?: boolean },
): Recovery {
  const cleaned: RecoverySupport = {}
  for (const key of ['userId', 'connectionId', 'jobId', 'correlationId', 'code', 'step'] as const) {
    const value = support[key]
    if (value !== undefined) cleaned[key] = value
  }
  return {
    kind,
    messageKey: `recovery.${kind}`,
    actions,
    retryAfterMs: extra.retryAfterMs,
    detail: extra.detail,
    transient: extra.transient ?? false,
    support: cleaned,
  }
}

function validDelay(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
