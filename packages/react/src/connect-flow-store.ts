import type { Institution, Recovery } from '@bankconnect/core'
import { createStore } from 'zustand/vanilla'
import type { StoreApi } from 'zustand/vanilla'

/**
 * Where a connection flow is. `connect` is the mode's own entry screen (the bank picker, Basiq's
 * control, or the hand-over to Basiq's consent page); `credentials` exists only in picker mode.
 */
export type ConnectFlowStep = 'connect' | 'credentials' | 'verifying' | 'released' | 'failed'

/** The state of one connection flow. It never holds credentials: those live in the form only. */
export interface ConnectFlowState {
  step: ConnectFlowStep
  /** The bank being connected (public data from the institutions list). */
  institution: Institution | undefined
  /** The job of the current attempt. */
  jobId: string | undefined
  /** Jobs of this flow that were released, oldest first ("Connect another bank" keeps them). */
  releasedJobIds: string[]
  /** The recovery of the failed attempt, while `step` is `failed`. */
  recovery: Recovery | undefined
  /** Steps behind the current one, for Back. */
  history: ConnectFlowStep[]
}

/** What a flow can be told. Each action is a no-op when it makes no sense in the current step. */
export interface ConnectFlowActions {
  /** A bank was chosen in the picker: on to its credentials form. */
  chooseInstitution(institution: Institution): void
  /** Basiq answered with a job (from the form, the control or a consent return). */
  jobCreated(jobId: string, institution?: Institution): void
  /** The job's verify-credentials step succeeded. */
  released(jobId: string): void
  /** The attempt failed; `recovery` says what the user can do. */
  failed(jobId: string, recovery: Recovery): void
  /** Polling of the same job resumed after it had given up (a timeout): back to verifying. */
  resume(): void
  /** Back to the previous step (from credentials to the picker, from a failure to where it began). */
  back(): void
  /** Try the same bank again: its credentials form (picker mode) or the mode's entry screen. */
  retrySameBank(): void
  /** Start over with another bank. */
  pickAnotherBank(): void
  /** After a release: connect one more bank, keeping the released ones. */
  connectAnother(): void
}

/** A flow store: state plus actions, read with selectors. */
export type ConnectFlowStore = StoreApi<ConnectFlowState & ConnectFlowActions>

/** Options of {@link createConnectFlowStore}. */
export interface ConnectFlowStoreOptions {
  /** Whether the mode has a credentials step (picker mode). Default `true`. */
  hasCredentialsStep?: boolean
}

const initialState = (): ConnectFlowState => ({
  step: 'connect',
  institution: undefined,
  jobId: undefined,
  releasedJobIds: [],
  recovery: undefined,
  history: [],
})

/**
 * Creates the store of one connection flow. `ConnectFlow` makes one per instance (never a module
 * singleton, so two flows on a page never share state); teams building their own screens can make
 * their own and drive it with the same actions.
 */
export function createConnectFlowStore(options: ConnectFlowStoreOptions = {}): ConnectFlowStore {
  const hasCredentialsStep = options.hasCredentialsStep ?? true
  return createStore<ConnectFlowState & ConnectFlowActions>()((set, get) => {
    const go = (step: ConnectFlowStep, patch: Partial<ConnectFlowState> = {}) => {
      const { step: from, history } = get()
      set({ ...patch, step, history: from === step ? history : [...history, from] })
    }
    return {
      ...initialState(),
      chooseInstitution(institution) {
        if (get().step !== 'connect') return
        go(hasCredentialsStep ? 'credentials' : 'connect', { institution, recovery: undefined })
      },
      jobCreated(jobId, institution) {
        const { step } = get()
        if (step === 'verifying' && get().jobId === jobId) return
        if (step === 'released' || step === 'verifying') return
        go('verifying', {
          jobId,
          recovery: undefined,
          ...(institution ? { institution } : {}),
        })
      },
      released(jobId) {
        const state = get()
        if (state.jobId !== jobId || state.step !== 'verifying') return
        set({
          step: 'released',
          recovery: undefined,
          history: [],
          releasedJobIds: state.releasedJobIds.includes(jobId)
            ? state.releasedJobIds
            : [...state.releasedJobIds, jobId],
        })
      },
      failed(jobId, recovery) {
        const state = get()
        if (state.jobId !== jobId || state.step !== 'verifying') return
        set({ step: 'failed', recovery })
      },
      resume() {
        if (get().step !== 'failed' || get().jobId === undefined) return
        set({ step: 'verifying', recovery: undefined })
      },
      back() {
        const { history, step } = get()
        if (step === 'verifying' || step === 'released') return
        const previous = history.at(-1)
        if (previous === undefined) return
        set({
          step: previous,
          history: history.slice(0, -1),
          recovery: undefined,
          ...(previous === 'connect' ? { jobId: undefined } : {}),
        })
      },
      retrySameBank() {
        const { institution } = get()
        const step = hasCredentialsStep && institution ? 'credentials' : 'connect'
        set({
          step,
          jobId: undefined,
          recovery: undefined,
          history: step === 'credentials' ? ['connect'] : [],
        })
      },
      pickAnotherBank() {
        set({
          step: 'connect',
          institution: undefined,
          jobId: undefined,
          recovery: undefined,
          history: [],
        })
      },
      connectAnother() {
        if (get().step !== 'released') return
        set({
          step: 'connect',
          institution: undefined,
          jobId: undefined,
          recovery: undefined,
          history: [],
        })
      },
    }
  })
}
