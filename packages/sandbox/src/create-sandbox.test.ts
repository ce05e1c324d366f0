import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualClock, systemClock } from './clock.ts'
import { DEFAULT_SANDBOX_API_KEY, createSandbox, sandboxOptionsFromEnv } from './create-sandbox.ts'
import { isFinished, testClient } from './test-client.ts'

afterEach(() => {
  vi.useRealTimers()
})

async function runJob(
  options: { seed: number; speed?: number },
  loginId = 'gavinBelson',
  password = 'hooli2016',
) {
  const clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'))
  const sandbox = createSandbox({ clock, ...options })
  const client = testClient(sandbox, clock)
  const token = await client.token()
  const user = await client.createUser(token)
  const jobId = await client.connect(token, user, loginId, password)
  const done = await client.waitForJob(token, jobId, isFinished, { stepMs: 100 })
  return { user, jobId, done, elapsed: clock.now() - Date.parse('2026-01-01T00:00:00Z') }
}

describe('createSandbox', () => {
  it('is deterministic for a seed: same ids, same step timings', async () => {
    const a = await runJob({ seed: 123 })
    const b = await runJob({ seed: 123 })
    expect(b.user).toBe(a.user)
    expect(b.jobId).toBe(a.jobId)
    expect(b.done).toEqual(a.done)
    const c = await runJob({ seed: 124 })
    expect(c.jobId).not.toBe(a.jobId)
  })

  it('takes Basiq-like seconds at speed 1 (around the institution averages) and divides them by speed', async () => {
    const slow = await runJob({ seed: 5 })
    // Hooli's averages add up to about 19 s for the three steps.
    expect(slow.elapsed).toBeGreaterThan(8_000)
    expect(slow.elapsed).toBeLessThan(60_000)
    const fast = await runJob({ seed: 5, speed: 10 })
    expect(fast.elapsed).toBeLessThan(slow.elapsed / 5)
  })

  it('serves institution averages divided by speed, so they describe its own jobs', async () => {
    const read = async (speed: number) => {
      const sandbox = createSandbox({ seed: 5, speed })
      const one = (await (
        await sandbox.fetch(new Request(`${sandbox.baseUrl}/public/institutions/AU00000`))
      ).json()) as { stats: { averageDurationMs: Record<string, number> | null } }
      const list = (await (
        await sandbox.fetch(new Request(`${sandbox.baseUrl}/public/institutions`))
      ).json()) as { data: { id: string; stats: typeof one.stats }[] }
      const listed = list.data.find((institution) => institution.id === 'AU00000')
      expect(listed?.stats).toEqual(one.stats)
      return { averages: one.stats.averageDurationMs, list: list.data }
    }
    const real = await read(1)
    const fast = await read(10)
    if (real.averages === null || fast.averages === null) throw new Error('Hooli has averages')
    for (const key of ['verifyCredentials', 'retrieveAccounts', 'retrieveTransactions']) {
      expect(fast.averages[key]).toBe(Math.round((real.averages[key] ?? 0) / 10))
    }
    const { total, ...steps } = fast.averages
    expect(total).toBe(Object.values(steps).reduce((sum, ms) => sum + ms, 0))
    // Banks without recent jobs still have none.
    const nulls = (list: typeof real.list) =>
      list.filter((i) => i.stats.averageDurationMs === null).map((i) => i.id)
    expect(nulls(fast.list)).toEqual(nulls(real.list))
    expect(nulls(fast.list).length).toBeGreaterThan(0)
  })

  it('runs on the system clock under Vitest fake timers', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') })
    const sandbox = createSandbox({ seed: 8, clock: systemClock, speed: 4 })
    const token = sandbox.mintToken({ scope: 'SERVER_ACCESS' })
    const call = async (method: string, path: string, json?: unknown) => {
      const response = await sandbox.fetch(
        new Request(`${sandbox.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: json === undefined ? undefined : JSON.stringify(json),
        }),
      )
      return response.json()
    }
    const user = await call('POST', '/users', { email: 'a@b.co' })
    const job = await call('POST', `/users/${user.id}/connections`, {
      loginId: 'jared',
      password: 'django',
      institution: { id: 'AU00000' },
    })
    expect((await call('GET', `/jobs/${job.id}`)).steps[0].status).toBe('pending')
    await vi.advanceTimersByTimeAsync(60_000)
    const done = await call('GET', `/jobs/${job.id}`)
    expect(done.steps.map((s: { status: string }) => s.status)).toEqual([
      'success',
      'success',
      'success',
    ])
  })

  it('defaults the base URL and API key', () => {
    const sandbox = createSandbox()
    expect(sandbox.baseUrl).toBe('http://127.0.0.1:4010')
    expect(sandbox.apiKey).toBe(DEFAULT_SANDBOX_API_KEY)
  })

  it.each([
    [{ speed: 0 }, /speed/],
    [{ speed: Number.NaN }, /speed/],
    [{ tokenTtlSeconds: 0 }, /tokenTtlSeconds/],
    [{ stressInstitutions: -1 }, /stressInstitutions/],
    [{ pauseMs: -5 }, /pauseMs/],
    [{ baseUrl: 'not a url' }, /baseUrl/],
    [{ baseUrl: 'ftp://x' }, /baseUrl/],
    [{ apiKey: '' }, /apiKey/],
    [{ seed: Number.POSITIVE_INFINITY }, /seed/],
  ])('refuses %j with an error naming the option', (options, message) => {
    expect(() => createSandbox(options)).toThrow(message)
  })
})

describe('sandboxOptionsFromEnv', () => {
  it('applies the documented defaults', () => {
    expect(sandboxOptionsFromEnv({})).toEqual({ port: 4010, baseUrl: 'http://127.0.0.1:4010' })
  })

  it('reads every variable', () => {
    expect(
      sandboxOptionsFromEnv({
        SANDBOX_PORT: '5000',
        SANDBOX_API_KEY: 'key-1',
        SANDBOX_SPEED: '2.5',
        SANDBOX_TOKEN_TTL_SECONDS: '60',
        SANDBOX_INSTITUTIONS: '5000',
        SANDBOX_SEED: '7',
        SANDBOX_PAUSE_MS: '1000',
      }),
    ).toEqual({
      port: 5000,
      apiKey: 'key-1',
      speed: 2.5,
      tokenTtlSeconds: 60,
      stressInstitutions: 5000,
      seed: 7,
      pauseMs: 1000,
      baseUrl: 'http://127.0.0.1:5000',
    })
  })

  it.each([
    [{ SANDBOX_PORT: 'abc' }, /SANDBOX_PORT/],
    [{ SANDBOX_PORT: '70000' }, /SANDBOX_PORT/],
    [{ SANDBOX_SPEED: '0' }, /SANDBOX_SPEED/],
    [{ SANDBOX_TOKEN_TTL_SECONDS: '1.5' }, /SANDBOX_TOKEN_TTL_SECONDS/],
    [{ SANDBOX_INSTITUTIONS: '-3' }, /SANDBOX_INSTITUTIONS/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => sandboxOptionsFromEnv(env)).toThrow(message)
  })
})

describe('createManualClock', () => {
  it('moves only when advanced and wakes sleepers in time', async () => {
    const clock = createManualClock(1_000)
    const woken: number[] = []
    void clock.sleep(500).then(() => woken.push(clock.now()))
    void clock.sleep(100).then(() => woken.push(clock.now()))
    await clock.advance(99)
    expect(woken).toEqual([])
    await clock.advance(1)
    expect(woken).toEqual([1_100])
    await clock.advance(400)
    expect(woken).toEqual([1_100, 1_500])
    clock.set(10_000)
    expect(clock.now()).toBe(10_000)
  })

  it('refuses to go backwards with advance', async () => {
    await expect(createManualClock().advance(-1)).rejects.toThrow(RangeError)
  })
})
