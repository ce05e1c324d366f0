import { beforeEach, describe, expect, it } from 'vitest'
import { createManualClock } from './clock.ts'
import type { ManualClock } from './clock.ts'
import { createSandbox } from './create-sandbox.ts'
import type { Sandbox } from './create-sandbox.ts'
import type { TestJob } from './test-client.ts'
import { isFinished, stepOf, testClient } from './test-client.ts'

let clock: ManualClock
let sandbox: Sandbox
let client: ReturnType<typeof testClient>
let server: string
let userId: string

const start = Date.parse('2026-03-02T09:00:00Z')

beforeEach(async () => {
  clock = createManualClock(start)
  sandbox = createSandbox({ clock, seed: 3 })
  client = testClient(sandbox, clock)
  server = await client.token()
  userId = await client.createUser(server)
})

const allSucceeded = (j: TestJob) => j.steps.every((s) => s.status === 'success')
const connectionIdOf = (job: TestJob) =>
  String((job.links as { source: string }).source.split('/').pop())

describe('duplicate credentials → 6-minute pause', () => {
  it('pauses a second job with the same credentials while the first is in progress, and runs it after 6:00', async () => {
    const first = await client.connect(server, userId, 'gavinBelson', 'hooli2016')
    await clock.advance(1_000)
    const second = await client.connect(server, userId, 'gavinBelson', 'hooli2016')
    const createdAt = clock.now()
    const paused = await client.job(server, second)
    expect(paused.steps.map((s) => s.status)).toEqual(['pending', 'pending', 'pending'])
    expect(stepOf(paused, 'verify-credentials').result).toEqual({
      type: 'pause',
      code: 'credentials-in-use',
      title: 'Connection paused',
      detail: expect.stringContaining('same credentials'),
      resumeAt: new Date(createdAt + 360_000).toISOString().replace('.000Z', 'Z'),
    })
    // The first job is unaffected and finishes long before the pause ends.
    expect(allSucceeded(await client.waitForJob(server, first, isFinished))).toBe(true)

    await clock.advance(createdAt + 359_000 - clock.now())
    const at559 = await client.job(server, second)
    expect(at559.steps.map((s) => s.status)).toEqual(['pending', 'pending', 'pending'])
    expect(stepOf(at559, 'verify-credentials').result).toMatchObject({ type: 'pause' })

    await clock.advance(1_000)
    const at600 = await client.job(server, second)
    expect(stepOf(at600, 'verify-credentials').result).toBeNull()
    const done = await client.waitForJob(server, second, isFinished)
    expect(allSucceeded(done)).toBe(true)
  })

  it('does not pause different credentials, nor the same credentials once the first job has finished', async () => {
    const first = await client.connect(server, userId, 'gavinBelson', 'hooli2016')
    const other = await client.connect(server, userId, 'jared', 'django')
    expect(stepOf(await client.job(server, other), 'verify-credentials').result).toBeNull()
    await client.waitForJob(server, first, isFinished)
    const again = await client.connect(server, userId, 'gavinBelson', 'hooli2016')
    expect(stepOf(await client.job(server, again), 'verify-credentials').result).toBeNull()
  })

  it('honours a configured pauseMs, which speed does not shorten', async () => {
    const fast = createSandbox({ clock, seed: 3, speed: 10, pauseMs: 30_000 })
    const fastClient = testClient(fast, clock)
    const token = await fastClient.token()
    const user = await fastClient.createUser(token)
    await fastClient.connect(token, user, 'jared', 'django')
    const second = await fastClient.connect(token, user, 'jared', 'django')
    await clock.advance(29_000)
    expect(stepOf(await fastClient.job(token, second), 'verify-credentials').result).toMatchObject({
      type: 'pause',
    })
    await clock.advance(1_000)
    expect(stepOf(await fastClient.job(token, second), 'verify-credentials').result).toBeNull()
  })
})

describe('refresh', () => {
  it('returns the running job with 200 while one is in progress, and a new job with 202 after it completes', async () => {
    const jobId = await client.connect(server, userId, 'jared', 'django')
    const created = await client.waitForJob(server, jobId, isFinished)
    const connectionId = connectionIdOf(created)
    const path = `/users/${userId}/connections/${connectionId}/refresh`

    const first = await client.request('POST', path, { token: server })
    expect(first.status).toBe(202)
    expect(first.body).toEqual({
      type: 'job',
      id: expect.any(String),
      links: { self: `${sandbox.baseUrl}/jobs/${first.body.id}` },
    })
    expect(first.body.id).not.toBe(jobId)

    const again = await client.request('POST', path, { token: server })
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(first.body.id)

    const refreshed = await client.waitForJob(server, first.body.id, isFinished)
    expect(refreshed.steps.map((s) => s.title)).toEqual([
      'verify-credentials',
      'retrieve-accounts',
      'retrieve-transactions',
    ])
    expect(allSucceeded(refreshed)).toBe(true)

    const after = await client.request('POST', path, { token: server })
    expect(after.status).toBe(202)
    expect(after.body.id).not.toBe(first.body.id)
  })

  it('returns the create job itself (200) when refreshed while it is still running', async () => {
    const jobId = await client.connect(server, userId, 'jared', 'django')
    const verified = await client.waitForJob(
      server,
      jobId,
      (j) => stepOf(j, 'verify-credentials').status === 'success',
    )
    const response = await client.request(
      'POST',
      `/users/${userId}/connections/${connectionIdOf(verified)}/refresh`,
      {
        token: server,
      },
    )
    expect(response.status).toBe(200)
    expect(response.body.id).toBe(jobId)
  })

  it('updates lastUsed when a job finishes', async () => {
    const jobId = await client.connect(server, userId, 'jared', 'django')
    const done = await client.waitForJob(server, jobId, isFinished)
    const before = (
      await client.request('GET', `/users/${userId}/connections/${connectionIdOf(done)}`, {
        token: server,
      })
    ).body
    expect(before.lastUsed).toBe(done.updated)
    await clock.advance(3_600_000)
    server = await client.token()
    const refresh = await client.request(
      'POST',
      `/users/${userId}/connections/${connectionIdOf(done)}/refresh`,
      {
        token: server,
      },
    )
    const refreshed = await client.waitForJob(server, refresh.body.id, isFinished)
    const after = (
      await client.request('GET', `/users/${userId}/connections/${connectionIdOf(done)}`, {
        token: server,
      })
    ).body
    expect(after.lastUsed).toBe(refreshed.updated)
    expect(Date.parse(after.lastUsed)).toBeGreaterThan(Date.parse(before.lastUsed))
  })

  it('refuses to refresh an invalid connection with a clear 400', async () => {
    const jobId = await client.connect(server, userId, 'bighead', 'password')
    const done = await client.waitForJob(server, jobId, isFinished)
    const response = await client.request(
      'POST',
      `/users/${userId}/connections/${connectionIdOf(done)}/refresh`,
      {
        token: server,
      },
    )
    expect(response.status).toBe(400)
    expect(response.body.data[0].detail).toMatch(/invalid connection/i)
  })

  it('POST /users/{id}/connections/refresh answers 202 with one job per refreshable connection', async () => {
    const a = await client.connect(server, userId, 'jared', 'django')
    const b = await client.connect(server, userId, 'bighead', 'password')
    await client.waitForJob(server, a, isFinished)
    await client.waitForJob(server, b, isFinished)
    const response = await client.request('POST', `/users/${userId}/connections/refresh`, {
      token: server,
    })
    expect(response.status).toBe(202)
    expect(response.body).toEqual({
      type: 'list',
      data: [
        { type: 'job', id: expect.any(String), links: { self: expect.stringContaining('/jobs/') } },
      ],
    })
  })
})

describe('update, delete and list', () => {
  it('updating an invalid connection with the right password verifies it again (202 job)', async () => {
    const jobId = await client.connect(server, userId, 'gavinBelson', 'wrong')
    const failed = await client.waitForJob(server, jobId, isFinished)
    const connectionId = connectionIdOf(failed)
    const path = `/users/${userId}/connections/${connectionId}`
    expect((await client.request('GET', path, { token: server })).body.status).toBe('invalid')
    const update = await client.request('POST', path, {
      token: server,
      json: { password: 'hooli2016' },
    })
    expect(update.status).toBe(202)
    expect((await client.request('GET', path, { token: server })).body.status).toBe('pending')
    const done = await client.waitForJob(server, update.body.id, isFinished)
    expect(allSucceeded(done)).toBe(true)
    const connection = (await client.request('GET', path, { token: server })).body
    expect(connection.status).toBe('active')
    expect(connection.accounts.data).toHaveLength(4)
  })

  it('DELETE answers 204; the connection is gone, its accounts stay on the user', async () => {
    const jobId = await client.connect(server, userId, 'jared', 'django')
    const done = await client.waitForJob(server, jobId, isFinished)
    const path = `/users/${userId}/connections/${connectionIdOf(done)}`
    const deleted = await client.request('DELETE', path, { token: server })
    expect(deleted.status).toBe(204)
    expect(deleted.text).toBe('')
    const gone = await client.request('GET', path, { token: server })
    expect(gone.status).toBe(404)
    expect(gone.body.data[0].code).toBe('resource-not-found')
    expect(
      (await client.request('GET', `/users/${userId}/connections`, { token: server })).body.data,
    ).toEqual([])
    expect(
      (await client.request('GET', `/users/${userId}/accounts`, { token: server })).body.data,
    ).toHaveLength(4)
  })

  it('filters connections by status and institution', async () => {
    const good = await client.connect(server, userId, 'jared', 'django')
    const bad = await client.connect(server, userId, 'bighead', 'password', 'AU00001')
    await client.waitForJob(server, good, isFinished)
    await client.waitForJob(server, bad, isFinished)
    const list = async (filter: string) =>
      (
        await client.request(
          'GET',
          `/users/${userId}/connections?filter=${encodeURIComponent(filter)}`,
          { token: server },
        )
      ).body.data.map(
        (c: { status: string; institution: { id: string } }) => `${c.institution.id}:${c.status}`,
      )
    expect(await list("connection.status.eq('active')")).toEqual(['AU00000:active'])
    expect(await list("institution.id.eq('AU00001')")).toEqual(['AU00001:invalid'])
    expect((await list("status.ne('active')")).length).toBe(1)
  })

  it('GET /users/{id}/jobs lists the user’s jobs, filtered by connection.id, within 7 days', async () => {
    const a = await client.connect(server, userId, 'jared', 'django')
    const b = await client.connect(server, userId, 'richard', 'tabsnotspaces')
    const jobA = await client.waitForJob(server, a, isFinished)
    const all = await client.request('GET', `/users/${userId}/jobs`, { token: server })
    expect(all.body.size).toBe(2)
    expect(all.body.data.map((j: { id: string }) => j.id).sort()).toEqual([a, b].sort())
    expect(all.body.data[0].institution).toEqual({
      type: 'institution',
      id: 'AU00000',
      links: { self: `${sandbox.baseUrl}/institutions/AU00000` },
    })
    const filter = encodeURIComponent(`connection.id.eq('${connectionIdOf(jobA)}')`)
    const filtered = await client.request('GET', `/users/${userId}/jobs?filter=${filter}`, {
      token: server,
    })
    expect(filtered.body.data.map((j: { id: string }) => j.id)).toEqual([a])
    await clock.advance(7 * 86_400_000)
    server = await client.token()
    const later = await client.request('GET', `/users/${userId}/jobs`, { token: server })
    expect(later.body).toMatchObject({ type: 'list', size: 0, data: [] })
  })

  it('an unknown user, connection or job is a 404 in the envelope', async () => {
    const user = await client.request('GET', '/users/00000000-0000-4000-8000-000000000000', {
      token: server,
    })
    expect(user.status).toBe(404)
    expect(user.body.data[0]).toMatchObject({
      code: 'resource-not-found',
      detail: 'Requested user does not exist.',
    })
    expect(
      (await client.request('GET', `/users/${userId}/connections/nope`, { token: server })).status,
    ).toBe(404)
    expect((await client.request('GET', '/jobs/nope', { token: server })).status).toBe(404)
    const badId = await client.request('GET', `/users/${encodeURIComponent('a b')}`, {
      token: server,
    })
    expect(badId.status).toBe(400)
    expect(badId.body.data[0].detail).toBe('User ID value is not valid')
  })
})

describe('creating connections: validation', () => {
  const post = (json: unknown, headers: Record<string, string> = {}) =>
    client.request('POST', `/users/${userId}/connections`, { token: server, json, headers })

  it.each([
    [
      { password: 'p', institution: { id: 'AU00000' } },
      'Login ID parameter is required.',
      'connection/loginId',
    ],
    [
      { loginId: 'l', institution: { id: 'AU00000' } },
      'Password parameter is required.',
      'connection/password',
    ],
    [
      { loginId: 'l', password: 'p' },
      'Institution ID parameter is required.',
      'connection/institution/id',
    ],
  ])('%j → 400 parameter-not-supplied "%s"', async (body, detail, pointer) => {
    const response = await post(body)
    expect(response.status).toBe(400)
    expect(response.body.data[0]).toMatchObject({
      code: 'parameter-not-supplied',
      detail,
      source: { pointer },
    })
  })

  it('an unknown institution → 400 "Requested institution does not exist."', async () => {
    const response = await post({ loginId: 'l', password: 'p', institution: { id: 'AU09999' } })
    expect(response.status).toBe(400)
    expect(response.body.data[0].detail).toBe('Requested institution does not exist.')
  })

  it('a malformed JSON body → 400 parameter-not-valid "Posted connection is not in valid format."', async () => {
    const response = await post('{"loginId": "jared", "password": ')
    expect(response.status).toBe(400)
    expect(response.body.data[0]).toMatchObject({
      code: 'parameter-not-valid',
      detail: 'Posted connection is not in valid format.',
    })
    expect((await post('[1,2,3]')).status).toBe(400)
    expect((await post('null')).status).toBe(400)
  })

  it('a 10 KB password is refused with a clear 400 and is never echoed', async () => {
    const password = 'p'.repeat(10 * 1024)
    const response = await post({ loginId: 'jared', password, institution: { id: 'AU00000' } })
    expect(response.status).toBe(400)
    expect(response.body.data[0]).toMatchObject({
      code: 'parameter-not-valid',
      source: { parameter: 'password' },
    })
    expect(response.body.data[0].detail).toMatch(/^Password value is not valid/)
    expect(response.text).not.toContain('pppppppp')
  })

  it('a body over 64 KB → 413 in the envelope', async () => {
    const response = await post({
      loginId: 'jared',
      password: 'x',
      institution: { id: 'AU00000' },
      pad: 'x'.repeat(70_000),
    })
    expect(response.status).toBe(413)
    expect(response.body.type).toBe('list')
    expect(response.body.data[0].code).toBe('invalid-content')
  })

  it('a non-JSON content type → 415', async () => {
    const response = await post('loginId=jared', { 'content-type': 'text/plain' })
    expect(response.status).toBe(415)
    expect(response.body.data[0]).toMatchObject({
      code: 'unsupported-content-type',
      detail: 'Content type text/plain is not supported on requested endpoint.',
    })
  })

  it('non-string credentials → 400 parameter-not-valid', async () => {
    const response = await post({ loginId: 42, password: 'p', institution: { id: 'AU00000' } })
    expect(response.status).toBe(400)
    expect(response.body.data[0].code).toBe('parameter-not-valid')
  })

  it('no password or credential hash is ever echoed in any answer', async () => {
    const jobId = await client.connect(server, userId, 'jared', 'django')
    const done = await client.waitForJob(server, jobId, isFinished)
    const texts = [
      (await client.request('GET', `/jobs/${jobId}`, { token: server })).text,
      (
        await client.request('GET', `/users/${userId}/connections/${connectionIdOf(done)}`, {
          token: server,
        })
      ).text,
      (await client.request('GET', `/users/${userId}/connections`, { token: server })).text,
      (await client.request('GET', `/users/${userId}/jobs`, { token: server })).text,
    ]
    for (const text of texts) expect(text).not.toContain('django')
  })

  it('stops at the sandbox connection limit with 403 too-many-sandbox-connections', async () => {
    const limited = createSandbox({ clock, seed: 1, connectionLimit: 2 })
    const limitedClient = testClient(limited, clock)
    const token = await limitedClient.token()
    const user = await limitedClient.createUser(token)
    await limitedClient.connect(token, user, 'a', 'b')
    await limitedClient.connect(token, user, 'c', 'd')
    const third = await limitedClient.request('POST', `/users/${user}/connections`, {
      token,
      json: { loginId: 'e', password: 'f', institution: { id: 'AU00000' } },
    })
    expect(third.status).toBe(403)
    expect(third.body.data[0]).toMatchObject({
      code: 'too-many-sandbox-connections',
      detail: 'Limit reached for sandbox connections.',
    })
  })

  it('defaults the connection limit to 500', async () => {
    for (let i = 0; i < 500; i += 1) await client.connect(server, userId, `login-${i}`, 'pw')
    const over = await client.request('POST', `/users/${userId}/connections`, {
      token: server,
      json: { loginId: 'one-more', password: 'pw', institution: { id: 'AU00000' } },
    })
    expect(over.status).toBe(403)
  })
})

describe('users', () => {
  it('POST /users needs email or mobile and validates them', async () => {
    const none = await client.request('POST', '/users', { token: server, json: {} })
    expect(none.status).toBe(400)
    expect(none.body.data[0]).toEqual({
      type: 'error',
      code: 'parameter-not-supplied',
      title: 'Required parameter not supplied',
      detail: "One of 'email' or 'mobile' is required.",
      source: {},
    })
    const badEmail = await client.request('POST', '/users', {
      token: server,
      json: { email: 'not-an-email' },
    })
    expect(badEmail.body.data[0].detail).toBe('Provided email is in bad format.')
    const badMobile = await client.request('POST', '/users', {
      token: server,
      json: { mobile: 'call me' },
    })
    expect(badMobile.body.data[0].detail).toBe('Provided mobile is in bad format.')
  })

  it('GET /users/{id} lists the user’s connections and accounts', async () => {
    const jobId = await client.connect(server, userId, 'gavinBelson', 'hooli2016')
    await client.waitForJob(server, jobId, isFinished)
    const user = (await client.request('GET', `/users/${userId}`, { token: server })).body
    expect(user).toMatchObject({
      type: 'user',
      id: userId,
      email: 'gavin@hooli.com',
      mobile: '+61410888999',
    })
    expect(user.connections.count).toBe(1)
    expect(user.accounts.count).toBe(4)
  })

  it('POST /users/{id} updates and DELETE /users/{id} removes the user', async () => {
    const updated = await client.request('POST', `/users/${userId}`, {
      token: server,
      json: { email: 'new@hooli.com' },
    })
    expect(updated.status).toBe(200)
    expect(updated.body.email).toBe('new@hooli.com')
    expect((await client.request('DELETE', `/users/${userId}`, { token: server })).status).toBe(204)
    expect((await client.request('GET', `/users/${userId}`, { token: server })).status).toBe(404)
  })
})

describe('accounts and transactions', () => {
  it('filters accounts by institution and transactions by account, institution, direction and date; paginates', async () => {
    const a = await client.connect(server, userId, 'Wentworth-Smith', 'whislter')
    const b = await client.connect(server, userId, 'jared', 'django', 'AU00001')
    await client.waitForJob(server, a, isFinished)
    await client.waitForJob(server, b, isFinished)
    const get = async (path: string) => (await client.request('GET', path, { token: server })).body
    const q = (filter: string) => encodeURIComponent(filter)

    const hooli = await get(`/users/${userId}/accounts?filter=${q("institution.id.eq('AU00000')")}`)
    expect(hooli.data).toHaveLength(4)
    expect(hooli.data.every((acc: { institution: string }) => acc.institution === 'AU00000')).toBe(
      true,
    )
    const one = await get(`/users/${userId}/accounts/${hooli.data[0].id}`)
    expect(one.id).toBe(hooli.data[0].id)

    const all = await get(`/users/${userId}/transactions`)
    const debits = await get(
      `/users/${userId}/transactions?filter=${q("transaction.direction.eq('debit')")}`,
    )
    expect(debits.size).toBeGreaterThan(0)
    expect(debits.size).toBeLessThan(all.size)
    expect(
      debits.data.every(
        (t: { direction: string; amount: string }) =>
          t.direction === 'debit' && t.amount.startsWith('-'),
      ),
    ).toBe(true)
    const other = await get(
      `/users/${userId}/transactions?filter=${q("institution.id.eq('AU00001')")}`,
    )
    expect(other.data.every((t: { institution: string }) => t.institution === 'AU00001')).toBe(true)
    const since = new Date(start - 10 * 86_400_000).toISOString().slice(0, 10)
    const recent = await get(
      `/users/${userId}/transactions?filter=${q(`transaction.postDate.gteq('${since}')`)}`,
    )
    expect(recent.size).toBeGreaterThan(0)
    expect(recent.data.every((t: { postDate: string }) => t.postDate >= since)).toBe(true)

    const page1 = await get(`/users/${userId}/transactions?limit=10`)
    expect(page1.data).toHaveLength(10)
    expect(page1.count).toBe(10)
    const page2 = await get(page1.links.next as string)
    expect(page2.data[0].id).not.toBe(page1.data[0].id)
    const debitPage = await get(
      `/users/${userId}/transactions?limit=5&filter=${q("transaction.direction.eq('debit')")}`,
    )
    const debitPage2 = await get(debitPage.links.next as string)
    expect(debitPage2.data.every((t: { direction: string }) => t.direction === 'debit')).toBe(true)
    expect(debitPage2.size).toBe(debits.size)
    const badLimit = await client.request('GET', `/users/${userId}/transactions?limit=501`, {
      token: server,
    })
    expect(badLimit.status).toBe(400)
    expect(badLimit.body.data[0].detail).toBe('Maximum limit allowed is 500')
  })

  it('serves the same data for the same seed (deterministic generation)', async () => {
    const run = async () => {
      const c = createManualClock(start)
      const s = createSandbox({ clock: c, seed: 99 })
      const t = testClient(s, c)
      const token = await t.token()
      const user = await t.createUser(token)
      const job = await t.connect(token, user, 'gavinBelson', 'hooli2016')
      await t.waitForJob(token, job, isFinished)
      return (await t.request('GET', `/users/${user}/transactions`, { token })).text
    }
    const first = await run()
    expect(await run()).toBe(first)
  })
})
