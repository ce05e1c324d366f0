import {
  BasiqNetworkError,
  BasiqParseError,
  TokenResponseSchema,
  apiErrorFromResponse,
  createBasiqClient,
  parseResource,
} from '@bankconnect/core'
import type {
  BasiqClient,
  BasiqRequestInfo,
  CreateUserInput,
  FetchLike,
  GetTokenOptions,
  RequestOptions,
  User,
} from '@bankconnect/core'
import { createMemoryTokenCache } from './memory-token-cache.ts'
import type { CachedToken, ReleaseLock, TokenCache } from './token-cache.ts'
import { readCachedToken } from './token-cache.ts'

/**
 * A `basiq-version` a session can ask tokens for. `'2.0'`/`'2.1'`: credential-based connections,
 * one CLIENT_ACCESS token shared by every user. `'3.0'`: CLIENT_ACCESS tokens are bound to a user.
 */
export type BasiqVersion = '2.0' | '2.1' | '3.0'

/** The production Basiq API, used when no `basiqUrl` is given. */
export const DEFAULT_BASIQ_URL = 'https://au-api.basiq.io'

/** The `basiq-version` used when none is given: the credential-based flow this kit is built on. */
export const DEFAULT_BASIQ_VERSION: BasiqVersion = '2.1'

const versions: readonly BasiqVersion[] = ['2.0', '2.1', '3.0']

/** Default of `lockTtlMs`: far longer than Basiq takes to answer `/token`. */
const DEFAULT_LOCK_TTL_MS = 10_000
/** Default of `lockWaitMs`. */
const DEFAULT_LOCK_WAIT_MS = 5_000
/** How often an instance that lost the lock looks for the winner's token. */
const LOCK_POLL_MS = 25
/** Tokens are renewed this long before they expire, at most (see {@link refreshMarginMs}). */
const MAX_REFRESH_MARGIN_MS = 5 * 60_000

/** Options of {@link createBasiqServerSession}. */
export interface BasiqServerSessionOptions {
  /** The app's Basiq API key. It only ever leaves the session in `POST {basiqUrl}/token`. */
  apiKey: string
  /** Base URL of the Basiq API (or of the sandbox). Default {@link DEFAULT_BASIQ_URL}. */
  basiqUrl?: string
  /** `basiq-version` of every token. Default {@link DEFAULT_BASIQ_VERSION} (`'2.1'`). */
  version?: BasiqVersion
  /**
   * Where tokens are kept. Default: a new {@link createMemoryTokenCache} per session (reading the
   * session's `now`). Give every instance of a multi-instance app the same Redis cache.
   */
  cache?: TokenCache
  /** The fetch implementation (tests pass the in-process sandbox). Default: the global `fetch`. */
  fetch?: FetchLike
  /** Clock in milliseconds since the epoch (tests pass a virtual clock). Default `Date.now`. */
  now?: () => number
  /**
   * How long the shared-cache lock taken while minting a token lives, in milliseconds: if an
   * instance dies holding it, the others wait at most this long. Default `10_000`.
   */
  lockTtlMs?: number
  /**
   * How long an instance that found the lock taken waits for the holder's token before asking
   * Basiq itself, in milliseconds (real time). Default `5_000`.
   */
  lockWaitMs?: number
  /**
   * Told when the cache fails (e.g. Redis is unreachable); the session then asks Basiq directly.
   * Default: `console.warn`.
   */
  onCacheError?: (error: unknown) => void
}

/**
 * The app server's standing with Basiq: its tokens, cached and renewed, and a client that uses its
 * SERVER_ACCESS token. Share one session between the token endpoint and the rest of the server.
 */
export interface BasiqServerSession {
  /** The `basiq-version` of its tokens. */
  readonly version: BasiqVersion
  /** Base URL of the Basiq API, without a trailing slash. */
  readonly basiqUrl: string
  /**
   * The SERVER_ACCESS token (full access: never send it to a browser). One per app, cached until
   * shortly before it expires; however many callers ask at once, one request goes to Basiq.
   * `forceRefresh` replaces it (after Basiq answered 403 `access-denied`). Fits `GetToken`.
   * Rejects with core's `BasiqApiError`, `BasiqNetworkError` or `BasiqParseError`.
   */
  getServerToken(options?: GetTokenOptions): Promise<string>
  /**
   * A CLIENT_ACCESS token and its expiry, for a browser. v2.x: one token shared by all users
   * (`userId` is accepted and ignored: these tokens grant no access to user data). v3.0: a token
   * bound to `userId` (required), one per user. Cached and single-flight like the server token.
   * Throws a `TypeError` for a missing (v3.0) or malformed `userId`.
   */
  getClientToken(userId?: string, options?: GetTokenOptions): Promise<CachedToken>
  /**
   * Creates a Basiq user (`POST /users` with the SERVER_ACCESS token), e.g. at the app's sign-up;
   * keep its `id` with the app's own user. One of `email` and `mobile` is required (`TypeError`).
   */
  createBasiqUser(input: CreateUserInput, options?: RequestOptions): Promise<User>
  /** A Basiq client authorised by the SERVER_ACCESS token (retried once on an expired token). */
  readonly client: BasiqClient
}

/**
 * How long before expiry a token is renewed: 10 % of its lifetime, at most 5 minutes (so a
 * 1-hour token is renewed after 55 minutes, and very short tokens still get used).
 *
 * @internal exported for the tests of this package.
 */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs * 0.1)
}

/**
 * Checks a Basiq user id from the app before it reaches a cache key or a Basiq request.
 *
 * @internal shared with the token handler.
 */
export function isValidUserId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(value)
}

/**
 * Creates a {@link BasiqServerSession}. Nothing is requested until a token is needed. Throws a
 * `TypeError`/`RangeError` naming the bad option (the message never contains the API key).
 *
 * ```ts
 * const basiq = createBasiqServerSession({ apiKey: process.env.BASIQ_API_KEY! })
 * const user = await basiq.createBasiqUser({ email: 'gavin@hooli.com' })
 * ```
 */
export function createBasiqServerSession(options: BasiqServerSessionOptions): BasiqServerSession {
  const where = 'createBasiqServerSession'
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: expected an options object { apiKey, basiqUrl?, version? }`)
  }
  const apiKey = options.apiKey
  // Whitespace would let the key end the Authorization header early; the key is never echoed.
  if (typeof apiKey !== 'string' || apiKey.trim() === '' || /\s/.test(apiKey)) {
    throw new TypeError(
      `${where}: apiKey must be the app's Basiq API key (a string without spaces)`,
    )
  }
  const basiqUrl = normaliseBaseUrl(where, options.basiqUrl ?? DEFAULT_BASIQ_URL)
  const version = options.version ?? DEFAULT_BASIQ_VERSION
  if (!versions.includes(version)) {
    throw new TypeError(
      `${where}: version must be one of ${versions.join(', ')}, got ${JSON.stringify(version)}`,
    )
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') throw new TypeError(`${where}: now must be a function`)
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError(`${where}: fetch must be a function`)
  }
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const cache = options.cache ?? createMemoryTokenCache({ now })
  if (
    typeof cache !== 'object' ||
    cache === null ||
    typeof cache.get !== 'function' ||
    typeof cache.set !== 'function' ||
    typeof cache.delete !== 'function' ||
    (cache.lock !== undefined && typeof cache.lock !== 'function')
  ) {
    throw new TypeError(`${where}: cache must implement TokenCache (get, set, delete, lock?)`)
  }
  const lockTtlMs = positive(where, 'lockTtlMs', options.lockTtlMs, DEFAULT_LOCK_TTL_MS)
  const lockWaitMs = atLeastZero(where, 'lockWaitMs', options.lockWaitMs, DEFAULT_LOCK_WAIT_MS)
  const onCacheError =
    options.onCacheError ??
    ((error: unknown) =>
      console.warn('bankconnect: the token cache failed; asking Basiq directly.', error))

  const tokenUrl = `${basiqUrl}/token`
  const info: BasiqRequestInfo = { method: 'POST', path: '/token' }
  const inflight = new Map<string, Promise<CachedToken>>()
  let namespace: Promise<string> | undefined

  // Keys carry a hash of the key and URL, never the key: apps (or a sandbox and production) that
  // share one Redis never read each other's tokens, and a dump of Redis does not reveal the key.
  async function keyFor(suffix: string): Promise<string> {
    namespace ??= sha256Hex(`${basiqUrl}\n${apiKey}`).then((hex) => hex.slice(0, 32))
    return `${await namespace}:${version}:${suffix}`
  }

  function reportCacheError(error: unknown): void {
    try {
      onCacheError(error)
    } catch {
      // A failing reporter must not turn a cache hiccup into a failed token request.
    }
  }

  async function cached(key: string): Promise<CachedToken | undefined> {
    let value: unknown
    try {
      value = await cache.get(key)
    } catch (error) {
      reportCacheError(error)
      return undefined
    }
    const entry = readCachedToken(value)
    return entry !== undefined && entry.expiresAt > now() ? entry : undefined
  }

  async function store(key: string, entry: CachedToken, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) return
    try {
      await cache.set(key, entry, ttlMs)
    } catch (error) {
      reportCacheError(error)
    }
  }

  // `'held'` when another holder has it; a no-op release when the cache cannot lock (or failed
  // to), so the caller goes ahead on its own.
  async function tryLock(key: string): Promise<ReleaseLock | 'held'> {
    if (cache.lock === undefined) return async () => {}
    try {
      return (await cache.lock(key, lockTtlMs)) ?? 'held'
    } catch (error) {
      reportCacheError(error)
      return async () => {}
    }
  }

  async function mint(scope: 'SERVER_ACCESS' | 'CLIENT_ACCESS', userId?: string) {
    const sentAt = now()
    const form = new URLSearchParams({ scope })
    if (userId !== undefined) form.set('userId', userId)
    let response: Response
    try {
      response = await fetchImpl(tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${apiKey}`,
          'basiq-version': version,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
      })
    } catch (error) {
      throw new BasiqNetworkError(error, info)
    }
    if (!response.ok) throw await apiErrorFromResponse(response, info)
    let json: unknown
    try {
      json = JSON.parse(await response.text())
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw new BasiqParseError({
          what: 'token response',
          issues: ['the body is not valid JSON'],
          status: response.status,
          request: info,
        })
      }
      throw new BasiqNetworkError(error, info)
    }
    const parsed = parseResource(TokenResponseSchema, json, {
      what: 'token response',
      status: response.status,
      request: info,
    })
    const lifetimeMs = parsed.expires_in * 1000
    // Counted from before the request left, so the token is never believed to live longer than it does.
    const entry: CachedToken = { token: parsed.access_token, expiresAt: sentAt + lifetimeMs }
    return { entry, renewAt: entry.expiresAt - refreshMarginMs(lifetimeMs) }
  }

  async function mintAndStore(
    key: string,
    scope: 'SERVER_ACCESS' | 'CLIENT_ACCESS',
    userId: string | undefined,
  ): Promise<CachedToken> {
    const { entry, renewAt } = await mint(scope, userId)
    await store(key, entry, renewAt - now())
    return entry
  }

  async function obtainUncached(
    key: string,
    scope: 'SERVER_ACCESS' | 'CLIENT_ACCESS',
    userId: string | undefined,
  ): Promise<CachedToken> {
    let release = await tryLock(key)
    // Another instance is minting: its token lands in the shared cache in a moment.
    for (let waited = 0; release === 'held' && waited < lockWaitMs; waited += LOCK_POLL_MS) {
      await sleep(LOCK_POLL_MS)
      const entry = await cached(key)
      if (entry !== undefined) return entry
      // The holder may have failed (Basiq refused it) and released the lock: try ourselves.
      release = await tryLock(key)
    }
    if (release === 'held') return mintAndStore(key, scope, userId)
    try {
      // The previous holder may have stored a token between our first look and the lock.
      const entry = await cached(key)
      if (entry !== undefined) return entry
      return await mintAndStore(key, scope, userId)
    } finally {
      await release()
    }
  }

  function obtain(
    scope: 'SERVER_ACCESS' | 'CLIENT_ACCESS',
    suffix: string,
    userId: string | undefined,
    force: boolean,
  ): Promise<CachedToken> {
    // A forced refresh has its own flight: joining a plain one could hand back the very token
    // Basiq just rejected.
    const flight = force ? `${suffix}!` : suffix
    const running = inflight.get(flight)
    if (running !== undefined) return running
    const run = (async () => {
      const key = await keyFor(suffix)
      if (force) {
        try {
          await cache.delete(key)
        } catch (error) {
          reportCacheError(error)
        }
      } else {
        const entry = await cached(key)
        if (entry !== undefined) return entry
      }
      return obtainUncached(key, scope, userId)
    })()
    inflight.set(flight, run)
    const done = () => {
      inflight.delete(flight)
    }
    run.then(done, done)
    return run
  }

  async function getServerToken(tokenOptions?: GetTokenOptions): Promise<string> {
    const entry = await obtain(
      'SERVER_ACCESS',
      'server',
      undefined,
      tokenOptions?.forceRefresh === true,
    )
    return entry.token
  }

  async function getClientToken(
    userId?: string,
    tokenOptions?: GetTokenOptions,
  ): Promise<CachedToken> {
    if (userId !== undefined && !isValidUserId(userId)) {
      throw new TypeError(
        'getClientToken: userId must be a Basiq user id (1–128 letters, digits, "-" or "_")',
      )
    }
    const force = tokenOptions?.forceRefresh === true
    if (version !== '3.0') return obtain('CLIENT_ACCESS', 'client', undefined, force)
    if (userId === undefined) {
      throw new TypeError(
        'getClientToken: version 3.0 binds CLIENT_ACCESS tokens to a user; pass the userId',
      )
    }
    return obtain('CLIENT_ACCESS', `client:${userId}`, userId, force)
  }

  const client = createBasiqClient({
    baseUrl: basiqUrl,
    getToken: getServerToken,
    fetch: fetchImpl,
  })

  return {
    version,
    basiqUrl,
    getServerToken,
    getClientToken,
    createBasiqUser: (input, requestOptions) => client.createUser(input, requestOptions),
    client,
  }
}

function normaliseBaseUrl(where: string, value: unknown): string {
  let url: URL | undefined
  try {
    url = typeof value === 'string' ? new URL(value) : undefined
  } catch {
    url = undefined
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(
      `${where}: basiqUrl must be an absolute http(s) URL such as '${DEFAULT_BASIQ_URL}'`,
    )
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(`${where}: basiqUrl must not have a query or a fragment`)
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function positive(where: string, name: string, value: number | undefined, fallback: number) {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${where}: ${name} must be a finite number of milliseconds > 0`)
  }
  return value
}

function atLeastZero(where: string, name: string, value: number | undefined, fallback: number) {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${where}: ${name} must be a finite number of milliseconds ≥ 0`)
  }
  return value
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
