import { BasiqApiError } from '@bankconnect/core'
import type { FetchLike } from '@bankconnect/core'
import { DEFAULT_SANDBOX_API_KEY, createManualClock, createSandbox } from '@bankconnect/sandbox'
import type { Sandbox } from '@bankconnect/sandbox'
import { describe, expect, test } from 'vitest'
import { createBasiqServerSession, refreshMarginMs } from './basiq-server-session.ts'
import type { BasiqServerSessionOptions, BasiqVersion } from './basiq-server-session.ts'
import { createMemoryTokenCache } from './memory-token-cache.ts'
import type { TokenCache } from './token-cache.ts'

const start = Date.parse('2026-01-01T00:00:00Z')
const minute = 60_000

interface TokenCall {
  scope: string | null
  userId: string | null
}

/** A fetch to `sandbox` that records every `POST /token` it forwards. */
function countingFetch(sandbox: Sandbox) {
  const tokenCalls: TokenCall[] = []
  const fetch: FetchLike = async (input, init) => {
    const request = new Request(input, init)
    if (new URL(request.url).pathname === '/token') {
      const form = new URLSearchParams(await request.clone().text())
      tokenCalls.push({ scope: form.get('scope'), userId: form.get('userId') })
    }
    return sandbox.fetch(request)
  }
  const count = (scope: string) => tokenCalls.filter((call) => call.scope === scope).length
  return { fetch, tokenCalls, count }
}

function setup(version: BasiqVersion = '2.1', extra: Partial<BasiqServerSessionOptions> = {}) {
  const clock = createManualClock(start)
  const sandbox = createSandbox({ clock, seed: 7 })
  const upstream = countingFetch(sandbox)
  const session = createBasiqServerSession({
    apiKey: DEFAULT_SANDBOX_API_KEY,
    basiqUrl: sandbox.baseUrl,
    version,
    fetch: upstream.fetch,
    now: clock.now,
    ...extra,
  })
  return { clock, sandbox, session, ...upstream }
}

function claims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
}

describe('the SERVER_ACCESS token', () => {
  test('is requested once and reused by later callers', async () => {
    const { session, count } = setup()
    const first = await session.getServerToken()
    for (let i = 0; i < 5; i += 1) expect(await session.getServerToken()).toBe(first)
    expect(claims(first).scope).toBe('SERVER_ACCESS')
    expect(count('SERVER_ACCESS')).toBe(1)
  })

  test('one upstream request however many callers arrive at once', async () => {
    const { session, count } = setup()
    const tokens = await Promise.all(Array.from({ length: 100 }, () => session.getServerToken()))
    expect(new Set(tokens).size).toBe(1)
    expect(count('SERVER_ACCESS')).toBe(1)
  })

  test('is renewed shortly before it expires, not after', async () => {
    const { session, clock, count } = setup()
    const first = await session.getServerToken()
    // A one-hour token is renewed 5 minutes before its end.
    await clock.advance(54 * minute)
    expect(await session.getServerToken()).toBe(first)
    await clock.advance(2 * minute)
    const second = await session.getServerToken()
    expect(second).not.toBe(first)
    expect(count('SERVER_ACCESS')).toBe(2)
    // The renewed token is one Basiq accepts: it creates a user.
    const user = await session.createBasiqUser({ email: 'richard@piedpiper.com' })
    expect(user.email).toBe('richard@piedpiper.com')
  })

  test('forceRefresh replaces it, with one request for concurrent callers', async () => {
    const { session, clock, count } = setup()
    const first = await session.getServerToken()
    // Tokens minted in the same second carry the same claims, so the same text.
    await clock.advance(1_000)
    const forced = await Promise.all(
      Array.from({ length: 10 }, () => session.getServerToken({ forceRefresh: true })),
    )
    expect(new Set(forced).size).toBe(1)
    expect(forced[0]).not.toBe(first)
    expect(await session.getServerToken()).toBe(forced[0])
    expect(count('SERVER_ACCESS')).toBe(2)
  })

  test('a failure is not cached: the next call asks again and succeeds', async () => {
    const { session, sandbox, count } = setup()
    sandbox.faults.add({ kind: 'status', path: '/token', status: 503 })
    const failure = await session.getServerToken().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(BasiqApiError)
    expect((failure as BasiqApiError).status).toBe(503)
    const token = await session.getServerToken()
    expect(claims(token).scope).toBe('SERVER_ACCESS')
    expect(count('SERVER_ACCESS')).toBe(2)
  })

  test('a wrong API key rejects with Basiq’s explanation and without the key', async () => {
    const wrongKey = 'not-the-sandbox-key-3f9a'
    const { session } = setup('2.1', { apiKey: wrongKey })
    const failure = await session.getServerToken().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(BasiqApiError)
    const error = failure as BasiqApiError
    expect(error.status).toBe(404)
    expect(error.message).toMatch(/check your API key/i)
    expect(error.message).not.toContain(wrongKey)
  })
})

describe('CLIENT_ACCESS tokens', () => {
  test('v2.1: one token for every user, not bound to any of them', async () => {
    const { session, count } = setup('2.1')
    const alice = await session.getClientToken('alice')
    const bob = await session.getClientToken('bob')
    const nobody = await session.getClientToken()
    expect(bob.token).toBe(alice.token)
    expect(nobody.token).toBe(alice.token)
    expect(claims(alice.token)).toMatchObject({ scope: 'CLIENT_ACCESS', version: '2.1' })
    expect(claims(alice.token)).not.toHaveProperty('userid')
    expect(alice.expiresAt).toBe(start + 3600 * 1000)
    expect(count('CLIENT_ACCESS')).toBe(1)
    expect(count('SERVER_ACCESS')).toBe(0)
  })

  test('v3.0: one token per user, bound to that user', async () => {
    const { session, count, tokenCalls } = setup('3.0')
    const alice = await session.getClientToken('alice')
    const bob = await session.getClientToken('bob')
    expect(await session.getClientToken('alice')).toEqual(alice)
    expect(claims(alice.token)).toMatchObject({ scope: 'CLIENT_ACCESS', userid: 'alice' })
    expect(claims(bob.token)).toMatchObject({ scope: 'CLIENT_ACCESS', userid: 'bob' })
    expect(count('CLIENT_ACCESS')).toBe(2)
    expect(tokenCalls.map((call) => call.userId)).toEqual(['alice', 'bob'])
  })

  test('v3.0 refuses to mint a token without a user', async () => {
    const { session, tokenCalls } = setup('3.0')
    await expect(session.getClientToken()).rejects.toThrow(/3\.0.*userId/)
    expect(tokenCalls).toHaveLength(0)
  })

  test('a malformed user id is a TypeError, not a request', async () => {
    const { session, tokenCalls } = setup('3.0')
    await expect(session.getClientToken('alice&scope=SERVER_ACCESS')).rejects.toThrow(TypeError)
    await expect(session.getClientToken('')).rejects.toThrow(TypeError)
    expect(tokenCalls).toHaveLength(0)
  })

  test('the cache entry lives until the renewal point: 10 % of the lifetime, at most 5 minutes', () => {
    expect(refreshMarginMs(3_600_000)).toBe(5 * minute)
    expect(refreshMarginMs(600_000)).toBe(60_000)
    expect(refreshMarginMs(2_000)).toBe(200)
  })

  test('short-lived tokens are reused until 10 % before their end', async () => {
    const clock = createManualClock(start)
    const sandbox = createSandbox({ clock, seed: 7, tokenTtlSeconds: 600 })
    const upstream = countingFetch(sandbox)
    const session = createBasiqServerSession({
      apiKey: DEFAULT_SANDBOX_API_KEY,
      basiqUrl: sandbox.baseUrl,
      fetch: upstream.fetch,
      now: clock.now,
    })
    const first = await session.getClientToken()
    await clock.advance(8 * minute + 59_000)
    expect((await session.getClientToken()).token).toBe(first.token)
    await clock.advance(2_000)
    expect((await session.getClientToken()).token).not.toBe(first.token)
    expect(upstream.count('CLIENT_ACCESS')).toBe(2)
  })
})

describe('createBasiqUser', () => {
  test('creates a user in Basiq with the SERVER_ACCESS token', async () => {
    const { session, count } = setup()
    const user = await session.createBasiqUser({ email: 'gavin@hooli.com', mobile: '+61410888999' })
    expect(user).toMatchObject({ type: 'user', email: 'gavin@hooli.com', mobile: '+61410888999' })
    expect(user.id).not.toBe('')
    // The user exists: reading it back through the session's client finds it.
    const read = await session.client.getUser(user.id)
    expect(read.id).toBe(user.id)
    const second = await session.createBasiqUser({ mobile: '+61410000000' })
    expect(second.id).not.toBe(user.id)
    expect(count('SERVER_ACCESS')).toBe(1)
  })

  test('needs an email or a mobile', async () => {
    const { session, tokenCalls } = setup()
    await expect(session.createBasiqUser({})).rejects.toThrow(/email or mobile/)
    expect(tokenCalls).toHaveLength(0)
  })
})

describe('sharing a cache', () => {
  test('two sessions on one cache (two instances) make one upstream request', async () => {
    const clock = createManualClock(start)
    const sandbox = createSandbox({ clock, seed: 7 })
    const upstream = countingFetch(sandbox)
    const cache = createMemoryTokenCache({ now: clock.now })
    const options = {
      apiKey: DEFAULT_SANDBOX_API_KEY,
      basiqUrl: sandbox.baseUrl,
      fetch: upstream.fetch,
      now: clock.now,
      cache,
    }
    const one = createBasiqServerSession(options)
    const two = createBasiqServerSession(options)
    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? one : two).getClientToken()),
    )
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1)
    expect(upstream.count('CLIENT_ACCESS')).toBe(1)
  })

  test('apps with different keys never read each other’s tokens, and keys never hold the API key', async () => {
    const clock = createManualClock(start)
    const keys: string[] = []
    const memory = createMemoryTokenCache({ now: clock.now })
    // Records the keys the sessions use, storing through the real memory cache.
    const cache: TokenCache = {
      get: (key) => memory.get(key),
      set: (key, value, ttl) => {
        keys.push(key)
        return memory.set(key, value, ttl)
      },
      delete: (key) => memory.delete(key),
    }
    const appA = createSandbox({ clock, seed: 1, apiKey: 'app-a-key-0001' })
    const appB = createSandbox({ clock, seed: 2, apiKey: 'app-b-key-0002' })
    const fetchA = countingFetch(appA)
    const fetchB = countingFetch(appB)
    const a = createBasiqServerSession({
      apiKey: 'app-a-key-0001',
      basiqUrl: appA.baseUrl,
      fetch: fetchA.fetch,
      now: clock.now,
      cache,
    })
    const b = createBasiqServerSession({
      apiKey: 'app-b-key-0002',
      basiqUrl: appB.baseUrl,
      fetch: fetchB.fetch,
      now: clock.now,
      cache,
    })
    const tokenA = await a.getServerToken()
    const tokenB = await b.getServerToken()
    expect(tokenB).not.toBe(tokenA)
    expect(fetchA.count('SERVER_ACCESS')).toBe(1)
    expect(fetchB.count('SERVER_ACCESS')).toBe(1)
    // B's token works at B (A's would not): it creates a user there.
    await expect(b.createBasiqUser({ email: 'b@example.com' })).resolves.toHaveProperty('id')
    expect(keys).toHaveLength(2)
    expect(new Set(keys).size).toBe(2)
    for (const key of keys) {
      expect(key).not.toContain('app-a-key-0001')
      expect(key).not.toContain('app-b-key-0002')
    }
  })

  test('a failing cache is reported and the session asks Basiq directly', async () => {
    const broken: TokenCache = {
      get: () => Promise.reject(new Error('cache down')),
      set: () => Promise.reject(new Error('cache down')),
      delete: () => Promise.reject(new Error('cache down')),
      lock: () => Promise.reject(new Error('cache down')),
    }
    const reported: unknown[] = []
    const { session, count } = setup('2.1', {
      cache: broken,
      onCacheError: (error) => reported.push(error),
    })
    const tokens = await Promise.all(Array.from({ length: 20 }, () => session.getClientToken()))
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1)
    // Without a cache, the in-process single flight still holds concurrent callers to one request.
    expect(count('CLIENT_ACCESS')).toBe(1)
    expect(reported.length).toBeGreaterThan(0)
    expect(String(reported[0])).toContain('cache down')
  })
})

describe('options', () => {
  test('bad options are TypeErrors naming the option, never showing the key', () => {
    const basiqUrl = 'http://127.0.0.1:4010'
    expect(() => createBasiqServerSession({ apiKey: '' })).toThrow(/apiKey/)
    expect(() => createBasiqServerSession({ apiKey: 'secret key 42' })).toThrow(/apiKey/)
    const thrown = (() => {
      try {
        createBasiqServerSession({ apiKey: 'secret key 42' })
        return 'nothing thrown'
      } catch (error) {
        return String(error)
      }
    })()
    expect(thrown).toMatch(/TypeError: .*apiKey/)
    expect(thrown).not.toContain('secret key 42')
    expect(() => createBasiqServerSession({ apiKey: 'k', basiqUrl: 'au-api.basiq.io' })).toThrow(
      /basiqUrl/,
    )
    expect(() => createBasiqServerSession({ apiKey: 'k', basiqUrl: 'ftp://x' })).toThrow(/basiqUrl/)
    expect(() =>
      createBasiqServerSession({ apiKey: 'k', basiqUrl, version: '1.0' as BasiqVersion }),
    ).toThrow(/version must be one of 2\.0, 2\.1, 3\.0/)
    expect(() =>
      createBasiqServerSession({ apiKey: 'k', basiqUrl, cache: {} as TokenCache }),
    ).toThrow(/cache/)
    expect(() => createBasiqServerSession({ apiKey: 'k', basiqUrl, lockTtlMs: 0 })).toThrow(
      /lockTtlMs/,
    )
    expect(() =>
      createBasiqServerSession(undefined as unknown as BasiqServerSessionOptions),
    ).toThrow(/options object/)
  })

  test('defaults to the production API and version 2.1, with a trailing slash trimmed', () => {
    const session = createBasiqServerSession({ apiKey: 'k' })
    expect(session.basiqUrl).toBe('https://au-api.basiq.io')
    expect(session.version).toBe('2.1')
    const sandbox = createBasiqServerSession({ apiKey: 'k', basiqUrl: 'http://127.0.0.1:4010/' })
    expect(sandbox.basiqUrl).toBe('http://127.0.0.1:4010')
  })
})
