import { beforeEach, describe, expect, it } from 'vitest'
import { createManualClock } from './clock.ts'
import type { ManualClock } from './clock.ts'
import { DEFAULT_SANDBOX_API_KEY, createSandbox } from './create-sandbox.ts'
import type { Sandbox } from './create-sandbox.ts'
import { testClient } from './test-client.ts'

function decodePayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? ''
  const json = Buffer.from(payload.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')
  return JSON.parse(json) as Record<string, unknown>
}

let clock: ManualClock
let sandbox: Sandbox
let client: ReturnType<typeof testClient>

beforeEach(() => {
  clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'))
  sandbox = createSandbox({ clock, seed: 7 })
  client = testClient(sandbox, clock)
})

const basic = { authorization: `Basic ${DEFAULT_SANDBOX_API_KEY}`, 'basiq-version': '2.1' }

describe('POST /token', () => {
  it('issues a JWT-shaped SERVER_ACCESS token with the documented claims', async () => {
    const response = await client.request('POST', '/token', {
      headers: basic,
      form: { scope: 'SERVER_ACCESS' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
    })
    const token = response.body.access_token as string
    expect(token.split('.')).toHaveLength(3)
    const claims = decodePayload(token)
    expect(claims).toMatchObject({ scope: 'SERVER_ACCESS', version: '2.1' })
    expect(claims.exp).toBe(Date.parse('2026-01-01T01:00:00Z') / 1000)
    expect(claims.iat).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000)
    expect(typeof claims.partnerid).toBe('string')
    expect(typeof claims.applicationid).toBe('string')
    expect(claims).not.toHaveProperty('userid')
  })

  it('binds a CLIENT_ACCESS token to the userId form field', async () => {
    const token = await client.token('CLIENT_ACCESS', { userId: 'user-123' })
    expect(decodePayload(token)).toMatchObject({ scope: 'CLIENT_ACCESS', userid: 'user-123' })
  })

  it('records the requested basiq-version (2.0, 2.1 and 3.0 are accepted)', async () => {
    for (const version of ['2.0', '2.1', '3.0']) {
      const response = await client.request('POST', '/token', {
        headers: { ...basic, 'basiq-version': version },
        form: { scope: 'SERVER_ACCESS' },
      })
      expect(response.status).toBe(200)
      expect(decodePayload(response.body.access_token).version).toBe(version)
    }
  })

  it('requires the basiq-version header (400 parameter-not-valid with its source)', async () => {
    const response = await client.request('POST', '/token', {
      headers: { authorization: `Basic ${DEFAULT_SANDBOX_API_KEY}` },
      form: { scope: 'SERVER_ACCESS' },
    })
    expect(response.status).toBe(400)
    expect(response.body.data).toEqual([
      {
        type: 'error',
        code: 'parameter-not-valid',
        title: 'Required parameter not valid',
        detail: 'Basiq-version must be specified in HTTP request header',
        source: { parameter: 'basiq-version', pointer: 'header/basiq-version' },
      },
    ])
  })

  it('refuses version 0.9 as no longer supported', async () => {
    const response = await client.request('POST', '/token', {
      headers: { ...basic, 'basiq-version': '0.9' },
      form: { scope: 'SERVER_ACCESS' },
    })
    expect(response.status).toBe(400)
    expect(response.body.data[0].detail).toBe(
      'Version 0.9 is no longer supported. Please upgrade to the latest version',
    )
  })

  it('answers a wrong API key with the documented 404', async () => {
    const response = await client.request('POST', '/token', {
      headers: { ...basic, authorization: 'Basic not-the-key' },
      form: { scope: 'SERVER_ACCESS' },
    })
    expect(response.status).toBe(404)
    expect(response.body.data[0]).toEqual({
      type: 'error',
      code: 'parameter-not-valid',
      title: 'We have encountered an error',
      detail: 'Unable to authenticate. Please, check your API key',
    })
  })

  it('answers a missing or non-Basic Authorization header with a 400', async () => {
    const missing = await client.request('POST', '/token', {
      headers: { 'basiq-version': '2.1' },
      form: { scope: 'SERVER_ACCESS' },
    })
    expect(missing.status).toBe(400)
    expect(missing.body.data[0].detail).toBe('Authorization header parameter is required')
    const bearer = await client.request('POST', '/token', {
      headers: { ...basic, authorization: `Bearer ${DEFAULT_SANDBOX_API_KEY}` },
      form: { scope: 'SERVER_ACCESS' },
    })
    expect(bearer.status).toBe(400)
    expect(bearer.body.data[0].detail).toBe('Invalid authorization header')
  })

  it('accepts the key base64-encoded as "key:" too', async () => {
    const response = await client.request('POST', '/token', {
      headers: { ...basic, authorization: `Basic ${btoa(`${DEFAULT_SANDBOX_API_KEY}:`)}` },
      form: { scope: 'SERVER_ACCESS' },
    })
    expect(response.status).toBe(200)
  })

  it('rejects an unknown scope', async () => {
    const response = await client.request('POST', '/token', {
      headers: basic,
      form: { scope: 'ADMIN' },
    })
    expect(response.status).toBe(400)
    expect(response.body.data[0].code).toBe('parameter-not-valid')
  })

  it('uses the configured API key and TTL', async () => {
    const custom = createSandbox({ clock, seed: 1, apiKey: 'my-key', tokenTtlSeconds: 60 })
    const customClient = testClient(custom, clock)
    const wrong = await customClient.request('POST', '/token', {
      headers: basic,
      form: { scope: 'SERVER_ACCESS' },
    })
    expect(wrong.status).toBe(404)
    const right = await customClient.request('POST', '/token', {
      headers: { ...basic, authorization: 'Basic my-key' },
      form: { scope: 'SERVER_ACCESS' },
    })
    expect(right.body.expires_in).toBe(60)
  })
})

describe('bearer tokens on API routes', () => {
  it('accepts a token until it expires, then answers 403 access-denied "Token has expired"', async () => {
    const token = await client.token()
    await clock.advance(3599_000)
    expect((await client.request('GET', '/institutions/AU00000', { token })).status).toBe(200)
    await clock.advance(1_000)
    const expired = await client.request('GET', '/institutions/AU00000', { token })
    expect(expired.status).toBe(403)
    expect(expired.body).toMatchObject({
      type: 'list',
      data: [
        {
          type: 'error',
          code: 'access-denied',
          title: 'Access denied.',
          detail: 'Token has expired',
          source: null,
        },
      ],
    })
    expect(expired.body.correlationId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
  })

  it('answers an unknown, garbled or tampered token with 401 invalid-authorization-token', async () => {
    const token = await client.token()
    const [head, payload, signature] = token.split('.') as [string, string, string]
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...decodePayload(token), scope: 'SERVER_ACCESS', exp: 9e9 }),
    ).toString('base64url')
    for (const bad of [
      'garbage',
      `${head}.${payload}.${signature.slice(1)}x`,
      `${head}.${forgedPayload}.${signature}`,
    ]) {
      const response = await client.request('GET', '/institutions', { token: bad })
      expect(response.status).toBe(401)
      expect(response.body.data[0]).toEqual({
        type: 'error',
        code: 'invalid-authorization-token',
        title: 'Invalid authorization token.',
      })
    }
  })

  it('answers a missing Authorization header on a protected route with 401', async () => {
    const response = await client.request('GET', '/institutions')
    expect(response.status).toBe(401)
    expect(response.body.data[0].code).toBe('invalid-authorization-token')
  })

  it('invalidates every token on reset()', async () => {
    const token = await client.token()
    sandbox.reset()
    expect((await client.request('GET', '/institutions', { token })).status).toBe(401)
  })

  it('does not accept tokens minted by another sandbox', async () => {
    const other = createSandbox({ clock, seed: 7 })
    const token = other.mintToken({ scope: 'SERVER_ACCESS' })
    expect((await client.request('GET', '/institutions', { token })).status).toBe(401)
  })
})

describe('scope rules (v2.1 spec security blocks)', () => {
  type Row = {
    method: string
    path: (ids: Ids) => string
    allowed: Array<'SERVER_ACCESS' | 'CLIENT_ACCESS'>
    json?: unknown
  }
  type Ids = { user: string; connection: string; job: string; account: string }
  const S = 'SERVER_ACCESS' as const
  const C = 'CLIENT_ACCESS' as const
  const rows: Row[] = [
    { method: 'GET', path: () => '/institutions', allowed: [S, C] },
    { method: 'GET', path: () => '/institutions/AU00000', allowed: [S, C] },
    { method: 'POST', path: () => '/users', allowed: [S], json: { email: 'x@y.co' } },
    { method: 'GET', path: (i) => `/users/${i.user}`, allowed: [S, C] },
    {
      method: 'POST',
      path: (i) => `/users/${i.user}`,
      allowed: [S],
      json: { mobile: '+61400000000' },
    },
    { method: 'GET', path: (i) => `/users/${i.user}/connections`, allowed: [S] },
    {
      method: 'POST',
      path: (i) => `/users/${i.user}/connections`,
      allowed: [S, C],
      json: { loginId: 'x', password: 'y', institution: { id: 'AU00000' } },
    },
    { method: 'GET', path: (i) => `/users/${i.user}/connections/${i.connection}`, allowed: [S, C] },
    {
      method: 'POST',
      path: (i) => `/users/${i.user}/connections/${i.connection}`,
      allowed: [S, C],
      json: { password: 'hooli2016' },
    },
    {
      method: 'POST',
      path: (i) => `/users/${i.user}/connections/${i.connection}/refresh`,
      allowed: [S],
    },
    { method: 'POST', path: (i) => `/users/${i.user}/connections/refresh`, allowed: [S] },
    { method: 'GET', path: (i) => `/jobs/${i.job}`, allowed: [S, C] },
    { method: 'GET', path: (i) => `/users/${i.user}/jobs`, allowed: [S] },
    {
      method: 'POST',
      path: (i) => `/jobs/${i.job}/mfa`,
      allowed: [C],
      json: { 'mfa-response': ['1234'] },
    },
    { method: 'GET', path: (i) => `/users/${i.user}/accounts`, allowed: [S] },
    { method: 'GET', path: (i) => `/users/${i.user}/accounts/${i.account}`, allowed: [S] },
    { method: 'GET', path: (i) => `/users/${i.user}/transactions`, allowed: [S] },
    { method: 'DELETE', path: (i) => `/users/${i.user}/connections/${i.connection}`, allowed: [S] },
  ]

  it.each(
    rows.map(
      (row) =>
        [
          `${row.method} ${row.path({ user: '{u}', connection: '{c}', job: '{j}', account: '{a}' })}`,
          row,
        ] as const,
    ),
  )(
    '%s: allowed scopes pass, the other gets 403 forbidden-access, no token gets 401',
    async (_name, row) => {
      const server = await client.token('SERVER_ACCESS')
      const user = await client.createUser(server)
      const job = await client.connect(server, user, 'jared', 'django')
      await client.waitForJob(server, job, (j) => j.steps.every((s) => s.status === 'success'))
      const connection = (
        await client.request('GET', `/users/${user}/connections`, { token: server })
      ).body.data[0].id
      const account = (await client.request('GET', `/users/${user}/accounts`, { token: server }))
        .body.data[0].id
      const ids = { user, connection, job, account }
      const tokens = { SERVER_ACCESS: server, CLIENT_ACCESS: await client.token('CLIENT_ACCESS') }
      const seen: Record<string, { status: number }> = {}
      for (const scope of [S, C]) {
        const response = await client.request(row.method, row.path(ids), {
          token: tokens[scope],
          json: row.json,
        })
        seen[scope] = { status: response.status, ...response.body?.data?.[0] }
      }
      const denied = [S, C].filter((scope) => !row.allowed.includes(scope))
      expect(row.allowed.filter((scope) => [401, 403].includes(seen[scope]?.status ?? 0))).toEqual(
        [],
      )
      expect(denied.map((scope) => seen[scope])).toEqual(
        denied.map(() => ({
          status: 403,
          type: 'error',
          code: 'forbidden-access',
          title: 'Forbidden Access',
          detail: 'Access to this resource is forbidden',
        })),
      )
      const anonymous = await client.request(row.method, row.path(ids), { json: row.json })
      expect(anonymous.status).toBe(401)
    },
  )

  it('serves /public/institutions without a token', async () => {
    const response = await client.request('GET', '/public/institutions')
    expect(response.status).toBe(200)
    expect(response.body.data.length).toBeGreaterThan(60)
  })

  it("refuses a user-bound CLIENT token on another user's resources with 403", async () => {
    const server = await client.token()
    const alice = await client.createUser(server, 'alice@example.com')
    const bob = await client.createUser(server, 'bob@example.com')
    const bobsJob = await client.connect(server, bob, 'jared', 'django')
    const aliceToken = await client.token('CLIENT_ACCESS', { userId: alice })
    expect((await client.request('GET', `/users/${alice}`, { token: aliceToken })).status).toBe(200)
    expect((await client.request('GET', `/users/${bob}`, { token: aliceToken })).status).toBe(403)
    expect((await client.request('GET', `/jobs/${bobsJob}`, { token: aliceToken })).status).toBe(
      403,
    )
    const post = await client.request('POST', `/users/${bob}/connections`, {
      token: aliceToken,
      json: { loginId: 'jared', password: 'django', institution: { id: 'AU00000' } },
    })
    expect(post.status).toBe(403)
    expect(post.body.data[0].code).toBe('forbidden-access')
  })
})
