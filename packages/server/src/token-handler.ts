import { isBasiqError } from '@bankconnect/core'
import type { BasiqApiError } from '@bankconnect/core'
import type { BasiqServerSession, BasiqServerSessionOptions } from './basiq-server-session.ts'
import { createBasiqServerSession, isValidUserId } from './basiq-server-session.ts'
import { describeError, describeValue, jsonResponse, readLimited } from './http.ts'

/**
 * Tells the token endpoint who is asking, from the app's own session (cookie, header, …): the
 * signed-in user's Basiq user id, or `null`/`undefined` when nobody is signed in (→ 401). It may
 * read the request's headers and body; the handler reads its own copy of the body.
 */
export type AuthorizeRequest = (
  request: Request,
) => string | null | undefined | Promise<string | null | undefined>

/** A Fetch-API request handler: mount it as a route of any server that speaks Request/Response. */
export type TokenHandler = (request: Request) => Promise<Response>

/**
 * `error.code` of the token endpoint's error answers:
 * - `method-not-allowed` (405): not POST or GET;
 * - `unauthorized` (401): `authorize` found no signed-in user;
 * - `forbidden` (403): a token was asked for another user's id;
 * - `invalid-request` (400): the body is not empty or JSON `{ userId? }`;
 * - `payload-too-large` (413): the body is over 8 KB;
 * - `upstream-unreachable` (502): Basiq could not be reached;
 * - `upstream-error` (502): Basiq failed (5xx) or answered nonsense;
 * - `upstream-unavailable` (503): Basiq is down (503) or rate-limits the app (429), with
 *   `Retry-After` when Basiq gave one;
 * - `server-misconfigured` (500): Basiq refused the app (wrong API key, URL or version) or
 *   `authorize` returned something that is not a user id;
 * - `internal-error` (500): anything else (e.g. `authorize` threw).
 */
export type TokenHandlerErrorCode =
  | 'method-not-allowed'
  | 'unauthorized'
  | 'forbidden'
  | 'invalid-request'
  | 'payload-too-large'
  | 'upstream-unreachable'
  | 'upstream-error'
  | 'upstream-unavailable'
  | 'server-misconfigured'
  | 'internal-error'

/** Body of every error answer: a code to branch on and a short message safe to show. */
export interface TokenHandlerErrorBody {
  error: { code: TokenHandlerErrorCode; message: string }
}

/** Body of a successful answer, what the browser's token source expects. */
export interface TokenHandlerSuccessBody {
  /** A CLIENT_ACCESS token. */
  access_token: string
  /** Seconds until Basiq stops accepting it (at least 1). */
  expires_in: number
}

/** What {@link TokenHandlerOptions.onError} is told besides the error itself. */
export interface TokenHandlerErrorInfo {
  /** The status the browser got. */
  status: number
  /** The code the browser got. */
  code: TokenHandlerErrorCode
  /** What went wrong and what to check, for the developer (never contains the API key or a token). */
  message: string
}

/** Options every token handler takes. */
export interface TokenHandlerBaseOptions {
  /** Who is asking; see {@link AuthorizeRequest}. Required. */
  authorize: AuthorizeRequest
  /**
   * Told about every answer ≥ 500 (Basiq down, wrong API key, `authorize` failing), with a
   * message for the developer. Default: `console.error` of that message and the error.
   */
  onError?: (error: unknown, info: TokenHandlerErrorInfo) => void
  /** Clock in milliseconds, used for `expires_in`; give it the session's clock. Default `Date.now`. */
  now?: () => number
}

/**
 * Options of {@link createTokenHandler}: the session options (`apiKey`, `basiqUrl`, `version`,
 * `cache`, `fetch`, …) to create a session of its own, or `session` to share one with the rest of
 * the server (e.g. with `createBasiqUser`).
 */
export type TokenHandlerOptions = TokenHandlerBaseOptions &
  (BasiqServerSessionOptions | { session: BasiqServerSession })

/** Largest request body read; the real one is `{"userId":"<uuid>"}`. */
const MAX_BODY_BYTES = 8 * 1024

const ALLOW = 'GET, POST'

const publicMessages: Record<TokenHandlerErrorCode, string> = {
  'method-not-allowed': 'Use POST (or GET) to ask for a token.',
  unauthorized: 'Sign in to connect a bank.',
  forbidden: 'A token can only be requested for the signed-in user.',
  'invalid-request': 'The body must be empty or JSON like {"userId": "…"}.',
  'payload-too-large': 'The request body is too large.',
  'upstream-unreachable': 'The bank connection service could not be reached. Try again shortly.',
  'upstream-error': 'The bank connection service failed. Try again shortly.',
  'upstream-unavailable': 'The bank connection service is busy or unavailable. Try again shortly.',
  'server-misconfigured': 'The server could not get a token for the bank connection service.',
  'internal-error': 'Something went wrong on the server.',
}

const statuses: Record<TokenHandlerErrorCode, number> = {
  'method-not-allowed': 405,
  unauthorized: 401,
  forbidden: 403,
  'invalid-request': 400,
  'payload-too-large': 413,
  'upstream-unreachable': 502,
  'upstream-error': 502,
  'upstream-unavailable': 503,
  'server-misconfigured': 500,
  'internal-error': 500,
}

/** A refusal decided by the handler itself (the request's fault): no error report. */
class Refusal {
  constructor(readonly code: TokenHandlerErrorCode) {}
}

/**
 * Creates the app server's token endpoint: answers `{ access_token, expires_in }` with a
 * CLIENT_ACCESS token for the signed-in user, as the browser's token source expects.
 *
 * - POST with an empty body, `{}` or `{ "userId": "…" }` (JSON), or GET with an optional
 *   `?userId=`; anything else → 405 with `Allow: GET, POST`.
 * - `authorize(request)` → `null` → 401; a `userId` other than the one it returned → 403; no
 *   `userId` → the signed-in user's.
 * - v2.x: one CLIENT_ACCESS token shared by all users; v3.0: one per user, bound to them.
 * - Answers are JSON with `Cache-Control: no-store`; errors are `{ error: { code, message } }`
 *   (see {@link TokenHandlerErrorCode}) and never carry Basiq's own error details. The API key and
 *   the SERVER_ACCESS token never appear in any answer.
 *
 * Mount it anywhere (see the package README): `export const POST = handler` (Next.js),
 * `app.post('/api/basiq/token', (c) => handler(c.req.raw))` (Hono), `toNodeHandler(handler)`
 * (Express, node:http). Throws a `TypeError` for invalid options.
 */
export function createTokenHandler(options: TokenHandlerOptions): TokenHandler {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'createTokenHandler: expected an options object { apiKey, basiqUrl?, version?, authorize }',
    )
  }
  const { authorize } = options
  if (typeof authorize !== 'function') {
    throw new TypeError(
      "createTokenHandler: authorize must be a function returning the signed-in user's Basiq user id or null",
    )
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError('createTokenHandler: onError must be a function')
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') throw new TypeError('createTokenHandler: now must be a function')
  const session = 'session' in options ? options.session : createBasiqServerSession(options)
  if (typeof session?.getClientToken !== 'function') {
    throw new TypeError('createTokenHandler: session must come from createBasiqServerSession')
  }
  const onError =
    options.onError ??
    ((error: unknown, info: TokenHandlerErrorInfo) =>
      console.error(`bankconnect token endpoint: ${info.message}`, error))

  function fail(code: TokenHandlerErrorCode, extraHeaders?: Record<string, string>): Response {
    const body: TokenHandlerErrorBody = { error: { code, message: publicMessages[code] } }
    return jsonResponse(statuses[code], body, extraHeaders)
  }

  function report(error: unknown, code: TokenHandlerErrorCode, message: string): void {
    try {
      onError(error, { status: statuses[code], code, message })
    } catch {
      // The answer to the browser must not depend on the app's logger.
    }
  }

  // Maps a failure on the way to a token to an answer; everything ≥ 500 is reported.
  function failure(error: unknown): Response {
    if (error instanceof Refusal) {
      return fail(error.code, error.code === 'method-not-allowed' ? { allow: ALLOW } : undefined)
    }
    const upstream = `${session.basiqUrl} (basiq-version ${session.version})`
    // Brand checks rather than `instanceof`: they hold across duplicated copies of core.
    if (isBasiqError(error) && error.kind === 'api') {
      const apiError = error as BasiqApiError
      const said = `${apiError.status} ${apiError.code}${apiError.detail ? `: ${apiError.detail}` : ''}`
      if (apiError.status === 429 || apiError.status === 503) {
        const retryAfter =
          apiError.retryAfterMs === undefined
            ? undefined
            : { 'retry-after': String(Math.ceil(apiError.retryAfterMs / 1000)) }
        report(
          error,
          'upstream-unavailable',
          `Basiq at ${upstream} answered POST /token with ${said}.`,
        )
        return fail('upstream-unavailable', retryAfter)
      }
      if (apiError.status >= 500) {
        report(error, 'upstream-error', `Basiq at ${upstream} answered POST /token with ${said}.`)
        return fail('upstream-error')
      }
      report(
        error,
        'server-misconfigured',
        `Basiq at ${upstream} refused the token request (${said}). Check the API key ` +
          '(e.g. BASIQ_API_KEY), basiqUrl and version.',
      )
      return fail('server-misconfigured')
    }
    if (isBasiqError(error) && error.kind === 'network') {
      report(
        error,
        'upstream-unreachable',
        `Basiq at ${upstream} could not be reached: ${error.message}`,
      )
      return fail('upstream-unreachable')
    }
    if (isBasiqError(error) && error.kind === 'parse') {
      report(
        error,
        'upstream-error',
        `Basiq at ${upstream} sent a malformed token: ${error.message}`,
      )
      return fail('upstream-error')
    }
    report(error, 'internal-error', `the token request failed: ${describeError(error)}`)
    return fail('internal-error')
  }

  return async function handleTokenRequest(request: Request): Promise<Response> {
    try {
      // Duck-typed: frameworks may hand over a Request of another realm or a subclass.
      if (typeof request?.method !== 'string' || typeof request.url !== 'string') {
        throw new TypeError('the handler expects a Fetch API Request')
      }
      const method = request.method.toUpperCase()
      if (method !== 'POST' && method !== 'GET') throw new Refusal('method-not-allowed')
      // A copy taken first, so an `authorize` that reads the body leaves ours readable.
      const bodySource =
        method === 'POST' && request.body !== null && !request.bodyUsed
          ? request.clone()
          : undefined

      let signedIn: unknown
      try {
        signedIn = await authorize(request)
      } catch (error) {
        report(error, 'internal-error', `authorize() threw: ${describeError(error)}`)
        return fail('internal-error')
      }
      if (signedIn === null || signedIn === undefined) throw new Refusal('unauthorized')
      if (!isValidUserId(signedIn)) {
        report(
          new TypeError('authorize() resolved an invalid user id'),
          'server-misconfigured',
          "authorize() must resolve the signed-in user's Basiq user id (1–128 letters, digits, " +
            `'-' or '_') or null; it resolved ${describeValue(signedIn)}.`,
        )
        return fail('server-misconfigured')
      }

      for (const asked of await requestedUserIds(request, bodySource)) {
        if (asked !== signedIn) throw new Refusal('forbidden')
      }

      const token = await session.getClientToken(signedIn)
      const body: TokenHandlerSuccessBody = {
        access_token: token.token,
        expires_in: Math.max(1, Math.floor((token.expiresAt - now()) / 1000)),
      }
      return jsonResponse(200, body)
    } catch (error) {
      return failure(error)
    }
  }
}

/** Every `userId` the request names (query and body); `[]` when it names none. */
async function requestedUserIds(request: Request, bodySource: Request | undefined) {
  const ids: string[] = []
  const fromQuery = new URL(request.url).searchParams.getAll('userId')
  for (const id of fromQuery) {
    if (id === '') throw new Refusal('invalid-request')
    ids.push(id)
  }
  if (bodySource === undefined) return ids
  const text = await readLimited(bodySource, MAX_BODY_BYTES, (reason) => new Refusal(reason))
  if (text.trim() === '') return ids
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new Refusal('invalid-request')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Refusal('invalid-request')
  }
  const userId = (parsed as Record<string, unknown>).userId
  if (userId === undefined || userId === null) return ids
  if (typeof userId !== 'string' || userId === '') throw new Refusal('invalid-request')
  ids.push(userId)
  return ids
}
