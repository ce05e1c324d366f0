// Token endpoint under a thundering herd: 1,000 concurrent requests reach the token handler on a
// cold cache; how many `POST /token` calls reach Basiq? The target is 1 (DESIGN.md, Performance).
// Basiq is the in-process sandbox behind a fetch that counts its `/token` calls. When redis-server
// is installed, the same herd is split over two "instances" (two handlers, two Redis connections,
// one Redis) to measure the distributed lock as well.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { createConnection, createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { FetchLike } from '../packages/core/src/index.ts'
import { DEFAULT_SANDBOX_API_KEY, createSandbox } from '../packages/sandbox/src/index.ts'
import { createTokenHandler } from '../packages/server/src/index.ts'
import type { TokenHandler, TokenHandlerOptions } from '../packages/server/src/index.ts'
import { createRedisTokenCache } from '../packages/server/src/redis-token-cache.ts'
import { writeResult } from './results.ts'

const REQUESTS = 1_000

type RedisClient = Parameters<typeof createRedisTokenCache>[0]
type RedisConstructor = new (options: {
  port: number
  host: string
  maxRetriesPerRequest: number
}) => RedisClient

/** The sandbox as Basiq, and a fetch to it that counts `/token` calls. */
function countingUpstream() {
  const sandbox = createSandbox({ seed: 1 })
  let tokenCalls = 0
  const fetch: FetchLike = (input, init) => {
    const request = new Request(input, init)
    if (new URL(request.url).pathname === '/token') tokenCalls += 1
    return sandbox.fetch(request)
  }
  return { sandbox, fetch, calls: () => tokenCalls }
}

function handlerFor(
  upstream: ReturnType<typeof countingUpstream>,
  extra: Partial<TokenHandlerOptions> = {},
): TokenHandler {
  return createTokenHandler({
    apiKey: DEFAULT_SANDBOX_API_KEY,
    basiqUrl: upstream.sandbox.baseUrl,
    version: '2.1',
    fetch: upstream.fetch,
    authorize: (request) => request.headers.get('x-user'),
    ...extra,
  })
}

/** Fires `REQUESTS` token requests at once, spread over `handlers`; returns how many succeeded. */
async function herd(handlers: TokenHandler[]): Promise<number> {
  const answers = await Promise.all(
    Array.from({ length: REQUESTS }, (_, i) =>
      handlers[i % handlers.length]!(
        new Request('http://app.local/api/basiq/token', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-user': `user-${i % 50}` },
          body: '{}',
        }),
      ),
    ),
  )
  return answers.filter((answer) => answer.status === 200).length
}

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
    socket.setTimeout(500, () => {
      socket.destroy()
      resolve(false)
    })
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('+PONG'))
    })
    socket.on('error', () => resolve(false))
  })
}

/** A throw-away redis-server on a free port, or `undefined` when none is installed. */
async function startRedis(): Promise<{ port: number; stop(): void } | undefined> {
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', ''],
    {
      stdio: 'ignore',
    },
  )
  const state = { failed: false }
  child.once('error', () => (state.failed = true))
  child.once('exit', () => (state.failed = true))
  for (let i = 0; i < 200 && !state.failed; i += 1) {
    if (await ping(port)) return { port, stop: () => child.kill('SIGTERM') }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.kill('SIGKILL')
  return undefined
}

async function measureRedis(): Promise<number | null> {
  const redisServer = await startRedis()
  if (redisServer === undefined) {
    console.info(
      'token: redis-server not available (sh scripts/setup.sh installs it); skipped the two-instance figure',
    )
    return null
  }
  // ioredis is the server package's (dev) dependency, so it is resolved from there.
  const requireFromServer = createRequire(
    new URL('../packages/server/package.json', import.meta.url),
  )
  const { Redis } = requireFromServer('ioredis') as { Redis: RedisConstructor }
  const connections = [1, 2].map(
    () => new Redis({ port: redisServer.port, host: '127.0.0.1', maxRetriesPerRequest: 1 }),
  )
  try {
    const upstream = countingUpstream()
    const handlers = connections.map((redis) =>
      handlerFor(upstream, { cache: createRedisTokenCache(redis, { prefix: 'bench:' }) }),
    )
    const ok = await herd(handlers)
    if (ok !== REQUESTS)
      throw new Error(`token (Redis): only ${ok} of ${REQUESTS} requests got a token`)
    return upstream.calls()
  } finally {
    await Promise.all(connections.map((redis) => redis.quit()))
    redisServer.stop()
  }
}

const upstream = countingUpstream()
const started = performance.now()
const ok = await herd([handlerFor(upstream)])
const durationMs = Math.round(performance.now() - started)
if (ok !== REQUESTS) {
  console.error(`token: only ${ok} of ${REQUESTS} requests got a token`)
  process.exit(1)
}
const upstreamCalls = upstream.calls()
const redisTwoInstancesUpstreamCalls = await measureRedis()

console.info(
  `token: ${REQUESTS} concurrent requests on a cold cache → ${upstreamCalls} upstream /token call(s) (target 1) in ${durationMs} ms`,
)
if (redisTwoInstancesUpstreamCalls !== null) {
  console.info(
    `token: two instances sharing Redis → ${redisTwoInstancesUpstreamCalls} upstream /token call(s)`,
  )
}
writeResult('token', { upstreamCalls, requests: REQUESTS, redisTwoInstancesUpstreamCalls })
if (upstreamCalls !== 1) {
  console.error(`token: ${upstreamCalls} upstream /token calls; the target is 1`)
  process.exit(1)
}
