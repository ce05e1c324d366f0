import { institutionHealth, isBasiqError } from '@bankconnect/core'
import type { Institution } from '@bankconnect/core'
import { useId, useRef, useState } from 'react'
import type {
  ClipboardEvent,
  ComponentPropsWithRef,
  MouseEvent,
  ReactNode,
  SubmitEvent,
} from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import { InstitutionLogo } from './institution-logo.tsx'
import type { Messages } from './messages.ts'
import { useCreateConnection } from './use-create-connection.ts'
import type { ConnectionCredentials, ConnectionJobCreated } from './use-create-connection.ts'

/**
 * Where the form stands, exposed as `data-state`:
 * - `idle`: waiting for the user (also after a validation error, see `data-invalid` on fields);
 * - `submitting`: the credentials are on their way to Basiq;
 * - `error`: Basiq (or the network) refused them; the message says why;
 * - `submitted`: Basiq accepted them and created a job;
 * - `unavailable`: the bank is in a major outage, so the form cannot be sent.
 */
export type CredentialsFormState = 'idle' | 'submitting' | 'error' | 'submitted' | 'unavailable'

/** The credential fields Basiq's `POST /users/{userId}/connections` takes. */
export type CredentialField = 'loginId' | 'secondaryLoginId' | 'password' | 'securityCode'

/** Props of {@link CredentialsForm}: a `<form>`'s own props, plus: */
export interface CredentialsFormProps extends Omit<ComponentPropsWithRef<'form'>, 'children'> {
  /** The institution to connect to; its captions decide the fields. */
  institution: Institution
  /**
   * An existing connection whose credentials to replace (after the bank refused them): the form
   * then asks only for what Basiq lets you change (no login id) and posts to
   * `POST /users/{userId}/connections/{connectionId}`. Default: a new connection.
   */
  connectionId?: string
  /** Called once Basiq accepted the credentials; poll the job with `useJob(jobId)`. */
  onJobCreated?: (event: ConnectionJobCreated) => void
  /** When given, a "Choose another bank" button calls it. */
  onChangeInstitution?: () => void
  /** Longest value accepted in any field, in characters. Default `256` (Basiq's own limit). */
  maxLength?: number
}

interface FieldSpec {
  name: CredentialField
  label: string
  secret: boolean
}

const DEFAULT_MAX_LENGTH = 256

/**
 * The login form for one institution, built from its captions: `loginIdCaption`,
 * `secondaryLoginIdCaption`, `passwordCaption` and `securityCodeCaption` (the optional ones only
 * when the bank asks for them), with the bank's name and logo, its "Forgot your password?" link
 * (new tab) and a line saying where the details go.
 *
 * The credentials are sent straight to Basiq through {@link useCreateConnection} and are kept
 * nowhere: the inputs are uncontrolled (the values never enter React state), they are read once on
 * submit, and every field is emptied as soon as the request leaves (the login id stays after a
 * failure, so the user only retypes the secrets). Fields are checked first: each shown field is
 * required, named by its caption, and no longer than `maxLength`; a paste that would exceed it is
 * refused with a message. An invalid form sends nothing, and neither does a second submit while
 * one is on its way or after it succeeded (until the user types again).
 *
 * Unstyled: `data-state` ({@link CredentialsFormState}) on the form, `data-slot` on its parts
 * (`title`, `logo`, `intro`, `notice`, `field`, `label`, `input`, `field-error`, `toggle`,
 * `forgot-password`, `error`, `submit`, `change-bank`) and `data-invalid` on invalid fields.
 */
export function CredentialsForm(props: CredentialsFormProps): ReactNode {
  const {
    institution,
    connectionId,
    onJobCreated,
    onChangeInstitution,
    maxLength = DEFAULT_MAX_LENGTH,
    onSubmit,
    ...formProps
  } = props
  if (
    typeof institution !== 'object' ||
    institution === null ||
    typeof institution.id !== 'string'
  ) {
    throw new TypeError('CredentialsForm: the institution prop must be an institution from Basiq')
  }
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(
      `CredentialsForm: maxLength must be an integer ≥ 1, got ${String(maxLength)}`,
    )
  }
  const { messages } = useBankConnect()
  const connection = useCreateConnection()
  const baseId = useId()
  const inputs = useRef(new Map<CredentialField, HTMLInputElement>())
  // Set from the moment the details are sent until they failed, or until the user edits a field
  // after a success: a second click (or a click that lands after a fast success) sends nothing.
  const busy = useRef(false)
  const [errors, setErrors] = useState<Partial<Record<CredentialField, string>>>({})
  const [showSecrets, setShowSecrets] = useState(false)

  const update = connectionId !== undefined
  const fields = fieldsOf(institution, messages, update)
  const health = institutionHealth(institution)
  const name = institution.shortName || institution.name
  const secretIds = fields.filter((field) => field.secret).map((field) => fieldId(field.name))
  const forgotUrl = safeUrl(institution.forgottenPasswordUrl)

  let state: CredentialsFormState
  if (!health.selectable) state = 'unavailable'
  else if (connection.status === 'submitting') state = 'submitting'
  else if (connection.status === 'error') state = 'error'
  else if (connection.status === 'success') state = 'submitted'
  else state = 'idle'

  function fieldId(field: CredentialField): string {
    return `${baseId}-${field}`
  }

  function clear(which: (field: FieldSpec) => boolean): void {
    for (const field of fields) {
      const input = inputs.current.get(field.name)
      if (input && which(field)) input.value = ''
    }
  }

  const handleSubmit = (event: SubmitEvent<HTMLFormElement>): void => {
    onSubmit?.(event)
    if (event.defaultPrevented) return
    event.preventDefault()
    if (busy.current || !health.selectable) return

    const values: Partial<Record<CredentialField, string>> = {}
    const found: Partial<Record<CredentialField, string>> = {}
    for (const field of fields) {
      const value = inputs.current.get(field.name)?.value ?? ''
      if (value.trim() === '')
        found[field.name] = messages['credentials.required']({ field: field.label })
      else if (value.length > maxLength) {
        found[field.name] = messages['credentials.tooLong']({ field: field.label, max: maxLength })
      } else values[field.name] = field.secret ? value : value.trim()
    }
    setErrors(found)
    const firstInvalid = fields.find((field) => found[field.name] !== undefined)
    if (firstInvalid) {
      inputs.current.get(firstInvalid.name)?.focus()
      return
    }

    const secrets: { password: string; securityCode?: string; secondaryLoginId?: string } = {
      password: values.password ?? '',
    }
    if (values.securityCode !== undefined) secrets.securityCode = values.securityCode
    if (values.secondaryLoginId !== undefined) secrets.secondaryLoginId = values.secondaryLoginId
    const input: ConnectionCredentials =
      connectionId === undefined
        ? { institutionId: institution.id, loginId: values.loginId ?? '', ...secrets }
        : { institutionId: institution.id, connectionId, ...secrets }
    busy.current = true
    // The secrets leave the page with the request: nothing to read back, even while it is sent.
    clear((field) => field.secret)
    setShowSecrets(false)
    void connection.createConnection(input).then((created) => {
      if (created === undefined) {
        busy.current = false
        return
      }
      clear(() => true)
      onJobCreated?.(created)
    })
  }

  const handlePaste = (field: FieldSpec) => (event: ClipboardEvent<HTMLInputElement>) => {
    const pasted = event.clipboardData.getData('text')
    const target = event.currentTarget
    const selected = Math.max(0, (target.selectionEnd ?? 0) - (target.selectionStart ?? 0))
    if (target.value.length - selected + pasted.length <= maxLength) return
    // Refused rather than cut short: a silently truncated password would just fail at the bank.
    event.preventDefault()
    setErrors((current) => ({
      ...current,
      [field.name]: messages['credentials.pasteTooLong']({ field: field.label, max: maxLength }),
    }))
  }

  const titleId = `${baseId}-title`
  const introId = `${baseId}-intro`
  const noticeId = `${baseId}-notice`
  const apiError = state === 'error' ? errorText(connection.error, messages) : undefined

  return (
    <form
      method="post"
      aria-labelledby={titleId}
      aria-describedby={`${introId} ${noticeId}`}
      {...formProps}
      data-slot="credentials-form"
      data-state={state}
      data-institution={institution.id}
      noValidate
      onSubmit={handleSubmit}
    >
      <fieldset data-slot="fieldset" disabled={state === 'submitting' || state === 'unavailable'}>
        <legend id={titleId} data-slot="title">
          <InstitutionLogo institution={institution} />
          <span data-slot="title-text">
            {update
              ? messages['credentials.updateTitle']({ institution: name })
              : messages['credentials.title']({ institution: name })}
          </span>
        </legend>
        <p id={introId} data-slot="intro">
          {update
            ? messages['credentials.updateIntro']({ institution: name })
            : messages['credentials.intro']({
                institution: institution.name || name,
                service: institution.serviceName || name,
              })}
        </p>
        <p id={noticeId} data-slot="notice">
          {messages['credentials.notice']}
        </p>
        {!health.selectable ? (
          <p role="alert" data-slot="unavailable" data-health={health.level}>
            {messages[health.messageKey]}
          </p>
        ) : null}
        {fields.map((field) => {
          const id = fieldId(field.name)
          const error = errors[field.name]
          const errorId = `${id}-error`
          return (
            <div
              key={field.name}
              data-slot="field"
              data-field={field.name}
              data-invalid={error ? '' : undefined}
            >
              <label htmlFor={id} data-slot="label">
                {field.label}
              </label>
              <input
                ref={(node) => {
                  if (node) inputs.current.set(field.name, node)
                  else inputs.current.delete(field.name)
                }}
                // No `name`: should the page ever submit natively (before hydration, a script
                // error), the browser sends no credentials anywhere, least of all into the URL.
                id={id}
                data-slot="input"
                type={field.secret && !showSecrets ? 'password' : 'text'}
                required
                // The fields belong to the bank's site, not this one: the browser must not offer
                // to save or fill them, nor send them to a spelling service.
                autoComplete="off"
                autoCorrect="off"
                autoCapitalize="none"
                spellCheck={false}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
                defaultValue=""
                onInput={() => {
                  if (state === 'submitted') {
                    // Typing again after a success starts a new connection.
                    busy.current = false
                    connection.reset()
                  }
                  if (errors[field.name] !== undefined) {
                    setErrors((current) => ({ ...current, [field.name]: undefined }))
                  }
                }}
                onPaste={handlePaste(field)}
              />
              {error ? (
                <p id={errorId} data-slot="field-error">
                  {error}
                </p>
              ) : null}
            </div>
          )
        })}
        {secretIds.length > 0 ? (
          <button
            type="button"
            data-slot="toggle"
            aria-pressed={showSecrets}
            aria-controls={secretIds.join(' ')}
            onClick={(event: MouseEvent<HTMLButtonElement>) => {
              event.preventDefault()
              setShowSecrets((shown) => !shown)
            }}
          >
            {messages['credentials.showPassword']}
          </button>
        ) : null}
        {forgotUrl ? (
          <a href={forgotUrl} target="_blank" rel="noopener noreferrer" data-slot="forgot-password">
            {messages['credentials.forgotPassword']}{' '}
            <span data-slot="new-tab">{messages['credentials.newTab']}</span>
          </a>
        ) : null}
        {apiError ? (
          <div role="alert" data-slot="error">
            <p data-slot="error-title">{apiError.title}</p>
            {apiError.detail ? <p data-slot="error-detail">{apiError.detail}</p> : null}
          </div>
        ) : null}
        <button type="submit" data-slot="submit" disabled={state === 'unavailable'}>
          {state === 'submitting'
            ? messages['credentials.submitting']
            : update
              ? messages['credentials.updateSubmit']
              : messages['credentials.submit']}
        </button>
        {onChangeInstitution ? (
          <button type="button" data-slot="change-bank" onClick={() => onChangeInstitution()}>
            {messages['credentials.changeBank']}
          </button>
        ) : null}
      </fieldset>
    </form>
  )
}

function fieldsOf(institution: Institution, messages: Messages, update: boolean): FieldSpec[] {
  const caption = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
  const fields: FieldSpec[] = []
  // Basiq's credentials update has no login id: the connection keeps the one it has.
  if (!update) {
    fields.push({
      name: 'loginId',
      label: caption(institution.loginIdCaption) ?? messages['credentials.loginId'],
      secret: false,
    })
  }
  const secondary = caption(institution.secondaryLoginIdCaption)
  if (secondary) fields.push({ name: 'secondaryLoginId', label: secondary, secret: false })
  fields.push({
    name: 'password',
    label: caption(institution.passwordCaption) ?? messages['credentials.password'],
    secret: true,
  })
  const securityCode = caption(institution.securityCodeCaption)
  if (securityCode) fields.push({ name: 'securityCode', label: securityCode, secret: true })
  return fields
}

/** Only http(s) links: a `javascript:` URL in a catalogue must never become a clickable link. */
function safeUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
  } catch {
    return undefined
  }
}

function errorText(
  error: Error | undefined,
  messages: Messages,
): { title: string; detail: string | undefined } {
  if (isBasiqError(error) && error.kind === 'api') {
    const api = error as Error & { title?: string; detail?: string }
    return { title: messages['credentials.apiError'], detail: api.detail || api.title }
  }
  return { title: messages['credentials.sendFailed'], detail: undefined }
}
