import type { MfaChallenge, StepFailure } from './personas.ts'
import { mfaRejectedFailure, mfaTimedOutFailure } from './personas.ts'

/** Step titles the sandbox's connection jobs use, in order. */
export type StepTitle =
  'verify-credentials' | 'mfa-challenge' | 'retrieve-accounts' | 'retrieve-transactions'

/** Step statuses, as Basiq reports them. */
export type StepStatus = 'pending' | 'in-progress' | 'success' | 'failed'

/** A successful step's result: a link, RELATIVE like Basiq's (`/users/{u}/connections/{c}`). */
export interface LinkResult {
  type: 'link'
  url: string
}

/** The `mfa-challenge` step's result while it waits for an answer (and after it is passed). */
export interface MfaResult {
  type: 'mfa'
  method: MfaChallenge['method']
  description: string
  input: string[]
  expiryMs: number
  links: { response: string }
}

/**
 * The sandbox's representation of Basiq's duplicate-credentials pause (Basiq does not document the
 * wire form): on the verify-credentials step, while every step is still `pending`.
 */
export interface PauseResult {
  type: 'pause'
  code: 'credentials-in-use'
  title: string
  detail: string
  /** ISO time (no milliseconds) at which the job starts running. */
  resumeAt: string
}

/** Any step result. */
export type StepResult = LinkResult | MfaResult | PauseResult | StepFailure

/** One step on the wire. */
export interface JobStep {
  title: StepTitle
  status: StepStatus
  result: StepResult | null
}

/** One planned step: how long it runs and how it ends. */
export interface PlannedStep {
  title: StepTitle
  /** Run time; for `mfa-challenge` the processing time after a correct answer. */
  durationMs: number
  /** How the step fails, or `undefined` when it succeeds. */
  failure?: StepFailure
}

/** Everything decided when a job is created; the job's state at any time follows from it. */
export interface JobPlan {
  createdAt: number
  /** When the duplicate-credentials pause ends, or `null` when the job is not paused. */
  pausedUntil: number | null
  /** When the first step starts (after pause and queue delay). */
  runStartAt: number
  steps: PlannedStep[]
  /** The challenge for the `mfa-challenge` step, when there is one. */
  mfa: MfaChallenge | null
  mfaExpiryMs: number
}

/** A submitted MFA answer. */
export interface MfaAnswer {
  at: number
  accepted: boolean
}

/** Links the step results need. */
export interface JobLinks {
  /** `/users/{u}/connections/{c}` */
  connectionPath: string
  /** `/users/{u}/accounts?filter=institution.id.eq('…')` */
  accountsPath: string
  /** `/users/{u}/transactions?filter=institution.id.eq('…')` */
  transactionsPath: string
  /** Absolute URL of `POST /jobs/{id}/mfa`. */
  mfaResponseUrl: string
}

/** A step's state with the time it last changed. */
export interface StepState extends JobStep {
  changedAt: number
}

/** A job's state at one instant. */
export interface JobState {
  steps: StepState[]
  /** Latest change time at or before `now` (the job's `updated`). */
  updatedAt: number
  /** When the job ended (a step failed or the last step succeeded), or `null` while it runs. */
  finishedAt: number | null
  /** `true` while the `mfa-challenge` step waits for an answer. */
  awaitingMfa: boolean
  /** `true` while the duplicate-credentials pause lasts. */
  paused: boolean
}

/** ISO-8601 without milliseconds, as Basiq's timestamps are (`2020-09-09T11:06:52Z`). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

function successResult(title: StepTitle, links: JobLinks): LinkResult | null {
  switch (title) {
    case 'verify-credentials':
      return { type: 'link', url: links.connectionPath }
    case 'retrieve-accounts':
      return { type: 'link', url: links.accountsPath }
    case 'retrieve-transactions':
      return { type: 'link', url: links.transactionsPath }
    case 'mfa-challenge':
      return null
  }
}

function mfaResult(plan: JobPlan, links: JobLinks): MfaResult | null {
  if (!plan.mfa) return null
  return {
    type: 'mfa',
    method: plan.mfa.method,
    description: plan.mfa.description,
    input: [...plan.mfa.input],
    expiryMs: plan.mfaExpiryMs,
    links: { response: links.mfaResponseUrl },
  }
}

/**
 * A job's state at `now`, derived from its plan and the MFA answer (if any). Pure: the engine keeps
 * no timers, so any clock (manual, fake timers, wall time) drives it.
 *
 * - Before its start a step is `pending`, between start and end `in-progress` (result `null`), then
 *   `success` with a link or `failed` with `{code, title, detail}`.
 * - A failed step ends the job; the steps after it stay `pending` with result `null`.
 * - `mfa-challenge` starts when verify-credentials succeeds and is `in-progress` with the mfa result
 *   until answered or expired; a correct answer succeeds after the step's processing time (the mfa
 *   result stays, as Basiq shows it), a wrong one fails after that time, no answer fails with
 *   `job-timed-out` at expiry.
 * - While paused, every step is `pending` and verify-credentials carries the pause result.
 */
export function computeJobState(
  plan: JobPlan,
  answer: MfaAnswer | null,
  now: number,
  links: JobLinks,
): JobState {
  if (plan.pausedUntil !== null && now < plan.pausedUntil) {
    const steps: StepState[] = plan.steps.map((step, index) => ({
      title: step.title,
      status: 'pending',
      result:
        index === 0
          ? {
              type: 'pause',
              code: 'credentials-in-use',
              title: 'Connection paused',
              detail: `A connection with the same credentials is already in progress, so this job is paused to avoid locking the account. It resumes at ${isoSeconds(plan.pausedUntil ?? now)}.`,
              resumeAt: isoSeconds(plan.pausedUntil ?? now),
            }
          : null,
      changedAt: plan.createdAt,
    }))
    return { steps, updatedAt: plan.createdAt, finishedAt: null, awaitingMfa: false, paused: true }
  }

  const steps: StepState[] = []
  let cursor = plan.runStartAt
  let finishedAt: number | null = null
  let awaitingMfa = false
  let stopped = false
  let updatedAt = plan.pausedUntil !== null ? Math.min(now, plan.pausedUntil) : plan.createdAt

  for (const step of plan.steps) {
    if (stopped) {
      steps.push({ title: step.title, status: 'pending', result: null, changedAt: plan.createdAt })
      continue
    }
    const start = cursor
    if (now < start) {
      steps.push({ title: step.title, status: 'pending', result: null, changedAt: plan.createdAt })
      stopped = true
      continue
    }
    if (step.title === 'mfa-challenge') {
      const challenge = mfaResult(plan, links)
      const deadline = start + plan.mfaExpiryMs
      const answered = answer !== null && answer.at >= start && answer.at < deadline ? answer : null
      if (answered) {
        const end = answered.at + step.durationMs
        if (now < end) {
          steps.push({
            title: step.title,
            status: 'in-progress',
            result: challenge,
            changedAt: answered.at,
          })
          updatedAt = Math.max(updatedAt, answered.at)
          stopped = true
          continue
        }
        if (answered.accepted) {
          steps.push({ title: step.title, status: 'success', result: challenge, changedAt: end })
          updatedAt = Math.max(updatedAt, end)
          cursor = end
          continue
        }
        steps.push({
          title: step.title,
          status: 'failed',
          result: { ...mfaRejectedFailure },
          changedAt: end,
        })
        updatedAt = Math.max(updatedAt, end)
        finishedAt = end
        stopped = true
        continue
      }
      if (now < deadline) {
        steps.push({
          title: step.title,
          status: 'in-progress',
          result: challenge,
          changedAt: start,
        })
        updatedAt = Math.max(updatedAt, start)
        awaitingMfa = true
        stopped = true
        continue
      }
      steps.push({
        title: step.title,
        status: 'failed',
        result: { ...mfaTimedOutFailure },
        changedAt: deadline,
      })
      updatedAt = Math.max(updatedAt, deadline)
      finishedAt = deadline
      stopped = true
      continue
    }

    const end = start + step.durationMs
    if (now < end) {
      steps.push({ title: step.title, status: 'in-progress', result: null, changedAt: start })
      updatedAt = Math.max(updatedAt, start)
      stopped = true
      continue
    }
    if (step.failure) {
      steps.push({
        title: step.title,
        status: 'failed',
        result: { ...step.failure },
        changedAt: end,
      })
      updatedAt = Math.max(updatedAt, end)
      finishedAt = end
      stopped = true
      continue
    }
    steps.push({
      title: step.title,
      status: 'success',
      result: successResult(step.title, links),
      changedAt: end,
    })
    updatedAt = Math.max(updatedAt, end)
    cursor = end
  }

  if (!stopped && finishedAt === null) finishedAt = cursor
  return { steps, updatedAt, finishedAt, awaitingMfa, paused: false }
}
