// Connections that break after they were made (a changed password, a bank asking the user to act),
// driven over HTTP through the control endpoints, in virtual time.
import { beforeEach, describe, expect, it } from 'vitest'
import { createManualClock } from './clock.ts'
import type { ManualClock } from './clock.ts'
import { createSandbox } from './create-sandbox.ts'
import type { Sandbox } from './create-sandbox.ts'
import { SandboxError } from './sandbox-error.ts'
import type { TestJob } from './test-client.ts'
import { isFinished, stepOf, testClient } from './test-client.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const start = Date.parse('2026-03-02T09:00:00Z')

let clock: ManualClock
let sandbox: Sandbox
let client: ReturnType<typeof testClient>
let server: string
let userId: string

beforeEach(async () => {
  clock = createManualClock(start)
  sandbox = createSandbox({ clock, seed: 11 })
  client = testClient(sandbox, clock)
  // Long-lived, so that days of virtual time pass without a new token.
  server = sandbox.mintToken({ scope: 'SERVER_ACCESS', ttlSeconds: 30 * 86_400 })
  userId = await client.createUser(server)
})

const isoSeconds = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
const connectionIdOf = (job: TestJob) =>
  String((job.links as { source: string }).source.split('/').pop())
const allSucceeded = (job: TestJob) => job.steps.every((s) => s.status === 'success')

async function connected(loginId = 'gavinBelson', password = 'hooli2016', institution = 'AU00000') {
  const jobId = await client.connect(server, userId, loginId, password, institution)
  const job = await client.waitForJob(server, jobId, isFinished)
  return { jobId, job, connectionId: connectionIdOf(job) }
}

const getConnection = async (connectionId: string) =>
  (await client.request('GET', `/users/${userId}/connections/${connectionId}`, { token: server }))
    .body
const listJobs = async () =>
  (await client.request('GET', `/users/${userId}/jobs`, { token: server })).body
const refresh = (connectionId: string) =>
  client.request('POST', `/users/${userId}/connections/${connectionId}/refresh`, { token: server })
const control = (connectionId: string, action: 'break' | 'age', json: unknown) =>
  client.request('POST', `/__sandbox/connections/${connectionId}/${action}`, { json })

describe('break: invalidate (the user changed their password at the bank)', () => {
  it('records a failed background refresh, makes the connection invalid and keeps lastUsed', async () => {
    const { job: created, connectionId } = await connected()
    await clock.advance(HOUR)
    const response = await control(connectionId, 'break', { mode: 'invalidate' })
    expect(response.status).toBe(200)
    expect(response.body.connection).toMatchObject({ id: connectionId, status: 'invalid' })

    const connection = await getConnection(connectionId)
    expect(connection.status).toBe('invalid')
    expect(connection.lastUsed).toBe(created.updated)

    const jobs = await listJobs()
    expect(jobs.size).toBe(2)
    const [background, first] = jobs.data
    expect(first.id).toBe(created.id)
    expect(background).toEqual(response.body.job)
    expect(Object.keys(background).sort()).toEqual(
      ['created', 'id', 'institution', 'links', 'steps', 'type', 'updated'].sort(),
    )
    expect(background.links).toEqual({
      self: `${sandbox.baseUrl}/jobs/${background.id}`,
      source: `${sandbox.baseUrl}/users/${userId}/connections/${connectionId}`,
    })
    expect(background.institution.id).toBe('AU00000')
    expect(background.updated).toBe(isoSeconds(clock.now()))
    expect(Date.parse(background.created)).toBeLessThan(Date.parse(background.updated))
    expect(background.steps).toEqual([
      {
        title: 'verify-credentials',
        status: 'failed',
        result: {
          code: 'invalid-credentials',
          title: 'Cannot login to target institution, check credentials.',
          detail:
            'Cannot login to target institution using supplied credentials. Please check credentials and try again.',
        },
      },
      { title: 'retrieve-accounts', status: 'pending', result: null },
      { title: 'retrieve-transactions', status: 'pending', result: null },
    ])
    // GET /jobs/{id} shows the same failure.
    expect((await client.job(server, background.id)).steps).toEqual(background.steps)
  })

  it('refreshing the invalid connection is a 400; an update with the real password repairs it', async () => {
    const { connectionId } = await connected()
    await clock.advance(HOUR)
    sandbox.breakConnection(connectionId, { mode: 'invalidate' })

    const refused = await refresh(connectionId)
    expect(refused.status).toBe(400)
    expect(refused.body.data[0].detail).toMatch(/invalid connection/i)

    const path = `/users/${userId}/connections/${connectionId}`
    const update = await client.request('POST', path, {
      token: server,
      json: { password: 'hooli2016' },
    })
    expect(update.status).toBe(202)
    const repaired = await client.waitForJob(server, update.body.id, isFinished)
    expect(allSucceeded(repaired)).toBe(true)
    const connection = await getConnection(connectionId)
    expect(connection.status).toBe('active')
    expect(connection.lastUsed).toBe(repaired.updated)

    const again = await refresh(connectionId)
    expect(again.status).toBe(202)
    expect(allSucceeded(await client.waitForJob(server, again.body.id, isFinished))).toBe(true)
  })

  it('an update with any other password fails verify-credentials and stays invalid', async () => {
    const { connectionId } = await connected()
    sandbox.breakConnection(connectionId, { mode: 'invalidate' })
    const update = await client.request('POST', `/users/${userId}/connections/${connectionId}`, {
      token: server,
      json: { password: 'hooli2017' },
    })
    const failed = await client.waitForJob(server, update.body.id, isFinished)
    expect(stepOf(failed, 'verify-credentials')).toMatchObject({
      status: 'failed',
      result: { code: 'invalid-credentials' },
    })
    expect((await getConnection(connectionId)).status).toBe('invalid')
  })

  it('leaves the user’s other connections alone', async () => {
    const a = await connected('jared', 'django')
    const b = await connected('richard', 'tabsnotspaces')
    sandbox.breakConnection(a.connectionId, { mode: 'invalidate' })
    expect((await getConnection(b.connectionId)).status).toBe('active')
    expect((await refresh(b.connectionId)).status).toBe(202)
  })
})

describe('break: fail-next-refresh', () => {
  it('by default the next refresh fails at retrieve-accounts needing user action; the one after works', async () => {
    const { job: created, connectionId } = await connected()
    const response = await control(connectionId, 'break', { mode: 'fail-next-refresh' })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ connection: { status: 'active' }, job: null })
    expect((await listJobs()).size).toBe(1)

    const first = await refresh(connectionId)
    expect(first.status).toBe(202)
    const failed = await client.waitForJob(server, first.body.id, isFinished)
    expect(failed.steps.map((s) => s.status)).toEqual(['success', 'failed', 'pending'])
    expect(stepOf(failed, 'retrieve-accounts').result).toEqual({
      code: 'account-not-accessible-requires-user-action',
      title: 'Account not accessible, requires user action.',
      detail: 'An action is required from end-user before account details can be returned.',
    })
    const connection = await getConnection(connectionId)
    expect(connection.status).toBe('active')
    // A failed job fetched nothing, so lastUsed still shows the last successful refresh.
    expect(connection.lastUsed).toBe(created.updated)
    expect((await listJobs()).data[0].id).toBe(first.body.id)

    const second = await refresh(connectionId)
    expect(second.status).toBe(202)
    const done = await client.waitForJob(server, second.body.id, isFinished)
    expect(allSucceeded(done)).toBe(true)
    expect((await getConnection(connectionId)).lastUsed).toBe(done.updated)
  })

  it('service-unavailable fails verify-credentials and leaves the connection active', async () => {
    const { connectionId } = await connected()
    sandbox.breakConnection(connectionId, {
      mode: 'fail-next-refresh',
      code: 'service-unavailable',
    })
    const job = await client.waitForJob(server, (await refresh(connectionId)).body.id, isFinished)
    expect(stepOf(job, 'verify-credentials')).toEqual({
      title: 'verify-credentials',
      status: 'failed',
      result: {
        code: 'service-unavailable',
        title: 'Service unavailable.',
        detail: 'Service is currently unavailable. Please try again later.',
      },
    })
    expect((await getConnection(connectionId)).status).toBe('active')
  })

  it('invalid-credentials fails verify-credentials and invalidates; the real password repairs it', async () => {
    const { connectionId } = await connected()
    sandbox.breakConnection(connectionId, {
      mode: 'fail-next-refresh',
      code: 'invalid-credentials',
    })
    const job = await client.waitForJob(server, (await refresh(connectionId)).body.id, isFinished)
    expect(stepOf(job, 'verify-credentials').result).toMatchObject({ code: 'invalid-credentials' })
    expect((await getConnection(connectionId)).status).toBe('invalid')
    const update = await client.request('POST', `/users/${userId}/connections/${connectionId}`, {
      token: server,
      json: { password: 'hooli2016' },
    })
    expect(allSucceeded(await client.waitForJob(server, update.body.id, isFinished))).toBe(true)
    expect((await getConnection(connectionId)).status).toBe('active')
  })

  it('applies to the refresh of all connections too, and only once', async () => {
    const { connectionId } = await connected()
    sandbox.breakConnection(connectionId, { mode: 'fail-next-refresh' })
    const bulk = await client.request('POST', `/users/${userId}/connections/refresh`, {
      token: server,
    })
    const failed = await client.waitForJob(server, bulk.body.data[0].id, isFinished)
    expect(stepOf(failed, 'retrieve-accounts').status).toBe('failed')
    const next = await client.waitForJob(server, (await refresh(connectionId)).body.id, isFinished)
    expect(allSucceeded(next)).toBe(true)
  })
})

describe('age: stale connections without waiting', () => {
  it('moves lastUsed and the connection’s jobs back by the same amount', async () => {
    const { job: created, connectionId } = await connected()
    const before = await getConnection(connectionId)
    const response = await control(connectionId, 'age', { lastUsedHoursAgo: 30 })
    expect(response.status).toBe(200)
    expect(response.body.lastUsed).toBe(isoSeconds(clock.now() - 30 * HOUR))

    const after = await getConnection(connectionId)
    expect(after.lastUsed).toBe(isoSeconds(clock.now() - 30 * HOUR))
    // Timestamps are whole seconds on the wire, so shifts read back from them may differ by one.
    const shift = Date.parse(before.lastUsed) - Date.parse(after.lastUsed)
    const shifted = (earlier: string, later: string) =>
      Math.abs(Date.parse(earlier) - Date.parse(later) - shift)
    expect(shift).toBeGreaterThan(29 * HOUR)
    expect(shifted(before.createdDate, after.createdDate)).toBeLessThanOrEqual(1_000)
    const [job] = (await listJobs()).data
    expect(job.id).toBe(created.id)
    expect(shifted(String(created.created), job.created)).toBeLessThanOrEqual(1_000)
    expect(job.updated).toBe(after.lastUsed)
    expect(job.steps).toEqual(created.steps)
    expect(
      shifted(before.accounts.data[0].lastUpdated, after.accounts.data[0].lastUpdated),
    ).toBeLessThanOrEqual(1_000)
  })

  it('jobs aged past 7 days leave GET /users/{id}/jobs', async () => {
    const { connectionId } = await connected()
    sandbox.ageConnection(connectionId, { lastUsedHoursAgo: 7 * 24 + 1 })
    expect(await listJobs()).toMatchObject({ type: 'list', size: 0, data: [] })
    expect((await getConnection(connectionId)).status).toBe('active')
  })

  it('break can age the connection first (lastUsedHoursAgo option)', async () => {
    const { connectionId } = await connected()
    const response = await control(connectionId, 'break', {
      mode: 'fail-next-refresh',
      lastUsedHoursAgo: 48,
    })
    expect(response.body.connection.lastUsed).toBe(isoSeconds(clock.now() - 48 * HOUR))
  })

  it('only moves backwards: a more recent lastUsed is a 400 saying how old it is', async () => {
    const { connectionId } = await connected()
    sandbox.ageConnection(connectionId, { lastUsedHoursAgo: 10 })
    const response = await control(connectionId, 'age', { lastUsedHoursAgo: 2 })
    expect(response.status).toBe(400)
    expect(response.body.data[0]).toMatchObject({
      code: 'parameter-not-valid',
      detail: expect.stringContaining('10.000 hours ago'),
      source: { parameter: 'lastUsedHoursAgo' },
    })
  })
})

describe('GET /users/{id}/jobs order and window', () => {
  it('lists newest first by creation, even when an aged connection’s jobs were stored later', async () => {
    const a = await connected('jared', 'django')
    const b = await connected('richard', 'tabsnotspaces')
    sandbox.ageConnection(b.connectionId, { lastUsedHoursAgo: 5 })
    const ids = (await listJobs()).data.map((j: { id: string }) => j.id)
    expect(ids).toEqual([a.jobId, b.jobId])
    const refreshed = await refresh(b.connectionId)
    expect((await listJobs()).data.map((j: { id: string }) => j.id)).toEqual([
      refreshed.body.id,
      a.jobId,
      b.jobId,
    ])
  })

  it('keeps a job until it is 7 days old on the sandbox clock', async () => {
    const { job } = await connected()
    const createdAt = Date.parse(String(job.created))
    await clock.advance(createdAt + 7 * DAY - 1_000 - clock.now())
    expect((await listJobs()).size).toBe(1)
    await clock.advance(1_000)
    expect((await listJobs()).size).toBe(0)
  })
})

describe('control endpoint errors', () => {
  it('an unknown connection is a 404 in the envelope, over HTTP and in code', async () => {
    for (const action of ['break', 'age'] as const) {
      const body = action === 'break' ? { mode: 'invalidate' } : { lastUsedHoursAgo: 1 }
      const response = await control('no-such-connection', action, body)
      expect(response.status).toBe(404)
      expect(response.headers.get('content-type')).toBe('application/json')
      expect(response.body).toMatchObject({
        type: 'list',
        correlationId: expect.any(String),
        data: [
          {
            type: 'error',
            code: 'resource-not-found',
            detail: 'Requested connection does not exist.',
          },
        ],
      })
    }
    expect(() => sandbox.breakConnection('nope', { mode: 'invalidate' })).toThrow(SandboxError)
    expect(() => sandbox.ageConnection('nope', { lastUsedHoursAgo: 1 })).toThrow(
      /connection does not exist/,
    )
  })

  it('bad bodies are 400s naming the field; the connection is untouched', async () => {
    const { connectionId } = await connected()
    const cases: Array<[action: 'break' | 'age', body: unknown, code: string, detail: RegExp]> = [
      ['break', {}, 'parameter-not-supplied', /"mode" is required/],
      ['break', { mode: 'explode' }, 'parameter-not-valid', /"mode" must be one of/],
      ['break', { mode: 'fail-next-refresh', code: 'nope' }, 'parameter-not-valid', /"code"/],
      [
        'break',
        { mode: 'invalidate', code: 'service-unavailable' },
        'parameter-not-valid',
        /only takes "invalid-credentials"/,
      ],
      [
        'break',
        { mode: 'invalidate', lastUsedHoursAgo: -1 },
        'parameter-not-valid',
        /lastUsedHoursAgo/,
      ],
      ['break', [], 'parameter-not-valid', /JSON object/],
      ['age', {}, 'parameter-not-supplied', /"lastUsedHoursAgo" is required/],
      ['age', { lastUsedHoursAgo: 'old' }, 'parameter-not-valid', /number of hours/],
      ['age', { lastUsedHoursAgo: 1e9 }, 'parameter-not-valid', /number of hours/],
      ['age', '{"lastUsedHoursAgo": ', 'parameter-not-valid', /JSON object/],
    ]
    for (const [action, body, code, detail] of cases) {
      const response = await control(connectionId, action, body)
      expect(response.status).toBe(400)
      expect(response.body.data[0].code).toBe(code)
      expect(response.body.data[0].detail).toMatch(detail)
    }
    expect(() =>
      sandbox.breakConnection(connectionId, { mode: 'nope' } as unknown as { mode: 'invalidate' }),
    ).toThrow(/"mode" must be one of/)
    const connection = await getConnection(connectionId)
    expect(connection.status).toBe('active')
    expect((await refresh(connectionId)).status).toBe(202)
  })

  it('a malformed id is a 400; another method is a 405 with Allow', async () => {
    const bad = await client.request(
      'POST',
      `/__sandbox/connections/${encodeURIComponent('a b')}/break`,
      {
        json: { mode: 'invalidate' },
      },
    )
    expect(bad.status).toBe(400)
    expect(bad.body.data[0].detail).toBe('Connection ID value is not valid')
    const get = await client.request('GET', '/__sandbox/connections/abc/age')
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })

  it('refuses with 409 while a job of the connection is running', async () => {
    const jobId = await client.connect(server, userId, 'gavinBelson', 'hooli2016')
    await clock.advance(1_000)
    const connectionId = connectionIdOf(await client.job(server, jobId))
    for (const [action, body] of [
      ['break', { mode: 'invalidate' }],
      ['age', { lastUsedHoursAgo: 30 }],
    ] as const) {
      const response = await control(connectionId, action, body)
      expect(response.status).toBe(409)
      expect(response.body.data[0]).toMatchObject({
        code: 'job-in-progress',
        detail: expect.stringContaining(jobId),
      })
    }
    const done = await client.waitForJob(server, jobId, isFinished)
    expect(allSucceeded(done)).toBe(true)
    expect((await control(connectionId, 'break', { mode: 'invalidate' })).status).toBe(200)
  })
})
