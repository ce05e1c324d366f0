import { describe, expect, test } from 'vitest'
import {
  DEFAULT_BACKGROUND_INTERVAL_MS,
  DEFAULT_BACKGROUND_TIMEOUT_MS,
  DEFAULT_EXPECTED_VERIFY_MS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_POLL_TIMEOUT_MS,
  nextPollDelay,
} from './poll-schedule.ts'
import type { PollState } from './poll-schedule.ts'

const expected = 8_000
const dense = 850
const at = (elapsedMs: number, extra: Partial<PollState> = {}): PollState => ({
  phase: 'verifying',
  elapsedMs,
  expectedVerifyMs: expected,
  ...extra,
})
const delay = (state: PollState, options?: Parameters<typeof nextPollDelay>[1]): number => {
  const value = nextPollDelay(state, options)
  if (value === false) throw new Error('expected a delay, got false')
  return value
}

describe('nextPollDelay: verify-credentials schedule', () => {
  test('the first request waits until half the expected duration', () => {
    expect(delay({ phase: 'unknown', elapsedMs: 0, expectedVerifyMs: expected })).toBe(4_000)
    expect(delay({ phase: 'unknown', elapsedMs: 1_500, expectedVerifyMs: expected })).toBe(2_500)
    expect(delay({ phase: 'pending', elapsedMs: 3_999, expectedVerifyMs: expected })).toBe(1)
    expect(delay({ phase: 'unknown', elapsedMs: 4_000, expectedVerifyMs: expected })).toBe(dense)
  })

  test('the first poll scales with the institution statistic', () => {
    expect(delay({ phase: 'unknown', elapsedMs: 0, expectedVerifyMs: 20_000 })).toBe(10_000)
    expect(delay({ phase: 'unknown', elapsedMs: 0, expectedVerifyMs: 3_000 })).toBe(1_500)
  })

  test.each([null, undefined, Number.NaN, 0, -5, Number.POSITIVE_INFINITY])(
    'a missing or unusable statistic (%s) falls back to the default',
    (value) => {
      const state = { phase: 'unknown', elapsedMs: 0, expectedVerifyMs: value } as PollState
      expect(delay(state)).toBe(DEFAULT_EXPECTED_VERIFY_MS / 2)
      expect(DEFAULT_EXPECTED_VERIFY_MS).toBe(8_000)
    },
  )

  test('implausible statistics are clamped to 1 s … 2 min', () => {
    expect(delay({ phase: 'unknown', elapsedMs: 0, expectedVerifyMs: 10 })).toBe(500)
    expect(delay({ phase: 'unknown', elapsedMs: 0, expectedVerifyMs: 36_000_000 })).toBe(60_000)
  })

  test('dense from half to three times the expected duration, in every pre-release phase', () => {
    for (const phase of ['unknown', 'pending', 'verifying'] as const) {
      for (const elapsedMs of [4_000, 8_000, 16_000, 24_000]) {
        expect(delay({ phase, elapsedMs, expectedVerifyMs: expected })).toBe(dense)
      }
    }
  })

  test('in the tail the gap grows ×1.6 per expected duration of overtime, capped at 5 s', () => {
    expect(delay(at(24_500))).toBeGreaterThan(dense)
    expect(delay(at(32_000))).toBe(Math.round(dense * 1.6))
    expect(delay(at(40_000))).toBe(Math.round(dense * 1.6 ** 2))
    const gaps = [28_000, 36_000, 44_000, 52_000, 60_000].map((t) => delay(at(t)))
    expect(gaps).toEqual([...gaps].sort((a, b) => a - b))
    expect(delay(at(80_000))).toBe(5_000)
    expect(delay(at(600_000))).toBe(5_000)
  })

  test('after a pause the schedule restarts from the resume', () => {
    const resumed = (sinceResumeMs: number) => at(370_000, { phase: 'pending', sinceResumeMs })
    expect(delay(resumed(0))).toBe(4_000)
    expect(delay(resumed(3_000))).toBe(1_000)
    expect(delay(resumed(5_000))).toBe(dense)
    // Without the hint, 370 s after creation is deep in the tail.
    expect(delay(at(370_000))).toBe(5_000)
  })
})

describe('nextPollDelay: MFA and pause', () => {
  test('while the user types an answer, slow polling', () => {
    expect(delay(at(12_000, { phase: 'mfa-required' }))).toBe(5_000)
  })

  test('right after an answer, dense again; backing off once the answer is long unanswered', () => {
    expect(delay(at(40_000, { phase: 'mfa-required', sinceMfaAnswerMs: 0 }))).toBe(dense)
    expect(delay(at(40_000, { phase: 'mfa-required', sinceMfaAnswerMs: 15_000 }))).toBe(dense)
    expect(delay(at(40_000, { phase: 'mfa-required', sinceMfaAnswerMs: 20_000 }))).toBe(
      Math.round(dense * 1.6),
    )
    // The answer is being processed and the step briefly shows as verifying: still dense.
    expect(delay(at(40_000, { phase: 'verifying', sinceMfaAnswerMs: 1_000 }))).toBe(dense)
  })

  test('paused: wake at resumeAt, at least every 30 s, at most every 2 s', () => {
    expect(delay(at(1_000, { phase: 'paused', pauseRemainingMs: 20_000 }))).toBe(20_000)
    expect(delay(at(1_000, { phase: 'paused', pauseRemainingMs: 359_000 }))).toBe(30_000)
    expect(delay(at(1_000, { phase: 'paused', pauseRemainingMs: 500 }))).toBe(2_000)
    expect(delay(at(1_000, { phase: 'paused', pauseRemainingMs: -4_000 }))).toBe(30_000)
    expect(delay(at(1_000, { phase: 'paused' }))).toBe(30_000)
  })
})

describe('nextPollDelay: background polling after the release', () => {
  const released = (elapsedMs: number, extra: Partial<PollState> = {}) =>
    at(elapsedMs, { phase: 'released', expectedTotalMs: 60_000, ...extra })

  test('wakes when the job should be done, never more than 3 intervals ahead', () => {
    expect(delay(released(10_000))).toBe(15_000)
    expect(delay(released(50_000))).toBe(10_000)
    expect(delay(released(54_000))).toBe(6_000)
  })

  test('every interval once due, slowing as the overtime grows, up to 3 intervals', () => {
    expect(delay(released(58_000))).toBe(DEFAULT_BACKGROUND_INTERVAL_MS)
    expect(delay(released(60_000))).toBe(5_000)
    expect(delay(released(120_000))).toBe(10_000)
    expect(delay(released(600_000))).toBe(15_000)
  })

  test('backgroundIntervalMs sets the pace; a missing total uses the default (20 s)', () => {
    expect(delay(released(70_000), { backgroundIntervalMs: 2_000 })).toBe(
      Math.round(2_000 * (70 / 60)),
    )
    expect(delay(at(9_000, { phase: 'released' }))).toBe(11_000)
    expect(delay(at(9_000, { phase: 'released', expectedTotalMs: null }))).toBe(11_000)
  })

  test('is never faster than a verify poll: background polling is slow', () => {
    for (let t = 5_000; t < 1_000_000; t += 7_919) {
      expect(delay(released(t))).toBeGreaterThanOrEqual(DEFAULT_BACKGROUND_INTERVAL_MS)
    }
  })
})

describe('nextPollDelay: failures', () => {
  const failing = (consecutiveFailures: number, random: () => number) =>
    at(10_000, { consecutiveFailures, random })

  test('exponential backoff, each delay drawn between half and the full step', () => {
    const steps = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]
    steps.forEach((step, index) => {
      const failures = index + 1
      expect(delay(failing(failures, () => 0))).toBe(Math.max(dense, step / 2))
      expect(delay(failing(failures, () => 0.999_999))).toBe(step)
      expect(delay(failing(failures, () => 0.5))).toBe(Math.max(dense, 0.75 * step))
    })
    expect(DEFAULT_MAX_BACKOFF_MS).toBe(30_000)
  })

  test('jitter spreads clients out within its bounds', () => {
    let seed = 1
    const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647
    const delays = Array.from({ length: 200 }, () => delay(failing(4, random)))
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(4_000)
    expect(Math.max(...delays)).toBeLessThanOrEqual(8_000)
    expect(new Set(delays).size).toBeGreaterThan(100)
  })

  test('maxBackoffMs caps the step; a broken random source is tolerated', () => {
    expect(
      delay(
        failing(20, () => 0.999_999),
        { maxBackoffMs: 10_000 },
      ),
    ).toBe(10_000)
    expect(delay(failing(2, () => 7))).toBe(2_000)
    const throwing = () => {
      throw new Error('no entropy')
    }
    const value = delay(failing(2, throwing))
    expect(value).toBeGreaterThanOrEqual(1_000)
    expect(value).toBeLessThanOrEqual(2_000)
  })

  test('a backoff never brings a poll forward from the schedule', () => {
    expect(
      delay({ phase: 'unknown', elapsedMs: 0, expectedVerifyMs: expected, consecutiveFailures: 1 }),
    ).toBe(4_000)
  })

  test('Retry-After is never undercut, whatever the schedule or the backoff says', () => {
    expect(delay(at(10_000, { retryAfterMs: 3_000 }))).toBe(3_000)
    expect(delay(at(10_000, { retryAfterMs: 100 }))).toBe(dense)
    expect(delay(at(10_000, { retryAfterMs: 2_000.4 }))).toBe(2_001)
    expect(
      delay(at(10_000, { retryAfterMs: 3_000, consecutiveFailures: 4, random: () => 0.999_999 })),
    ).toBe(8_000)
    expect(
      delay(at(10_000, { phase: 'released', expectedTotalMs: 20_000, retryAfterMs: 12_345 })),
    ).toBe(12_345)
  })
})

describe('nextPollDelay: stopping', () => {
  test.each(['complete', 'failed'] as const)('%s → stop', (phase) => {
    expect(nextPollDelay(at(10_000, { phase }))).toBe(false)
    expect(nextPollDelay(at(10_000, { phase, consecutiveFailures: 3, retryAfterMs: 1_000 }))).toBe(
      false,
    )
  })

  test('the time limit: stop at 15 minutes before the release, with a last poll at the limit', () => {
    expect(DEFAULT_POLL_TIMEOUT_MS).toBe(900_000)
    expect(nextPollDelay(at(900_000))).toBe(false)
    expect(nextPollDelay(at(950_000, { phase: 'mfa-required' }))).toBe(false)
    expect(delay(at(899_000))).toBe(1_000)
    expect(nextPollDelay(at(60_000), { timeoutMs: 60_000 })).toBe(false)
  })

  test('a Retry-After beyond the limit means stop now rather than poll too early', () => {
    expect(nextPollDelay(at(898_000, { retryAfterMs: 5_000 }))).toBe(false)
  })

  test('failed polls count toward the limit: a job that never answers stops in time', () => {
    let elapsedMs = 0
    let polls = 0
    let consecutiveFailures = 0
    for (;;) {
      const next = nextPollDelay({
        phase: 'unknown',
        elapsedMs,
        expectedVerifyMs: expected,
        consecutiveFailures,
        random: () => 0.5,
      })
      if (next === false) break
      elapsedMs += next + 80
      polls += 1
      consecutiveFailures += 1
    }
    expect(elapsedMs).toBeGreaterThanOrEqual(DEFAULT_POLL_TIMEOUT_MS)
    expect(elapsedMs).toBeLessThanOrEqual(DEFAULT_POLL_TIMEOUT_MS + 80)
    // Backoff keeps a broken connection from hammering: about one request per 22.5 s.
    expect(polls).toBeLessThan(50)
  })

  test('after the release its own, longer limit applies', () => {
    expect(DEFAULT_BACKGROUND_TIMEOUT_MS).toBe(1_800_000)
    expect(nextPollDelay(at(1_200_000, { phase: 'released' }))).not.toBe(false)
    expect(nextPollDelay(at(1_200_000, { phase: 'verifying' }))).toBe(false)
    expect(nextPollDelay(at(1_800_000, { phase: 'released' }))).toBe(false)
    expect(
      nextPollDelay(at(100_000, { phase: 'released' }), { backgroundTimeoutMs: 100_000 }),
    ).toBe(false)
  })

  test('an infinite limit never stops a job that is not finished', () => {
    expect(delay(at(10 * 3_600_000), { timeoutMs: Number.POSITIVE_INFINITY })).toBe(5_000)
  })
})

describe('nextPollDelay: input checks', () => {
  test('a negative elapsed time (clock skew) counts as zero', () => {
    expect(delay({ phase: 'unknown', elapsedMs: -2_000, expectedVerifyMs: expected })).toBe(4_000)
  })

  test('always a whole number of milliseconds', () => {
    for (let t = 0; t < 200_000; t += 1_337) {
      const value = delay(
        at(t, { expectedVerifyMs: 7_777, consecutiveFailures: t % 3, random: () => 0.3 }),
      )
      expect(Number.isInteger(value)).toBe(true)
      expect(value).toBeGreaterThanOrEqual(0)
    }
  })

  test.each<[string, unknown, RegExp]>([
    ['no state', undefined, /state must be an object/],
    ['a state that is not an object', 'verifying', /state must be an object/],
    ['an unknown phase', { phase: 'done', elapsedMs: 0 }, /state\.phase must be one of/],
    ['a missing elapsed time', { phase: 'pending' }, /state\.elapsedMs must be a finite number/],
    ['a NaN elapsed time', { phase: 'pending', elapsedMs: Number.NaN }, /state\.elapsedMs/],
  ])('%s is a TypeError naming the field', (_, state, message) => {
    expect(() => nextPollDelay(state as PollState)).toThrow(TypeError)
    expect(() => nextPollDelay(state as PollState)).toThrow(message)
  })

  test.each<[string, Record<string, unknown>]>([
    ['timeoutMs', { timeoutMs: 0 }],
    ['timeoutMs', { timeoutMs: '900000' }],
    ['backgroundTimeoutMs', { backgroundTimeoutMs: -1 }],
    ['backgroundIntervalMs', { backgroundIntervalMs: Number.POSITIVE_INFINITY }],
    ['maxBackoffMs', { maxBackoffMs: Number.NaN }],
  ])('a bad options.%s is a TypeError naming it', (name, options) => {
    expect(() => nextPollDelay(at(10_000), options)).toThrow(
      new RegExp(`options\\.${name} must be`),
    )
  })
})
