import { interpretJob } from '@bankconnect/core'
import type { RefreshPolicy } from '@bankconnect/core'
import { DEFAULT_SANDBOX_API_KEY } from '@bankconnect/sandbox'
import { describe, expect, onTestFinished, test } from 'vitest'
import { createBasiqFixture } from '../test/basiq-fixture.ts'
import type { Answer } from '../test/basiq-fixture.ts'
import { createRefreshHandler } from './refresh-handler.ts'
import type { AuthorizeRequest } from './token-handler.ts'
import type { ConnectionHandlerErrorInfo } from './user-jobs-handler.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const endpoint = 'https://app.example/api/basiq/refresh'

/**
 * The in-process sandbox as Basiq (logging every request and keeping every SERVER_ACCESS token it
 * issues), the app's session, two signed-up users with a Hooli connection each, and `ask()`, the
 * browser (its session cookie names the user).
 */
async function setup(options: { policy?: RefreshPolicy; authorize?: AuthorizeRequest } = {}) {
  const { clock, sandbox, upstream, serverTokens, session, alice, bob } =
    await createBasiqFixture(7)

  async function finish(jobId: string) {
    for (let i = 0; i < 600; i += 1) {
      const view = interpretJob(await session.client.getJob(jobId))
      if (view.phase === 'complete' || view.phase === 'failed') return view
      await clock.advance(1_000)
    }
    throw new Error(`job ${jobId} did not finish`)
  }
  async function connect(userId: string): Promise<string> {
    const stub = await session.client.createConnection(userId, {
      institutionId: 'AU00000',
      loginId: 'gavinBelson',
      password: 'hooli2016',
    })
    const view = await finish(stub.id)
    if (view.connectionId === undefined) throw new Error('the job names no connection')
    return view.connectionId
  }
  const aliceConnection = await connect(alice)
  const bobConnection = await connect(bob)

  const sessions = new Map([
    ['sid-alice', alice],
    ['sid-bob', bob],
  ])
  const errors: { error: unknown; info: ConnectionHandlerErrorInfo }[] = []
  const handler = createRefreshHandler({
    session,
    now: clock.now,
    onError: (error, info) => errors.push({ error, info }),
    ...(options.policy ? { policy: options.policy } : {}),
    authorize:
      options.authorize ??
      ((request) => {
        const sid = /(?:^|;\s*)sid=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1]
        return sid === undefined ? null : (sessions.get(sid) ?? null)
      }),
  })

  const answers: Answer[] = []
  onTestFinished(() => {
    expect(serverTokens.length).toBeGreaterThan(0)
    for (const answer of answers) {
      const headerText = [...answer.headers].map(([name, value]) => `${name}: ${value}`).join('\n')
      for (const secret of [DEFAULT_SANDBOX_API_KEY, ...serverTokens]) {
        expect(answer.text).not.toContain(secret)
        expect(headerText).not.toContain(secret)
      }
    }
  })

  /** What the browser sends: POST JSON `{ connectionId }` with its session cookie. */
  async function ask(
    as: 'alice' | 'bob' | null,
    body: unknown,
    init: RequestInit = {},
    query = '',
  ) {
    const headers = new Headers(init.headers)
    if (as !== null) headers.set('cookie', `sid=sid-${as}`)
    headers.set('content-type', 'application/json')
    const response = await handler(
      new Request(`${endpoint}${query}`, {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
        ...init,
        headers,
      }),
    )
    const text = await response.text()
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    const answer: Answer = {
      status: response.status,
      headers: response.headers,
      text,
      body: parsed,
    }
    answers.push(answer)
    return answer
  }

  /** The refresh requests that reached Basiq. */
  const refreshCalls = () => upstream.filter((call) => /^POST .*\/refresh$/.test(call))
  const jobsOf = async (userId: string) => (await session.client.getUserJobs(userId)).data

  return {
    clock,
    sandbox,
    session,
    users: { alice, bob },
    aliceConnection,
    bobConnection,
    ask,
    finish,
    refreshCalls,
    jobsOf,
    errors,
  }
}

describe('the guard, on the server', () => {
  test('refreshed an hour ago → 429 too-soon until a day after lastUsed; Basiq is not asked', async () => {
    const { ask, clock, session, users, aliceConnection, refreshCalls } = await setup()
    await clock.advance(HOUR)
    const { lastUsed } = await session.client.getConnection(users.alice, aliceConnection)
    const answer = await ask('alice', { connectionId: aliceConnection })
    expect(answer.status).toBe(429)
    const nextAllowedAt = new Date(Date.parse(String(lastUsed)) + DAY).toISOString()
    expect(answer.body).toEqual({
      error: {
        code: 'refresh-refused',
        message: expect.any(String),
        reason: 'too-soon',
        nextAllowedAt,
      },
    })
    expect(Number(answer.headers.get('retry-after'))).toBe(
      Math.ceil((Date.parse(nextAllowedAt) - clock.now()) / 1000),
    )
    expect(refreshCalls()).toEqual([])
  })

  test('a day after lastUsed → 202 with a new job; again at once → 200 with the same job', async () => {
    const { ask, sandbox, aliceConnection, refreshCalls, finish, jobsOf, users } = await setup()
    sandbox.ageConnection(aliceConnection, { lastUsedHoursAgo: 24 })
    const first = await ask('alice', { connectionId: aliceConnection })
    expect(first.status).toBe(202)
    expect(first.body).toEqual({
      job: { type: 'job', id: expect.any(String), links: { self: expect.any(String) } },
      reused: false,
    })
    const again = await ask('alice', { connectionId: aliceConnection })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ job: { id: first.body.job.id }, reused: true })
    // The running job was handed back by the guard: only one refresh ever reached Basiq.
    expect(refreshCalls()).toHaveLength(1)
    expect(await finish(first.body.job.id)).toMatchObject({ phase: 'complete' })
    expect((await jobsOf(users.alice))[0]?.id).toBe(first.body.job.id)
    // Now it has just been refreshed: refused again.
    expect((await ask('alice', { connectionId: aliceConnection })).status).toBe(429)
  })

  test('an invalidated connection → 409 connection-invalid without a time; Basiq is not asked', async () => {
    const { ask, sandbox, aliceConnection, refreshCalls } = await setup()
    sandbox.breakConnection(aliceConnection, { mode: 'invalidate', lastUsedHoursAgo: 30 })
    const answer = await ask('alice', { connectionId: aliceConnection })
    expect(answer.status).toBe(409)
    expect(answer.body.error).toMatchObject({
      code: 'refresh-refused',
      reason: 'connection-invalid',
      nextAllowedAt: null,
    })
    expect(answer.headers.get('retry-after')).toBeNull()
    expect(refreshCalls()).toEqual([])
  })

  test('after the bank asked the user to act, the refresh that checks again is allowed', async () => {
    const { ask, sandbox, aliceConnection, finish } = await setup()
    sandbox.breakConnection(aliceConnection, { mode: 'fail-next-refresh', lastUsedHoursAgo: 25 })
    const failing = await ask('alice', { connectionId: aliceConnection })
    expect(failing.status).toBe(202)
    expect(await finish(failing.body.job.id)).toMatchObject({
      phase: 'failed',
      error: { code: 'account-not-accessible-requires-user-action' },
    })
    // A failed refresh does not count as a refresh: the user can check again once they acted.
    const checkAgain = await ask('alice', { connectionId: aliceConnection })
    expect(checkAgain.status).toBe(202)
    expect(await finish(checkAgain.body.job.id)).toMatchObject({ phase: 'complete' })
  })

  test('policy.minIntervalMs shortens the wait, never below an hour', async () => {
    const { ask, clock, aliceConnection } = await setup({ policy: { minIntervalMs: 60_000 } })
    await clock.advance(59 * 60_000)
    const early = await ask('alice', { connectionId: aliceConnection })
    expect(early.status).toBe(429)
    await clock.advance(60_000)
    expect((await ask('alice', { connectionId: aliceConnection })).status).toBe(202)
  })
})

describe('only your own connections', () => {
  test("another user's connection id → 404, exactly like an unknown one; nothing refreshed", async () => {
    const { ask, sandbox, bobConnection, refreshCalls, jobsOf, users } = await setup()
    sandbox.ageConnection(bobConnection, { lastUsedHoursAgo: 48 })
    const before = await jobsOf(users.bob)
    const foreign = await ask('alice', { connectionId: bobConnection })
    const unknown = await ask('alice', { connectionId: 'no-such-connection' })
    expect(foreign.status).toBe(404)
    expect(foreign.body).toEqual({ error: { code: 'not-found', message: expect.any(String) } })
    expect(unknown.status).toBe(404)
    expect(unknown.text).toBe(foreign.text)
    expect(refreshCalls()).toEqual([])
    expect(await jobsOf(users.bob)).toEqual(before)
  })

  test('a userId other than the signed-in one → 403; nobody signed in → 401', async () => {
    const { ask, users, aliceConnection, bobConnection, refreshCalls } = await setup()
    const named = await ask('alice', { connectionId: bobConnection, userId: users.bob })
    expect(named.status).toBe(403)
    expect(named.body).toMatchObject({ error: { code: 'forbidden' } })
    const anonymous = await ask(null, { connectionId: aliceConnection })
    expect(anonymous.status).toBe(401)
    expect(refreshCalls()).toEqual([])
  })
})

describe('requests', () => {
  test('one connection per request; malformed bodies → 400; huge → 413; GET → 405', async () => {
    const { ask, aliceConnection, bobConnection, refreshCalls } = await setup()
    const bad = [
      '',
      '{}',
      '{not json',
      '[]',
      '{"connectionId": 42}',
      '{"connectionId": "../users"}',
      JSON.stringify({ connectionId: [aliceConnection, bobConnection] }),
    ]
    for (const body of bad) {
      const answer = await ask('alice', body)
      expect(answer.status).toBe(400)
      expect(answer.body).toMatchObject({ error: { code: 'invalid-request' } })
    }
    const huge = await ask('alice', { connectionId: aliceConnection, pad: 'x'.repeat(20_000) })
    expect(huge.status).toBe(413)
    const get = await ask('alice', undefined, { method: 'GET', body: null })
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(refreshCalls()).toEqual([])
  })

  test('?connectionId= works too, but not beside a different one in the body', async () => {
    const { sandbox, aliceConnection, bobConnection, ask, refreshCalls } = await setup()
    sandbox.ageConnection(aliceConnection, { lastUsedHoursAgo: 25 })
    const query = `?connectionId=${aliceConnection}`
    const conflicting = await ask('alice', { connectionId: bobConnection }, {}, query)
    expect(conflicting.status).toBe(400)
    expect(refreshCalls()).toEqual([])
    const same = await ask('alice', { connectionId: aliceConnection }, {}, query)
    expect(same.status).toBe(202)
    const queryOnly = await ask('alice', '', {}, query)
    expect(queryOnly).toMatchObject({ status: 200, body: { reused: true } })
    expect(refreshCalls()).toHaveLength(1)
  })
})

describe('when Basiq fails', () => {
  test('Basiq refuses the refresh with a 400 after the guard passed → 409 connection-invalid', async () => {
    const { ask, sandbox, aliceConnection } = await setup()
    sandbox.ageConnection(aliceConnection, { lastUsedHoursAgo: 25 })
    sandbox.faults.add({ kind: 'status', path: '/users/*/connections/*/refresh', status: 400 })
    const answer = await ask('alice', { connectionId: aliceConnection })
    expect(answer.status).toBe(409)
    expect(answer.body.error).toMatchObject({ reason: 'connection-invalid' })
  })

  test('Basiq 503 → 503 upstream-unavailable, reported; the next request works', async () => {
    const { ask, sandbox, aliceConnection, errors } = await setup()
    sandbox.ageConnection(aliceConnection, { lastUsedHoursAgo: 25 })
    sandbox.faults.add({ kind: 'status', path: '/users/*/connections/*/refresh', status: 503 })
    const answer = await ask('alice', { connectionId: aliceConnection })
    expect(answer.status).toBe(503)
    expect(answer.body).toMatchObject({ error: { code: 'upstream-unavailable' } })
    expect(answer.text).not.toMatch(/service-unavailable|correlation/)
    expect(errors.map((e) => e.info.status)).toEqual([503])
    expect((await ask('alice', { connectionId: aliceConnection })).status).toBe(202)
  })

  test('createRefreshHandler checks its options', () => {
    expect(() =>
      createRefreshHandler({ apiKey: 'k', authorize: null as unknown as AuthorizeRequest }),
    ).toThrow(/authorize must be a function/)
    expect(() =>
      createRefreshHandler({ apiKey: 'k', authorize: () => null, policy: 5 as never }),
    ).toThrow(/policy must be an object/)
  })
})
