import type { Recovery, RecoveryAction } from '@bankconnect/core'
import { useEffect, useId, useRef, useState } from 'react'
import type { ComponentPropsWithRef, ReactNode, SubmitEvent } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import { mfaKey } from './job-query.ts'
import { actionText, formatCountdown, recoveryText } from './messages.ts'
import { useCountdown } from './use-countdown.ts'
import { useJob } from './use-job.ts'
import { useSubmitMfa } from './use-submit-mfa.ts'

/**
 * Where the form stands, exposed as `data-state`:
 * - `idle`: waiting for the user's answer;
 * - `submitting`: the answer is on its way;
 * - `checking`: Basiq accepted the answer, the bank is checking it;
 * - `expired`: the challenge's time ran out before an answer was sent;
 * - `failed`: the bank refused the answer (or the challenge failed otherwise);
 * - `done`: no challenge is waiting (the job moved on).
 */
export type MfaFormState = 'idle' | 'submitting' | 'checking' | 'expired' | 'failed' | 'done'

/** Props of {@link MfaForm}: a `<form>`'s own props, plus: */
export interface MfaFormProps extends Omit<ComponentPropsWithRef<'form'>, 'children'> {
  /** The job whose `mfa-challenge` step is waiting for an answer. */
  jobId: string
  /** Called once the answer was accepted for checking (before the bank's verdict). */
  onSubmitted?: (event: { jobId: string }) => void
  /** Called when the user picks one of a failure's actions (e.g. `'re-enter-credentials'`). */
  onAction?: (action: RecoveryAction, recovery: Recovery) => void
  /** Longest answer accepted, in characters. Default `256`. */
  maxAnswerLength?: number
  /**
   * Shows the form's own title ("Your bank needs to confirm it’s you") as the fieldset's legend.
   * `false` when the page already says so (as `JobProgress` does): pass `aria-labelledby` with
   * the id of that heading then. Default `true`.
   */
  showTitle?: boolean
}

const DEFAULT_MAX_ANSWER_LENGTH = 256

/**
 * The bank's MFA prompt for a job: a one-time-code field, or one field per security question
 * (labelled with Basiq's `input` prompts), the challenge's description and expiry countdown.
 * Answers are checked for presence and size before they are sent to `POST /jobs/{id}/mfa`, then
 * the form says "Checking…" until the job moves on; a refused answer shows why and what to do.
 * Unstyled: state is exposed as `data-state` on the form and `data-slot` on its parts.
 */
export function MfaForm(props: MfaFormProps): ReactNode {
  const {
    jobId,
    onSubmitted,
    onAction,
    maxAnswerLength = DEFAULT_MAX_ANSWER_LENGTH,
    showTitle = true,
    onSubmit,
    ...formProps
  } = props
  const { messages } = useBankConnect()
  const job = useJob(jobId)
  const sender = useSubmitMfa(jobId)
  const baseId = useId()
  const mfa = job.mfa
  const challenge = mfa === undefined ? undefined : mfaKey(mfa)
  const prompts = mfa?.input ?? []
  const fieldCount = Math.max(1, prompts.length)

  const [answers, setAnswers] = useState<{ challenge: string | undefined; values: string[] }>({
    challenge,
    values: [],
  })
  const [errors, setErrors] = useState<{ challenge: string | undefined; list: string[] }>({
    challenge,
    list: [],
  })
  // A new challenge starts with empty fields and no errors.
  const values = answers.challenge === challenge ? answers.values : []
  const fieldErrors = errors.challenge === challenge ? errors.list : []

  const remaining = useCountdown(job.mfaExpiresAt)
  const expired = remaining === 0 && !job.mfaAnswered
  const failure = job.recovery !== undefined && !job.recovery.transient ? job.recovery : undefined

  let state: MfaFormState
  if (failure) state = 'failed'
  else if (job.phase !== 'mfa-required' || mfa === undefined) state = 'done'
  else if (job.mfaAnswered) state = 'checking'
  else if (sender.status === 'submitting') state = 'submitting'
  else if (expired) state = 'expired'
  else state = 'idle'

  const inputs = useRef<Array<HTMLInputElement | null>>([])
  const showFields = state === 'idle' || state === 'submitting' || state === 'expired'
  useEffect(() => {
    // Focus follows the challenge: the user should be able to type the code straight away.
    if (challenge !== undefined && showFields) inputs.current[0]?.focus()
  }, [challenge, showFields])

  const handleSubmit = (event: SubmitEvent<HTMLFormElement>): void => {
    onSubmit?.(event)
    if (event.defaultPrevented) return
    event.preventDefault()
    if (state !== 'idle' || mfa === undefined) return
    const list: string[] = []
    const given: string[] = []
    for (let index = 0; index < fieldCount; index += 1) {
      const label = prompts[index] ?? messages['mfa.title']
      const value = (values[index] ?? '').trim()
      given.push(value)
      if (value === '') list[index] = messages['mfa.required']({ field: label })
      else if (value.length > maxAnswerLength) {
        list[index] = messages['mfa.tooLong']({ field: label, max: maxAnswerLength })
      }
    }
    setErrors({ challenge, list })
    const firstInvalid = list.findIndex((message) => message !== undefined)
    if (firstInvalid >= 0) {
      inputs.current[firstInvalid]?.focus()
      return
    }
    void sender.submit(given).then((accepted) => {
      if (!accepted) return
      // The answers are not needed any more; keep them no longer than the request.
      setAnswers({ challenge, values: [] })
      onSubmitted?.({ jobId })
    })
  }

  const titleId = `${baseId}-title`
  const descriptionId = `${baseId}-description`
  const countdownId = `${baseId}-countdown`

  if (state === 'done') return null

  return (
    <form
      {...formProps}
      aria-labelledby={formProps['aria-labelledby'] ?? (showTitle ? titleId : undefined)}
      data-slot="mfa-form"
      data-state={state}
      data-method={mfa?.method}
      noValidate
      onSubmit={handleSubmit}
    >
      <fieldset data-slot="mfa-fieldset" disabled={!showFields}>
        {showTitle ? (
          <legend id={titleId} data-slot="mfa-title">
            {messages['mfa.title']}
          </legend>
        ) : null}
        {mfa?.description ? (
          <p id={descriptionId} data-slot="mfa-description">
            {mfa.description}
          </p>
        ) : null}
        {showFields
          ? Array.from({ length: fieldCount }, (_, index) => {
              const inputId = `${baseId}-answer-${index}`
              const errorId = `${inputId}-error`
              const error = fieldErrors[index]
              const describedBy = [error ? errorId : undefined, countdownId]
                .filter(Boolean)
                .join(' ')
              const token = mfa?.method === 'token'
              return (
                <div key={inputId} data-slot="mfa-field" data-invalid={error ? '' : undefined}>
                  <label htmlFor={inputId} data-slot="mfa-label">
                    {prompts[index] ?? messages['mfa.title']}
                  </label>
                  <input
                    ref={(node) => {
                      inputs.current[index] = node
                    }}
                    id={inputId}
                    name={`mfa-answer-${index}`}
                    data-slot="mfa-input"
                    type="text"
                    required
                    maxLength={maxAnswerLength}
                    autoComplete={token ? 'one-time-code' : 'off'}
                    inputMode={token ? 'numeric' : 'text'}
                    spellCheck={false}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={describedBy}
                    value={values[index] ?? ''}
                    onChange={(event) => {
                      const next = [...values]
                      next[index] = event.currentTarget.value
                      setAnswers({ challenge, values: next })
                    }}
                  />
                  {error ? (
                    <p id={errorId} data-slot="mfa-error">
                      {error}
                    </p>
                  ) : null}
                </div>
              )
            })
          : null}
        {state === 'idle' || state === 'submitting' ? (
          <p id={countdownId} data-slot="mfa-countdown">
            {remaining === undefined
              ? null
              : messages['mfa.expiresIn']({ time: formatCountdown(remaining) })}
          </p>
        ) : null}
        {state === 'expired' ? (
          <p id={countdownId} role="alert" data-slot="mfa-expired">
            {messages['mfa.expired']}
          </p>
        ) : null}
        {sender.status === 'error' && state === 'idle' ? (
          <p role="alert" data-slot="mfa-send-error">
            {messages['mfa.sendFailed']}
          </p>
        ) : null}
        {showFields ? (
          <button type="submit" data-slot="mfa-submit" disabled={state !== 'idle'}>
            {state === 'submitting' ? messages['mfa.submitting'] : messages['mfa.submit']}
          </button>
        ) : null}
      </fieldset>
      {state === 'checking' ? (
        <p role="status" data-slot="mfa-checking">
          {messages['mfa.checking']}
        </p>
      ) : null}
      {failure ? (
        <div role="alert" data-slot="mfa-failure" data-state={failure.kind}>
          <p data-slot="mfa-failure-message">{recoveryText(messages, failure)}</p>
          {failure.detail ? <p data-slot="mfa-failure-detail">{failure.detail}</p> : null}
          {failure.actions.map((action) => (
            <button
              key={action}
              type="button"
              data-slot="mfa-action"
              data-action={action}
              onClick={() => onAction?.(action, failure)}
            >
              {actionText(messages, action)}
            </button>
          ))}
        </div>
      ) : null}
    </form>
  )
}
