import { interpretJob } from '@bankconnect/core'
import type { Connection, Job } from '@bankconnect/core'
import { DEFAULT_SANDBOX_API_KEY } from '@bankconnect/sandbox'
import { describe, expect, onTestFinished, test } from 'vitest'
import { createBasiqFixture } from '../test/basiq-fixture.ts'
import type { Answer } from '../test/basiq-fixture.ts'
import type { AuthorizeRequest } from './token-handler.ts'
import { createUserJobsHandler } from './user-jobs-handler.ts'
import type { ConnectionHandlerErrorInfo } from './user-jobs-handler.ts'

const HOUR = 3_600_000
const endpoint = 'https://app.example/api/basiq/jobs'

/**
 * The in-process sandbox as Basiq (logging every request and keeping every SERVER_ACCESS token it
 * issues), the app's session, two signed-up users with a Hooli connection each, and `ask()`, the
 * browser (its session cookie names the user).
 */
async function setup(options: { authorize?: AuthorizeRequest } = {}) {
  const { clock, sandbox, upstream, serverTokens, session, alice, bob } =
    await createBasiqFixture(5)

  async function connect(userId: string): Promise<string> {
    const stub = await session.client.createConnection(userId, {
      institutionId: 'AU00000',
      loginId: 'gavinBelson',
      password: 'hooli2016',
    })
    for (let i = 0; i < 600; i += 1) {
      const view = interpretJob(await session.client.getJob(stub.id))
      if (view.phase === 'complete' || view.phase === 'failed') {
        if (view.connectionId === undefined) throw new Error('the job names no connection')
        return view.connectionId
      }
      await clock.advance(1_000)
    }
    throw new Error(`job ${stub.id} did not finish`)
  }
  const aliceConnection = await connect(alice)
  const bobConnection = await connect(bob)

  const sessions = new Map([
    ['sid-alice', alice],
    ['sid-bob', bob],
  ])
  const errors: { error: unknown; info: ConnectionHandlerErrorInfo }[] = []
  const handler = createUserJobsHandler({
    session,
    now: clock.now,
    onError: (error, info) => errors.push({ error, info }),
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

  async function ask(as: 'alice' | 'bob' | null, query = '', init: RequestInit = {}) {
    const headers = new Headers(init.headers)
    if (as !== null) headers.set('cookie', `theme=dark; sid=sid-${as}`)
    upstream.length = 0
    const response = await handler(new Request(`${endpoint}${query}`, { ...init, headers }))
    const text = await response.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    const answer: Answer = { status: response.status, headers: response.headers, text, body }
    answers.push(answer)
    return answer
  }

  return {
    clock,
    sandbox,
    session,
    users: { alice, bob },
    aliceConnection,
    bobConnection,
    ask,
    upstream,
    errors,
  }
}

const connectionIdsOf = (jobs: Job[]) => jobs.map((job) => interpretJob(job).connectionId)

describe('whose jobs', () => {
  test('nobody signed in → 401, and Basiq is not asked', async () => {
    const { ask, upstream } = await setup()
    const answer = await ask(null)
    expect(answer.status).toBe(401)
    expect(answer.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } })
    expect(upstream).toEqual([])
  })

  test("the signed-in user's jobs and connections, never another user's", async () => {
    const { ask, aliceConnection, bobConnection } = await setup()
    const alice = await ask('alice')
    expect(alice.status).toBe(200)
    expect(connectionIdsOf(alice.body.jobs)).toEqual([aliceConnection])
    expect(alice.body.connections.map((c: Connection) => c.id)).toEqual([aliceConnection])
    const bob = await ask('bob')
    expect(connectionIdsOf(bob.body.jobs)).toEqual([bobConnection])
    expect(bob.body.connections.map((c: Connection) => c.id)).toEqual([bobConnection])
  })

  test('?userId= of another user → 403 without asking Basiq; their own → 200', async () => {
    const { ask, users, upstream } = await setup()
    const other = await ask('alice', `?userId=${users.bob}`)
    expect(other.status).toBe(403)
    expect(other.body).toMatchObject({ error: { code: 'forbidden' } })
    expect(upstream).toEqual([])
    expect((await ask('alice', `?userId=${users.alice}`)).status).toBe(200)
    expect((await ask('alice', '?userId=')).status).toBe(400)
  })

  test("?connectionId= narrows to that connection; someone else's gives nothing away", async () => {
    const { ask, aliceConnection, bobConnection } = await setup()
    const own = await ask('alice', `?connectionId=${aliceConnection}`)
    expect(connectionIdsOf(own.body.jobs)).toEqual([aliceConnection])
    expect(own.body.connections).toHaveLength(1)
    const foreign = await ask('alice', `?connectionId=${bobConnection}`)
    expect(foreign.status).toBe(200)
    expect(foreign.body).toEqual({ jobs: [], connections: [] })
    for (const bad of ['?connectionId=', '?connectionId=a%2Fb', `?connectionId=x&connectionId=y`]) {
      const answer = await ask('alice', bad)
      expect(answer.status).toBe(400)
      expect(answer.body).toMatchObject({ error: { code: 'invalid-request' } })
    }
  })
})

describe('what the browser learns', () => {
  test('status and lastUsed, which only SERVER_ACCESS reads, and no profile', async () => {
    const { ask, clock } = await setup()
    const answer = await ask('alice')
    const [connection] = answer.body.connections as Connection[]
    expect(connection).toMatchObject({ status: 'active', institution: { id: 'AU00000' } })
    expect(Date.parse(String(connection?.lastUsed))).toBeLessThanOrEqual(clock.now())
    expect(connection).not.toHaveProperty('profile')
    expect(connection).not.toHaveProperty('accounts')
    const [job] = answer.body.jobs as Job[]
    expect(job?.steps.map((step) => step.status)).toEqual(['success', 'success', 'success'])
  })

  test('a connection invalidated later: the failed job first, the connection invalid', async () => {
    const { ask, sandbox, clock, aliceConnection } = await setup()
    await clock.advance(2 * HOUR)
    sandbox.breakConnection(aliceConnection, { mode: 'invalidate' })
    const answer = await ask('alice')
    expect(answer.body.connections[0]).toMatchObject({ id: aliceConnection, status: 'invalid' })
    const latest = interpretJob(answer.body.jobs[0])
    expect(latest).toMatchObject({
      phase: 'failed',
      connectionId: aliceConnection,
      error: { code: 'invalid-credentials' },
    })
    // The step result goes out as Basiq sent it (no parser-added fields that change its meaning).
    expect(answer.body.jobs[0].steps[0].result).toMatchObject({
      code: 'invalid-credentials',
      detail: expect.stringMatching(/credentials/),
    })
  })

  test('JSON, never stored by an HTTP cache, errors included; other methods → 405', async () => {
    const { ask } = await setup()
    for (const answer of [await ask('alice'), await ask(null)]) {
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
      expect(answer.headers.get('cache-control')).toBe('no-store')
    }
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const answer = await ask('alice', '', { method, body: method === 'DELETE' ? null : '{}' })
      expect(answer.status).toBe(405)
      expect(answer.headers.get('allow')).toBe('GET')
    }
  })
})

describe('failures', () => {
  test('Basiq 503 → 503 with its Retry-After; a dropped connection → 502; reported', async () => {
    const { ask, sandbox, errors } = await setup()
    sandbox.faults.add({ kind: 'rate-limit', path: '/users/*/jobs', retryAfterSeconds: 9 })
    const limited = await ask('alice')
    expect(limited.status).toBe(503)
    expect(limited.headers.get('retry-after')).toBe('9')
    expect(limited.body).toMatchObject({ error: { code: 'upstream-unavailable' } })
    sandbox.faults.add({ kind: 'drop', path: '/users/*/connections' })
    const dropped = await ask('alice')
    expect(dropped.status).toBe(502)
    expect(dropped.text).not.toMatch(/correlation|too-many-requests/i)
    expect(errors.map((e) => e.info.code)).toEqual(['upstream-unavailable', 'upstream-unreachable'])
    expect((await ask('alice')).status).toBe(200)
  })

  test('authorize that throws → 500 reported; one returning a non-id → 500 with a hint', async () => {
    const throwing = await setup({
      authorize: () => {
        throw new Error('session store offline')
      },
    })
    const answer = await throwing.ask('alice')
    expect(answer.status).toBe(500)
    expect(answer.text).not.toContain('session store offline')
    expect(throwing.errors[0]?.info.message).toContain('session store offline')

    const odd = await setup({ authorize: () => 'not/an id' })
    const misconfigured = await odd.ask('alice')
    expect(misconfigured.body).toMatchObject({ error: { code: 'server-misconfigured' } })
    expect(odd.errors[0]?.info.message).toMatch(/authorize\(\) must resolve/)
    expect(odd.upstream).toEqual([])
  })

  test('createUserJobsHandler checks its options', () => {
    expect(() =>
      createUserJobsHandler({ apiKey: 'k', authorize: 'me' as unknown as AuthorizeRequest }),
    ).toThrow(/authorize must be a function/)
    expect(() => createUserJobsHandler({ session: {} as never, authorize: () => null })).toThrow(
      /session/,
    )
    expect(() => createUserJobsHandler(undefined as never)).toThrow(/options object/)
  })
})
