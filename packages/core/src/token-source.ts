import type { FetchLike, GetTokenOptions } from './client.ts'
import { BasiqNetworkError, BasiqParseError, apiErrorFromResponse } from './errors.ts'
import type { BasiqRequestInfo } from './errors.ts'
import { TokenResponseSchema, parseResource } from './schemas.ts'

/** Options of {@link createTokenSource}. */
export interface TokenSourceOptions {
  /** The app's token endpoint, e.g. `'/api/basiq/token'` (relative URLs resolve against the page). */
  url: string
  /** The fetch implementation. Default: the global `fetch`, looked up at call time. */
  fetch?: FetchLike
  /** Basiq user id sent as `{ userId }`, for servers that bind tokens to a user. Default: none. */
  userId?: string
  /**
   * Refresh this long before the token expires, in milliseconds, so a request never leaves with a
   * token about to lapse. Capped at half the token's lifetime. Default `60_000`.
   */
  refreshBeforeExpiryMs?: number
  /** Clock in milliseconds (inject a virtual clock in tests). Default `Date.now`. */
  now?: () => number
}

/** A cached, single-flight supplier of Basiq tokens for the browser. */
export interface TokenSource {
  /**
   * Resolves a valid token: the cached one, or a fresh one from the token endpoint. However many
   * callers ask at once, at most one request is in flight and they all share its outcome; a failure
   * is not cached. `forceRefresh` drops the cache first. Rejects with `BasiqApiError` (non-2xx),
   * `BasiqNetworkError` or `BasiqParseError` (malformed answer).
   */
  getToken(options?: GetTokenOptions): Promise<string>
  /** Drops the cached token, so the next `getToken` fetches a new one (e.g. after a 403). */
  invalidate(): void
}

/**
 * Creates a {@link TokenSource} that POSTs `{ userId }` as JSON to the app's token endpoint (with
 * same-origin credentials, so the app's session cookie goes along) and expects
 * `{ access_token, expires_in }`. Its `getToken` is a plain function, safe to pass around detached
 * (e.g. as `createBasiqClient({ getToken: source.getToken })`). Throws a `TypeError` for an empty
 * `url` or a negative `refreshBeforeExpiryMs`.
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  if (typeof options?.url !== 'string' || options.url.trim() === '') {
    throw new TypeError('createTokenSource: url must be the non-empty URL of the token endpoint')
  }
  const margin = options.refreshBeforeExpiryMs ?? 60_000
  if (typeof margin !== 'number' || !Number.isFinite(margin) || margin < 0) {
    throw new TypeError('createTokenSource: refreshBeforeExpiryMs must be a number ≥ 0')
  }
  const url = options.url
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const now = options.now ?? Date.now
  const body = JSON.stringify(options.userId === undefined ? {} : { userId: options.userId })
  const info: BasiqRequestInfo = { method: 'POST', path: url }

  let cached: { token: string; refreshAt: number } | undefined
  let inflight: Promise<string> | undefined

  async function fetchToken(): Promise<string> {
    let response: Response
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body,
        credentials: 'same-origin',
      })
    } catch (error) {
      throw new BasiqNetworkError(error, info)
    }
    if (!response.ok) throw await apiErrorFromResponse(response, info, now())
    let text: string
    try {
      text = await response.text()
    } catch (error) {
      throw new BasiqNetworkError(error, info)
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new BasiqParseError({
        what: 'token response',
        issues: ['the body is not valid JSON'],
        status: response.status,
        request: info,
      })
    }
    const parsed = parseResource(TokenResponseSchema, json, {
      what: 'token response',
      status: response.status,
      request: info,
    })
    const lifetimeMs = parsed.expires_in * 1000
    // Capping the margin keeps short-lived tokens reusable instead of refetching on every call.
    cached = {
      token: parsed.access_token,
      refreshAt: now() + lifetimeMs - Math.min(margin, lifetimeMs / 2),
    }
    return parsed.access_token
  }

  function getToken(getOptions?: GetTokenOptions): Promise<string> {
    if (getOptions?.forceRefresh) cached = undefined
    if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token)
    // Joining a request already in flight is right even for a forced refresh: it was started after
    // the token being replaced, so it will be a fresh one.
    inflight ??= fetchToken().finally(() => {
      inflight = undefined
    })
    return inflight
  }

  return {
    getToken,
    invalidate() {
      cached = undefined
    },
  }
}
