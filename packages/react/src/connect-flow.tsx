import type { Recovery, RecoveryAction } from '@bankconnect/core'
import {
  createContext,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type ComponentPropsWithRef,
  type ReactNode,
} from 'react'
import { useStore } from 'zustand'
import { useBankConnect } from './bank-connect-provider.tsx'
import { BankPicker, type BankPickerProps } from './bank-picker.tsx'
import { BasiqConnectControl, type BasiqConnectControlProps } from './basiq-connect-control.tsx'
import {
  createConnectFlowStore,
  type ConnectFlowActions,
  type ConnectFlowState,
  type ConnectFlowStore,
} from './connect-flow-store.ts'
import { CredentialsForm } from './credentials-form.tsx'
import { JobProgress } from './job-progress.tsx'
import { prepareConsentUrl, useConsentRedirect } from './use-consent-redirect.ts'
import type { JobFailedEvent, JobReleasedEvent } from './use-job.ts'

/**
 * How the user reaches their bank: the kit's own picker and form, Basiq's BasiqConnect control, or
 * Basiq's hosted consent page (v3), which sends the user back with the job ids.
 */
export type ConnectFlowMode = 'picker' | 'control' | 'consent'

/** Consent mode's settings. */
export interface ConnectFlowConsentOptions {
  /**
   * A CLIENT_ACCESS token bound to the user (a v3.0 token: ask your token endpoint for one). Called
   * when the user chooses to continue to Basiq.
   */
  getToken: () => Promise<string>
  /** Basiq's consent UI. Default `https://consent.basiq.io`; the sandbox serves one too. */
  baseUrl?: string
  /**
   * Where the consent page sends the user back (the sandbox reads it; Basiq uses the redirect URL
   * configured for your application). Default: this page.
   */
  redirect?: string
  /** Leaves the page for the consent URL. Default `window.location.assign`. */
  navigate?: (url: string) => void
}

/** Props of {@link ConnectFlow}. */
export interface ConnectFlowProps extends Omit<ComponentPropsWithRef<'section'>, 'children'> {
  /** How the user reaches their bank. Default `'picker'` (the kit's own picker and form). */
  mode?: ConnectFlowMode
  /**
   * The user may go on: verify-credentials (and MFA) succeeded. Accounts and transactions keep
   * syncing in the background. Called once per connection.
   */
  onReleased?: (event: JobReleasedEvent) => void
  /** A connection attempt failed; the flow shows its recovery. */
  onFailed?: (event: JobFailedEvent) => void
  /** Control mode: where Basiq's control script comes from (`src` or `load`) and its options. */
  control?: Pick<BasiqConnectControlProps, 'src' | 'load' | 'options'>
  /** Consent mode's settings (required in consent mode). */
  consent?: ConnectFlowConsentOptions
  /** Extra props for the bank picker (filters, labels). */
  pickerProps?: Omit<BankPickerProps, 'value' | 'defaultValue' | 'onValueChange'>
  /** Rendered under the released message (e.g. your "Continue" button). */
  releasedContent?: ReactNode
}

const ConnectFlowContext = createContext<ConnectFlowStore | null>(null)

/**
 * Reads the state of the enclosing {@link ConnectFlow} with a selector (re-rendering only when the
 * selected value changes), for teams that add their own pieces inside the flow.
 *
 * @throws {Error} outside a `ConnectFlow`.
 */
export function useConnectFlow<T>(
  selector: (state: ConnectFlowState & ConnectFlowActions) => T,
): T {
  const store = useContext(ConnectFlowContext)
  if (store === null) {
    throw new Error(
      'useConnectFlow must be used inside <ConnectFlow>. Render your component as a child of ConnectFlow (e.g. through releasedContent), or create your own store with createConnectFlowStore().',
    )
  }
  return useStore(store, selector)
}

/**
 * The whole bank-connection step: pick a bank → log in → verify (and MFA) → released, with every
 * failure routed to its recovery. Credentials go from the form straight to Basiq; the flow's own
 * state (one store per instance) holds only the step, the bank, the job ids and the recovery.
 */
export function ConnectFlow(props: ConnectFlowProps): ReactNode {
  const {
    mode = 'picker',
    onReleased,
    onFailed,
    control,
    consent,
    pickerProps,
    releasedContent,
    ...sectionProps
  } = props
  const [store] = useState(() => createConnectFlowStore({ hasCredentialsStep: mode === 'picker' }))
  // The picker is unmounted while the user is on the credentials step: its search is kept here,
  // so Back finds it as it was (unless the page controls the query itself).
  const [pickerQuery, setPickerQuery] = useState(() => pickerProps?.defaultQuery ?? '')
  const state = useStore(store)
  const { messages, registry } = useBankConnect()
  const headingId = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  const shownStep = useRef(state.step)

  // Focus follows the flow: each new step's heading is read out and becomes the start of the tab
  // order. Only on a change of step, so the first render (twice, under StrictMode) never steals
  // focus from the page.
  useEffect(() => {
    if (shownStep.current === state.step) return
    shownStep.current = state.step
    heading.current?.focus()
  }, [state.step])

  // Consent mode: back from Basiq's page with the job ids. The first is followed on screen; any
  // others (several banks in one visit) are followed too, each by its own progress.
  const consentReturn = useConsentRedirect({
    onReturned: ({ jobIds }) => {
      if (mode !== 'consent') return
      const [first] = jobIds
      if (first !== undefined) store.getState().jobCreated(first)
    },
  })
  const extraJobIds =
    mode === 'consent' && consentReturn.status === 'returned' ? consentReturn.jobIds.slice(1) : []
  const [consentError, setConsentError] = useState<string>()
  const continueToConsent = () => {
    if (!consent) return
    setConsentError(undefined)
    consent
      .getToken()
      .then((token) => {
        const url = prepareConsentUrl({
          token,
          redirect: consent.redirect ?? window.location.href,
          ...(consent.baseUrl ? { baseUrl: consent.baseUrl } : {}),
        })
        ;(consent.navigate ?? ((target: string) => window.location.assign(target)))(url)
      })
      .catch(() => setConsentError(messages['flow.consent.error']))
  }

  const bank = state.institution?.shortName ?? state.institution?.name
  const title = (() => {
    switch (state.step) {
      case 'connect':
        return messages['flow.pick.title']
      case 'credentials':
        return messages['flow.credentials.title']({ bank: bank ?? '' })
      case 'verifying':
        return bank
          ? messages['flow.verifying.title']({ bank })
          : messages['flow.verifying.untitled']
      case 'failed':
        return bank ? messages['flow.failed.title']({ bank }) : messages['flow.failed.untitled']
      case 'released':
        return bank ? messages['flow.released.title']({ bank }) : messages['flow.released.untitled']
    }
  })()

  const route = (action: RecoveryAction, recovery: Recovery): void => {
    switch (action) {
      case 'retry':
        // A job that only stopped being polled (a timeout, an expired session) is picked up again
        // by JobProgress itself; a failed job needs a new attempt.
        if (
          recovery.transient ||
          recovery.kind === 'timeout' ||
          recovery.kind === 'session-expired'
        ) {
          store.getState().resume()
        } else {
          store.getState().retrySameBank()
        }
        return
      case 're-enter-credentials':
      case 'act-in-bank':
        // After new details, or after acting in the bank, Basiq needs a new connection attempt.
        store.getState().retrySameBank()
        return
      case 'pick-another-bank':
      case 'try-later':
        store.getState().pickAnotherBank()
        return
      case 'wait':
      case 'contact-support':
        return
    }
  }

  return (
    <ConnectFlowContext.Provider value={store}>
      <section
        aria-labelledby={headingId}
        {...sectionProps}
        data-slot="connect-flow"
        data-state={state.step}
        data-mode={mode}
      >
        <h2 id={headingId} ref={heading} tabIndex={-1} data-slot="connect-flow-heading">
          {title}
        </h2>
        {state.history.length > 0 && (state.step === 'credentials' || state.step === 'failed') ? (
          <button
            type="button"
            data-slot="connect-flow-back"
            onClick={() => store.getState().back()}
          >
            {messages['flow.back']}
          </button>
        ) : null}

        {state.step === 'connect' && mode === 'picker' ? (
          <BankPicker
            {...pickerProps}
            {...(pickerProps?.query === undefined ? { defaultQuery: pickerQuery } : {})}
            onQueryChange={(query) => {
              setPickerQuery(query)
              pickerProps?.onQueryChange?.(query)
            }}
            onValueChange={(_id, institution) => store.getState().chooseInstitution(institution)}
          />
        ) : null}

        {state.step === 'connect' && mode === 'control' ? (
          <BasiqConnectControl
            {...control}
            onJobCreated={({ jobId }) => {
              registry.noteCreated(jobId)
              store.getState().jobCreated(jobId)
            }}
          />
        ) : null}

        {state.step === 'connect' && mode === 'consent' ? (
          <div data-slot="connect-flow-consent">
            <p>{messages['flow.consent.body']}</p>
            {consentReturn.status === 'refused' ? (
              <p role="alert" data-slot="connect-flow-consent-refused">
                {messages['consent.refused']}
              </p>
            ) : null}
            {consentError ? (
              <p role="alert" data-slot="connect-flow-consent-error">
                {consentError}
              </p>
            ) : null}
            <button
              type="button"
              data-slot="connect-flow-consent-continue"
              disabled={!consent}
              onClick={continueToConsent}
            >
              {messages['flow.consent.continue']}
            </button>
          </div>
        ) : null}

        {state.step === 'credentials' && state.institution ? (
          <CredentialsForm
            institution={state.institution}
            onJobCreated={({ jobId, institutionId }) => {
              // Created just now: the first poll can wait for the schedule.
              registry.noteCreated(jobId, { institutionId })
              store.getState().jobCreated(jobId)
            }}
            onChangeInstitution={() => store.getState().back()}
          />
        ) : null}

        {(state.step === 'verifying' || state.step === 'failed') && state.jobId ? (
          <JobProgress
            jobId={state.jobId}
            {...(state.institution ? { institution: state.institution } : {})}
            onReleased={(event) => {
              store.getState().released(event.jobId)
              onReleased?.(event)
            }}
            onFailed={(event) => {
              store.getState().failed(event.jobId, event.recovery)
              onFailed?.(event)
            }}
            onAction={route}
          />
        ) : null}

        {extraJobIds.length > 0 ? (
          <ul data-slot="connect-flow-other-jobs">
            {extraJobIds.map((jobId) => (
              <li key={jobId}>
                <JobProgress jobId={jobId} onAction={route} />
              </li>
            ))}
          </ul>
        ) : null}

        {state.step === 'released' ? (
          <div data-slot="connect-flow-released">
            <p data-slot="connect-flow-released-message">{messages['flow.released.body']}</p>
            {releasedContent}
            <button
              type="button"
              data-slot="connect-flow-another"
              onClick={() => {
                setPickerQuery('')
                store.getState().connectAnother()
              }}
            >
              {messages['flow.connectAnother']}
            </button>
          </div>
        ) : null}
      </section>
    </ConnectFlowContext.Provider>
  )
}
