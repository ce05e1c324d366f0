import {
  buildConsentUrl,
  createConsentState,
  readConsentReturn,
  removeConsentParams,
} from '@bankconnect/core'
import type {
  BuildConsentUrlOptions,
  ConsentReturn,
  ConsentReturnError,
  ConsentReturnStatus,
} from '@bankconnect/core'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useLatest } from './use-latest.ts'

/** Where {@link prepareConsentUrl} keeps the `state` until the user comes back. */
export const CONSENT_STATE_STORAGE_KEY = 'bankconnect:consent-state'

/** The part of `Storage` the consent redirect uses (`sessionStorage` fits). */
export interface ConsentStateStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** Options of {@link prepareConsentUrl}: those of `buildConsentUrl` but `state`, plus storage. */
export interface PrepareConsentUrlOptions extends Omit<BuildConsentUrlOptions, 'state'> {
  /**
   * Where the random `state` is kept until the return (one per tab). Default: `sessionStorage`.
   * The state is no secret credential: it only proves that the return belongs to this tab.
   */
  storage?: ConsentStateStorage | null
}

/**
 * The Consent UI URL to send the user to, with a fresh random `state` kept for
 * {@link useConsentRedirect} to check on the way back (one-time use). Navigate to it yourself,
 * e.g. `window.location.assign(prepareConsentUrl({ token }))`.
 *
 * @throws {TypeError} for options `buildConsentUrl` refuses.
 * @throws {Error} when no storage is available to keep the state (pass `storage`).
 */
export function prepareConsentUrl(options: PrepareConsentUrlOptions): string {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('prepareConsentUrl: expected an options object { token, … }')
  }
  const { storage: storageOption, ...urlOptions } = options
  const storage = resolveStorage(storageOption)
  if (!storage) {
    throw new Error(
      'prepareConsentUrl: no sessionStorage to keep the consent state in; pass storage (an object with getItem, setItem and removeItem).',
    )
  }
  const state = createConsentState()
  const url = buildConsentUrl({ ...urlOptions, state })
  storage.setItem(CONSENT_STATE_STORAGE_KEY, state)
  return url
}

/** What `onReturned` receives. */
export interface ConsentReturnedEvent {
  /** Every job the Consent UI reported (one per connection attempt); follow each with `useJob`. */
  jobIds: readonly string[]
}

/** Options of {@link useConsentRedirect}. */
export interface UseConsentRedirectOptions {
  /**
   * The `state` sent to the Consent UI. Default: the one {@link prepareConsentUrl} kept (then
   * forgotten: it is good for one return). `null` skips the check (only for apps that send none).
   */
  expectedState?: string | null
  /** Where {@link prepareConsentUrl} kept the state. Default: `sessionStorage`. */
  storage?: ConsentStateStorage | null
  /** Called once when the user came back with results that check out. The latest function is called. */
  onReturned?: (event: ConsentReturnedEvent) => void
  /** Called once when a return was refused (its jobs are not used). The latest function is called. */
  onRefused?: (error: ConsentReturnError) => void
}

/** What {@link useConsentRedirect} returns. */
export interface UseConsentRedirectResult {
  /**
   * `'idle'`: this page load is no return from the Consent UI; `'returned'`: it is, and its jobs
   * are in `jobIds`; `'refused'`: it is, but the `state` did not check out (see `error`).
   */
  status: ConsentReturnStatus
  /** The jobs to follow (each with `useJob` or `JobProgress`); empty unless `'returned'`. */
  jobIds: readonly string[]
  /** Why the return was refused; only with `'refused'`. */
  error: ConsentReturnError | undefined
}

const IDLE: ConsentReturn = { status: 'idle', jobIds: [] }

/**
 * Reads the return from Basiq's Consent UI on this page load: every job id of `jobIds` (and
 * `jobId`), with `state` checked against the one sent (a mismatch is refused and its jobs are
 * dropped). Then removes those parameters from the address bar (`history.replaceState`, other
 * parameters and the hash kept) and forgets the kept state. Re-renders, remounts of the same
 * page and StrictMode change nothing.
 */
export function useConsentRedirect(
  options: UseConsentRedirectOptions = {},
): UseConsentRedirectResult {
  const { expectedState, storage: storageOption } = options
  const usesKeptState = expectedState === undefined
  // Reading the address and storage has no side effect, so it happens once, while rendering; the
  // clean-up happens in an effect.
  const [result] = useState<ConsentReturn>(() => {
    if (typeof window === 'undefined') return IDLE
    const kept = usesKeptState
      ? (resolveStorage(storageOption)?.getItem(CONSENT_STATE_STORAGE_KEY) ?? undefined)
      : expectedState
    return readConsentReturn(window.location.search, { expectedState: kept })
  })
  const storageRef = useLatest(storageOption)
  const onReturnedRef = useLatest(options.onReturned)
  const onRefusedRef = useLatest(options.onRefused)
  const notified = useRef(false)

  useEffect(() => {
    if (result.status === 'idle') return
    const current = `${window.location.pathname}${window.location.search}${window.location.hash}`
    const cleaned = removeConsentParams(window.location.href)
    if (cleaned !== current) window.history.replaceState(window.history.state, '', cleaned)
    if (usesKeptState) resolveStorage(storageRef.current)?.removeItem(CONSENT_STATE_STORAGE_KEY)
  }, [result, usesKeptState, storageRef])

  useEffect(() => {
    if (result.status === 'idle' || notified.current) return
    notified.current = true
    if (result.status === 'returned') onReturnedRef.current?.({ jobIds: result.jobIds })
    else if (result.error) onRefusedRef.current?.(result.error)
  }, [result, onReturnedRef, onRefusedRef])

  return useMemo(
    () => ({ status: result.status, jobIds: result.jobIds, error: result.error }),
    [result],
  )
}

function resolveStorage(
  storage: ConsentStateStorage | null | undefined,
): ConsentStateStorage | null {
  if (storage !== undefined) return storage
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage
  } catch {
    // Some browsers throw on access when storage is disabled.
    return null
  }
}
