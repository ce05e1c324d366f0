import type { FetchLike } from '@bankconnect/core'
import { DEFAULT_SANDBOX_API_KEY, createManualClock, createSandbox } from '@bankconnect/sandbox'
import { describe, expect, onTestFinished, test } from 'vitest'
import { createBasiqServerSession } from './basiq-server-session.ts'
import type { BasiqVersion } from './basiq-server-session.ts'
import { createTokenHandler } from './token-handler.ts'
import type { AuthorizeRequest, TokenHandlerErrorInfo } from './token-handler.ts'

const start = Date.parse('2026-01-01T00:00:00Z')
const minute = 60_000
const endpoint = 'https://app.example/api/basiq/token'

interface Answer {
  status: number
  headers: Headers
  text: string
  body: Record<string, unknown>
}

/** The API key and every SERVER_ACCESS token Basiq issued must be absent from every answer. */
function expectNoSecrets(answers: Answer[], secrets: string[]): void {
  expect(secrets.length).toBeGreaterThan(0)
  for (const answer of answers) {
    const headerText = [...answer.headers].map(([name, value]) => `${name}: ${value}`).join('\n')
    for (const secret of secrets) {
      expect(answer.text).not.toContain(secret)
      expect(headerText).not.toContain(secret)
    }
  }
}

interface SetupOptions {
  version?: BasiqVersion
  apiKey?: string
  authorize?: AuthorizeRequest
}

/**
 * The in-process sandbox as Basiq (counting its `/token` calls and keeping every SERVER_ACCESS
 * token it issues), a session shared by the handler and sign-up, two signed-up users and an
 * `ask()` that plays the browser (its session cookie names the user).
 */
async function setup(options: SetupOptions = {}) {
  const clock = createManualClock(start)
  const sandbox = createSandbox({ clock, seed: 3 })
  const tokenCalls: { scope: string | null; userId: string | null }[] = []
  const serverTokens: string[] = []
  const fetch: FetchLike = async (input, init) => {
    const request = new Request(input, init)
    const isToken = new URL(request.url).pathname === '/token'
    let scope: string | null = null
    if (isToken) {
      const form = new URLSearchParams(await request.clone().text())
      scope = form.get('scope')
      tokenCalls.push({ scope, userId: form.get('userId') })
    }
    const response = await sandbox.fetch(request)
    if (isToken && scope === 'SERVER_ACCESS' && response.ok) {
      const issued = (await response.clone().json()) as { access_token: string }
      serverTokens.push(issued.access_token)
    }
    return response
  }
  const apiKey = options.apiKey ?? DEFAULT_SANDBOX_API_KEY
  const session = createBasiqServerSession({
    apiKey,
    basiqUrl: sandbox.baseUrl,
    version: options.version ?? '2.1',
    fetch,
    now: clock.now,
  })

  // The app's own sessions: cookie `sid` → the Basiq user id kept at sign-up.
  const signedIn = new Map<string, string>()
  const users: Record<'alice' | 'bob', string> = { alice: 'unknown', bob: 'unknown' }
  if (apiKey === DEFAULT_SANDBOX_API_KEY) {
    users.alice = (await session.createBasiqUser({ email: 'alice@example.com' })).id
    users.bob = (await session.createBasiqUser({ email: 'bob@example.com' })).id
    signedIn.set('sid-alice', users.alice)
    signedIn.set('sid-bob', users.bob)
  }
  const authorize: AuthorizeRequest =
    options.authorize ??
    ((request) => {
      const sid = /(?:^|;\s*)sid=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1]
      return sid === undefined ? null : (signedIn.get(sid) ?? null)
    })
  const errors: { error: unknown; info: TokenHandlerErrorInfo }[] = []
  const handler = createTokenHandler({
    session,
    authorize,
    onError: (error, info) => errors.push({ error, info }),
    now: clock.now,
  })

  const answers: Answer[] = []
  // Registered by every setup, so no test can forget it.
  onTestFinished(() => expectNoSecrets(answers, [apiKey, ...serverTokens]))

  async function send(request: Request): Promise<Answer> {
    const response = await handler(request)
    const text = await response.text()
    let body: Record<string, unknown> = {}
    try {
      body = JSON.parse(text) as Record<string, unknown>
    } catch {
      // Left empty: the test's own assertions will say what was expected.
    }
    const answer = { status: response.status, headers: response.headers, text, body }
    answers.push(answer)
    return answer
  }

  /** What the browser's token source sends: POST, JSON `{ userId }` or `{}`, the session cookie. */
  function ask(as: 'alice' | 'bob' | null, body: unknown = {}, init: RequestInit = {}) {
    const headers = new Headers(init.headers)
    if (as !== null) headers.set('cookie', `theme=dark; sid=sid-${as}`)
    headers.set('content-type', 'application/json')
    return send(
      new Request(endpoint, {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
        ...init,
        headers,
      }),
    )
  }

  const clientCalls = () => tokenCalls.filter((call) => call.scope === 'CLIENT_ACCESS')
  return { clock, sandbox, session, users, ask, send, errors, tokenCalls, clientCalls }
}

function claims(token: unknown): Record<string, unknown> {
  const payload = String(token).split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
}

describe('who may have a token', () => {
  test('nobody signed in → 401, and Basiq is not asked', async () => {
    const { ask, clientCalls } = await setup()
    const answer = await ask(null)
    expect(answer.status).toBe(401)
    expect(answer.body).toEqual({
      error: { code: 'unauthorized', message: expect.any(String) },
    })
    expect(clientCalls()).toHaveLength(0)
  })

  test("another user's id in the body → 403", async () => {
    const { ask, users, clientCalls } = await setup({ version: '3.0' })
    const answer = await ask('alice', { userId: users.bob })
    expect(answer.status).toBe(403)
    expect(answer.body).toMatchObject({ error: { code: 'forbidden' } })
    expect(clientCalls()).toHaveLength(0)
  })

  test('GET works too; ?userId= for someone else → 403', async () => {
    const { send, users } = await setup({ version: '3.0' })
    const cookie = { cookie: 'sid=sid-alice' }
    const own = await send(new Request(`${endpoint}?userId=${users.alice}`, { headers: cookie }))
    expect(own.status).toBe(200)
    expect(claims(own.body.access_token).userid).toBe(users.alice)
    const plain = await send(new Request(endpoint, { headers: cookie }))
    expect(plain.body.access_token).toBe(own.body.access_token)
    const other = await send(new Request(`${endpoint}?userId=${users.bob}`, { headers: cookie }))
    expect(other.status).toBe(403)
  })

  test("the user's own id, or none, → their token", async () => {
    const { ask, users } = await setup({ version: '3.0' })
    const named = await ask('alice', { userId: users.alice })
    const unnamed = await ask('alice', {})
    const empty = await ask('alice', '')
    expect(named.status).toBe(200)
    expect(unnamed.body.access_token).toBe(named.body.access_token)
    expect(empty.body.access_token).toBe(named.body.access_token)
    expect(claims(named.body.access_token).userid).toBe(users.alice)
  })

  test('authorize that throws → 500, reported to the developer', async () => {
    const { ask, errors } = await setup({
      authorize: () => {
        throw new Error('session store offline')
      },
    })
    const answer = await ask('alice')
    expect(answer.status).toBe(500)
    expect(answer.body).toMatchObject({ error: { code: 'internal-error' } })
    expect(answer.text).not.toContain('session store offline')
    expect(errors[0]?.info.message).toContain('session store offline')
  })

  test('authorize that returns something other than a user id → 500 with a hint', async () => {
    const { ask, errors, clientCalls } = await setup({
      authorize: () => ({ id: 'alice' }) as unknown as string,
    })
    const answer = await ask('alice')
    expect(answer.status).toBe(500)
    expect(answer.body).toMatchObject({ error: { code: 'server-misconfigured' } })
    expect(errors[0]?.info.message).toMatch(/authorize\(\) must resolve/)
    expect(clientCalls()).toHaveLength(0)
  })
})

describe('the answer', () => {
  test('v2.1: a CLIENT_ACCESS token, not bound to a user, shared by every user', async () => {
    const { ask, clientCalls } = await setup({ version: '2.1' })
    const alice = await ask('alice')
    const bob = await ask('bob')
    expect(alice.status).toBe(200)
    expect(Object.keys(alice.body).sort()).toEqual(['access_token', 'expires_in'])
    expect(alice.body.expires_in).toBe(3600)
    const payload = claims(alice.body.access_token)
    expect(payload.scope).toBe('CLIENT_ACCESS')
    expect(payload).not.toHaveProperty('userid')
    expect(bob.body.access_token).toBe(alice.body.access_token)
    expect(clientCalls()).toEqual([{ scope: 'CLIENT_ACCESS', userId: null }])
  })

  test('v3.0: a CLIENT_ACCESS token bound to each user', async () => {
    const { ask, users, clientCalls } = await setup({ version: '3.0' })
    const alice = await ask('alice')
    const bob = await ask('bob')
    expect(claims(alice.body.access_token)).toMatchObject({
      scope: 'CLIENT_ACCESS',
      userid: users.alice,
      version: '3.0',
    })
    expect(claims(bob.body.access_token)).toMatchObject({ userid: users.bob })
    expect(bob.body.access_token).not.toBe(alice.body.access_token)
    expect(clientCalls().map((call) => call.userId)).toEqual([users.alice, users.bob])
  })

  test('the token works at Basiq: the browser can create a connection with it', async () => {
    const { ask, sandbox, users } = await setup({ version: '3.0' })
    const { body } = await ask('alice')
    const response = await sandbox.fetch(
      new Request(`${sandbox.baseUrl}/users/${users.alice}/connections`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${String(body.access_token)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          loginId: 'gavinBelson',
          password: 'hooli2016',
          institution: { id: 'AU00000' },
        }),
      }),
    )
    expect(response.status).toBe(202)
  })

  test('JSON, never stored by an HTTP cache, errors included', async () => {
    const { ask } = await setup()
    for (const answer of [await ask('alice'), await ask(null)]) {
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
      expect(answer.headers.get('cache-control')).toBe('no-store')
    }
  })

  test('other methods → 405 with Allow', async () => {
    const { ask } = await setup()
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const answer = await ask('alice', undefined, { method, body: null })
      expect(answer.status).toBe(405)
      expect(answer.headers.get('allow')).toBe('GET, POST')
      expect(answer.body).toMatchObject({ error: { code: 'method-not-allowed' } })
    }
  })

  test('a body that is not empty or JSON { userId } → 400; a huge one → 413', async () => {
    const { ask, clientCalls } = await setup()
    for (const body of ['{not json', '[]', '"alice"', '{"userId": 42}', '{"userId": ""}']) {
      const answer = await ask('alice', body)
      expect(answer.status).toBe(400)
      expect(answer.body).toMatchObject({ error: { code: 'invalid-request' } })
    }
    const huge = await ask('alice', JSON.stringify({ userId: 'x', pad: 'x'.repeat(20_000) }))
    expect(huge.status).toBe(413)
    expect(clientCalls()).toHaveLength(0)
  })

  test('an authorize that reads the body still leaves the handler its copy', async () => {
    let seen = ''
    const { ask, users } = await setup({
      version: '3.0',
      authorize: async (request) => {
        seen = await request.text()
        return request.headers.get('cookie')?.includes('sid-alice') ? users.alice : null
      },
    })
    const answer = await ask('alice', { userId: users.bob })
    expect(seen).toContain(users.bob)
    expect(answer.status).toBe(403)
  })
})

describe('caching', () => {
  test('sequential requests → one upstream /token call', async () => {
    const { ask, clientCalls } = await setup()
    const tokens = new Set<unknown>()
    for (let i = 0; i < 10; i += 1)
      tokens.add((await ask(i % 2 ? 'alice' : 'bob')).body.access_token)
    expect(tokens.size).toBe(1)
    expect(clientCalls()).toHaveLength(1)
  })

  test('expires_in counts down, and the token is renewed before it expires', async () => {
    const { ask, clock, clientCalls } = await setup()
    const first = await ask('alice')
    await clock.advance(54 * minute)
    const later = await ask('alice')
    expect(later.body.access_token).toBe(first.body.access_token)
    expect(later.body.expires_in).toBe(6 * 60)
    await clock.advance(2 * minute)
    const renewed = await ask('alice')
    expect(renewed.body.access_token).not.toBe(first.body.access_token)
    expect(renewed.body.expires_in).toBe(3600)
    expect(clientCalls()).toHaveLength(2)
  })

  test('200 concurrent requests on a cold cache → exactly one upstream /token call', async () => {
    const { ask, clientCalls } = await setup()
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => ask(i % 2 ? 'alice' : 'bob')),
    )
    expect(answers.every((answer) => answer.status === 200)).toBe(true)
    expect(new Set(answers.map((answer) => answer.body.access_token)).size).toBe(1)
    expect(clientCalls()).toHaveLength(1)
  })

  test('v3.0: 200 concurrent requests from two users → one upstream call per user', async () => {
    const { ask, clientCalls, users } = await setup({ version: '3.0' })
    await Promise.all(Array.from({ length: 200 }, (_, i) => ask(i % 2 ? 'alice' : 'bob')))
    expect(
      clientCalls()
        .map((call) => call.userId)
        .sort(),
    ).toEqual([users.alice, users.bob].sort())
  })
})

describe('when Basiq fails', () => {
  test('503 → 503, nothing cached, the next request succeeds', async () => {
    const { ask, sandbox, clientCalls, errors } = await setup()
    sandbox.faults.add({ kind: 'status', path: '/token', status: 503 })
    const failed = await ask('alice')
    expect(failed.status).toBe(503)
    expect(failed.body).toMatchObject({ error: { code: 'upstream-unavailable' } })
    expect(errors.map((e) => e.info.status)).toEqual([503])
    const next = await ask('alice')
    expect(next.status).toBe(200)
    expect(claims(next.body.access_token).scope).toBe('CLIENT_ACCESS')
    expect(clientCalls()).toHaveLength(2)
  })

  test('429 → 503 with Retry-After passed through; nothing cached', async () => {
    const { ask, sandbox, clientCalls } = await setup()
    sandbox.faults.add({ kind: 'rate-limit', path: '/token', retryAfterSeconds: 7 })
    const limited = await ask('alice')
    expect(limited.status).toBe(503)
    expect(limited.headers.get('retry-after')).toBe('7')
    expect((await ask('alice')).status).toBe(200)
    expect(clientCalls()).toHaveLength(2)
  })

  test('500 → 502; a dropped connection → 502; a malformed body → 502', async () => {
    const { ask, sandbox, errors } = await setup()
    sandbox.faults.add({ kind: 'status', path: '/token', status: 500 })
    const crashed = await ask('alice')
    expect([crashed.status, crashed.body.error]).toEqual([
      502,
      { code: 'upstream-error', message: expect.any(String) },
    ])
    sandbox.faults.add({ kind: 'drop', path: '/token' })
    const dropped = await ask('alice')
    expect([dropped.status, dropped.body.error]).toEqual([
      502,
      { code: 'upstream-unreachable', message: expect.any(String) },
    ])
    sandbox.faults.add({ kind: 'malformed', path: '/token' })
    const malformed = await ask('alice')
    expect(malformed.status).toBe(502)
    // The malformed body held half a token: it must not reach the browser.
    expect(malformed.text).not.toContain('eyJ')
    expect(errors).toHaveLength(3)
    expect((await ask('alice')).status).toBe(200)
  })

  test('errors carry none of Basiq’s own details', async () => {
    const { ask, sandbox } = await setup()
    sandbox.faults.add({ kind: 'status', path: '/token', status: 503 })
    const failed = await ask('alice')
    expect(failed.text).not.toMatch(/correlation|service-unavailable|basiq/i)
  })

  test('a wrong API key → 500 for the browser, a clear message for the developer', async () => {
    const wrongKey = 'wrong-key-7c1d'
    const { ask, errors } = await setup({
      apiKey: wrongKey,
      authorize: () => 'alice-basiq-id',
    })
    const answer = await ask('alice')
    expect(answer.status).toBe(500)
    expect(answer.body).toMatchObject({ error: { code: 'server-misconfigured' } })
    expect(errors).toHaveLength(1)
    const { info, error } = errors[0]!
    expect(info).toMatchObject({ status: 500, code: 'server-misconfigured' })
    expect(info.message).toMatch(/refused the token request.*check your API key/i)
    expect(info.message).toMatch(/Check the API key/)
    expect(info.message).not.toContain(wrongKey)
    expect(String(error)).not.toContain(wrongKey)
  })
})

describe('options', () => {
  test('createTokenHandler checks its options', () => {
    expect(() =>
      createTokenHandler({ apiKey: 'k', authorize: undefined as unknown as AuthorizeRequest }),
    ).toThrow(/authorize must be a function/)
    expect(() => createTokenHandler({ apiKey: '', authorize: () => null })).toThrow(/apiKey/)
    expect(() => createTokenHandler({ session: {} as never, authorize: () => null })).toThrow(
      /session/,
    )
  })

  test('built from session options, it creates its own session', async () => {
    const clock = createManualClock(start)
    const sandbox = createSandbox({ clock, seed: 3 })
    const handler = createTokenHandler({
      apiKey: DEFAULT_SANDBOX_API_KEY,
      basiqUrl: sandbox.baseUrl,
      version: '2.1',
      fetch: (input, init) => sandbox.fetch(new Request(input, init)),
      now: clock.now,
      authorize: () => 'some-user',
    })
    const response = await handler(new Request(endpoint, { method: 'POST', body: '{}' }))
    expect(response.status).toBe(200)
    const body = (await response.json()) as { access_token: string }
    expect(claims(body.access_token).scope).toBe('CLIENT_ACCESS')
  })
})
