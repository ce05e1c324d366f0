import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createBasiqClient, createTokenSource } from '@bankconnect/core'
import { DEFAULT_SANDBOX_API_KEY, createSandbox } from '@bankconnect/sandbox'
import { serveSandbox } from '@bankconnect/sandbox/server'
import type { SandboxServer } from '@bankconnect/sandbox/server'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createBasiqServerSession } from './basiq-server-session.ts'
import type { BasiqServerSession } from './basiq-server-session.ts'
import { toNodeHandler } from './node-adapter.ts'
import type { NodeRequestLike, NodeResponseLike } from './node-adapter.ts'
import { createTokenHandler } from './token-handler.ts'

// The whole topology over real sockets: the sandbox as Basiq on one port, the app server (a
// node:http server around the token handler) on another, and core's browser token source.
let basiq: SandboxServer
let app: Server
let appUrl = ''
let session: BasiqServerSession
let userId = ''
const seen: { body: string; method: string }[] = []

beforeAll(async () => {
  basiq = await serveSandbox(createSandbox({ seed: 11 }), { port: 0 })
  session = createBasiqServerSession({
    apiKey: DEFAULT_SANDBOX_API_KEY,
    basiqUrl: basiq.url,
    version: '3.0',
  })
  userId = (await session.createBasiqUser({ email: 'dinesh@piedpiper.com' })).id
  const handler = createTokenHandler({
    session,
    authorize: (request) => (request.headers.get('cookie') === 'sid=dinesh' ? userId : null),
    onError: () => {},
  })
  const recordingHandler = async (request: Request) => {
    seen.push({ method: request.method, body: await request.clone().text() })
    return handler(request)
  }
  app = createServer(toNodeHandler(recordingHandler))
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => {
    app?.close(() => resolve())
    // fetch keeps connections alive; without this, close() waits for them to time out.
    app?.closeAllConnections()
  })
  await basiq?.close()
})

describe('toNodeHandler', () => {
  test("the browser's token source gets a working token through node:http", async () => {
    const source = createTokenSource({
      url: `${appUrl}/api/basiq/token`,
      userId,
      // A browser sends its cookie on a same-origin request; Node's fetch needs it spelled out.
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...init?.headers, cookie: 'sid=dinesh' } }),
    })
    const token = await source.getToken()
    expect(seen.at(-1)).toEqual({ method: 'POST', body: JSON.stringify({ userId }) })
    // The browser uses it against Basiq directly: create a connection, then read its job.
    const client = createBasiqClient({ baseUrl: basiq.url, getToken: source.getToken })
    const job = await client.createConnection(userId, {
      institutionId: 'AU00000',
      loginId: 'gavinBelson',
      password: 'hooli2016',
    })
    expect((await client.getJob(job.id)).id).toBe(job.id)
    expect(token).not.toBe(await session.getServerToken())
  })

  test('status, headers and body of the answer reach the client', async () => {
    const refused = await fetch(`${appUrl}/api/basiq/token`, { method: 'POST', body: '{}' })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('cache-control')).toBe('no-store')
    expect(await refused.json()).toMatchObject({ error: { code: 'unauthorized' } })
    const wrongMethod = await fetch(`${appUrl}/api/basiq/token`, { method: 'PUT' })
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST')
  })

  test('the query string reaches the handler', async () => {
    const own = await fetch(`${appUrl}/api/basiq/token?userId=${userId}`, {
      headers: { cookie: 'sid=dinesh' },
    })
    expect(own.status).toBe(200)
    const other = await fetch(`${appUrl}/api/basiq/token?userId=someone-else`, {
      headers: { cookie: 'sid=dinesh' },
    })
    expect(other.status).toBe(403)
  })

  test('a body over the limit is refused with 413 before the handler runs', async () => {
    const before = seen.length
    const response = await fetch(`${appUrl}/api/basiq/token`, {
      method: 'POST',
      headers: { cookie: 'sid=dinesh' },
      body: 'x'.repeat(2_000_000),
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: { code: 'payload-too-large' } })
    expect(seen.length).toBe(before)
  })

  test('a body an Express parser already consumed is taken from req.body', async () => {
    const handler = toNodeHandler(async (request) => Response.json(await request.json()))
    const { res, result } = fakeResponse()
    const req: NodeRequestLike = {
      method: 'POST',
      url: '/token',
      originalUrl: '/api/basiq/token',
      headers: { host: 'app.example', 'content-type': 'application/json' },
      body: { userId: 'abc' },
      // The stream is already drained, as after express.json().
      async *[Symbol.asyncIterator]() {},
    }
    await handler(req, res)
    expect(result()).toMatchObject({ status: 200, body: '{"userId":"abc"}' })
  })

  test('an unreadable request → 400; a handler that throws → 500; neither rejects', async () => {
    const { res, result } = fakeResponse()
    await toNodeHandler(async () => new Response('ok'))(
      {
        method: 'GET',
        url: '/x',
        headers: { host: 'bad host name' },
        async *[Symbol.asyncIterator]() {},
      },
      res,
    )
    expect(result().status).toBe(400)
    const second = fakeResponse()
    await toNodeHandler(async () => {
      throw new Error('boom')
    })({ method: 'GET', url: '/x', headers: {}, async *[Symbol.asyncIterator]() {} }, second.res)
    expect(second.result()).toMatchObject({ status: 500 })
    expect(second.result().body).not.toContain('boom')
  })

  test('bad arguments are clear errors', () => {
    expect(() => toNodeHandler(undefined as never)).toThrow(/handler must be a function/)
    expect(() => toNodeHandler(async () => new Response(), { maxBodyBytes: -1 })).toThrow(
      /maxBodyBytes/,
    )
  })
})

function fakeResponse() {
  const headers = new Map<string, string | readonly string[]>()
  let body = ''
  const res: NodeResponseLike = {
    statusCode: 200,
    setHeader(name, value) {
      headers.set(name, value)
    },
    end(chunk) {
      body = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)
    },
  }
  return { res, result: () => ({ status: res.statusCode, headers, body }) }
}
