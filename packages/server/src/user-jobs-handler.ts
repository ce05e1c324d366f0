import { isBasiqError } from '@bankconnect/core'
import type { BasiqApiError, Connection, Job, JobStep } from '@bankconnect/core'
import type { BasiqServerSession, BasiqServerSessionOptions } from './basiq-server-session.ts'
import { createBasiqServerSession, isValidUserId } from './basiq-server-session.ts'
import { describeError, describeValue, jsonResponse } from './http.ts'
import type { AuthorizeRequest } from './token-handler.ts'

/** A Fetch-API request handler: mount it as a route of any server that speaks Request/Response. */
export type ConnectionHandler = (request: Request) => Promise<Response>

/**
 * `error.code` of the user-jobs and refresh endpoints' error answers:
 * - `method-not-allowed` (405): a method the endpoint does not take (`Allow` says which);
 * - `unauthorized` (401): `authorize` found no signed-in user;
 * - `forbidden` (403): the request named another user's id;
 * - `invalid-request` (400): a malformed `connectionId`, `userId` or body;
 * - `payload-too-large` (413): a body over 8 KB;
 * - `not-found` (404): no such connection for the signed-in user (someone else's connection
 *   looks exactly like one that does not exist), or Basiq does not know the user;
 * - `refresh-refused` (409 or 429): the refresh endpoint will not refresh now; see
 *   `RefreshRefusedBody`;
 * - `upstream-unreachable` (502): Basiq could not be reached;
 * - `upstream-error` (502): Basiq failed (5xx) or answered nonsense;
 * - `upstream-unavailable` (503): Basiq is down (503) or rate-limits the app (429), with
 *   `Retry-After` when Basiq gave one;
 * - `server-misconfigured` (500): Basiq refused the app (wrong API key, URL or version) or
 *   `authorize` returned something that is not a user id;
 * - `internal-error` (500): anything else (e.g. `authorize` threw).
 */
export type ConnectionHandlerErrorCode =
  | 'method-not-allowed'
  | 'unauthorized'
  | 'forbidden'
  | 'invalid-request'
  | 'payload-too-large'
  | 'not-found'
  | 'refresh-refused'
  | 'upstream-unreachable'
  | 'upstream-error'
  | 'upstream-unavailable'
  | 'server-misconfigured'
  | 'internal-error'

/** Body of every error answer: a code to branch on and a short message safe to show. */
export interface ConnectionHandlerErrorBody {
  error: { code: ConnectionHandlerErrorCode; message: string }
}

/** What `onError` is told besides the error itself. */
export interface ConnectionHandlerErrorInfo {
  /** The status the browser got. */
  status: number
  /** The code the browser got. */
  code: ConnectionHandlerErrorCode
  /** What went wrong and what to check, for the developer (never contains the API key or a token). */
  message: string
}

/** Options the user-jobs and refresh handlers share. */
export interface ConnectionHandlerBaseOptions {
  /**
   * Who is asking, with the same contract as the token endpoint: the signed-in user's Basiq user
   * id from the app's own session, or `null`/`undefined` when nobody is signed in (→ 401).
   * Required.
   */
  authorize: AuthorizeRequest
  /**
   * Told about every answer ≥ 500, with a message for the developer. Default: `console.error` of
   * that message and the error.
   */
  onError?: (error: unknown, info: ConnectionHandlerErrorInfo) => void
  /** Clock in milliseconds since the epoch; give it the session's clock. Default `Date.now`. */
  now?: () => number
}

/**
 * Options of {@link createUserJobsHandler}: `authorize` (and `onError`, `now`) plus either the
 * session options (`apiKey`, `basiqUrl`, …) or `session` to share the app's session.
 */
export type UserJobsHandlerOptions = ConnectionHandlerBaseOptions &
  (BasiqServerSessionOptions | { session: BasiqServerSession })

/** Body of a successful answer of the user-jobs endpoint. */
export interface UserJobsBody {
  /**
   * The signed-in user's jobs, newest first as Basiq lists them (Basiq keeps 7 days); only the
   * given connection's with `?connectionId=`.
   */
  jobs: Job[]
  /**
   * The signed-in user's connections with `status` and `lastUsed` (which only the SERVER_ACCESS
   * token reads), without the account holder's profile and the embedded accounts, which a health
   * check does not need; only the given one with `?connectionId=` (none when it is not theirs).
   */
  connections: Connection[]
}

const ALLOW_GET = 'GET'

/** Largest request body the handlers read; the real ones are `{"connectionId":"<uuid>"}`. */
export const MAX_BODY_BYTES = 8 * 1024

const publicMessages: Record<ConnectionHandlerErrorCode, string> = {
  'method-not-allowed': 'This method is not supported here.',
  unauthorized: 'Sign in to see your banks.',
  forbidden: "You can only see and refresh your own banks' connections.",
  'invalid-request': 'The request is not valid.',
  'payload-too-large': 'The request body is too large.',
  'not-found': 'That bank connection was not found.',
  'refresh-refused': 'The connection cannot be refreshed now.',
  'upstream-unreachable': 'The bank connection service could not be reached. Try again shortly.',
  'upstream-error': 'The bank connection service failed. Try again shortly.',
  'upstream-unavailable': 'The bank connection service is busy or unavailable. Try again shortly.',
  'server-misconfigured': 'The server could not reach the bank connection service.',
  'internal-error': 'Something went wrong on the server.',
}

const statuses: Record<Exclude<ConnectionHandlerErrorCode, 'refresh-refused'>, number> = {
  'method-not-allowed': 405,
  unauthorized: 401,
  forbidden: 403,
  'invalid-request': 400,
  'payload-too-large': 413,
  'not-found': 404,
  'upstream-unreachable': 502,
  'upstream-error': 502,
  'upstream-unavailable': 503,
  'server-misconfigured': 500,
  'internal-error': 500,
}

/**
 * A refusal decided by the handler itself (the request's fault): answered, never reported.
 *
 * @internal shared with the refresh handler.
 */
export class HandlerRefusal {
  constructor(readonly code: Exclude<ConnectionHandlerErrorCode, 'refresh-refused'>) {}
}

/**
 * What both handlers build from their options: the session, the clock and the answers.
 *
 * @internal shared with the refresh handler.
 */
export interface HandlerKit {
  session: BasiqServerSession
  now: () => number
  /** Runs `authorize` and checks what it returned: the user id, or the answer to send. */
  signedInUser(request: Request): Promise<string | Response>
  /** An error answer with its public message. */
  fail(
    code: Exclude<ConnectionHandlerErrorCode, 'refresh-refused'>,
    headers?: Record<string, string>,
  ): Response
  /** Maps anything thrown while serving a request to an answer; reports everything ≥ 500. */
  failure(error: unknown, upstreamCall: string, allow: string): Response
}

/**
 * Validates the options both handlers share and builds their {@link HandlerKit}.
 *
 * @internal shared with the refresh handler.
 */
export function createHandlerKit(
  where: string,
  options: ConnectionHandlerBaseOptions &
    (BasiqServerSessionOptions | { session: BasiqServerSession }),
): HandlerKit {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: expected an options object { session | apiKey, authorize }`)
  }
  const { authorize } = options
  if (typeof authorize !== 'function') {
    throw new TypeError(
      `${where}: authorize must be a function returning the signed-in user's Basiq user id or null`,
    )
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError(`${where}: onError must be a function`)
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') throw new TypeError(`${where}: now must be a function`)
  const session = 'session' in options ? options.session : createBasiqServerSession(options)
  if (typeof session?.client?.getUserJobs !== 'function') {
    throw new TypeError(`${where}: session must come from createBasiqServerSession`)
  }
  const onError =
    options.onError ??
    ((error: unknown, info: ConnectionHandlerErrorInfo) =>
      console.error(`bankconnect ${where}: ${info.message}`, error))

  function fail(
    code: Exclude<ConnectionHandlerErrorCode, 'refresh-refused'>,
    headers?: Record<string, string>,
  ): Response {
    const body: ConnectionHandlerErrorBody = { error: { code, message: publicMessages[code] } }
    return jsonResponse(statuses[code], body, headers)
  }

  function report(error: unknown, code: ConnectionHandlerErrorCode, message: string): void {
    try {
      onError(error, { status: code === 'refresh-refused' ? 409 : statuses[code], code, message })
    } catch {
      // The answer to the browser must not depend on the app's logger.
    }
  }

  async function signedInUser(request: Request): Promise<string | Response> {
    let signedIn: unknown
    try {
      signedIn = await authorize(request)
    } catch (error) {
      report(error, 'internal-error', `authorize() threw: ${describeError(error)}`)
      return fail('internal-error')
    }
    if (signedIn === null || signedIn === undefined) return fail('unauthorized')
    if (!isValidUserId(signedIn)) {
      report(
        new TypeError('authorize() resolved an invalid user id'),
        'server-misconfigured',
        "authorize() must resolve the signed-in user's Basiq user id (1–128 letters, digits, " +
          `'-' or '_') or null; it resolved ${describeValue(signedIn)}.`,
      )
      return fail('server-misconfigured')
    }
    return signedIn
  }

  function failure(error: unknown, upstreamCall: string, allow: string): Response {
    if (error instanceof HandlerRefusal) {
      return fail(error.code, error.code === 'method-not-allowed' ? { allow } : undefined)
    }
    const upstream = `Basiq at ${session.basiqUrl} (basiq-version ${session.version})`
    // Brand checks rather than `instanceof`: they hold across duplicated copies of core.
    if (isBasiqError(error) && error.kind === 'api') {
      const apiError = error as BasiqApiError
      const detail = apiError.detail?.replace(/\.+$/, '')
      const said = `${apiError.status} ${apiError.code}${detail ? `: ${detail}` : ''}`
      // Basiq's 404 is "no such user or connection"; for someone else's connection it is also
      // what the browser should see, so existence is never revealed.
      if (apiError.status === 404) return fail('not-found')
      if (apiError.status === 429 || apiError.status === 503) {
        report(error, 'upstream-unavailable', `${upstream} answered ${upstreamCall} with ${said}.`)
        return fail(
          'upstream-unavailable',
          apiError.retryAfterMs === undefined
            ? undefined
            : { 'retry-after': String(Math.ceil(apiError.retryAfterMs / 1000)) },
        )
      }
      if (apiError.status === 401 || apiError.status === 403) {
        report(
          error,
          'server-misconfigured',
          `${upstream} refused ${upstreamCall} (${said}). The SERVER_ACCESS token must be able to ` +
            'read users, connections and jobs: check the API key (e.g. BASIQ_API_KEY), basiqUrl and version.',
        )
        return fail('server-misconfigured')
      }
      report(error, 'upstream-error', `${upstream} answered ${upstreamCall} with ${said}.`)
      return fail('upstream-error')
    }
    if (isBasiqError(error) && error.kind === 'network') {
      report(error, 'upstream-unreachable', `${upstream} could not be reached: ${error.message}`)
      return fail('upstream-unreachable')
    }
    if (isBasiqError(error) && error.kind === 'parse') {
      report(error, 'upstream-error', `${upstream} answered ${upstreamCall} with ${error.message}`)
      return fail('upstream-error')
    }
    report(error, 'internal-error', `${upstreamCall} failed: ${describeError(error)}`)
    return fail('internal-error')
  }

  return { session, now, signedInUser, fail, failure }
}

/**
 * Creates the app server's user-jobs endpoint, the browser's view of its user's connection
 * health: `GET` → `200 { jobs, connections }` ({@link UserJobsBody}) for the signed-in user, read
 * with the SERVER_ACCESS token (`GET /users/{id}/jobs` and `GET /users/{id}/connections` need
 * it, so the browser cannot ask Basiq itself).
 *
 * - `?connectionId=` narrows both lists to that connection (a connection of someone else's
 *   yields empty lists); a malformed id → 400.
 * - `authorize(request)` → `null` → 401; a `?userId=` other than the one it returned → 403;
 *   never another user's jobs.
 * - Other methods → 405 with `Allow: GET`.
 * - Answers are JSON with `Cache-Control: no-store`; errors are `{ error: { code, message } }`
 *   (see {@link ConnectionHandlerErrorCode}) and never carry Basiq's own error details. The API
 *   key and the SERVER_ACCESS token never appear in any answer.
 *
 * Basiq advises checking the jobs at every login and once a day, not more: the React kit's
 * `useConnectionHealth` keeps to that cadence. Throws a `TypeError` for invalid options.
 */
export function createUserJobsHandler(options: UserJobsHandlerOptions): ConnectionHandler {
  const kit = createHandlerKit('createUserJobsHandler', options)
  const { session } = kit

  return async function handleUserJobsRequest(request: Request): Promise<Response> {
    try {
      checkRequest(request)
      if (request.method.toUpperCase() !== 'GET') throw new HandlerRefusal('method-not-allowed')
      const userId = await kit.signedInUser(request)
      if (userId instanceof Response) return userId
      const params = new URL(request.url).searchParams
      checkNamedUsers(params.getAll('userId'), userId)
      const connectionIds = params.getAll('connectionId')
      if (connectionIds.length > 1) throw new HandlerRefusal('invalid-request')
      const connectionId = connectionIds[0]
      if (connectionId !== undefined && !isValidUserId(connectionId)) {
        throw new HandlerRefusal('invalid-request')
      }

      const [jobs, connections] = await Promise.all([
        session.client.getUserJobs(
          userId,
          connectionId === undefined ? undefined : { connectionId },
        ),
        session.client.listConnections(userId),
      ])
      const body: UserJobsBody = {
        jobs: jobs.data.map(jobToWire),
        connections: connections.data
          .filter((connection) => connectionId === undefined || connection.id === connectionId)
          .map(connectionToWire),
      }
      return jsonResponse(200, body)
    } catch (error) {
      return kit.failure(error, 'GET /users/{id}/jobs and /users/{id}/connections', ALLOW_GET)
    }
  }
}

/**
 * Refuses anything that is not a Fetch API request (duck-typed: frameworks may hand over a
 * Request of another realm or a subclass).
 *
 * @internal shared with the refresh handler.
 */
export function checkRequest(request: Request): void {
  if (typeof request?.method !== 'string' || typeof request.url !== 'string') {
    throw new TypeError('the handler expects a Fetch API Request')
  }
}

/**
 * Every user the request names must be the signed-in one (403); an empty name is malformed (400).
 *
 * @internal shared with the refresh handler.
 */
export function checkNamedUsers(named: readonly unknown[], signedIn: string): void {
  for (const id of named) {
    if (typeof id !== 'string' || id === '') throw new HandlerRefusal('invalid-request')
    if (id !== signedIn) throw new HandlerRefusal('forbidden')
  }
}

/**
 * A job as the browser should get it: what Basiq sent, so core's schema reads it again. Results
 * the parser did not recognise go back to their original form.
 *
 * @internal shared with the refresh handler.
 */
export function jobToWire(job: Job): Job {
  return { ...job, steps: job.steps.map(stepToWire) }
}

function stepToWire(step: JobStep): JobStep {
  const result = step.result
  if (result?.type !== 'unknown') return step
  return { ...step, result: result.raw as JobStep['result'] }
}

function connectionToWire(connection: Connection): Connection {
  const { profile: _profile, accounts: _accounts, ...rest } = connection
  return rest
}
