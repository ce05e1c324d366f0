/**
 * The sandbox's only source of time. Job state is derived from `now()` on every request, so a
 * virtual clock makes whole connection flows run in microseconds in tests.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>
}

/**
 * Wall-clock time: `Date.now()` and `setTimeout`. Vitest fake timers virtualise both, so this
 * clock also works in fake-timer tests.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
}

/** A clock that only moves when told to; `sleep` resolves once the clock has been advanced far enough. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms` (≥ 0) and resolves every sleeper whose wake-up time has come. */
  advance(ms: number): Promise<void>
  /** Jumps to an absolute time (may go backwards, for tests of skewed clocks); wakes due sleepers. */
  set(ms: number): void
}

interface Sleeper {
  wakeAt: number
  resolve: () => void
}

/**
 * Creates a manual clock for tests.
 *
 * @param startMs the initial time; default `Date.UTC(2024, 0, 15, 0, 0, 0)` (a fixed instant, so
 *   ISO timestamps in responses are reproducible).
 */
export function createManualClock(startMs: number = Date.UTC(2024, 0, 15, 0, 0, 0)): ManualClock {
  if (!Number.isFinite(startMs))
    throw new TypeError('createManualClock: startMs must be a finite number')
  let current = startMs
  let sleepers: Sleeper[] = []

  const wakeDue = (): void => {
    const due = sleepers.filter((s) => s.wakeAt <= current)
    sleepers = sleepers.filter((s) => s.wakeAt > current)
    for (const sleeper of due) sleeper.resolve()
  }

  return {
    now: () => current,
    sleep(ms) {
      const wait = Number.isFinite(ms) ? Math.max(0, ms) : 0
      if (wait === 0) return Promise.resolve()
      return new Promise<void>((resolve) => {
        sleepers.push({ wakeAt: current + wait, resolve })
      })
    },
    async advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new RangeError('ManualClock.advance: ms must be a finite number ≥ 0')
      }
      current += ms
      wakeDue()
      // Let the continuations of the woken sleepers run before the caller looks at the result.
      // Microtasks rather than a timer, so this also works under fake timers.
      for (let i = 0; i < 20; i += 1) await Promise.resolve()
    },
    set(ms) {
      if (!Number.isFinite(ms)) throw new RangeError('ManualClock.set: ms must be a finite number')
      current = ms
      wakeDue()
    },
  }
}
