import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createConnection, createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { FetchLike } from '@bankconnect/core'
import { DEFAULT_SANDBOX_API_KEY, createManualClock, createSandbox } from '@bankconnect/sandbox'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createBasiqServerSession } from './basiq-server-session.ts'
import { createMemoryTokenCache } from './memory-token-cache.ts'
import { DEFAULT_REDIS_TOKEN_PREFIX, createRedisTokenCache } from './redis-token-cache.ts'
import type { TokenCache } from './token-cache.ts'
import { createTokenHandler } from './token-handler.ts'

/** A cache under test and a way to let its time pass. */
interface CacheUnderTest {
  cache: TokenCache
  elapse(ms: number): Promise<void>
}

const token = (name: string, expiresAt = Date.UTC(2026, 0, 1, 1)) => ({
  token: `token-${name}`,
  expiresAt,
})

/** What every TokenCache must do; run below against the memory cache and a real Redis. */
function tokenCacheContract(name: string, make: () => CacheUnderTest) {
  describe(`${name}: the TokenCache contract`, () => {
    test('an unknown key is a miss', async () => {
      const { cache } = make()
      expect(await cache.get('nothing-here')).toBeUndefined()
    })

    test('what is set is read back, and a second set replaces it', async () => {
      const { cache } = make()
      await cache.set('k', token('one'), 60_000)
      expect(await cache.get('k')).toEqual(token('one'))
      await cache.set('k', token('two', 5), 60_000)
      expect(await cache.get('k')).toEqual(token('two', 5))
    })

    test('keys are independent; delete removes one entry only', async () => {
      const { cache } = make()
      await cache.set('a', token('a'), 60_000)
      await cache.set('b', token('b'), 60_000)
      await cache.delete('a')
      await cache.delete('never-set')
      expect(await cache.get('a')).toBeUndefined()
      expect(await cache.get('b')).toEqual(token('b'))
    })

    test('the TTL is honoured', async () => {
      const { cache, elapse } = make()
      // Generous gaps: against Redis this runs in real time on a possibly busy machine.
      await cache.set('short', token('short'), 1_000)
      await cache.set('long', token('long'), 60_000)
      await elapse(200)
      expect(await cache.get('short')).toEqual(token('short'))
      await elapse(1_000)
      expect(await cache.get('short')).toBeUndefined()
      expect(await cache.get('long')).toEqual(token('long'))
    })

    test('a lock has one holder until it is released', async () => {
      const { cache } = make()
      const release = await cache.lock?.('k', 60_000)
      expect(release).toBeTypeOf('function')
      expect(await cache.lock?.('k', 60_000)).toBeUndefined()
      expect(await cache.lock?.('other', 60_000)).toBeTypeOf('function')
      await release?.()
      await release?.()
      const again = await cache.lock?.('k', 60_000)
      expect(again).toBeTypeOf('function')
      // Locks and entries do not share names.
      expect(await cache.get('k')).toBeUndefined()
    })

    test('a lock lapses after its TTL; the late holder cannot release the new one', async () => {
      const { cache, elapse } = make()
      const stale = await cache.lock?.('k', 200)
      expect(stale).toBeTypeOf('function')
      await elapse(300)
      const fresh = await cache.lock?.('k', 60_000)
      expect(fresh).toBeTypeOf('function')
      await stale?.()
      expect(await cache.lock?.('k', 60_000)).toBeUndefined()
    })

    test('bad arguments are rejected with a clear error', async () => {
      const { cache } = make()
      await expect(cache.get('')).rejects.toThrow(TypeError)
      await expect(cache.set('k', token('k'), 0)).rejects.toThrow(/ttlMs/)
      await expect(cache.set('k', token('k'), Number.NaN)).rejects.toThrow(/ttlMs/)
      await expect(cache.set('k', { token: '', expiresAt: 1 }, 1000)).rejects.toThrow(/value/)
      await expect(cache.set('k', null as never, 1000)).rejects.toThrow(/value/)
      await expect(cache.lock?.('k', -1)).rejects.toThrow(/ttlMs/)
      expect(await cache.get('k')).toBeUndefined()
    })
  })
}

tokenCacheContract('memory', () => {
  const clock = createManualClock()
  return { cache: createMemoryTokenCache({ now: clock.now }), elapse: (ms) => clock.advance(ms) }
})

describe('createMemoryTokenCache', () => {
  test('two caches never share entries', async () => {
    const one = createMemoryTokenCache()
    const two = createMemoryTokenCache()
    await one.set('k', token('k'), 60_000)
    expect(await two.get('k')).toBeUndefined()
  })

  test('what get returns is a copy', async () => {
    const cache = createMemoryTokenCache()
    await cache.set('k', token('k'), 60_000)
    const read = await cache.get('k')
    if (read) read.token = 'tampered'
    expect(await cache.get('k')).toEqual(token('k'))
  })
})

// ── Redis ─────────────────────────────────────────────────────────────────────────────────────

const REDIS_MISSING =
  'redis-server is not installed, and the Redis token cache is tested against a real one: run ' +
  '`sh scripts/setup.sh` (it installs redis-server from apt), then run the tests again.'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    let reply = ''
    socket.setTimeout(500, () => {
      socket.destroy()
      resolve(false)
    })
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (data) => {
      reply += data.toString()
      if (reply.includes('\r\n')) {
        socket.destroy()
        resolve(reply.startsWith('+PONG'))
      }
    })
    socket.on('error', () => resolve(false))
  })
}

/** Starts a throw-away redis-server (no persistence) on a free port and waits for its PONG. */
async function startRedisServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort()
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout?.on('data', (data: Buffer) => (output += data.toString()))
  child.stderr?.on('data', (data: Buffer) => (output += data.toString()))
  let failure: Error | undefined
  child.once('error', (error: NodeJS.ErrnoException) => {
    failure = error.code === 'ENOENT' ? new Error(REDIS_MISSING) : error
  })
  child.once('exit', (code) => {
    failure ??= new Error(`redis-server exited early (code ${String(code)}):\n${output}`)
  })
  const deadline = Date.now() + 10_000
  for (;;) {
    if (failure) throw failure
    if (await ping(port)) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

describe('createRedisTokenCache (against a real redis-server)', () => {
  let server: { port: number; stop(): Promise<void> } | undefined
  const clients: Redis[] = []
  let prefixes = 0

  /** A new connection, as a separate app instance would open. */
  function connect(): Redis {
    if (!server) throw new Error(REDIS_MISSING)
    const client = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1 })
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    server = await startRedisServer()
  }, 20_000)

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())))
    await server?.stop()
  })

  tokenCacheContract('redis', () => {
    // A fresh prefix per test keeps tests apart without flushing the database.
    const cache = createRedisTokenCache(connect(), { prefix: `contract:${(prefixes += 1)}:` })
    return { cache, elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) }
  })

  test('entries are JSON under the prefix, with a Redis TTL', async () => {
    const redis = connect()
    const cache = createRedisTokenCache(redis)
    await cache.set('layout', token('layout'), 90_000)
    const key = `${DEFAULT_REDIS_TOKEN_PREFIX}layout`
    expect(JSON.parse((await redis.get(key)) ?? 'null')).toEqual(token('layout'))
    const pttl = await redis.pttl(key)
    expect(pttl).toBeGreaterThan(80_000)
    expect(pttl).toBeLessThanOrEqual(90_000)
    await cache.delete('layout')
  })

  test('a value that is not a cached token reads as a miss, not a crash', async () => {
    const redis = connect()
    const cache = createRedisTokenCache(redis, { prefix: 'corrupt:' })
    await redis.set('corrupt:a', '{not json')
    await redis.set('corrupt:b', JSON.stringify({ token: 42 }))
    expect(await cache.get('a')).toBeUndefined()
    expect(await cache.get('b')).toBeUndefined()
  })

  test('bad arguments are clear errors', () => {
    expect(() => createRedisTokenCache({} as Redis)).toThrow(/ioredis client/)
    expect(() => createRedisTokenCache(connect(), { prefix: 5 as unknown as string })).toThrow(
      /prefix/,
    )
  })

  /** Basiq (the sandbox) behind a fetch that counts `/token` calls per scope. */
  function countingBasiq() {
    const clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'))
    const sandbox = createSandbox({ clock, seed: 5 })
    const calls: string[] = []
    const fetch: FetchLike = async (input, init) => {
      const request = new Request(input, init)
      if (new URL(request.url).pathname === '/token') {
        calls.push(new URLSearchParams(await request.clone().text()).get('scope') ?? '')
      }
      return sandbox.fetch(request)
    }
    return { clock, sandbox, fetch, calls }
  }

  test('two instances sharing Redis on a cold cache → one upstream /token call', async () => {
    const basiq = countingBasiq()
    const prefix = `instances:${(prefixes += 1)}:`
    // Each instance has its own connection, cache and session (so its own in-process single
    // flight): only the Redis lock keeps them from both asking Basiq.
    const handlers = [1, 2].map(() =>
      createTokenHandler({
        apiKey: DEFAULT_SANDBOX_API_KEY,
        basiqUrl: basiq.sandbox.baseUrl,
        fetch: basiq.fetch,
        now: basiq.clock.now,
        cache: createRedisTokenCache(connect(), { prefix }),
        authorize: () => 'a-user',
      }),
    )
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        handlers[i % 2]!(
          new Request('https://app.example/api/basiq/token', { method: 'POST' }),
        ).then((response) => response.json() as Promise<{ access_token: string }>),
      ),
    )
    expect(new Set(answers.map((answer) => answer.access_token)).size).toBe(1)
    expect(basiq.calls).toEqual(['CLIENT_ACCESS'])
  })

  test('the SERVER_ACCESS token too: one for every instance, with a TTL ending before expiry', async () => {
    const basiq = countingBasiq()
    const prefix = `server:${(prefixes += 1)}:`
    const redis = connect()
    const options = {
      apiKey: DEFAULT_SANDBOX_API_KEY,
      basiqUrl: basiq.sandbox.baseUrl,
      fetch: basiq.fetch,
      now: basiq.clock.now,
    }
    const first = createBasiqServerSession({
      ...options,
      cache: createRedisTokenCache(redis, { prefix }),
    })
    const second = createBasiqServerSession({
      ...options,
      cache: createRedisTokenCache(connect(), { prefix }),
    })
    const tokens = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? first : second).getServerToken()),
    )
    expect(new Set(tokens).size).toBe(1)
    expect(basiq.calls).toEqual(['SERVER_ACCESS'])

    // An instance started later reads it from Redis instead of asking Basiq.
    const third = createBasiqServerSession({
      ...options,
      cache: createRedisTokenCache(connect(), { prefix }),
    })
    expect(await third.getServerToken()).toBe(tokens[0])
    expect(basiq.calls).toHaveLength(1)

    const keys = await redis.keys(`${prefix}*`)
    expect(keys).toHaveLength(1)
    expect(keys[0]).not.toContain(DEFAULT_SANDBOX_API_KEY)
    // A one-hour token stays 55 minutes: renewed 5 minutes before it expires.
    const pttl = await redis.pttl(keys[0]!)
    expect(pttl).toBeGreaterThan(55 * 60_000 - 5_000)
    expect(pttl).toBeLessThanOrEqual(55 * 60_000)
  })

  test('when the holder of the lock fails, a waiting instance asks Basiq itself', async () => {
    const basiq = countingBasiq()
    const prefix = `failover:${(prefixes += 1)}:`
    basiq.sandbox.faults.add({ kind: 'status', path: '/token', status: 503 })
    const sessions = [1, 2].map(() =>
      createBasiqServerSession({
        apiKey: DEFAULT_SANDBOX_API_KEY,
        basiqUrl: basiq.sandbox.baseUrl,
        fetch: basiq.fetch,
        now: basiq.clock.now,
        cache: createRedisTokenCache(connect(), { prefix }),
      }),
    )
    const results = await Promise.allSettled(sessions.map((session) => session.getClientToken()))
    // One instance met the fault; the other took the lock after it and got a token.
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(basiq.calls).toEqual(['CLIENT_ACCESS', 'CLIENT_ACCESS'])
  })
})
