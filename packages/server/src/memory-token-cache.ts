import type { CachedToken, ReleaseLock, TokenCache } from './token-cache.ts'
import { checkCacheKey, checkCachedToken, checkTtl } from './token-cache.ts'

/** Options of {@link createMemoryTokenCache}. */
export interface MemoryTokenCacheOptions {
  /**
   * Clock in milliseconds since the epoch, read to expire entries and locks. Give it the same
   * clock as the session (tests in virtual time). Default `Date.now`.
   */
  now?: () => number
}

interface Entry {
  value: CachedToken
  deadline: number
}

/**
 * Creates a {@link TokenCache} held in this process's memory: the default of a Basiq server
 * session, right for an app that runs as a single instance. Each call makes a new, empty cache
 * (nothing is shared between two handlers unless they are given the same cache). Entries expire
 * lazily on read, so the cache starts no timers and never keeps a process alive.
 *
 * Its `lock` works within the process only; apps on several instances share tokens through
 * `createRedisTokenCache` instead.
 */
export function createMemoryTokenCache(options: MemoryTokenCacheOptions = {}): TokenCache {
  const now = options.now ?? Date.now
  if (typeof now !== 'function') {
    throw new TypeError('createMemoryTokenCache: now must be a function returning milliseconds')
  }
  const entries = new Map<string, Entry>()
  const locks = new Map<string, { owner: symbol; deadline: number }>()

  return {
    async get(key) {
      checkCacheKey('MemoryTokenCache.get', key)
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (now() >= entry.deadline) {
        entries.delete(key)
        return undefined
      }
      // A copy, so a caller that edits what it got cannot change what others read.
      return { ...entry.value }
    },

    async set(key, value, ttlMs) {
      checkCacheKey('MemoryTokenCache.set', key)
      checkCachedToken('MemoryTokenCache.set', value)
      checkTtl('MemoryTokenCache.set', ttlMs)
      entries.set(key, {
        value: { token: value.token, expiresAt: value.expiresAt },
        deadline: now() + ttlMs,
      })
    },

    async delete(key) {
      checkCacheKey('MemoryTokenCache.delete', key)
      entries.delete(key)
    },

    async lock(key, ttlMs): Promise<ReleaseLock | undefined> {
      checkCacheKey('MemoryTokenCache.lock', key)
      checkTtl('MemoryTokenCache.lock', ttlMs)
      const held = locks.get(key)
      if (held !== undefined && now() < held.deadline) return undefined
      const owner = Symbol(key)
      locks.set(key, { owner, deadline: now() + ttlMs })
      return async () => {
        // Only the holder may release: once the TTL lapsed, someone else may own the lock now.
        if (locks.get(key)?.owner === owner) locks.delete(key)
      }
    },
  }
}
