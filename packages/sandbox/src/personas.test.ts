import { beforeEach, describe, expect, it } from 'vitest'
import { institutions } from './catalogue.ts'
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

beforeEach(async () => {
  clock = createManualClock(Date.parse('2026-03-02T09:00:00Z'))
  sandbox = createSandbox({ clock, seed: 42 })
  client = testClient(sandbox, clock)
  server = await client.token()
  userId = await client.createUser(server)
})

const statuses = (job: TestJob) => job.steps.map((s) => `${s.title}:${s.status}`)

async function connection(id: string) {
  return (await client.request('GET', `/users/${userId}/connections/${id}`, { token: server })).body
}

function connectionIdOf(job: TestJob): string {
  return String((job.links as { source: string }).source.split('/').pop())
}

// The testing page's happy personas, with the number of accounts their descriptions imply.
const happy: Array<[string, string, number]> = [
  ['Wentworth-Smith', 'whislter', 4],
  ['Whistler', 'ShowBox', 2],
  ['Gilfoyle', 'PiedPiper', 3],
  ['gavinBelson', 'hooli2016', 4],
  ['jared', 'django', 4],
  ['richard', 'tabsnotspaces', 8],
  ['laurieBream', 'business2024', 2],
  ['ashMann', 'hooli2024', 3],
]

describe('happy personas on Hooli (AU00000)', () => {
  it.each(happy)(
    '%s / %s connects: every step succeeds, the connection is active with its accounts',
    async (loginId, password, accountCount) => {
      const jobId = await client.connect(server, userId, loginId, password)
      const created = await client.job(server, jobId)
      expect(statuses(created)).toEqual([
        'verify-credentials:pending',
        'retrieve-accounts:pending',
        'retrieve-transactions:pending',
      ])
      const done = await client.waitForJob(server, jobId, isFinished)
      expect(done.steps.map((s) => s.status)).toEqual(['success', 'success', 'success'])
      const connectionId = connectionIdOf(done)
      expect(stepOf(done, 'verify-credentials').result).toEqual({
        type: 'link',
        url: `/users/${userId}/connections/${connectionId}`,
      })
      expect(stepOf(done, 'retrieve-accounts').result).toEqual({
        type: 'link',
        url: `/users/${userId}/accounts?filter=institution.id.eq('AU00000')`,
      })
      expect(stepOf(done, 'retrieve-transactions').result).toEqual({
        type: 'link',
        url: `/users/${userId}/transactions?filter=institution.id.eq('AU00000')`,
      })
      const conn = await connection(connectionId)
      expect(conn.status).toBe('active')
      expect(conn.accounts.data).toHaveLength(accountCount)
      expect(conn.profile.fullName).toEqual(expect.any(String))
      const accounts = await client.request('GET', `/users/${userId}/accounts`, { token: server })
      expect(accounts.body.data).toHaveLength(accountCount)
      const transactions = await client.request('GET', `/users/${userId}/transactions`, {
        token: server,
      })
      expect(transactions.body.size).toBeGreaterThan(accountCount * 3)
    },
  )

  it('gives Wentworth-Smith transaction, savings, mortgage and credit-card accounts with transactions on each', async () => {
    const jobId = await client.connect(server, userId, 'Wentworth-Smith', 'whislter')
    await client.waitForJob(server, jobId, isFinished)
    const accounts = (await client.request('GET', `/users/${userId}/accounts`, { token: server }))
      .body.data
    expect(accounts.map((a: { class: { type: string } }) => a.class.type).sort()).toEqual([
      'credit-card',
      'mortgage',
      'savings',
      'transaction',
    ])
    for (const account of accounts) {
      const list = await client.request(
        'GET',
        `/users/${userId}/transactions?filter=${encodeURIComponent(`account.id.eq('${account.id}')`)}`,
        { token: server },
      )
      expect(list.body.data.length).toBeGreaterThanOrEqual(3)
      expect(list.body.data.every((t: { account: string }) => t.account === account.id)).toBe(true)
      // The newest transaction's running balance is the account's balance.
      expect(list.body.data[0].balance).toBe(account.balance)
    }
  })

  it('keeps the connection pending until verify-credentials succeeds, then active', async () => {
    const jobId = await client.connect(server, userId, 'gavinBelson', 'hooli2016')
    const running = await client.waitForJob(
      server,
      jobId,
      (j) => stepOf(j, 'verify-credentials').status === 'in-progress',
    )
    expect((await connection(connectionIdOf(running))).status).toBe('pending')
    const verified = await client.waitForJob(
      server,
      jobId,
      (j) => stepOf(j, 'verify-credentials').status === 'success',
    )
    expect((await connection(connectionIdOf(verified))).status).toBe('active')
  })

  it('gavinBelson connects to HooliGov Bank (AU00004), as the testing page lists', async () => {
    const jobId = await client.connect(server, userId, 'gavinBelson', 'hooli2016', 'AU00004')
    const done = await client.waitForJob(server, jobId, isFinished)
    expect(done.steps.map((s) => s.status)).toEqual(['success', 'success', 'success'])
    expect(stepOf(done, 'retrieve-accounts').result).toEqual({
      type: 'link',
      url: `/users/${userId}/accounts?filter=institution.id.eq('AU00004')`,
    })
  })

  it('lets a happy persona connect to a live non-test institution that does not force MFA', async () => {
    const bank = institutions.find(
      (i) => i.authorization === 'user' && i.status === 'operational' && i.tier === '1',
    )
    expect(bank).toBeDefined()
    const jobId = await client.connect(server, userId, 'jared', 'django', bank?.id)
    const done = await client.waitForJob(server, jobId, isFinished)
    expect(done.steps.map((s) => s.status)).toEqual(['success', 'success', 'success'])
  })
})

describe('unhappy personas (testing page)', () => {
  it('bighead / password fails verify-credentials with invalid-credentials "Account is locked"', async () => {
    const jobId = await client.connect(server, userId, 'bighead', 'password')
    const done = await client.waitForJob(server, jobId, isFinished)
    expect(done.steps).toEqual([
      {
        title: 'verify-credentials',
        status: 'failed',
        result: {
          code: 'invalid-credentials',
          title: 'Cannot login to target institution, check credentials.',
          detail: 'Account is locked',
        },
      },
      { title: 'retrieve-accounts', status: 'pending', result: null },
      { title: 'retrieve-transactions', status: 'pending', result: null },
    ])
    expect((await connection(connectionIdOf(done))).status).toBe('invalid')
  })

  it('erlich / aviato verifies, then fails retrieve-accounts with account-not-accessible-requires-user-action', async () => {
    const jobId = await client.connect(server, userId, 'erlich', 'aviato')
    const done = await client.waitForJob(server, jobId, isFinished)
    expect(statuses(done)).toEqual([
      'verify-credentials:success',
      'retrieve-accounts:failed',
      'retrieve-transactions:pending',
    ])
    expect(stepOf(done, 'retrieve-accounts').result).toMatchObject({
      code: 'account-not-accessible-requires-user-action',
      detail: 'An action is required from end-user before account details can be returned.',
      title: expect.any(String),
    })
    expect((await connection(connectionIdOf(done))).status).toBe('active')
    expect(
      (await client.request('GET', `/users/${userId}/accounts`, { token: server })).body.data,
    ).toEqual([])
  })

  it('jianYang / nothotdog fails verify-credentials with service-unavailable', async () => {
    const jobId = await client.connect(server, userId, 'jianYang', 'nothotdog')
    const done = await client.waitForJob(server, jobId, isFinished)
    expect(stepOf(done, 'verify-credentials')).toMatchObject({
      status: 'failed',
      result: {
        code: 'service-unavailable',
        detail: 'Service is currently unavailable. Please try again later.',
      },
    })
    expect(stepOf(done, 'retrieve-accounts').status).toBe('pending')
  })

  it.each([
    ['gavinBelson', 'wrong-password'],
    ['GavinBelson', 'hooli2016'],
    ['someone', 'hooli2016'],
  ])(
    '%s / %s (not a documented login, case-sensitive) fails with the generic invalid-credentials',
    async (loginId, password) => {
      const jobId = await client.connect(server, userId, loginId, password)
      const done = await client.waitForJob(server, jobId, isFinished)
      expect(stepOf(done, 'verify-credentials')).toEqual({
        title: 'verify-credentials',
        status: 'failed',
        result: {
          code: 'invalid-credentials',
          title: 'Cannot login to target institution, check credentials.',
          detail:
            'Cannot login to target institution using supplied credentials. Please check credentials and try again.',
        },
      })
      expect((await connection(connectionIdOf(done))).status).toBe('invalid')
    },
  )

  it('a major-outage institution fails verify-credentials with service-unavailable even for a happy persona', async () => {
    const down = institutions.find((i) => i.status === 'major-outage')
    expect(down).toBeDefined()
    const jobId = await client.connect(server, userId, 'gavinBelson', 'hooli2016', down?.id)
    const done = await client.waitForJob(server, jobId, isFinished)
    expect(stepOf(done, 'verify-credentials').result).toMatchObject({ code: 'service-unavailable' })
  })
})

// The testing page's MFA table.
const mfaPersonas: Array<[string, string, string, string[], string[]]> = [
  ['jared', 'django', 'token', ['OTP Password'], ['1234']],
  ['richard', 'tabsnotspaces', 'token', ['OTP Password'], ['1234']],
  ['gavinBelson', 'hooli2016', 'security-questions', ["What's your first company?"], ['Hooli']],
  ['Gilfoyle', 'PiedPiper', 'security-questions', ["What's your first company?"], ['Hooli']],
  [
    'Whistler',
    'ShowBox',
    'security-questions',
    ["What's your favourite company?", "What's the ID of this institution?"],
    ['Basiq', 'AU00000'],
  ],
  [
    'Wentworth-Smith',
    'whislter',
    'security-questions',
    ["What's your favourite company?", "What's the ID of this institution?"],
    ['Basiq', 'AU00000'],
  ],
]

describe('MFA on Pied Piper (AU00002, always)', () => {
  const awaitingMfa = (j: TestJob) => stepOf(j, 'mfa-challenge').status === 'in-progress'

  it.each(mfaPersonas)(
    '%s / %s gets a %s challenge %j and passes with %j',
    async (loginId, password, method, input, answer) => {
      const browser = await client.token('CLIENT_ACCESS')
      const jobId = await client.connect(browser, userId, loginId, password, 'AU00002')
      const waiting = await client.waitForJob(browser, jobId, awaitingMfa)
      expect(waiting.steps.map((s) => s.title)).toEqual([
        'verify-credentials',
        'mfa-challenge',
        'retrieve-accounts',
        'retrieve-transactions',
      ])
      expect(stepOf(waiting, 'verify-credentials').status).toBe('success')
      expect(stepOf(waiting, 'mfa-challenge').result).toEqual({
        type: 'mfa',
        method,
        description: expect.any(String),
        input,
        expiryMs: 120000,
        links: { response: `${sandbox.baseUrl}/jobs/${jobId}/mfa` },
      })
      const posted = await client.request('POST', `/jobs/${jobId}/mfa`, {
        token: browser,
        json: { 'mfa-response': answer },
      })
      expect(posted.status).toBe(202)
      expect(posted.body).toEqual({
        type: 'job',
        id: jobId,
        links: { self: `${sandbox.baseUrl}/jobs/${jobId}` },
      })
      const done = await client.waitForJob(browser, jobId, isFinished)
      expect(done.steps.map((s) => s.status)).toEqual(['success', 'success', 'success', 'success'])
    },
  )

  it('a wrong answer fails mfa-challenge with invalid-credentials and ends the job', async () => {
    const browser = await client.token('CLIENT_ACCESS')
    const jobId = await client.connect(browser, userId, 'jared', 'django', 'AU00002')
    await client.waitForJob(browser, jobId, awaitingMfa)
    const posted = await client.request('POST', `/jobs/${jobId}/mfa`, {
      token: browser,
      json: { 'mfa-response': ['9999'] },
    })
    expect(posted.status).toBe(202)
    const done = await client.waitForJob(browser, jobId, isFinished)
    expect(stepOf(done, 'mfa-challenge')).toEqual({
      title: 'mfa-challenge',
      status: 'failed',
      result: {
        code: 'invalid-credentials',
        title: 'Cannot login to target institution, check credentials.',
        detail: 'The multi-factor authentication response was not accepted.',
      },
    })
    expect(statuses(done).slice(2)).toEqual([
      'retrieve-accounts:pending',
      'retrieve-transactions:pending',
    ])
  })

  it('no answer within expiryMs fails mfa-challenge with job-timed-out', async () => {
    const browser = await client.token('CLIENT_ACCESS')
    const jobId = await client.connect(browser, userId, 'jared', 'django', 'AU00002')
    await client.waitForJob(browser, jobId, awaitingMfa, { stepMs: 10 })
    await clock.advance(119_900)
    expect(stepOf(await client.job(browser, jobId), 'mfa-challenge').status).toBe('in-progress')
    await clock.advance(200)
    const expired = await client.job(browser, jobId)
    expect(stepOf(expired, 'mfa-challenge')).toMatchObject({
      status: 'failed',
      result: { code: 'job-timed-out', title: expect.any(String), detail: expect.any(String) },
    })
    const late = await client.request('POST', `/jobs/${jobId}/mfa`, {
      token: browser,
      json: { 'mfa-response': ['1234'] },
    })
    expect(late.status).toBe(400)
  })

  it('a configured mfaExpiryMs is announced in the challenge and honoured', async () => {
    const quick = createSandbox({ clock, seed: 42, mfaExpiryMs: 5_000 })
    const quickClient = testClient(quick, clock)
    const quickUser = await quickClient.createUser(await quickClient.token('SERVER_ACCESS'))
    const browser = await quickClient.token('CLIENT_ACCESS')
    const jobId = await quickClient.connect(browser, quickUser, 'jared', 'django', 'AU00002')
    const waiting = await quickClient.waitForJob(browser, jobId, awaitingMfa, { stepMs: 10 })
    expect(stepOf(waiting, 'mfa-challenge').result).toMatchObject({ type: 'mfa', expiryMs: 5_000 })
    await clock.advance(5_100)
    expect(stepOf(await quickClient.job(browser, jobId), 'mfa-challenge')).toMatchObject({
      status: 'failed',
      result: { code: 'job-timed-out' },
    })
  })

  it('POST /jobs/{id}/mfa is refused for a job that is not waiting, for a wrong answer count and for a bad body', async () => {
    const browser = await client.token('CLIENT_ACCESS')
    const jobId = await client.connect(browser, userId, 'Whistler', 'ShowBox', 'AU00002')
    const early = await client.request('POST', `/jobs/${jobId}/mfa`, {
      token: browser,
      json: { 'mfa-response': ['x'] },
    })
    expect(early.status).toBe(400)
    expect(early.body.data[0].detail).toMatch(/not waiting/)
    await client.waitForJob(browser, jobId, awaitingMfa)
    const count = await client.request('POST', `/jobs/${jobId}/mfa`, {
      token: browser,
      json: { 'mfa-response': ['Basiq'] },
    })
    expect(count.status).toBe(400)
    const bad = await client.request('POST', `/jobs/${jobId}/mfa`, {
      token: browser,
      json: { answers: 'Basiq' },
    })
    expect(bad.status).toBe(400)
    // None of those consumed the challenge: the right answer still passes.
    await client.request('POST', `/jobs/${jobId}/mfa`, {
      token: browser,
      json: { 'mfa-response': ['Basiq', 'AU00000'] },
    })
    expect(
      (await client.waitForJob(browser, jobId, isFinished)).steps.every(
        (s) => s.status === 'success',
      ),
    ).toBe(true)
  })

  it('a happy persona not in the MFA table gets the token method', async () => {
    const jobId = await client.connect(server, userId, 'laurieBream', 'business2024', 'AU00002')
    const waiting = await client.waitForJob(server, jobId, awaitingMfa)
    expect(stepOf(waiting, 'mfa-challenge').result).toMatchObject({
      method: 'token',
      input: ['OTP Password'],
    })
  })

  it('the failing personas fail at their documented step before any challenge', async () => {
    const jobId = await client.connect(server, userId, 'bighead', 'password', 'AU00002')
    const done = await client.waitForJob(server, jobId, isFinished)
    expect(statuses(done)).toEqual([
      'verify-credentials:failed',
      'mfa-challenge:pending',
      'retrieve-accounts:pending',
      'retrieve-transactions:pending',
    ])
  })
})

describe('MFA on Nucleus (AU00003, about half the jobs)', () => {
  it('asks for MFA on some jobs and not on others', async () => {
    const withMfa: boolean[] = []
    for (let i = 0; i < 16; i += 1) {
      const jobId = await client.connect(server, userId, `nobody-${i}`, 'x', 'AU00003')
      const job = await client.job(server, jobId)
      withMfa.push(job.steps.some((s) => s.title === 'mfa-challenge'))
    }
    const count = withMfa.filter(Boolean).length
    expect(count).toBeGreaterThanOrEqual(3)
    expect(count).toBeLessThanOrEqual(13)
  })

  it('a job without MFA on Nucleus completes like Hooli, one with MFA waits for the answer', async () => {
    const seen: Array<{ hasMfa: boolean; state: string }> = []
    for (let i = 0; i < 12 && new Set(seen.map((s) => s.hasMfa)).size < 2; i += 1) {
      const fresh = await client.createUser(server, `n${i}@example.com`)
      const jobId = await client.connect(server, fresh, 'jared', 'django', 'AU00003')
      const job = await client.waitForJob(
        server,
        jobId,
        (j) =>
          isFinished(j) ||
          j.steps.some((s) => s.title === 'mfa-challenge' && s.status === 'in-progress'),
      )
      seen.push({
        hasMfa: job.steps.some((s) => s.title === 'mfa-challenge'),
        state: statuses(job).join(' '),
      })
    }
    expect(seen.find((s) => s.hasMfa)?.state).toBe(
      'verify-credentials:success mfa-challenge:in-progress retrieve-accounts:pending retrieve-transactions:pending',
    )
    expect(seen.find((s) => !s.hasMfa)?.state).toBe(
      'verify-credentials:success retrieve-accounts:success retrieve-transactions:success',
    )
  })
})
