import { beforeEach, describe, expect, it } from 'vitest'
import { createManualClock } from './clock.ts'
import type { ManualClock } from './clock.ts'
import { createSandbox } from './create-sandbox.ts'
import type { Sandbox } from './create-sandbox.ts'
import { testClient } from './test-client.ts'

let clock: ManualClock
let sandbox: Sandbox
let client: ReturnType<typeof testClient>
let token: string

beforeEach(async () => {
  clock = createManualClock()
  sandbox = createSandbox({ clock, seed: 11 })
  client = testClient(sandbox, clock)
  token = await client.token()
})

const get = (path: string) => client.request('GET', path, { token })

describe('status faults', () => {
  it('answers 503 service-unavailable in the envelope the given number of times, then normally', async () => {
    sandbox.faults.add({ kind: 'status', path: '/institutions', times: 2 })
    for (let i = 0; i < 2; i += 1) {
      const failed = await get('/institutions')
      expect(failed.status).toBe(503)
      expect(failed.body).toMatchObject({
        type: 'list',
        correlationId: expect.any(String),
        data: [{ type: 'error', code: 'service-unavailable' }],
      })
    }
    expect((await get('/institutions')).status).toBe(200)
    expect(sandbox.faults.list()).toEqual([])
  })

  it('uses internal-server-error for a 500 and does not process the request', async () => {
    sandbox.faults.add({ kind: 'status', status: 500, method: 'POST', path: '/users' })
    const failed = await client.request('POST', '/users', { token, json: { email: 'a@b.co' } })
    expect(failed.status).toBe(500)
    expect(failed.body.data[0].code).toBe('internal-server-error')
    expect(sandbox.engine.stats().users).toBe(0)
  })

  it('matches the method: a POST fault leaves GET alone', async () => {
    sandbox.faults.add({ kind: 'status', method: 'post', path: '/institutions' })
    expect((await get('/institutions')).status).toBe(200)
    expect(sandbox.faults.list()).toHaveLength(1)
  })

  it('matches path globs: * within a segment, ** across segments', async () => {
    sandbox.faults.add({ kind: 'status', path: '/institutions/*', times: 5 })
    expect((await get('/institutions')).status).toBe(200)
    expect((await get('/institutions/AU00000')).status).toBe(503)
    sandbox.faults.clear()
    sandbox.faults.add({ kind: 'status', path: '/users/*', times: 5 })
    const user = await client.createUser(token)
    expect((await get(`/users/${user}/connections`)).status).toBe(200)
    expect((await get(`/users/${user}`)).status).toBe(503)
    sandbox.faults.clear()
    sandbox.faults.add({ kind: 'status', path: '/users/**', times: 5 })
    expect((await get(`/users/${user}/connections`)).status).toBe(503)
  })
})

describe('rate-limit faults', () => {
  it('answers 429 too-many-requests with Retry-After (exposed to browsers)', async () => {
    sandbox.faults.add({ kind: 'rate-limit', path: '/jobs/*', retryAfterSeconds: 7 })
    const response = await client.request('GET', '/jobs/some-job', {
      token,
      headers: { origin: 'http://localhost:5173' },
    })
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('7')
    expect(response.headers.get('access-control-expose-headers')).toMatch(/Retry-After/i)
    expect(response.body.data[0]).toEqual({
      type: 'error',
      code: 'too-many-requests',
      title: 'Too many requests',
      detail: 'Query limit reached.',
    })
    expect((await get('/jobs/some-job')).status).toBe(404)
  })
})

describe('latency faults', () => {
  it('delays the answer by latencyMs on the sandbox clock', async () => {
    sandbox.faults.add({ kind: 'latency', path: '/institutions', latencyMs: 5_000 })
    let settled = false
    const pending = get('/institutions').then((r) => {
      settled = true
      return r
    })
    await clock.advance(4_999)
    expect(settled).toBe(false)
    await clock.advance(1)
    const response = await pending
    expect(settled).toBe(true)
    expect(response.status).toBe(200)
  })
})

describe('drop faults', () => {
  it('rejects fetch with a TypeError, once', async () => {
    sandbox.faults.add({ kind: 'drop', path: '/institutions' })
    await expect(get('/institutions')).rejects.toBeInstanceOf(TypeError)
    expect((await get('/institutions')).status).toBe(200)
  })
})

describe('malformed faults', () => {
  it('answers with the real status and a truncated JSON body, after processing the request', async () => {
    sandbox.faults.add({ kind: 'malformed', method: 'POST', path: '/users' })
    const response = await client.request('POST', '/users', { token, json: { email: 'a@b.co' } })
    expect(response.status).toBe(201)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(() => JSON.parse(response.text)).toThrow(/JSON/)
    expect(response.text.startsWith('{"type":"user"')).toBe(true)
    expect(sandbox.engine.stats().users).toBe(1)
  })
})

describe('control endpoint /__sandbox', () => {
  it('POST /__sandbox/faults arms a fault (201 with its id); GET lists; DELETE clears', async () => {
    const created = await client.request('POST', '/__sandbox/faults', {
      json: { kind: 'rate-limit', path: '/institutions', times: 3, retryAfterSeconds: 2 },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ id: expect.any(String), kind: 'rate-limit', remaining: 3 })
    expect((await get('/institutions')).status).toBe(429)
    const listed = await client.request('GET', '/__sandbox/faults')
    expect(listed.body.data).toEqual([
      expect.objectContaining({ id: created.body.id, remaining: 2 }),
    ])
    expect((await client.request('DELETE', '/__sandbox/faults')).status).toBe(204)
    expect((await get('/institutions')).status).toBe(200)
  })

  it('DELETE /__sandbox/faults/{id} disarms one fault', async () => {
    const a = sandbox.faults.add({ kind: 'status', path: '/a' })
    const b = sandbox.faults.add({ kind: 'status', path: '/b' })
    expect((await client.request('DELETE', `/__sandbox/faults/${a.id}`)).status).toBe(204)
    expect(sandbox.faults.list().map((f) => f.id)).toEqual([b.id])
    expect((await client.request('DELETE', `/__sandbox/faults/${a.id}`)).status).toBe(404)
  })

  it.each([
    [{ path: '/jobs/*' }, /"kind" is required/],
    [{ kind: 'explode', path: '/jobs/*' }, /"kind" must be one of/],
    [{ kind: 'status' }, /"path" is required/],
    [{ kind: 'status', path: 'jobs' }, /"path" must be a path glob/],
    [{ kind: 'status', path: '/x', times: 0 }, /"times" must be an integer/],
    [{ kind: 'status', path: '/x', status: 200 }, /"status" must be an integer from 400 to 599/],
    ['not json', /JSON object/],
  ])('refuses the invalid fault %j with a clear 400', async (json, message) => {
    const response = await client.request('POST', '/__sandbox/faults', { json })
    expect(response.status).toBe(400)
    expect(response.body.data[0].detail).toMatch(message)
    expect(sandbox.faults.list()).toEqual([])
  })

  it('is never itself subject to faults and needs no token', async () => {
    sandbox.faults.add({ kind: 'drop', path: '/**', times: 10 })
    const health = await client.request('GET', '/__sandbox/health')
    expect(health.status).toBe(200)
    expect(health.body).toMatchObject({ status: 'ok', baseUrl: sandbox.baseUrl })
    expect(sandbox.faults.list()[0]?.remaining).toBe(10)
  })

  it('POST /__sandbox/reset forgets users, tokens and faults', async () => {
    const user = await client.createUser(token)
    sandbox.faults.add({ kind: 'status', path: '/nothing' })
    expect((await client.request('POST', '/__sandbox/reset')).status).toBe(204)
    expect(sandbox.faults.list()).toEqual([])
    expect((await get(`/users/${user}`)).status).toBe(401)
    const fresh = await client.token()
    expect((await client.request('GET', `/users/${user}`, { token: fresh })).status).toBe(404)
  })

  it('answers an unknown control route with a 404 envelope', async () => {
    const response = await client.request('GET', '/__sandbox/nope')
    expect(response.status).toBe(404)
    expect(response.body.type).toBe('list')
  })
})

describe('HTTP surface', () => {
  it('answers CORS preflight with 204 and the allowed methods and headers', async () => {
    const response = await sandbox.fetch(
      new Request(`${sandbox.baseUrl}/users/u/connections`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:5173',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      }),
    )
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(response.headers.get('access-control-allow-methods')).toContain('POST')
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').split(/,\s*/)
    expect(allowed).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'basiq-version', 'accept']),
    )
  })

  it('sends Access-Control-Allow-Origin on every answer (the Origin, or * without one)', async () => {
    const withOrigin = await client.request('GET', '/public/institutions', {
      headers: { origin: 'https://app.example' },
    })
    expect(withOrigin.headers.get('access-control-allow-origin')).toBe('https://app.example')
    const withoutOrigin = await client.request('GET', '/nope')
    expect(withoutOrigin.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('answers an unknown route with 404 resource-not-found in the envelope', async () => {
    const response = await client.request('GET', '/v3/whatever', { token })
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.body).toEqual({
      type: 'list',
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      data: [
        {
          type: 'error',
          code: 'resource-not-found',
          title: 'Requested resource is not found',
          detail: expect.any(String),
        },
      ],
    })
  })

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const response = await client.request('DELETE', '/institutions', { token })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET')
    expect(response.body.data[0].code).toBe('method-not-allowed')
  })

  it('refuses an Accept type other than JSON', async () => {
    const response = await client.request('GET', '/institutions', {
      token,
      headers: { accept: 'text/html' },
    })
    expect(response.status).toBe(400)
    expect(response.body.data[0].detail).toMatch(/Accept type text\/html is not supported/)
  })

  it('serves under a path prefix when the base URL has one', async () => {
    const prefixed = createSandbox({ clock, seed: 1, baseUrl: 'http://localhost:6006/basiq/' })
    expect(prefixed.baseUrl).toBe('http://localhost:6006/basiq')
    const response = await prefixed.fetch(
      new Request('http://localhost:6006/basiq/public/institutions'),
    )
    const body = await response.json()
    expect(body.links.self).toBe('http://localhost:6006/basiq/public/institutions')
  })
})
