import { isBasiqError, refreshGuard } from '@bankconnect/core'
import type { BasiqApiError, JobStub, RefreshPolicy, RefreshRefusal } from '@bankconnect/core'
import type { BasiqServerSession, BasiqServerSessionOptions } from './basiq-server-session.ts'
import { isValidUserId } from './basiq-server-session.ts'
import { jsonResponse, readLimited } from './http.ts'
import {
  HandlerRefusal,
  MAX_BODY_BYTES,
  checkNamedUsers,
  checkRequest,
  createHandlerKit,
} from './user-jobs-handler.ts'
import type { ConnectionHandler, ConnectionHandlerBaseOptions } from './user-jobs-handler.ts'

/**
 * Options of {@link createRefreshHandler}: `authorize` (and `onError`, `now`, `policy`) plus either
 * the session options (`apiKey`, `basiqUrl`, …) or `session` to share the app's session.
 */
export type RefreshHandlerOptions = ConnectionHandlerBaseOptions & {
  /**
   * How sparingly connections may be refreshed: core's `RefreshPolicy` (`minIntervalMs`, default
   * 24 h and never below 1 h; `openBankingDailyLimit`, default 20; `openBanking`, default detected
   * from the connection — v2.1 connections do not say, so set it for an open-banking-only app).
   * Default: core's defaults.
   */
  policy?: RefreshPolicy
} & (BasiqServerSessionOptions | { session: BasiqServerSession })

/** Body of a successful answer of the refresh endpoint. */
export interface RefreshBody {
  /** The job that refreshes the connection; follow it with `GET /jobs/{id}` (e.g. `useJob`). */
  job: JobStub
  /**
   * `true` (HTTP 200) when a job of this connection was already running and that job is handed
   * back instead of a new one, as Basiq itself does; `false` (HTTP 202) for a new job.
   */
  reused: boolean
}

/**
 * Body of a refused refresh (HTTP 429 for `too-soon` and `daily-limit`, with `Retry-After`; 409
 * for `connection-invalid` and `connection-not-ready`).
 */
export interface RefreshRefusedBody {
  error: {
    /** Always `'refresh-refused'`. */
    code: 'refresh-refused'
    /** A short message safe to show. */
    message: string
    /** Why, as core's `refreshGuard` decided (`job-running` is answered with that job instead). */
    reason: Exclude<RefreshRefusal, 'job-running'>
    /**
     * When a refresh will be allowed (ISO 8601), if nothing else happens; `null` when no time
     * helps (new credentials are needed, the connection is not active yet).
     */
    nextAllowedAt: string | null
  }
}

const ALLOW_POST = 'POST'

const refusalMessages: Record<Exclude<RefreshRefusal, 'job-running'>, string> = {
  'too-soon': 'This connection was refreshed recently. Try again later.',
  'daily-limit': 'This connection has been refreshed as often as the bank allows today.',
  'connection-invalid': 'The bank no longer accepts the saved login details. Enter them again.',
  'connection-not-ready': 'This connection is not ready to be refreshed.',
}

/**
 * Creates the app server's refresh endpoint: refreshes ONE connection of the signed-in user, and
 * only when Basiq's advice allows it. There is deliberately no way to refresh many at once.
 *
 * `POST` with JSON `{ "connectionId": "…", "userId"?: "…" }` (or `?connectionId=`):
 * 1. `authorize(request)` → `null` → 401; a `userId` other than the one it returned → 403.
 * 2. The connection is read with the SERVER_ACCESS token under the signed-in user's id, so the
 *    id of someone else's connection → 404 `not-found`, exactly like an unknown one.
 * 3. Core's `refreshGuard` decides from the connection and its jobs (`GET /users/{id}/jobs`),
 *    with `policy`. The browser runs the same guard, but only this one counts:
 *    - a job of the connection still running → `200 { job, reused: true }` with that job (what
 *      Basiq would answer), without asking Basiq to refresh;
 *    - `too-soon` / `daily-limit` → 429 with `Retry-After`, `connection-invalid` /
 *      `connection-not-ready` → 409, as {@link RefreshRefusedBody}; Basiq is not asked.
 * 4. Otherwise `POST /users/{id}/connections/{connectionId}/refresh` → `202 { job, reused:
 *    false }` (or `200 … reused: true` when Basiq hands back a job that started meanwhile).
 *
 * Answers are JSON with `Cache-Control: no-store`; other errors are `{ error: { code, message } }`
 * (see `ConnectionHandlerErrorCode`) without Basiq's own details. The API key and the
 * SERVER_ACCESS token never appear in any answer. Throws a `TypeError` for invalid options.
 */
export function createRefreshHandler(options: RefreshHandlerOptions): ConnectionHandler {
  const kit = createHandlerKit('createRefreshHandler', options)
  const { session, now } = kit
  const policy = options.policy
  if (policy !== undefined && (typeof policy !== 'object' || policy === null)) {
    throw new TypeError(
      'createRefreshHandler: policy must be an object { minIntervalMs?, openBankingDailyLimit?, openBanking? }',
    )
  }

  function refused(reason: Exclude<RefreshRefusal, 'job-running'>, at: Date | undefined) {
    const body: RefreshRefusedBody = {
      error: {
        code: 'refresh-refused',
        message: refusalMessages[reason],
        reason,
        nextAllowedAt: at === undefined ? null : at.toISOString(),
      },
    }
    const timed = reason === 'too-soon' || reason === 'daily-limit'
    const headers: Record<string, string> = {}
    if (timed && at !== undefined) {
      headers['retry-after'] = String(Math.max(1, Math.ceil((at.getTime() - now()) / 1000)))
    }
    return jsonResponse(timed ? 429 : 409, body, headers)
  }

  return async function handleRefreshRequest(request: Request): Promise<Response> {
    try {
      checkRequest(request)
      if (request.method.toUpperCase() !== 'POST') throw new HandlerRefusal('method-not-allowed')
      // A copy taken first, so an `authorize` that reads the body leaves ours readable.
      const bodySource = request.body !== null && !request.bodyUsed ? request.clone() : undefined
      const userId = await kit.signedInUser(request)
      if (userId instanceof Response) return userId
      const asked = await readRefreshRequest(request, bodySource)
      checkNamedUsers(asked.userIds, userId)
      const connectionId = asked.connectionId

      const [connection, jobs] = await Promise.all([
        session.client.getConnection(userId, connectionId),
        session.client.getUserJobs(userId, { connectionId }),
      ])
      const decision = refreshGuard(connection, jobs.data, now(), policy)
      if (decision.reason === 'job-running' && decision.runningJobId !== undefined) {
        const body: RefreshBody = {
          job: {
            type: 'job',
            id: decision.runningJobId,
            links: {
              self: `${session.basiqUrl}/jobs/${encodeURIComponent(decision.runningJobId)}`,
            },
          },
          reused: true,
        }
        return jsonResponse(200, body)
      }
      if (!decision.allowed) {
        // A running job without a readable id cannot be followed; it still must not be doubled.
        const reason = decision.reason === 'job-running' ? 'connection-not-ready' : decision.reason
        return refused(reason ?? 'connection-not-ready', decision.nextAllowedAt)
      }

      let result: RefreshBody
      try {
        result = await session.client.refreshConnection(userId, connectionId)
      } catch (error) {
        // Basiq's synchronous 400 on refresh means the saved credentials stopped working between
        // our read and the refresh (the guard would have caught an `invalid` status).
        if (
          isBasiqError(error) &&
          error.kind === 'api' &&
          (error as BasiqApiError).status === 400
        ) {
          return refused('connection-invalid', undefined)
        }
        throw error
      }
      return jsonResponse(result.reused ? 200 : 202, result)
    } catch (error) {
      return kit.failure(error, 'the refresh of a connection', ALLOW_POST)
    }
  }
}

async function readRefreshRequest(
  request: Request,
  bodySource: Request | undefined,
): Promise<{ connectionId: string; userIds: unknown[] }> {
  const params = new URL(request.url).searchParams
  const userIds: unknown[] = params.getAll('userId')
  const connectionIds: unknown[] = params.getAll('connectionId')
  const text =
    bodySource === undefined
      ? ''
      : await readLimited(bodySource, MAX_BODY_BYTES, (reason) => new HandlerRefusal(reason))
  if (text.trim() !== '') {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new HandlerRefusal('invalid-request')
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new HandlerRefusal('invalid-request')
    }
    const fields = parsed as Record<string, unknown>
    if (fields.userId !== undefined && fields.userId !== null) userIds.push(fields.userId)
    if (fields.connectionId !== undefined) connectionIds.push(fields.connectionId)
  }
  const [connectionId, ...others] = connectionIds
  // One connection per request: two different ids would be the beginning of a bulk refresh.
  if (!isValidUserId(connectionId) || others.some((other) => other !== connectionId)) {
    throw new HandlerRefusal('invalid-request')
  }
  return { connectionId, userIds }
}
