// interpretJob, recoveryFor and nextPollDelay over the sandbox's real job sequences: every persona
// of Basiq's testing page, connected through the real client, polled in virtual time.
import { createManualClock, createSandbox } from '@bankconnect/sandbox'
import type { ManualClock, Sandbox } from '@bankconnect/sandbox'
import { describe, expect, test } from 'vitest'
import { createBasiqClient } from './client.ts'
import type { BasiqClient, FetchLike } from './client.ts'
import { BasiqApiError, BasiqNetworkError, BasiqParseError } from './errors.ts'
import { interpretJob } from './interpret-job.ts'
import type { JobInterpretation, JobPhase } from './interpret-job.ts'
import { nextPollDelay } from './poll-schedule.ts'
import { recoveryFor } from './recovery.ts'
import type { Institution, Job } from './schemas.ts'

const start = Date.parse('2026-01-01T00:00:00Z')
const hooli = 'AU00000'
const piedPiper = 'AU00002'
const nucleus = 'AU00003'
const majorOutageBank = 'AU00620'

interface Persona {
  loginId: string
  password: string
  answer: string[]
}

// The happy personas and the MFA answer each one gives (testing page).
const happy: Persona[] = [
  { loginId: 'Wentworth-Smith', password: 'whislter', answer: ['Basiq', 'AU00000'] },
  { loginId: 'Whistler', password: 'ShowBox', answer: ['Basiq', 'AU00000'] },
  { loginId: 'Gilfoyle', password: 'PiedPiper', answer: ['Hooli'] },
  { loginId: 'gavinBelson', password: 'hooli2016', answer: ['Hooli'] },
  { loginId: 'jared', password: 'django', answer: ['1234'] },
  { loginId: 'richard', password: 'tabsnotspaces', answer: ['1234'] },
  { loginId: 'laurieBream', password: 'business2024', answer: ['1234'] },
  { loginId: 'ashMann', password: 'hooli2024', answer: ['1234'] },
]
const gavin = happy[3] as Persona
const jared = happy[4] as Persona

interface World {
  clock: ManualClock
  sandbox: Sandbox
  client: BasiqClient
  userId: string
}

async function world(seed = 1): Promise<World> {
  const clock = createManualClock(start)
  const sandbox = createSandbox({ clock, seed })
  const fetch: FetchLike = (input, init) => sandbox.fetch(new Request(input, init))
  const serverToken = sandbox.mintToken({ scope: 'SERVER_ACCESS' })
  const server = createBasiqClient({
    baseUrl: sandbox.baseUrl,
    getToken: async () => serverToken,
    fetch,
  })
  const user = await server.createUser({ email: 'gavin@hooli.com' })
  // The browser's view: a CLIENT_ACCESS token bound to the user (MFA answers need that scope).
  const token = sandbox.mintToken({ scope: 'CLIENT_ACCESS', userId: user.id })
  const client = createBasiqClient({ baseUrl: sandbox.baseUrl, getToken: async () => token, fetch })
  return { clock, sandbox, client, userId: user.id }
}

async function connect(
  w: World,
  persona: Pick<Persona, 'loginId' | 'password'>,
  institutionId = hooli,
) {
  const stub = await w.client.createConnection(w.userId, { institutionId, ...persona })
  return stub.id
}

interface Followed {
  /** Distinct phases in the order they were seen. */
  phases: JobPhase[]
  /** The first poll that showed each phase. */
  first: Partial<Record<JobPhase, { job: Job; interpretation: JobInterpretation; at: number }>>
  job: Job
  interpretation: JobInterpretation
}

/** Polls GET /jobs/{id} every `stepMs` of virtual time until the job is complete or failed. */
async function follow(
  w: World,
  jobId: string,
  {
    answer,
    stepMs = 250,
    maxMs = 900_000,
  }: { answer?: string[]; stepMs?: number; maxMs?: number } = {},
): Promise<Followed> {
  const phases: JobPhase[] = []
  const first: Followed['first'] = {}
  let answered = false
  const began = w.clock.now()
  for (;;) {
    const job = await w.client.getJob(jobId)
    const interpretation = interpretJob(job)
    const { phase } = interpretation
    if (phases.at(-1) !== phase) phases.push(phase)
    first[phase] ??= { job, interpretation, at: w.clock.now() }
    if (phase === 'mfa-required' && answer && !answered) {
      await w.client.submitMfa(jobId, answer)
      answered = true
    }
    if (phase === 'complete' || phase === 'failed') return { phases, first, job, interpretation }
    if (w.clock.now() - began > maxMs)
      throw new Error(`job ${jobId} still ${phase} after ${maxMs} ms`)
    await w.clock.advance(stepMs)
  }
}

const connectionIdOf = (job: Job) => job.links?.source?.split('/').pop()

describe('happy personas at Hooli', () => {
  test.each(happy)('$loginId: pending → verifying → released → complete', async (persona) => {
    const w = await world()
    const jobId = await connect(w, persona)
    const run = await follow(w, jobId)
    expect(run.phases).toEqual(['pending', 'verifying', 'released', 'complete'])

    const released = run.first.released
    expect(released?.interpretation).toMatchObject({
      userId: w.userId,
      connectionId: connectionIdOf(run.job),
      currentStep: { title: 'retrieve-accounts' },
      error: undefined,
    })
    expect(run.interpretation.institutionId).toBe(hooli)
    // The user is released as soon as verify-credentials succeeded, not when accounts arrive.
    const steps = released?.job.steps.map((step) => step.status)
    expect(steps).toEqual(['success', 'in-progress', 'pending'])
  })
})

describe('failing personas', () => {
  test('bighead: verify-credentials fails, "Account is locked" passed on to the user', async () => {
    const w = await world()
    const jobId = await connect(w, { loginId: 'bighead', password: 'password' })
    const run = await follow(w, jobId)
    expect(run.phases).toEqual(['pending', 'verifying', 'failed'])
    expect(run.interpretation.failedStep?.title).toBe('verify-credentials')

    const recovery = recoveryFor(run.interpretation.error, { job: run.job })
    expect(recovery).toMatchObject({
      kind: 'invalid-credentials',
      detail: 'Account is locked',
      transient: false,
      support: {
        userId: w.userId,
        connectionId: connectionIdOf(run.job),
        jobId,
        code: 'invalid-credentials',
        step: 'verify-credentials',
      },
    })
    expect(recovery.actions[0]).toBe('re-enter-credentials')
  })

  test("unknown login: invalid-credentials with Basiq's generic explanation", async () => {
    const w = await world()
    const run = await follow(w, await connect(w, { loginId: 'someone', password: 'wrong' }))
    expect(run.phases).toEqual(['pending', 'verifying', 'failed'])
    expect(recoveryFor(run.interpretation.error, { job: run.job })).toMatchObject({
      kind: 'invalid-credentials',
      detail:
        'Cannot login to target institution using supplied credentials. Please check credentials and try again.',
    })
  })

  test('erlich: released, then retrieve-accounts fails and the user must act in their bank', async () => {
    const w = await world()
    const jobId = await connect(w, { loginId: 'erlich', password: 'aviato' })
    const run = await follow(w, jobId)
    expect(run.phases).toEqual(['pending', 'verifying', 'released', 'failed'])
    expect(run.interpretation.failedStep?.title).toBe('retrieve-accounts')

    const recovery = recoveryFor(run.interpretation.error, { job: run.job })
    expect(recovery).toMatchObject({
      kind: 'user-action-required',
      actions: ['act-in-bank', 'retry'],
      detail: 'An action is required from end-user before account details can be returned.',
      support: {
        jobId,
        step: 'retrieve-accounts',
        code: 'account-not-accessible-requires-user-action',
      },
    })
  })

  test('jianYang at an operational bank: service unavailable, try again in 10 minutes', async () => {
    const w = await world()
    const institution = await w.client.getInstitution(hooli)
    expect(institution.status).toBe('operational')
    const run = await follow(w, await connect(w, { loginId: 'jianYang', password: 'nothotdog' }))
    expect(run.phases).toEqual(['pending', 'verifying', 'failed'])
    expect(recoveryFor(run.interpretation.error, { job: run.job, institution })).toMatchObject({
      kind: 'service-unavailable',
      retryAfterMs: 600_000,
      detail: 'Service is currently unavailable. Please try again later.',
    })
  })

  test('a bank in major outage: the bank is down, try later or pick another', async () => {
    const w = await world()
    const institution: Institution = await w.client.getInstitution(majorOutageBank)
    expect(institution.status).toBe('major-outage')
    const run = await follow(w, await connect(w, gavin, majorOutageBank))
    expect(run.phases).toEqual(['pending', 'verifying', 'failed'])
    expect(recoveryFor(run.interpretation.error, { job: run.job, institution })).toMatchObject({
      kind: 'institution-down',
      actions: ['try-later', 'pick-another-bank'],
      retryAfterMs: undefined,
    })
  })
})

describe('MFA at Pied Piper', () => {
  test.each([
    ['a one-time code', jared, ['1234']],
    ['one security question', gavin, ['Hooli']],
    ['two security questions, answered in lower case', happy[1] as Persona, ['basiq', 'au00000']],
  ])('%s answered right: … → mfa-required → released → complete', async (_, persona, answer) => {
    const w = await world()
    const run = await follow(w, await connect(w, persona, piedPiper), { answer })
    expect(run.phases).toEqual(['pending', 'verifying', 'mfa-required', 'released', 'complete'])
    const mfa = run.first['mfa-required']?.interpretation.mfa
    expect(mfa?.input).toHaveLength(answer.length)
    expect(mfa?.links.response).toMatch(/\/jobs\/[^/]+\/mfa$/)
  })

  test('a wrong answer fails the job: mfa-failed', async () => {
    const w = await world()
    const jobId = await connect(w, jared, piedPiper)
    const run = await follow(w, jobId, { answer: ['0000'] })
    expect(run.phases).toEqual(['pending', 'verifying', 'mfa-required', 'failed'])
    expect(run.interpretation.failedStep?.title).toBe('mfa-challenge')
    expect(recoveryFor(run.interpretation.error, { job: run.job })).toMatchObject({
      kind: 'mfa-failed',
      actions: ['re-enter-credentials', 'pick-another-bank'],
      support: { jobId, step: 'mfa-challenge', code: 'invalid-credentials' },
    })
  })

  test('no answer before the challenge expires: mfa-expired', async () => {
    const w = await world()
    const run = await follow(w, await connect(w, jared, piedPiper))
    expect(run.phases).toEqual(['pending', 'verifying', 'mfa-required', 'failed'])
    const waited = (run.first.failed?.at ?? 0) - (run.first['mfa-required']?.at ?? 0)
    expect(waited).toBeGreaterThanOrEqual(119_000)
    expect(recoveryFor(run.interpretation.error, { job: run.job })).toMatchObject({
      kind: 'mfa-expired',
      support: { step: 'mfa-challenge', code: 'job-timed-out' },
    })
  })
})

describe('Nucleus (MFA on some jobs)', () => {
  test('both branches: with and without a challenge', async () => {
    const w = await world(7)
    const sequences = new Map<boolean, JobPhase[]>()
    for (const persona of happy) {
      const run = await follow(w, await connect(w, persona, nucleus), { answer: persona.answer })
      sequences.set(run.phases.includes('mfa-required'), run.phases)
      if (sequences.size === 2) break
    }
    expect(sequences.get(false)).toEqual(['pending', 'verifying', 'released', 'complete'])
    expect(sequences.get(true)).toEqual([
      'pending',
      'verifying',
      'mfa-required',
      'released',
      'complete',
    ])
  })
})

describe('duplicate credentials', () => {
  test('the second connection is paused for 6 minutes, counts down, then runs', async () => {
    const w = await world()
    await connect(w, gavin)
    const jobId = await connect(w, gavin)
    const created = w.clock.now()

    const paused = interpretJob(await w.client.getJob(jobId))
    expect(paused.phase).toBe('paused')
    expect(
      recoveryFor(paused.pause, { now: w.clock.now(), job: await w.client.getJob(jobId) }),
    ).toMatchObject({
      kind: 'paused',
      actions: ['wait'],
      retryAfterMs: 360_000,
      transient: true,
      support: { jobId, code: 'credentials-in-use', step: 'verify-credentials' },
    })
    await w.clock.advance(60_000)
    expect(recoveryFor(paused.pause, { now: w.clock.now() }).retryAfterMs).toBe(300_000)

    const run = await follow(w, jobId)
    expect(run.phases).toEqual(['paused', 'pending', 'verifying', 'released', 'complete'])
    expect((run.first.pending?.at ?? 0) - created).toBe(360_000)
  })
})

describe('polling driven by nextPollDelay', () => {
  test('Hooli: nothing before half the expected duration, released, background to complete, stop', async () => {
    const w = await world()
    const institution = await w.client.getInstitution(hooli)
    const stats = institution.stats.averageDurationMs
    const jobId = await connect(w, gavin)
    const created = w.clock.now()
    const requests: { at: number; phase: JobPhase }[] = []
    let phase: JobPhase | 'unknown' = 'unknown'
    for (;;) {
      const next = nextPollDelay({
        phase,
        elapsedMs: w.clock.now() - created,
        expectedVerifyMs: stats?.verifyCredentials,
        expectedTotalMs: stats?.total,
      })
      if (next === false) break
      await w.clock.advance(next)
      phase = interpretJob(await w.client.getJob(jobId)).phase
      requests.push({ at: w.clock.now() - created, phase })
    }
    expect(phase).toBe('complete')
    expect(requests[0]?.at).toBe(Math.round((stats?.verifyCredentials ?? 0) / 2))
    const distinct = requests.map((r) => r.phase).filter((p, i, all) => p !== all[i - 1])
    expect(distinct).toEqual(['verifying', 'released', 'complete'])
    // Before the release, dense polling; after it, background pace.
    const gaps = requests
      .slice(1)
      .map((r, i) => ({ gap: r.at - (requests[i]?.at ?? 0), phase: requests[i]?.phase }))
    expect(gaps.filter((g) => g.phase === 'verifying').every((g) => g.gap === 850)).toBe(true)
    expect(gaps.filter((g) => g.phase === 'released').every((g) => g.gap >= 5_000)).toBe(true)
  })
})

describe('transport failures while polling', () => {
  test('a 503 is a transport problem: still trying, with backoff', async () => {
    const w = await world()
    const jobId = await connect(w, gavin)
    w.sandbox.faults.add({ kind: 'status', path: '/jobs/*', status: 503 })
    const error = await w.client.getJob(jobId).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BasiqApiError)
    expect(recoveryFor(error, { jobId })).toMatchObject({
      kind: 'transport',
      transient: true,
      support: { jobId },
    })
    const wait = nextPollDelay({
      phase: 'verifying',
      elapsedMs: 5_000,
      expectedVerifyMs: 8_000,
      consecutiveFailures: 3,
      random: () => 0,
    })
    expect(wait).toBe(2_000)
    // The fault fired once; the next poll reads the job again.
    expect(interpretJob(await w.client.getJob(jobId)).phase).not.toBe('failed')
  })

  test('a 429 with Retry-After: rate-limited, and the next poll waits at least that long', async () => {
    const w = await world()
    const jobId = await connect(w, gavin)
    w.sandbox.faults.add({ kind: 'rate-limit', path: '/jobs/*', retryAfterSeconds: 2 })
    const error = await w.client.getJob(jobId).catch((e: unknown) => e)
    const recovery = recoveryFor(error, { jobId })
    expect(recovery).toMatchObject({ kind: 'rate-limited', transient: true, retryAfterMs: 2_000 })
    const wait = nextPollDelay({
      phase: 'verifying',
      elapsedMs: 5_000,
      expectedVerifyMs: 8_000,
      retryAfterMs: recovery.retryAfterMs,
    })
    expect(wait).toBe(2_000)
  })

  test('a dropped connection and a garbled body are transport problems too', async () => {
    const w = await world()
    const jobId = await connect(w, gavin)
    w.sandbox.faults.add({ kind: 'drop', path: '/jobs/*' })
    const dropped = await w.client.getJob(jobId).catch((e: unknown) => e)
    expect(dropped).toBeInstanceOf(BasiqNetworkError)
    expect(recoveryFor(dropped).kind).toBe('transport')
    w.sandbox.faults.add({ kind: 'malformed', path: '/jobs/*' })
    const garbled = await w.client.getJob(jobId).catch((e: unknown) => e)
    expect(garbled).toBeInstanceOf(BasiqParseError)
    expect(recoveryFor(garbled)).toMatchObject({ kind: 'transport', transient: true })
  })
})
