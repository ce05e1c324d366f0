/**
 * Basiq's v3 Consent UI redirect, as pure functions: the URL that sends the user to the hosted
 * Consent UI, and the reading of the return URL (`?jobIds=…&state=…`) with its `state` check.
 * Browser state (sessionStorage, `history`) stays with the callers.
 */

/** Basiq's hosted Consent UI. */
export const CONSENT_UI_URL = 'https://consent.basiq.io'

/**
 * `action` values the Consent UI documents: `'null'` (or no action) creates consent, `'connect'`
 * adds banks under an existing consent, `'manage'`, `'extend'`, `'update'`, `'reauthorise'`.
 */
export const consentActions = [
  'null',
  'connect',
  'manage',
  'extend',
  'update',
  'reauthorise',
] as const

/** One of {@link consentActions}. */
export type ConsentAction = (typeof consentActions)[number]

/** Query parameters of the return URL that belong to the Consent UI. */
export const consentReturnParams = ['jobIds', 'jobId', 'state'] as const

/** Longest `state` bankconnect sends or accepts (characters). */
export const MAX_CONSENT_STATE_LENGTH = 512

const idPattern = /^[A-Za-z0-9_-]{1,100}$/
const institutionIdPattern = /^[A-Z]{2}[0-9]{5}$/

/** Options of {@link buildConsentUrl}. */
export interface BuildConsentUrlOptions {
  /** A CLIENT_ACCESS token bound to the user (Basiq v3: `POST /token` with `userId`). */
  token: string
  /** What the Consent UI should do. Default: none (create consent). */
  action?: ConsentAction
  /**
   * An opaque value the Consent UI hands back on return; check it there (see
   * {@link readConsentReturn}). Default: none. At most {@link MAX_CONSENT_STATE_LENGTH} characters.
   */
  state?: string
  /** Skip the bank list and go straight to this institution, e.g. `'AU00000'`. Default: none. */
  institutionId?: string
  /** Update the credentials of (or reauthorise) this existing connection. Default: none. */
  connectionId?: string
  /** The Consent UI's origin. Default {@link CONSENT_UI_URL} (`'https://consent.basiq.io'`). */
  baseUrl?: string
  /**
   * Where to come back to. Only the bankconnect sandbox's consent page reads it: Basiq's Consent UI
   * returns to the redirect URL configured for your application. Default: none.
   */
  redirect?: string
}

/**
 * The Consent UI URL: `${baseUrl}/home?token=…[&action=…][&state=…][&institutionId=…][&connectionId=…]`.
 *
 * @throws {TypeError} for a missing token, an unknown action, an over-long state, a malformed id or
 *   a `baseUrl` / `redirect` that is not an absolute http(s) URL.
 */
export function buildConsentUrl(options: BuildConsentUrlOptions): string {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('buildConsentUrl: expected an options object { token, action?, state? }')
  }
  const { token, action, state, institutionId, connectionId, redirect } = options
  if (typeof token !== 'string' || token.trim() === '' || /\s/.test(token)) {
    throw new TypeError(
      'buildConsentUrl: token must be a CLIENT_ACCESS token bound to the user (a non-empty string)',
    )
  }
  if (action !== undefined && !(consentActions as readonly string[]).includes(action)) {
    throw new TypeError(
      `buildConsentUrl: action must be one of ${consentActions.join(', ')} (or left out), not ${JSON.stringify(action)}`,
    )
  }
  if (
    state !== undefined &&
    (typeof state !== 'string' || state === '' || state.length > MAX_CONSENT_STATE_LENGTH)
  ) {
    throw new TypeError(
      `buildConsentUrl: state must be a non-empty string of at most ${MAX_CONSENT_STATE_LENGTH} characters`,
    )
  }
  if (
    institutionId !== undefined &&
    (typeof institutionId !== 'string' || !institutionIdPattern.test(institutionId))
  ) {
    throw new TypeError('buildConsentUrl: institutionId must look like "AU00000"')
  }
  if (
    connectionId !== undefined &&
    (typeof connectionId !== 'string' || !idPattern.test(connectionId))
  ) {
    throw new TypeError('buildConsentUrl: connectionId must be a Basiq connection id')
  }
  const base = httpUrl(options.baseUrl ?? CONSENT_UI_URL, 'baseUrl')
  if (redirect !== undefined) httpUrl(redirect, 'redirect')

  const params = new URLSearchParams({ token })
  if (action !== undefined) params.set('action', action)
  if (state !== undefined) params.set('state', state)
  if (institutionId !== undefined) params.set('institutionId', institutionId)
  if (connectionId !== undefined) params.set('connectionId', connectionId)
  if (redirect !== undefined) params.set('redirect', redirect)
  return `${base.href.replace(/\/+$/, '')}/home?${params}`
}

function httpUrl(value: unknown, name: string): URL {
  let url: URL | undefined
  try {
    url = typeof value === 'string' ? new URL(value) : undefined
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`buildConsentUrl: ${name} must be an absolute http(s) URL`)
  }
  url.search = ''
  url.hash = ''
  return url
}

/** Where a return from the Consent UI stands. */
export type ConsentReturnStatus = 'idle' | 'returned' | 'refused'

/** Why a return was refused. */
export type ConsentRefusalCode =
  /** The `state` that came back is not the one sent. */
  | 'state-mismatch'
  /** A state was sent but none came back. */
  | 'state-missing'
  /** Job ids arrived, but this browser did not start a consent (no state kept). */
  | 'unexpected-return'
  /** A job id is not a Basiq id. */
  | 'invalid-job-id'

/** A refused return: a code to branch on and a developer-facing sentence. */
export interface ConsentReturnError {
  /** Why. */
  code: ConsentRefusalCode
  /** What happened, for logs (never shown to users as is). */
  message: string
}

/** What {@link readConsentReturn} finds. */
export interface ConsentReturn {
  /**
   * `'idle'`: the URL carries no Consent UI result; `'returned'`: it does and it checks out;
   * `'refused'`: it does but must not be trusted (its jobs are not handed on).
   */
  status: ConsentReturnStatus
  /** Every job id of a `'returned'` result, trimmed and de-duplicated, in order; else empty. */
  jobIds: readonly string[]
  /** Why it was refused; only with `'refused'`. */
  error?: ConsentReturnError
}

/** Options of {@link readConsentReturn}. */
export interface ReadConsentReturnOptions {
  /**
   * The `state` sent with the consent URL. `undefined` (nothing kept) refuses any return as
   * `'unexpected-return'`; `null` skips the check altogether (only for apps that send no state).
   */
  expectedState: string | null | undefined
}

const NO_JOBS: readonly string[] = Object.freeze([])

/**
 * Reads the Consent UI's return from a query string: every id in `jobIds` (comma-separated; the
 * parameter may repeat) and `jobId`, and `state`, compared with the one sent without an early exit.
 * A return is recognised by `jobIds` or `jobId`; a lone `state` is left to whoever else uses it.
 */
export function readConsentReturn(
  search: string | URLSearchParams,
  options: ReadConsentReturnOptions,
): ConsentReturn {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search
  if (!params.has('jobIds') && !params.has('jobId')) return { status: 'idle', jobIds: NO_JOBS }
  const refuse = (code: ConsentRefusalCode, message: string): ConsentReturn => ({
    status: 'refused',
    jobIds: NO_JOBS,
    error: { code, message },
  })
  const { expectedState } = options
  const state = params.get('state')
  if (expectedState === undefined) {
    return refuse(
      'unexpected-return',
      'The address carries Consent UI job ids, but this browser did not start a consent: they were ignored.',
    )
  }
  if (expectedState !== null) {
    if (state === null || state === '') {
      return refuse('state-missing', 'The Consent UI came back without the state that was sent.')
    }
    if (!consentStatesMatch(state, expectedState)) {
      return refuse('state-mismatch', 'The state that came back is not the one that was sent.')
    }
  }
  const ids: string[] = []
  for (const value of [...params.getAll('jobIds'), ...params.getAll('jobId')]) {
    for (const part of value.split(',')) {
      const id = part.trim()
      if (id === '') continue
      if (!idPattern.test(id)) {
        return refuse('invalid-job-id', 'A job id in the address is not a Basiq id.')
      }
      if (!ids.includes(id)) ids.push(id)
    }
  }
  return { status: 'returned', jobIds: ids }
}

/**
 * Compares two states in time that depends only on their lengths, so a page cannot learn the
 * expected state one character at a time.
 */
export function consentStatesMatch(received: string, expected: string): boolean {
  if (typeof received !== 'string' || typeof expected !== 'string') return false
  let difference = received.length ^ expected.length
  const length = Math.max(received.length, expected.length)
  for (let i = 0; i < length; i += 1) {
    difference |= (received.charCodeAt(i) || 0) ^ (expected.charCodeAt(i) || 0)
  }
  return difference === 0
}

/**
 * `href` without the Consent UI's parameters (`jobIds`, `jobId`, `state`), every other parameter
 * and the hash kept, as a path for `history.replaceState` (`/onboarding?step=bank#top`).
 */
export function removeConsentParams(href: string): string {
  const url = new URL(href, 'http://bankconnect.invalid')
  // Other parameters keep their exact spelling: only the Consent UI's pairs are cut out.
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => {
      if (pair === '') return false
      const name = pair.split('=')[0] ?? ''
      let decoded: string
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '))
      } catch {
        return true
      }
      return !(consentReturnParams as readonly string[]).includes(decoded)
    })
  return `${url.pathname}${kept.length > 0 ? `?${kept.join('&')}` : ''}${url.hash}`
}

/**
 * A fresh random `state` (32 base64url characters from `crypto.getRandomValues`).
 *
 * @throws {Error} where no Web Crypto is available.
 */
export function createConsentState(): string {
  const crypto = (globalThis as { crypto?: Crypto }).crypto
  if (!crypto || typeof crypto.getRandomValues !== 'function') {
    throw new Error('createConsentState: this environment has no crypto.getRandomValues')
  }
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
