/** A Basiq token as a {@link TokenCache} holds it. */
export interface CachedToken {
  /** The bearer token Basiq issued. */
  token: string
  /** When Basiq stops accepting it, in milliseconds since the Unix epoch. */
  expiresAt: number
}

/** Gives a lock back; safe to call more than once, and never rejects. */
export type ReleaseLock = () => Promise<void>

/**
 * Where a Basiq server session keeps its tokens. Entries are written with a time to live that
 * already ends shortly before the token expires, so an implementation only has to drop an entry
 * once its TTL has passed (`get` must then resolve `undefined`).
 *
 * Keys are short ASCII strings built by the session (a hash of the app's API key and URL, the
 * version, the scope and, for user-bound tokens, the user id); they never contain the API key.
 * Implementations: {@link createMemoryTokenCache} (the default, one process) and
 * `createRedisTokenCache` from `@bankconnect/server/redis` (several instances).
 */
export interface TokenCache {
  /** The live entry under `key`, or `undefined` when there is none or its TTL has passed. */
  get(key: string): Promise<CachedToken | undefined>
  /** Stores `value` under `key` for `ttlMs` milliseconds (> 0), replacing any earlier entry. */
  set(key: string, value: CachedToken, ttlMs: number): Promise<void>
  /** Removes the entry under `key`, if any. */
  delete(key: string): Promise<void>
  /**
   * Optional mutual exclusion across everything that shares this cache: takes the lock named
   * `key` for at most `ttlMs` milliseconds and resolves its release function, or `undefined` when
   * someone else holds it. A session takes it before asking Basiq for a token, so instances that
   * share the cache do not all mint at once. Caches that only serve one process may leave it out.
   */
  lock?(key: string, ttlMs: number): Promise<ReleaseLock | undefined>
}

/**
 * Checks the arguments every cache implementation receives, so a bad call fails with the same
 * clear message whichever cache is configured.
 *
 * @internal shared by the cache implementations of this package.
 */
export function checkCacheKey(where: string, key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(`${where}: key must be a non-empty string`)
  }
}

/** @internal see {@link checkCacheKey}. */
export function checkTtl(where: string, ttlMs: unknown): asserts ttlMs is number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`${where}: ttlMs must be a finite number of milliseconds > 0`)
  }
}

/** @internal see {@link checkCacheKey}. */
export function checkCachedToken(where: string, value: unknown): asserts value is CachedToken {
  const record = value as Partial<CachedToken> | null
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.token !== 'string' ||
    record.token === '' ||
    typeof record.expiresAt !== 'number' ||
    !Number.isFinite(record.expiresAt)
  ) {
    throw new TypeError(`${where}: value must be { token: non-empty string, expiresAt: number }`)
  }
}

/**
 * Reads a stored entry back, or `undefined` when it is not a {@link CachedToken} (a value written
 * by another program, or by a future version): a cache miss costs one token request, a crash
 * would cost the endpoint.
 *
 * @internal shared by the cache implementations of this package.
 */
export function readCachedToken(value: unknown): CachedToken | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { token, expiresAt } = value as Record<string, unknown>
  if (typeof token !== 'string' || token === '') return undefined
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined
  return { token, expiresAt }
}
