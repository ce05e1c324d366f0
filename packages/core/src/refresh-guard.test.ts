import { createManualClock, createSandbox } from '@bankconnect/sandbox'
import type { ManualClock, Sandbox } from '@bankconnect/sandbox'
import { describe, expect, test } from 'vitest'
import { createBasiqClient } from './client.ts'
import type { BasiqClient, FetchLike } from './client.ts'
import { BasiqApiError } from './errors.ts'
import { interpretJob } from './interpret-job.ts'
import {
  DEFAULT_REFRESH_INTERVAL_MS,
  MIN_REFRESH_INTERVAL_MS,
  OPEN_BANKING_DAILY_REFRESH_LIMIT,
  refreshGuard,
} from './refresh-guard.ts'
import type { Connection, Job, JobStep } from './schemas.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const NOW = Date.parse('2026-03-02T09:00:00Z')
const api = 'https://au-api.basiq.io'
const userId = 'user-1'
const connectionId = 'connection-1'

const iso = (ms: number) => new Date(ms).toISOString()

function connectionOf(overrides: Record<string, unknown> = {}): Connection {
  return {
    type: 'connection',
    id: connectionId,
    status: 'active',
    createdDate: iso(NOW - 30 * DAY),
    lastUsed: iso(NOW - 2 * DAY),
    institution: {
      type: 'institution',
      id: 'AU00000',
      links: { self: `${api}/institutions/AU00000` },
    },
    links: { self: `${api}/users/${userId}/connections/${connectionId}` },
    ...overrides,
  } as Connection
}

type Shape =
  | 'complete'
  | 'failed-verify'
  | 'failed-accounts'
  | 'pending'
  | 'in-progress'
  | 'mfa'
  | 'paused'
  | 'released'

const link = (url: string) => ({ type: 'link' as const, url })
const failure = (code: string) => ({ type: 'error' as const, code, title: code, detail: code })

function stepsOf(shape: Shape, connection: string): JobStep[] {
  const verified: JobStep = {
    title: 'verify-credentials',
    status: 'success',
    result: link(`/users/${userId}/connections/${connection}`),
  }
  const accounts = link(`/users/${userId}/accounts?filter=institution.id.eq('AU00000')`)
  const transactions = link(`/users/${userId}/transactions?filter=institution.id.eq('AU00000')`)
  const pending = (title: string): JobStep => ({ title, status: 'pending', result: null })
  switch (shape) {
    case 'complete':
      return [
        verified,
        { title: 'retrieve-accounts', status: 'success', result: accounts },
        { title: 'retrieve-transactions', status: 'success', result: transactions },
      ]
    case 'failed-verify':
      return [
        {
          title: 'verify-credentials',
          status: 'failed',
          result: failure('invalid-credentials'),
        },
        pending('retrieve-accounts'),
        pending('retrieve-transactions'),
      ]
    case 'failed-accounts':
      return [
        verified,
        {
          title: 'retrieve-accounts',
          status: 'failed',
          result: failure('account-not-accessible-requires-user-action'),
        },
        pending('retrieve-transactions'),
      ]
    case 'pending':
      return [
        pending('verify-credentials'),
        pending('retrieve-accounts'),
        pending('retrieve-transactions'),
      ]
    case 'in-progress':
      return [
        { title: 'verify-credentials', status: 'in-progress', result: null },
        pending('retrieve-accounts'),
        pending('retrieve-transactions'),
      ]
    case 'mfa':
      return [
        verified,
        {
          title: 'mfa-challenge',
          status: 'in-progress',
          result: {
            type: 'mfa',
            method: 'token',
            description: 'Enter the code',
            input: ['OTP Password'],
            expiryMs: 120_000,
            links: { response: `${api}/jobs/j/mfa` },
          },
        },
        pending('retrieve-accounts'),
        pending('retrieve-transactions'),
      ]
    case 'paused':
      return [
        {
          title: 'verify-credentials',
          status: 'pending',
          result: {
            type: 'pause',
            code: 'credentials-in-use',
            title: 'Connection paused',
            detail: '',
            resumeAt: iso(NOW + 5 * 60_000),
          },
        },
        pending('retrieve-accounts'),
        pending('retrieve-transactions'),
      ]
    case 'released':
      return [
        verified,
        { title: 'retrieve-accounts', status: 'in-progress', result: null },
        pending('retrieve-transactions'),
      ]
  }
}

let jobCounter = 0

/** A job as `GET /users/{id}/jobs` lists it: matched to its connection through `links.source`. */
function jobOf(
  shape: Shape,
  {
    created,
    updated = created + 30_000,
    connection = connectionId,
    id = `job-${(jobCounter += 1)}`,
  }: { created: number; updated?: number; connection?: string; id?: string },
): Job {
  return {
    type: 'job',
    id,
    created: iso(created),
    updated: iso(updated),
    institution: {
      type: 'institution',
      id: 'AU00000',
      links: { self: `${api}/institutions/AU00000` },
    },
    steps: stepsOf(shape, connection),
    links: {
      self: `${api}/jobs/${id}`,
      source: `${api}/users/${userId}/connections/${connection}`,
    },
  }
}

const allowed = { allowed: true, reason: undefined, nextAllowedAt: undefined }

describe('refreshGuard: the minimum interval', () => {
  test('allows an active connection last used more than 24 h ago, with no jobs', () => {
    expect(refreshGuard(connectionOf(), [], NOW)).toEqual(allowed)
  })

  test('refuses 1 ms before 24 h since lastUsed and allows at exactly 24 h', () => {
    const lastUsed = NOW - DAY + 1
    expect(refreshGuard(connectionOf({ lastUsed: iso(lastUsed) }), [], NOW)).toEqual({
      allowed: false,
      reason: 'too-soon',
      nextAllowedAt: new Date(lastUsed + DAY),
    })
    expect(refreshGuard(connectionOf({ lastUsed: iso(NOW - DAY) }), [], NOW)).toEqual(allowed)
  })

  test('takes `now` as a Date or as milliseconds alike', () => {
    const connection = connectionOf({ lastUsed: iso(NOW - HOUR) })
    expect(refreshGuard(connection, [], new Date(NOW))).toEqual(refreshGuard(connection, [], NOW))
    expect(refreshGuard(connection, [], new Date(NOW)).nextAllowedAt).toEqual(
      new Date(NOW - HOUR + DAY),
    )
  })

  test('honours a configured interval at its boundary', () => {
    const policy = { minIntervalMs: 2 * HOUR }
    const justUnder = refreshGuard(
      connectionOf({ lastUsed: iso(NOW - 2 * HOUR + 1) }),
      [],
      NOW,
      policy,
    )
    expect(justUnder).toMatchObject({ allowed: false, reason: 'too-soon' })
    expect(justUnder.nextAllowedAt).toEqual(new Date(NOW + 1))
    expect(refreshGuard(connectionOf({ lastUsed: iso(NOW - 2 * HOUR) }), [], NOW, policy)).toEqual(
      allowed,
    )
  })

  test('raises an interval below 1 hour (0, negative, one minute) to 1 hour', () => {
    for (const minIntervalMs of [60_000, 0, -5]) {
      const policy = { minIntervalMs }
      const recent = refreshGuard(connectionOf({ lastUsed: iso(NOW - HOUR + 1) }), [], NOW, policy)
      expect(recent).toEqual({
        allowed: false,
        reason: 'too-soon',
        nextAllowedAt: new Date(NOW + 1),
      })
      expect(refreshGuard(connectionOf({ lastUsed: iso(NOW - HOUR) }), [], NOW, policy)).toEqual(
        allowed,
      )
    }
    expect(MIN_REFRESH_INTERVAL_MS).toBe(HOUR)
  })

  test('uses the 24 h default for an interval that is not a finite number', () => {
    for (const minIntervalMs of [Number.NaN, Number.POSITIVE_INFINITY, '2h' as unknown as number]) {
      const decision = refreshGuard(connectionOf({ lastUsed: iso(NOW - 3 * HOUR) }), [], NOW, {
        minIntervalMs,
      })
      expect(decision.nextAllowedAt).toEqual(new Date(NOW - 3 * HOUR + DEFAULT_REFRESH_INTERVAL_MS))
    }
  })

  test('a completed job newer than lastUsed is the last refresh (its `updated` time)', () => {
    const job = jobOf('complete', { created: NOW - 5 * HOUR, updated: NOW - 5 * HOUR + 25_000 })
    const decision = refreshGuard(connectionOf({ lastUsed: iso(NOW - 3 * DAY) }), [job], NOW)
    expect(decision).toEqual({
      allowed: false,
      reason: 'too-soon',
      nextAllowedAt: new Date(NOW - 5 * HOUR + 25_000 + DAY),
    })
  })

  test('a lastUsed newer than the latest completed job wins', () => {
    const job = jobOf('complete', { created: NOW - 10 * HOUR })
    const decision = refreshGuard(connectionOf({ lastUsed: iso(NOW - HOUR) }), [job], NOW)
    expect(decision.nextAllowedAt).toEqual(new Date(NOW - HOUR + DAY))
  })

  test('failed jobs are not refreshes: a failed attempt does not start a new interval', () => {
    const jobs = [
      jobOf('failed-accounts', { created: NOW - HOUR }),
      jobOf('complete', { created: NOW - 3 * DAY }),
    ]
    expect(refreshGuard(connectionOf(), jobs, NOW)).toEqual(allowed)
  })

  test('a lastUsed in the future (clock skew) counts as recent', () => {
    const decision = refreshGuard(connectionOf({ lastUsed: iso(NOW + HOUR) }), [], NOW)
    expect(decision).toEqual({
      allowed: false,
      reason: 'too-soon',
      nextAllowedAt: new Date(NOW + HOUR + DAY),
    })
  })
})

describe('refreshGuard: running jobs', () => {
  test.each(['pending', 'in-progress', 'mfa', 'paused', 'released'] as const)(
    'a %s job of the connection blocks with its id, even when lastUsed is old',
    (shape) => {
      const job = jobOf(shape, { created: NOW - 60_000, id: `running-${shape}` })
      expect(refreshGuard(connectionOf({ lastUsed: iso(NOW - 5 * DAY) }), [job], NOW)).toEqual({
        allowed: false,
        reason: 'job-running',
        nextAllowedAt: undefined,
        runningJobId: `running-${shape}`,
      })
    },
  )

  test('names the newest running job when there are several', () => {
    const jobs = [
      jobOf('in-progress', { created: NOW - 120_000, id: 'older' }),
      jobOf('mfa', { created: NOW - 10_000, id: 'newer' }),
    ]
    expect(refreshGuard(connectionOf(), jobs, NOW).runningJobId).toBe('newer')
  })

  test('a running update job of an invalid connection is reported as running, not invalid', () => {
    const job = jobOf('in-progress', { created: NOW - 5_000, id: 'update' })
    expect(refreshGuard(connectionOf({ status: 'invalid' }), [job], NOW)).toMatchObject({
      reason: 'job-running',
      runningJobId: 'update',
    })
  })

  test('failed and completed jobs never block as running', () => {
    const jobs = [
      jobOf('failed-verify', { created: NOW - 2 * HOUR }),
      jobOf('failed-accounts', { created: NOW - HOUR }),
      jobOf('complete', { created: NOW - 2 * DAY }),
    ]
    expect(refreshGuard(connectionOf(), jobs, NOW)).toEqual(allowed)
  })

  test('jobs of other connections are ignored: running, recent or many', () => {
    const other = 'connection-2'
    const jobs = [
      jobOf('in-progress', { created: NOW - 1_000, connection: other }),
      jobOf('complete', { created: NOW - HOUR, connection: other }),
      ...Array.from({ length: 25 }, (_, i) =>
        jobOf('failed-accounts', { created: NOW - (i + 1) * 60_000, connection: other }),
      ),
    ]
    const openBanking = connectionOf({ method: 'openbanking' })
    expect(refreshGuard(openBanking, jobs, NOW)).toEqual(allowed)
  })
})

describe('refreshGuard: connection status', () => {
  test('refuses an invalid connection without a time: only new credentials help', () => {
    expect(refreshGuard(connectionOf({ status: 'invalid' }), [], NOW)).toEqual({
      allowed: false,
      reason: 'connection-invalid',
      nextAllowedAt: undefined,
    })
  })

  test('without a status, a latest job that failed verify-credentials with invalid-credentials means invalid', () => {
    const connection = connectionOf({ status: undefined })
    const failed = jobOf('failed-verify', { created: NOW - HOUR })
    expect(refreshGuard(connection, [failed], NOW).reason).toBe('connection-invalid')
    // A later successful update job made it active again.
    const repaired = jobOf('complete', { created: NOW - 26 * HOUR })
    const olderFailure = jobOf('failed-verify', { created: NOW - 28 * HOUR })
    expect(refreshGuard(connection, [repaired, olderFailure], NOW)).toEqual(allowed)
    // Other failures (user action in the bank) do not mean new credentials are needed.
    const userAction = jobOf('failed-accounts', { created: NOW - HOUR })
    expect(refreshGuard(connection, [userAction], NOW)).toEqual(allowed)
  })

  test('an explicit status wins over the jobs', () => {
    const failed = jobOf('failed-verify', { created: NOW - HOUR })
    expect(refreshGuard(connectionOf({ status: 'active' }), [failed], NOW)).toEqual(allowed)
  })

  test('pending, pre-init and unknown statuses are not ready', () => {
    for (const status of ['pending', 'pre-init', 'deleted']) {
      expect(refreshGuard(connectionOf({ status }), [], NOW)).toEqual({
        allowed: false,
        reason: 'connection-not-ready',
        nextAllowedAt: undefined,
      })
    }
  })
})

describe('refreshGuard: open-banking daily limit', () => {
  // Refreshes an hour apart over the last day, the oldest 23.5 h ago: each completed, so the
  // latest (4.5 h ago with 20 jobs) is also the last refresh, well past a 1 h interval.
  const refreshes = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      jobOf('complete', { created: NOW - 23.5 * HOUR + (20 - count + i) * HOUR }),
    )
  const hourly = { minIntervalMs: HOUR }
  const openBanking = connectionOf({ method: 'openbanking', lastUsed: iso(NOW - 5 * DAY) })

  test('allows the 20th refresh in a rolling day and refuses the 21st until the oldest is 24 h old', () => {
    expect(OPEN_BANKING_DAILY_REFRESH_LIMIT).toBe(20)
    expect(refreshGuard(openBanking, refreshes(19), NOW, hourly)).toEqual(allowed)

    const twenty = refreshes(20)
    const oldest = NOW - 23.5 * HOUR
    expect(refreshGuard(openBanking, twenty, NOW, hourly)).toEqual({
      allowed: false,
      reason: 'daily-limit',
      nextAllowedAt: new Date(oldest + DAY),
    })
    expect(refreshGuard(openBanking, twenty, oldest + DAY - 1, hourly).reason).toBe('daily-limit')
    expect(refreshGuard(openBanking, twenty, oldest + DAY, hourly)).toEqual(allowed)
  })

  test('counts every job of the connection created in the window, failed ones too', () => {
    const failedAttempts = Array.from({ length: 20 }, (_, i) =>
      jobOf('failed-accounts', { created: NOW - (i + 1) * HOUR }),
    )
    const decision = refreshGuard(openBanking, failedAttempts, NOW, hourly)
    expect(decision).toEqual({
      allowed: false,
      reason: 'daily-limit',
      nextAllowedAt: new Date(NOW - 20 * HOUR + DAY),
    })
  })

  test('with more jobs than the limit, waits until enough of them leave the window', () => {
    const jobs = Array.from({ length: 22 }, (_, i) =>
      jobOf('failed-accounts', { created: NOW - (i + 1) * HOUR }),
    )
    // 22 jobs, limit 20: three must leave (created 22 h, 21 h and 20 h ago).
    expect(refreshGuard(openBanking, jobs, NOW, hourly).nextAllowedAt).toEqual(
      new Date(NOW - 20 * HOUR + DAY),
    )
  })

  test('recognises open banking by method spelling, embedded institution features or the policy', () => {
    const twenty = refreshes(20)
    const variants: Connection[] = [
      connectionOf({ method: 'open-banking', lastUsed: undefined }),
      connectionOf({ method: 'OpenBanking', lastUsed: undefined }),
      connectionOf({
        lastUsed: undefined,
        institution: {
          type: 'institution',
          id: 'AU00000',
          features: { login: ['web', 'open-banking'] },
        },
      }),
    ]
    for (const connection of variants) {
      expect(refreshGuard(connection, twenty, NOW, hourly).reason).toBe('daily-limit')
    }
    const web = connectionOf({ lastUsed: undefined })
    expect(refreshGuard(web, twenty, NOW, hourly)).toEqual(allowed)
    expect(refreshGuard(web, twenty, NOW, { ...hourly, openBanking: true }).reason).toBe(
      'daily-limit',
    )
    const webMethod = connectionOf({
      method: 'web',
      lastUsed: undefined,
      institution: { type: 'institution', id: 'AU00000', features: { login: ['open-banking'] } },
    })
    expect(refreshGuard(webMethod, twenty, NOW, hourly)).toEqual(allowed)
    expect(
      refreshGuard(variants[0] as Connection, twenty, NOW, { ...hourly, openBanking: false }),
    ).toEqual(allowed)
  })

  test('a configured limit applies at its boundary; 0 refuses without a time', () => {
    const five = Array.from({ length: 5 }, (_, i) =>
      jobOf('failed-accounts', { created: NOW - (i + 1) * HOUR }),
    )
    const limit = (openBankingDailyLimit: number) => ({ ...hourly, openBankingDailyLimit })
    expect(refreshGuard(openBanking, five.slice(0, 4), NOW, limit(5))).toEqual(allowed)
    expect(refreshGuard(openBanking, five, NOW, limit(5)).reason).toBe('daily-limit')
    expect(refreshGuard(openBanking, five, NOW, limit(5.9)).reason).toBe('daily-limit')
    expect(refreshGuard(openBanking, [], NOW, limit(0))).toEqual({
      allowed: false,
      reason: 'daily-limit',
      nextAllowedAt: undefined,
    })
    // Not a usable limit → Basiq's 20.
    expect(refreshGuard(openBanking, five, NOW, limit(-1))).toEqual(allowed)
  })

  test('when the interval and the daily limit both refuse, the longer wait is reported', () => {
    const twenty = refreshes(20)
    // Interval 6 h from the latest refresh (4.5 h ago) ends in 1.5 h; the limit ends in 0.5 h.
    const longInterval = refreshGuard(openBanking, twenty, NOW, { minIntervalMs: 6 * HOUR })
    expect(longInterval).toMatchObject({ reason: 'too-soon' })
    expect(longInterval.nextAllowedAt).toEqual(new Date(NOW - 4.5 * HOUR + 30_000 + 6 * HOUR))
    // Interval 4.75 h ends in 0.25 h, before the limit does.
    const shortInterval = refreshGuard(openBanking, twenty, NOW, { minIntervalMs: 4.75 * HOUR })
    expect(shortInterval).toMatchObject({ reason: 'daily-limit' })
    expect(shortInterval.nextAllowedAt).toEqual(new Date(NOW + 0.5 * HOUR))
  })

  test('jobs created exactly 24 h ago or earlier do not count', () => {
    const old = Array.from({ length: 20 }, (_, i) =>
      jobOf('failed-accounts', { created: NOW - DAY - i * HOUR }),
    )
    expect(refreshGuard(openBanking, old, NOW, hourly)).toEqual(allowed)
  })
})

describe('refreshGuard: odd input never throws', () => {
  test('a value that is not a connection, or has no id, is not ready', () => {
    const odd: unknown[] = [null, undefined, 'connection-1', 42, [], {}, { id: '' }, { id: 7 }]
    for (const value of odd) {
      expect(refreshGuard(value as Connection, [], NOW)).toEqual({
        allowed: false,
        reason: 'connection-not-ready',
        nextAllowedAt: undefined,
      })
    }
  })

  test('a connection whose getters throw is refused, not a crash', () => {
    const hostile = {
      id: connectionId,
      get status(): string {
        throw new Error('boom')
      },
    }
    expect(refreshGuard(hostile as unknown as Connection, [], NOW)).toMatchObject({
      allowed: false,
    })
  })

  test('jobs that are not an array count as no jobs; items that are not jobs are ignored', () => {
    for (const jobs of [null, undefined, 'jobs', { data: [] }]) {
      expect(refreshGuard(connectionOf(), jobs as unknown as Job[], NOW)).toEqual(allowed)
    }
    const junk = [null, 42, 'job', { type: 'job' }, { steps: 'nope' }] as unknown as Job[]
    expect(refreshGuard(connectionOf(), junk, NOW)).toEqual(allowed)
    // A raw (unparsed) job from JSON works as well as a parsed one.
    const raw = JSON.parse(JSON.stringify(jobOf('in-progress', { created: NOW, id: 'raw' })))
    expect(refreshGuard(connectionOf(), [raw], NOW).runningJobId).toBe('raw')
  })

  test('an unreadable lastUsed is ignored: the jobs still decide', () => {
    for (const lastUsed of ['yesterday', '5', '', 12, null, '2026-13-45T99:00:00Z']) {
      const connection = connectionOf({ lastUsed })
      expect(refreshGuard(connection, [], NOW)).toEqual(allowed)
      const recent = jobOf('complete', { created: NOW - 2 * HOUR })
      expect(refreshGuard(connection, [recent], NOW).reason).toBe('too-soon')
    }
  })

  test('a completed job with an unreadable `updated` counts at its `created`', () => {
    const job = { ...jobOf('complete', { created: NOW - 2 * HOUR }), updated: 'soon' }
    expect(refreshGuard(connectionOf(), [job], NOW)).toEqual({
      allowed: false,
      reason: 'too-soon',
      nextAllowedAt: new Date(NOW - 2 * HOUR + DAY),
    })
  })

  test('an unreadable `now` is refused as too soon, without a time', () => {
    for (const now of [Number.NaN, new Date('nope'), 'now', undefined]) {
      expect(refreshGuard(connectionOf(), [], now as unknown as number)).toEqual({
        allowed: false,
        reason: 'too-soon',
        nextAllowedAt: undefined,
      })
    }
  })

  test('a policy that is not an object means the defaults', () => {
    const connection = connectionOf({ lastUsed: iso(NOW - 3 * HOUR) })
    for (const policy of [null, 'strict', 5]) {
      expect(refreshGuard(connection, [], NOW, policy as never).nextAllowedAt).toEqual(
        new Date(NOW - 3 * HOUR + DAY),
      )
    }
  })
})

// The guard over the sandbox's real connection, jobs and clock, driven through the real client.
describe('refreshGuard over the sandbox', () => {
  interface World {
    clock: ManualClock
    sandbox: Sandbox
    client: BasiqClient
    userId: string
  }

  async function world(): Promise<World> {
    const clock = createManualClock(NOW)
    const sandbox = createSandbox({ clock, seed: 7 })
    const fetch: FetchLike = (input, init) => sandbox.fetch(new Request(input, init))
    const token = sandbox.mintToken({ scope: 'SERVER_ACCESS', ttlSeconds: 3_600 * 24 * 30 })
    const client = createBasiqClient({
      baseUrl: sandbox.baseUrl,
      getToken: async () => token,
      fetch,
    })
    const user = await client.createUser({ email: 'gavin@hooli.com' })
    return { clock, sandbox, client, userId: user.id }
  }

  async function finish(w: World, jobId: string): Promise<Job> {
    for (let waited = 0; waited < 600_000; waited += 500) {
      const job = await w.client.getJob(jobId)
      const { phase } = interpretJob(job)
      if (phase === 'complete' || phase === 'failed') return job
      await w.clock.advance(500)
    }
    throw new Error(`job ${jobId} did not finish`)
  }

  async function decide(w: World, id: string) {
    const connection = await w.client.getConnection(w.userId, id)
    const jobs = await w.client.getUserJobs(w.userId)
    return { decision: refreshGuard(connection, jobs.data, w.clock.now()), connection, jobs }
  }

  test('follows a connection through refreshes, a failed refresh and an invalidation', async () => {
    const w = await world()
    const created = await w.client.createConnection(w.userId, {
      institutionId: 'AU00000',
      loginId: 'gavinBelson',
      password: 'hooli2016',
    })
    await w.clock.advance(1_000)
    const liveId = interpretJob(await w.client.getJob(created.id)).connectionId as string
    expect((await decide(w, liveId)).decision).toMatchObject({
      reason: 'job-running',
      runningJobId: created.id,
    })

    // Completed: refreshed just now, so not again for 24 h.
    const done = await finish(w, created.id)
    const fresh = await decide(w, liveId)
    expect(fresh.connection.lastUsed).toBe(done.updated)
    const nextAllowedAt = new Date(Date.parse(done.updated) + DAY)
    expect(fresh.decision).toEqual({ allowed: false, reason: 'too-soon', nextAllowedAt })

    await w.clock.advance(nextAllowedAt.getTime() - w.clock.now() - 1_000)
    expect((await decide(w, liveId)).decision.reason).toBe('too-soon')
    await w.clock.advance(1_000)
    expect((await decide(w, liveId)).decision).toEqual(allowed)

    // A refresh runs: Basiq would hand the same job back, and the guard says so.
    const refresh = await w.client.refreshConnection(w.userId, liveId)
    expect(refresh.reused).toBe(false)
    expect((await decide(w, liveId)).decision).toMatchObject({
      reason: 'job-running',
      runningJobId: refresh.job.id,
    })
    expect((await w.client.refreshConnection(w.userId, liveId)).job.id).toBe(refresh.job.id)
    await finish(w, refresh.job.id)
    expect((await decide(w, liveId)).decision.reason).toBe('too-soon')

    // The bank shows new terms: the next refresh fails; the failure does not start a new day,
    // so the refresh Basiq recommends after the user has acted is allowed.
    w.sandbox.breakConnection(liveId, {
      mode: 'fail-next-refresh',
      lastUsedHoursAgo: 25,
    })
    expect((await decide(w, liveId)).decision).toEqual(allowed)
    const failing = await w.client.refreshConnection(w.userId, liveId)
    const failed = await finish(w, failing.job.id)
    expect(interpretJob(failed).error?.code).toBe('account-not-accessible-requires-user-action')
    const afterFailure = await decide(w, liveId)
    expect(afterFailure.jobs.data[0]?.id).toBe(failing.job.id)
    expect(afterFailure.decision).toEqual(allowed)
    const retried = await finish(w, (await w.client.refreshConnection(w.userId, liveId)).job.id)
    expect(interpretJob(retried).phase).toBe('complete')
    expect((await decide(w, liveId)).decision.reason).toBe('too-soon')

    // The user changes their password at the bank: the background refresh fails and the
    // connection is invalid; only an update with the right password brings it back.
    await w.clock.advance(DAY)
    const broken = w.sandbox.breakConnection(liveId, { mode: 'invalidate' })
    const invalid = await decide(w, liveId)
    expect(invalid.connection.status).toBe('invalid')
    expect(invalid.jobs.data[0]?.id).toBe(broken.job?.id)
    expect(invalid.decision).toEqual({
      allowed: false,
      reason: 'connection-invalid',
      nextAllowedAt: undefined,
    })
    // A CLIENT_ACCESS read carries no status: the jobs alone tell the same story.
    const { status: _status, ...withoutStatus } = invalid.connection
    expect(refreshGuard(withoutStatus, invalid.jobs.data, w.clock.now()).reason).toBe(
      'connection-invalid',
    )
    await expect(w.client.refreshConnection(w.userId, liveId)).rejects.toBeInstanceOf(BasiqApiError)

    const update = await w.client.updateConnection(w.userId, liveId, {
      password: 'hooli2016',
    })
    expect((await decide(w, liveId)).decision).toMatchObject({
      reason: 'job-running',
      runningJobId: update.id,
    })
    const updated = await finish(w, update.id)
    const repaired = await decide(w, liveId)
    expect(repaired.connection.status).toBe('active')
    expect(repaired.decision).toEqual({
      allowed: false,
      reason: 'too-soon',
      nextAllowedAt: new Date(Date.parse(updated.updated) + DAY),
    })
  })
})
