// The only module of this package that talks to Redis. It imports ioredis for types only, so the
// package's main entry (and an app that never uses Redis) does not load it.
import type { Redis } from 'ioredis'
import type { CachedToken, ReleaseLock, TokenCache } from './token-cache.ts'
import { checkCacheKey, checkCachedToken, checkTtl, readCachedToken } from './token-cache.ts'

/** Prefix of every key {@link createRedisTokenCache} writes unless told otherwise. */
export const DEFAULT_REDIS_TOKEN_PREFIX = 'bankconnect:token:'

/** Options of {@link createRedisTokenCache}. */
export interface RedisTokenCacheOptions {
  /**
   * Prepended to every key, so the cache can share a Redis database with other data. Default
   * {@link DEFAULT_REDIS_TOKEN_PREFIX}. Keys after it are already namespaced by a hash of the app's
   * API key and Basiq URL, so two apps can share one prefix safely.
   */
  prefix?: string
}

// Deletes the lock only while it still holds this owner's value: a holder whose TTL lapsed must
// not release a lock another instance has taken since.
const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

/**
 * Creates a {@link TokenCache} in Redis, for apps that run on several instances: they then share
 * one SERVER_ACCESS token and one CLIENT_ACCESS token (per user on v3.0) instead of each minting
 * their own. Entries are JSON strings written with `SET … PX ttl`; `lock` is `SET … NX PX` with a
 * random owner value, released by a compare-and-delete script.
 *
 * The caller owns the connection (`new Redis(url)` from ioredis 5): the cache never connects,
 * quits or changes its options. Redis errors reject the cache's promises; a Basiq server session
 * then falls back to asking Basiq directly, so a Redis outage does not take the token endpoint
 * down.
 *
 * ```ts
 * import { Redis } from 'ioredis'
 * import { createRedisTokenCache } from '@bankconnect/server/redis'
 * const cache = createRedisTokenCache(new Redis(process.env.REDIS_URL!))
 * ```
 */
export function createRedisTokenCache(
  redis: Redis,
  options: RedisTokenCacheOptions = {},
): TokenCache {
  if (
    typeof redis !== 'object' ||
    redis === null ||
    typeof redis.get !== 'function' ||
    typeof redis.set !== 'function' ||
    typeof redis.del !== 'function' ||
    typeof redis.eval !== 'function'
  ) {
    throw new TypeError('createRedisTokenCache: expected an ioredis client (new Redis(url))')
  }
  const prefix = options.prefix ?? DEFAULT_REDIS_TOKEN_PREFIX
  if (typeof prefix !== 'string') {
    throw new TypeError('createRedisTokenCache: prefix must be a string')
  }
  const lockPrefix = `${prefix}lock:`

  return {
    async get(key) {
      checkCacheKey('RedisTokenCache.get', key)
      const text = await redis.get(prefix + key)
      if (text === null) return undefined
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        return undefined
      }
      return readCachedToken(parsed)
    },

    async set(key, value: CachedToken, ttlMs) {
      checkCacheKey('RedisTokenCache.set', key)
      checkCachedToken('RedisTokenCache.set', value)
      checkTtl('RedisTokenCache.set', ttlMs)
      const stored = JSON.stringify({ token: value.token, expiresAt: value.expiresAt })
      // PX takes whole milliseconds; rounding up keeps a sub-millisecond TTL from becoming 0 (an error).
      await redis.set(prefix + key, stored, 'PX', Math.ceil(ttlMs))
    },

    async delete(key) {
      checkCacheKey('RedisTokenCache.delete', key)
      await redis.del(prefix + key)
    },

    async lock(key, ttlMs): Promise<ReleaseLock | undefined> {
      checkCacheKey('RedisTokenCache.lock', key)
      checkTtl('RedisTokenCache.lock', ttlMs)
      const owner = globalThis.crypto.randomUUID()
      const lockKey = lockPrefix + key
      const taken = await redis.set(lockKey, owner, 'PX', Math.ceil(ttlMs), 'NX')
      if (taken !== 'OK') return undefined
      let released = false
      return async () => {
        if (released) return
        released = true
        try {
          await redis.eval(RELEASE_SCRIPT, 1, lockKey, owner)
        } catch {
          // The lock expires on its own after ttlMs; failing to release early only delays the
          // others by that much.
        }
      }
    },
  }
}
