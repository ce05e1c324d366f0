import type { JobStep, Recovery, RecoveryAction } from '@bankconnect/core'
import { useId } from 'react'
import type { ComponentPropsWithRef, ReactNode } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import type { Messages } from './messages.ts'
import {
  actionText,
  formatCountdown,
  formatDuration,
  phaseText,
  recoveryText,
  stepText,
} from './messages.ts'
import { MfaForm } from './mfa-form.tsx'
import { useCountdown } from './use-countdown.ts'
import { useJob } from './use-job.ts'
import type { UseJobOptions, UseJobResult } from './use-job.ts'
import { useThrottledAnnouncement } from './use-throttled-announcement.ts'

/** A step's state as `data-state`: Basiq's status, with unknown statuses shown as `pending`. */
export type JobStepState = 'pending' | 'in-progress' | 'success' | 'failed'

/** Props of {@link JobProgress}: a `<div>`'s own props, the {@link UseJobOptions}, plus: */
export interface JobProgressProps
  extends Omit<ComponentPropsWithRef<'div'>, 'children'>, UseJobOptions {
  /** The job to show. `undefined` shows an empty, pending progress. */
  jobId: string | undefined
  /**
   * Called when the user picks one of a failure's actions. `'retry'` after a timeout or a refused
   * poll also restarts polling by itself; every other action is yours to carry out (e.g. show the
   * credentials form again for `'re-enter-credentials'`).
   */
  onAction?: (action: RecoveryAction, recovery: Recovery) => void
  /** Renders the MFA step instead of the built-in {@link MfaForm}. */
  renderMfa?: (props: { jobId: string; job: UseJobResult }) => ReactNode
  /** Least time between two live-region announcements, in ms. Default `1500`. */
  announceIntervalMs?: number
}

const DEFAULT_ANNOUNCE_INTERVAL_MS = 1500
const KNOWN_STATES: ReadonlySet<string> = new Set(['pending', 'in-progress', 'success', 'failed'])

/**
 * A job's progress: its steps as an ordered list (`data-slot="job-step"`, `data-state` per step),
 * the usual duration from the bank's statistics and "Taking longer than usual" past it, a polite
 * live region narrating step changes (throttled), the failure view with the recovery's actions,
 * the paused view with a countdown, and the MFA form when the bank asks. The root's `data-state`
 * is the job's phase. Unstyled: no CSS, only `data-*` attributes.
 */
export function JobProgress(props: JobProgressProps): ReactNode {
  const {
    jobId,
    releaseWhen,
    institution,
    institutionId,
    onReleased,
    onComplete,
    onFailed,
    enabled,
    onAction,
    renderMfa,
    announceIntervalMs = DEFAULT_ANNOUNCE_INTERVAL_MS,
    ...divProps
  } = props
  const { messages } = useBankConnect()
  const phaseId = useId()
  const job = useJob(jobId, {
    releaseWhen,
    institution,
    institutionId,
    onReleased,
    onComplete,
    onFailed,
    enabled,
  })
  const { phase, recovery, eta } = job
  const failure = recovery !== undefined && !recovery.transient ? recovery : undefined
  const retrying = recovery?.transient === true && phase !== 'paused'
  const waiting = phase === 'pending' || phase === 'verifying'
  const announcement = useThrottledAnnouncement(
    narration(messages, job, failure),
    announceIntervalMs,
  )

  const handleAction = (action: RecoveryAction, chosen: Recovery): void => {
    onAction?.(action, chosen)
    // Only a stopped poll can be retried from here; a failed job needs a new connection attempt.
    if (action === 'retry' && (phase !== 'failed' || job.job === undefined)) job.retry()
  }

  return (
    <div
      {...divProps}
      data-slot="job-progress"
      data-state={phase}
      aria-busy={job.polling && waiting ? true : undefined}
    >
      <p id={phaseId} data-slot="job-progress-phase">
        {phaseText(messages, phase)}
      </p>
      {waiting && eta.expectedMs !== undefined && !eta.overdue ? (
        <p data-slot="job-progress-estimate">
          {messages['eta.usually']({ duration: formatDuration(eta.expectedMs, messages.locale) })}
        </p>
      ) : null}
      {eta.overdue && !failure ? (
        <p data-slot="job-progress-overdue">{messages['eta.overdue']}</p>
      ) : null}
      {retrying ? (
        <p data-slot="job-progress-retrying" data-state={recovery?.kind}>
          {messages['eta.retrying']}
        </p>
      ) : null}
      <ol data-slot="job-steps">
        {job.steps.map((step, index) => (
          <JobStepItem key={`${index}-${step.title}`} step={step} messages={messages} />
        ))}
      </ol>
      {phase === 'paused' && !failure ? (
        <PausedView resumeAt={job.pause?.resumeAt} recovery={recovery} messages={messages} />
      ) : null}
      {phase === 'mfa-required' && jobId !== undefined && !failure ? (
        renderMfa ? (
          renderMfa({ jobId, job })
        ) : (
          // The phase line above already says what the bank asks: it names the form.
          <MfaForm jobId={jobId} onAction={onAction} showTitle={false} aria-labelledby={phaseId} />
        )
      ) : null}
      {failure ? (
        <FailureView recovery={failure} messages={messages} onAction={handleAction} />
      ) : null}
      <div role="status" aria-live="polite" data-slot="job-progress-announcer">
        {announcement}
      </div>
    </div>
  )
}

function JobStepItem(props: { step: JobStep; messages: Messages }): ReactNode {
  const { step, messages } = props
  const state = stepState(step.status)
  return (
    <li data-slot="job-step" data-state={state} data-step={step.title}>
      <span data-slot="job-step-title">{stepText(messages, step.title)}</span>{' '}
      <span data-slot="job-step-status">{messages[`step.status.${state}`]}</span>
    </li>
  )
}

function PausedView(props: {
  resumeAt: string | undefined
  recovery: Recovery | undefined
  messages: Messages
}): ReactNode {
  const { resumeAt, recovery, messages } = props
  const parsed = resumeAt === undefined ? Number.NaN : Date.parse(resumeAt)
  const remaining = useCountdown(Number.isFinite(parsed) ? parsed : undefined)
  return (
    <div data-slot="job-progress-paused">
      {recovery ? (
        <p data-slot="job-progress-paused-message">{recoveryText(messages, recovery)}</p>
      ) : null}
      {remaining === undefined ? null : (
        <p data-slot="job-progress-countdown">
          {messages['paused.countdown']({ time: formatCountdown(remaining) })}
        </p>
      )}
    </div>
  )
}

function FailureView(props: {
  recovery: Recovery
  messages: Messages
  onAction: (action: RecoveryAction, recovery: Recovery) => void
}): ReactNode {
  const { recovery, messages, onAction } = props
  const reference = [recovery.support.jobId, recovery.support.correlationId]
    .filter((part) => part !== undefined)
    .join(' · ')
  return (
    <div role="alert" data-slot="job-progress-failure" data-state={recovery.kind}>
      <p data-slot="job-progress-failure-message">{recoveryText(messages, recovery)}</p>
      {recovery.detail ? <p data-slot="job-progress-failure-detail">{recovery.detail}</p> : null}
      {recovery.actions.includes('contact-support') && reference !== '' ? (
        <p data-slot="job-progress-reference">{messages['recovery.reference']({ reference })}</p>
      ) : null}
      <div data-slot="job-progress-actions">
        {recovery.actions.map((action) => (
          <button
            key={action}
            type="button"
            data-slot="job-progress-action"
            data-action={action}
            onClick={() => onAction(action, recovery)}
          >
            {actionText(messages, action)}
          </button>
        ))}
      </div>
    </div>
  )
}

function stepState(status: string): JobStepState {
  return KNOWN_STATES.has(status) ? (status as JobStepState) : 'pending'
}

// What the live region should say: the step being worked on, or where the job ended up. A failure
// is announced by its own alert, so it is not narrated twice.
function narration(messages: Messages, job: UseJobResult, failure: Recovery | undefined): string {
  if (failure) return ''
  switch (job.phase) {
    case 'released':
    case 'complete':
    case 'mfa-required':
    case 'paused':
      return phaseText(messages, job.phase)
    default: {
      const step = job.currentStep
      if (step === undefined) return ''
      const state = stepState(step.status)
      return messages['announce.step']({
        step: stepText(messages, step.title),
        status: messages[`step.status.${state}`],
      })
    }
  }
}
