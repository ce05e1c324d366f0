// The polling benchmark's model, in virtual time: connections whose verify-credentials step
// succeeds at a log-normal time, pollers that send GET /jobs requests, and a server whose state
// is sampled halfway through each round trip. No timers and no network: every figure follows from
// the seed.
import { interpretJob, nextPollDelay } from '../packages/core/src/index.ts'
import type { Job, JobPhase, JobStep } from '../packages/core/src/index.ts'

/** One simulated population of connections. */
export interface Scenario {
  /** How many connections to simulate. */
  connections: number
  /** Median verify-credentials duration, ms (the institution's `verifyCredentials` average). */
  medianVerifyMs: number
  /** σ of the log of the duration. */
  sigma: number
  /** What the kit is told to expect (the institution's statistic); default `medianVerifyMs`. */
  expectedVerifyMs?: number
  /** Mean round trip, ms. */
  rttMs: number
  /** Round-trip jitter as a fraction of `rttMs` (uniform ±). */
  rttJitter: number
  /** Seed of every draw. */
  seed: number
}

/** What one poller achieved over a scenario. */
export interface PollerFigures {
  /** Median time from verify-credentials success to the response that shows it, ms. */
  releaseDelayP50Ms: number
  /** 95th percentile of the same, ms. */
  releaseDelayP95Ms: number
  /** Mean number of GET /jobs requests per connection until (and including) the release. */
  requestsToRelease: number
}

/** A 32-bit seeded generator (mulberry32): fast, and identical on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** Verify-credentials success times (ms after job creation), one per connection. */
export function successTimes(scenario: Scenario): number[] {
  const random = seededRandom(scenario.seed)
  const times: number[] = []
  for (let i = 0; i < scenario.connections; i += 1) {
    // Box–Muller; 1 - u keeps the logarithm finite.
    const u = 1 - random()
    const v = random()
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    times.push(scenario.medianVerifyMs * Math.exp(scenario.sigma * normal))
  }
  return times
}

// The round trip of request `k` of connection `i`, the same whichever poller sends it, so pollers
// are compared on identical networks.
function roundTrip(scenario: Scenario, connection: number, request: number): number {
  let h = Math.imul(scenario.seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(connection + 1, 0xc2b2ae35)
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) ^ Math.imul(request + 1, 0x165667b1)
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  const unit = ((h ^ (h >>> 15)) >>> 0) / 4_294_967_296
  return scenario.rttMs * (1 + scenario.rttJitter * (2 * unit - 1))
}

/** One connection's outcome under a poller. */
interface Outcome {
  delayMs: number
  requests: number
}

function figures(outcomes: Outcome[]): PollerFigures {
  const delays = outcomes.map((o) => o.delayMs).sort((a, b) => a - b)
  const rank = (p: number) => delays[Math.max(0, Math.ceil(p * delays.length) - 1)] ?? Number.NaN
  const requests = outcomes.reduce((sum, o) => sum + o.requests, 0) / outcomes.length
  return {
    releaseDelayP50Ms: Math.round(rank(0.5)),
    releaseDelayP95Ms: Math.round(rank(0.95)),
    requestsToRelease: Math.round(requests * 100) / 100,
  }
}

/**
 * A poller that sends at 0, I, 2I, … regardless of answers (a `setInterval`, as Basiq's control
 * and sample apps poll), until a response shows the success.
 */
export function simulateFixed(scenario: Scenario, intervalMs: number): PollerFigures {
  const outcomes = successTimes(scenario).map((success, i): Outcome => {
    for (let k = 0; ; k += 1) {
      const sentAt = k * intervalMs
      const rtt = roundTrip(scenario, i, k)
      if (sentAt + rtt / 2 >= success) return { delayMs: sentAt + rtt - success, requests: k + 1 }
    }
  })
  return figures(outcomes)
}

/** The unreachable ideal: one request that reaches the server at the moment of success. */
export function simulateOracle(scenario: Scenario): PollerFigures {
  const outcomes = successTimes(scenario).map((_, i): Outcome => ({
    delayMs: roundTrip(scenario, i, 0) / 2,
    requests: 1,
  }))
  return figures(outcomes)
}

/**
 * The kit: each next request goes out `nextPollDelay(state)` after the previous response, with the
 * state built from `interpretJob` of the job the server returned, so the code under measurement is
 * the code the React hook runs. Throws if the schedule gives up before a release (a model bug).
 */
export function simulateKit(scenario: Scenario): PollerFigures {
  const expectedVerifyMs = scenario.expectedVerifyMs ?? scenario.medianVerifyMs
  const jitter = seededRandom(scenario.seed ^ 0x5bd1e995)
  const outcomes = successTimes(scenario).map((success, i): Outcome => {
    let phase: JobPhase | 'unknown' = 'unknown'
    let lastResponseAt = 0
    for (let k = 0; ; k += 1) {
      const delay = nextPollDelay({
        phase,
        elapsedMs: lastResponseAt,
        expectedVerifyMs,
        random: jitter,
      })
      if (delay === false) {
        throw new Error(`the kit stopped polling connection ${i} in phase ${phase} before release`)
      }
      const sentAt = lastResponseAt + delay
      const rtt = roundTrip(scenario, i, k)
      lastResponseAt = sentAt + rtt
      phase = interpretJob(jobAt(sentAt + rtt / 2, success)).phase
      if (phase === 'released' || phase === 'complete') {
        return { delayMs: lastResponseAt - success, requests: k + 1 }
      }
      if (phase === 'failed') throw new Error(`synthetic job ${i} failed: a model bug`)
    }
  })
  return figures(outcomes)
}

const created = Date.UTC(2026, 0, 1)
const queueMs = 300
const accountsMs = 4_000

/** The job as the server shows it `atMs` after creation, for a verify success at `successMs`. */
export function jobAt(atMs: number, successMs: number): Job {
  const verify: JobStep =
    atMs >= successMs
      ? {
          title: 'verify-credentials',
          status: 'success',
          result: { type: 'link', url: '/users/u1/connections/c1' },
        }
      : {
          title: 'verify-credentials',
          status: atMs >= Math.min(queueMs, successMs) ? 'in-progress' : 'pending',
          result: null,
        }
  const accounts: JobStep = {
    title: 'retrieve-accounts',
    status:
      atMs < successMs ? 'pending' : atMs < successMs + accountsMs ? 'in-progress' : 'success',
    result: null,
  }
  const updated = new Date(created + Math.floor(Math.min(atMs, successMs) / 1000) * 1000)
  return {
    type: 'job',
    id: 'job-1',
    created: new Date(created).toISOString(),
    updated: updated.toISOString(),
    steps: [verify, accounts, { title: 'retrieve-transactions', status: 'pending', result: null }],
    links: {
      self: 'https://sandbox.invalid/jobs/job-1',
      source: 'https://sandbox.invalid/users/u1/connections/c1',
    },
  }
}
