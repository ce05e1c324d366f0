import { BasiqParseError } from './errors.ts'
import { JobSchema, parseResource } from './schemas.ts'
import type {
  ErrorResult,
  Job,
  JobStep,
  MfaResult,
  PauseResult,
  StepResult,
  StepTitle,
} from './schemas.ts'

/**
 * Where a connection job stands, from the user's point of view:
 * - `pending`: queued, no step has started;
 * - `verifying`: working with the bank (logging in, or a step the release waits for);
 * - `mfa-required`: the bank asks the user for a one-time code or security answers;
 * - `paused`: held back by Basiq's duplicate-credentials pause (see `pause.resumeAt`);
 * - `released`: credentials verified (and MFA passed): the user may move on while data syncs;
 * - `complete`: every step succeeded;
 * - `failed`: a step failed (or the job could not be read), see `error`.
 */
export type JobPhase =
  'pending' | 'verifying' | 'mfa-required' | 'paused' | 'released' | 'complete' | 'failed'

/**
 * What must also hold before a job releases the user: a step title that must have succeeded, or a
 * predicate over the job. It can only hold the release back, never bring it forward: it is only
 * consulted once `verify-credentials` succeeded and no `mfa-challenge` is waiting.
 */
export type ReleaseWhen = StepTitle | ((job: Job) => boolean)

/** Options of {@link interpretJob}. */
export interface InterpretJobOptions {
  /**
   * An extra condition for the release, on top of the safety rule (`verify-credentials` succeeded
   * and no `mfa-challenge` pending or in progress). Default: none, release as soon as the safety
   * rule holds. A title the job does not have, a predicate that throws or returns anything but
   * `true`, or a value of another type holds the release back until the job completes.
   */
  releaseWhen?: ReleaseWhen
}

/** A job read for the UI: the phase and everything a screen needs to show it. */
export interface JobInterpretation {
  /** Where the job stands; see {@link JobPhase}. */
  phase: JobPhase
  /**
   * The step running, or the next one waiting; the failed step when `phase` is `failed`;
   * `undefined` when the job is complete or could not be read.
   */
  currentStep: JobStep | undefined
  /** The first step whose status is `failed`, if any. */
  failedStep: JobStep | undefined
  /**
   * The failed step's error. A failed step without one gets `{ code: 'unknown-error' }`; a value
   * that is not a job gets `{ code: 'malformed-job' }` ({@link MALFORMED_JOB_CODE}).
   */
  error: ErrorResult | undefined
  /** The challenge to answer, when `phase` is `mfa-required`. */
  mfa: MfaResult | undefined
  /** The pause and its `resumeAt`, when `phase` is `paused`. */
  pause: PauseResult | undefined
  /** Connection id, from verify-credentials' link result or `links.source`. */
  connectionId: string | undefined
  /** Basiq user id, from the same URL. */
  userId: string | undefined
  /** Institution id, from `job.institution` or an `institution.id.eq(…)` filter in a result URL. */
  institutionId: string | undefined
}

/** `error.code` of the interpretation of a value that is not a valid job. Not a Basiq code. */
export const MALFORMED_JOB_CODE = 'malformed-job'

const VERIFY: StepTitle = 'verify-credentials'
const MFA: StepTitle = 'mfa-challenge'

/**
 * Reads a Basiq job (`GET /jobs/{id}`, parsed or raw JSON) into a {@link JobInterpretation}.
 * Pure and total: it never throws, whatever it is given.
 *
 * Rules, in order:
 * 1. A value that does not match the job schema → `failed` with error code `malformed-job`.
 * 2. Any step `failed` → `failed` (a failed step ends the job, even after the release).
 * 3. Safety rule: every `verify-credentials` step succeeded (a job without one is never released)
 *    and every `mfa-challenge` step succeeded. An MFA step with a status this kit does not know
 *    (e.g. `skipped`) only counts as passed once a later step has visibly started.
 *    If the safety rule holds: every step `success` → `complete`; else `releaseWhen` satisfied →
 *    `released`.
 * 4. Otherwise: a `pending` step carrying a pause result (and nothing running) → `paused`; an
 *    `mfa-challenge` in progress with a challenge → `mfa-required`; every step `pending` →
 *    `pending`; anything else → `verifying`.
 *
 * Unknown step titles and statuses never crash and never count as success, so they can delay a
 * release or completion but never bring one forward.
 *
 * @param job the job, as parsed by the client or as raw JSON.
 * @param options `{ releaseWhen }`; default: release on the safety rule alone.
 */
export function interpretJob(job: unknown, options?: InterpretJobOptions): JobInterpretation {
  let parsed: Job
  try {
    parsed = parseResource(JobSchema, job, { what: 'job' })
  } catch (error) {
    return malformed(job, error)
  }
  return interpretParsedJob(parsed, options)
}

/**
 * {@link interpretJob} for a job that was already parsed at the boundary (every job the client
 * returns was): the same rules without parsing again, so code that only reads jobs from the client
 * does not carry the schema library, and a poll is parsed once, not at every look. Still total: a
 * value that breaks the reading (not a job after all, a getter that throws) gives the malformed
 * interpretation instead of an exception.
 *
 * @param job a job from `client.getJob` (or `parseResource(JobSchema, …)`).
 * @param options `{ releaseWhen }`; default: release on the safety rule alone.
 */
export function interpretParsedJob(job: Job, options?: InterpretJobOptions): JobInterpretation {
  try {
    return interpretParsed(job, releaseWhenOf(options))
  } catch (error) {
    return malformed(job, error)
  }
}

function releaseWhenOf(options: unknown): unknown {
  // DESIGN.md writes the call as `interpretJob(job, releaseWhen)`; accept that form at runtime too.
  if (typeof options === 'string' || typeof options === 'function') return options
  if (typeof options === 'object' && options !== null && 'releaseWhen' in options) {
    return options.releaseWhen
  }
  return undefined
}

function interpretParsed(job: Job, releaseWhen: unknown): JobInterpretation {
  const steps = job.steps
  const ids = idsOf(job)
  const base = { ...ids, failedStep: undefined, error: undefined, mfa: undefined, pause: undefined }

  const failedStep = steps.find((step) => step.status === 'failed')
  if (failedStep) {
    return {
      ...base,
      phase: 'failed',
      currentStep: failedStep,
      failedStep,
      error: errorOf(failedStep.result),
    }
  }

  const current = currentStepOf(steps)
  if (safeToRelease(steps)) {
    // A finished job will not change any more, so `releaseWhen` cannot hold it back.
    if (steps.every((step) => step.status === 'success')) {
      return { ...base, phase: 'complete', currentStep: undefined }
    }
    if (releaseConditionHolds(job, releaseWhen)) {
      return { ...base, phase: 'released', currentStep: current }
    }
  }

  const running = steps.some((step) => step.status === 'in-progress')
  const pausedStep = running
    ? undefined
    : steps.find((step) => step.status === 'pending' && step.result?.type === 'pause')
  if (pausedStep?.result?.type === 'pause') {
    return { ...base, phase: 'paused', currentStep: current, pause: pausedStep.result }
  }

  const challenge = steps.find(
    (step) => step.title === MFA && step.status === 'in-progress' && step.result?.type === 'mfa',
  )
  if (challenge?.result?.type === 'mfa') {
    return { ...base, phase: 'mfa-required', currentStep: challenge, mfa: challenge.result }
  }

  const phase = steps.every((step) => step.status === 'pending') ? 'pending' : 'verifying'
  return { ...base, phase, currentStep: current }
}

function safeToRelease(steps: readonly JobStep[]): boolean {
  const verify = steps.filter((step) => step.title === VERIFY)
  if (verify.length === 0 || !verify.every((step) => step.status === 'success')) return false
  return steps.every((step, index) => step.title !== MFA || mfaPassed(steps, index))
}

function mfaPassed(steps: readonly JobStep[], index: number): boolean {
  const status = steps[index]?.status
  if (status === 'success') return true
  if (status === 'pending' || status === 'in-progress' || status === 'failed') return false
  // A status this kit does not know: the challenge is only behind us if the job visibly moved on.
  return steps
    .slice(index + 1)
    .some((later) => later.status === 'in-progress' || later.status === 'success')
}

function releaseConditionHolds(job: Job, releaseWhen: unknown): boolean {
  if (releaseWhen === undefined) return true
  if (typeof releaseWhen === 'string') {
    const matching = job.steps.filter((step) => step.title === releaseWhen)
    return matching.length > 0 && matching.every((step) => step.status === 'success')
  }
  if (typeof releaseWhen === 'function') {
    try {
      return releaseWhen(job) === true
    } catch {
      return false
    }
  }
  return false
}

function currentStepOf(steps: readonly JobStep[]): JobStep | undefined {
  return (
    steps.find((step) => step.status === 'in-progress') ??
    steps.find((step) => step.status !== 'success')
  )
}

function errorOf(result: StepResult | null): ErrorResult {
  if (result?.type === 'error') return result
  return { type: 'error', code: 'unknown-error', title: '', detail: '' }
}

function malformed(input: unknown, error: unknown): JobInterpretation {
  const issues =
    error instanceof BasiqParseError
      ? error.issues.slice(0, 5).join('; ')
      : 'the value could not be read as a job'
  return {
    phase: 'failed',
    currentStep: undefined,
    failedStep: undefined,
    error: {
      type: 'error',
      code: MALFORMED_JOB_CODE,
      title: 'Malformed job',
      detail: `The job does not have the expected shape: ${issues}`,
    },
    mfa: undefined,
    pause: undefined,
    ...rawIdsOf(input),
  }
}

type Ids = Pick<JobInterpretation, 'connectionId' | 'userId' | 'institutionId'>

function idsOf(job: Job): Ids {
  const verifyResult = job.steps.find((step) => step.title === VERIFY)?.result
  const connection =
    connectionPath(verifyResult?.type === 'link' ? verifyResult.url : undefined) ??
    connectionPath(job.links?.source)
  let institutionId = nonEmpty(job.institution?.id)
  for (const step of job.steps) {
    if (institutionId !== undefined) break
    if (step.result?.type === 'link') institutionId = institutionFilter(step.result.url)
  }
  return { connectionId: connection?.connectionId, userId: connection?.userId, institutionId }
}

// Best effort for a value that failed to parse: support still wants the ids it carries.
function rawIdsOf(input: unknown): Ids {
  try {
    const links = isRecord(input) && isRecord(input.links) ? input.links : undefined
    const source = typeof links?.source === 'string' ? links.source : undefined
    const match = connectionPath(source)
    const institution = isRecord(input) && isRecord(input.institution) ? input.institution : {}
    return {
      connectionId: match?.connectionId,
      userId: match?.userId,
      institutionId: typeof institution.id === 'string' ? nonEmpty(institution.id) : undefined,
    }
  } catch {
    return { connectionId: undefined, userId: undefined, institutionId: undefined }
  }
}

function connectionPath(
  url: string | undefined,
): { userId: string; connectionId: string } | undefined {
  if (url === undefined) return undefined
  const match = /\/users\/([^/?#]+)\/connections\/([^/?#]+)/.exec(url)
  const userId = decode(match?.[1])
  const connectionId = decode(match?.[2])
  return userId && connectionId ? { userId, connectionId } : undefined
}

function institutionFilter(url: string): string | undefined {
  const text = decode(url)
  if (text === undefined) return undefined
  const match = /institution\.id\.eq\(\s*['"]?([^'")\s,]+)/.exec(text)
  return nonEmpty(match?.[1])
}

function decode(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
