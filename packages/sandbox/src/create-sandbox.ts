import { institutions } from './catalogue.ts'
import type { Clock } from './clock.ts'
import { systemClock } from './clock.ts'
import type { FaultRegistry } from './fault-registry.ts'
import { createFaultRegistry } from './fault-registry.ts'
import { createRandom } from './random.ts'
import type { AgeConnectionOptions, BreakConnectionOptions } from './request-bodies.ts'
import { parseAgeConnection, parseBreakConnection } from './request-bodies.ts'
import type { MintTokenInput } from './sandbox-app.ts'
import { createSandboxApp } from './sandbox-app.ts'
import type { BreakConnectionResult } from './sandbox-engine.ts'
import { SandboxEngine, mfaExpiryMs } from './sandbox-engine.ts'
import { MAX_STRESS_INSTITUTIONS, stressInstitutions } from './stress.ts'
import { createTokenSigner } from './token-signer.ts'

/**
 * The API key `POST /token` accepts unless another is configured (`apiKey` option,
 * `SANDBOX_API_KEY`). Send it as `Authorization: Basic <key>`, verbatim, as Basiq's own kits do.
 */
export const DEFAULT_SANDBOX_API_KEY = 'bankconnect-sandbox-api-key'

/** Default sandbox address (`pnpm sandbox`). */
export const DEFAULT_SANDBOX_BASE_URL = 'http://127.0.0.1:4010'

/** Default duplicate-credentials pause: Basiq's six minutes. */
export const DEFAULT_PAUSE_MS = 6 * 60_000

/** Default sandbox connection limit, as Basiq documents for sandbox accounts. */
export const DEFAULT_CONNECTION_LIMIT = 500

/** Options of {@link createSandbox}; every one is optional. */
export interface SandboxOptions {
  /** The key `POST /token` accepts. Default {@link DEFAULT_SANDBOX_API_KEY}. */
  apiKey?: string
  /** Job step durations are divided by this (> 0). Default 1 (Basiq-like seconds). */
  speed?: number
  /** Lifetime of issued tokens in seconds. Default 3600. */
  tokenTtlSeconds?: number
  /** Size of a generated stress catalogue added after the real one. Default 0. */
  stressInstitutions?: number
  /** Base of absolute links (`links.self`, logos). Default `'http://127.0.0.1:4010'`; may carry a path prefix. */
  baseUrl?: string
  /** Time source. Default {@link systemClock}; use `createManualClock()` in tests. */
  clock?: Clock
  /**
   * Seeds every random draw (ids, step durations, Nucleus's 50/50 MFA, generated data), so one
   * seed replays the same run. Default: a random seed (ids differ between sandbox runs).
   */
  seed?: number
  /** Duplicate-credentials pause; NOT divided by `speed` (it is Basiq policy). Default 6 minutes. */
  pauseMs?: number
  /**
   * How long an MFA challenge waits for an answer (`result.expiryMs`); NOT divided by `speed`.
   * Default 120,000 (2 minutes, Basiq's published value).
   */
  mfaExpiryMs?: number
  /** Connections the sandbox holds before 403 `too-many-sandbox-connections`. Default 500. */
  connectionLimit?: number
}

/** A running in-process sandbox. */
export interface Sandbox {
  /**
   * The Basiq v2.1 API as a Fetch-API handler. Resolves with every HTTP answer (errors included);
   * rejects with a `TypeError` only for the `drop` fault, as `fetch` does when a connection drops.
   */
  fetch(request: Request): Promise<Response>
  /** The clock job state is derived from. */
  readonly clock: Clock
  /** Absolute base URL of links, without a trailing slash. */
  readonly baseUrl: string
  /** The API key `POST /token` accepts. */
  readonly apiKey: string
  /** Armed faults; the control endpoint `/__sandbox/faults` edits the same registry. */
  faults: FaultRegistry
  /** Forgets all users, connections, jobs and faults and invalidates every token issued so far. */
  reset(): void
  /** Signs a token directly (tests, tools): same claims and checks as `POST /token`. */
  mintToken(input: MintTokenInput): string
  /**
   * Makes an existing connection fail later, as `POST /__sandbox/connections/{id}/break` does:
   * `{ mode: 'invalidate' }` (the user changed their password at the bank: a failed background
   * refresh is recorded and the connection turns `invalid`) or `{ mode: 'fail-next-refresh', code? }`
   * (default code `account-not-accessible-requires-user-action`); `lastUsedHoursAgo` ages it first.
   *
   * @throws {SandboxError} 400 for bad options, 404 for an unknown connection, 409 while one of its
   *   jobs runs.
   */
  breakConnection(connectionId: string, options: BreakConnectionOptions): BreakConnectionResult
  /**
   * Moves a connection's history back so that `lastUsed` is `lastUsedHoursAgo` hours ago, as
   * `POST /__sandbox/connections/{id}/age` does; returns the connection as listed.
   *
   * @throws {SandboxError} 400 for a bad or more recent age, 404 for an unknown connection, 409
   *   while one of its jobs runs.
   */
  ageConnection(
    connectionId: string,
    options: AgeConnectionOptions,
  ): BreakConnectionResult['connection']
  /** The engine behind the HTTP app, for inspection in tests. */
  readonly engine: SandboxEngine
}

function positiveNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`createSandbox: ${name} must be a finite number > 0, got ${String(value)}`)
  }
  return value
}

function integerAtLeast(
  name: string,
  value: number | undefined,
  min: number,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `createSandbox: ${name} must be an integer from ${min} to ${max}, got ${String(value)}`,
    )
  }
  return value
}

function normaliseBaseUrl(baseUrl: string): { base: string; path: string } {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    throw new TypeError(
      `createSandbox: baseUrl must be an absolute http(s) URL, got ${JSON.stringify(baseUrl)}`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(
      `createSandbox: baseUrl must use http or https, got ${JSON.stringify(baseUrl)}`,
    )
  }
  const path = url.pathname.replace(/\/+$/, '')
  return { base: `${url.origin}${path}`, path }
}

/**
 * Creates an in-process Basiq v2.1 simulator. Pass a manual clock and a seed for reproducible
 * tests; serve it with `serveSandbox` (Node) or `sandboxHandlers` (MSW).
 *
 * @throws {RangeError|TypeError} for an invalid option, with a message naming it.
 */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const apiKey = options.apiKey ?? DEFAULT_SANDBOX_API_KEY
  if (typeof apiKey !== 'string' || apiKey.trim() === '' || /\s/.test(apiKey)) {
    throw new TypeError('createSandbox: apiKey must be a non-empty string without spaces')
  }
  const speed = positiveNumber('speed', options.speed, 1)
  const tokenTtlSeconds = integerAtLeast('tokenTtlSeconds', options.tokenTtlSeconds, 1, 3600)
  const stressCount = integerAtLeast(
    'stressInstitutions',
    options.stressInstitutions,
    0,
    0,
    MAX_STRESS_INSTITUTIONS,
  )
  const pauseMs = integerAtLeast('pauseMs', options.pauseMs, 0, DEFAULT_PAUSE_MS)
  const mfaExpiry = integerAtLeast('mfaExpiryMs', options.mfaExpiryMs, 1, mfaExpiryMs)
  const connectionLimit = integerAtLeast(
    'connectionLimit',
    options.connectionLimit,
    0,
    DEFAULT_CONNECTION_LIMIT,
  )
  const { base, path } = normaliseBaseUrl(options.baseUrl ?? DEFAULT_SANDBOX_BASE_URL)
  const clock = options.clock ?? systemClock
  if (typeof clock?.now !== 'function' || typeof clock.sleep !== 'function') {
    throw new TypeError('createSandbox: clock must have now() and sleep(ms)')
  }
  if (
    options.seed !== undefined &&
    (typeof options.seed !== 'number' || !Number.isFinite(options.seed))
  ) {
    throw new RangeError(`createSandbox: seed must be a finite number, got ${String(options.seed)}`)
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32)
  const random = createRandom(seed)
  const correlation = random.fork('correlation')
  const identity = random.fork('identity')
  const partnerId = identity.uuid()
  const applicationId = identity.uuid()
  // A per-instance salt keeps tokens of one sandbox from verifying on another with the same seed.
  const salt = Math.random().toString(36).slice(2)

  const catalogue =
    stressCount > 0 ? [...institutions, ...stressInstitutions(stressCount, seed)] : institutions
  const engine = new SandboxEngine({
    clock,
    random,
    baseUrl: base,
    speed,
    pauseMs,
    mfaExpiryMs: mfaExpiry,
    institutions: catalogue,
    connectionLimit,
  })
  const faults = createFaultRegistry()
  let generation = 0
  let signer = createTokenSigner(`${apiKey}|${seed}|${salt}|${generation}`)

  const reset = (): void => {
    engine.reset()
    faults.clear()
    generation += 1
    signer = createTokenSigner(`${apiKey}|${seed}|${salt}|${generation}`)
  }

  const app = createSandboxApp({
    engine,
    faults,
    clock,
    random: correlation,
    apiKey,
    tokenTtlSeconds,
    signer: () => signer,
    partnerId,
    applicationId,
    reset,
    basePath: path,
    institutions: catalogue,
  })

  return {
    fetch: (request) => app.fetch(request),
    clock,
    baseUrl: base,
    apiKey,
    faults,
    reset,
    mintToken: (input) => app.mintToken(input),
    // Same validation as the control endpoint, so a typo in a test gets the same clear 400.
    breakConnection: (connectionId, breakOptions) =>
      engine.breakConnection(connectionId, parseBreakConnection(breakOptions)),
    ageConnection: (connectionId, ageOptions) =>
      engine.ageConnection(connectionId, parseAgeConnection(ageOptions)),
    engine,
  }
}

/** Reads one env variable as a number, with a message naming the variable when it is not one. */
function envNumber(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return undefined
  const value = Number(raw)
  if (!Number.isFinite(value))
    throw new RangeError(`${name} must be a number, got ${JSON.stringify(raw)}`)
  return value
}

/**
 * Sandbox options from environment variables (what `pnpm sandbox` reads):
 * `SANDBOX_PORT` (default 4010), `SANDBOX_API_KEY` (default {@link DEFAULT_SANDBOX_API_KEY}),
 * `SANDBOX_SPEED` (default 1), `SANDBOX_TOKEN_TTL_SECONDS` (default 3600), `SANDBOX_INSTITUTIONS`
 * (stress catalogue size, default 0), and optionally `SANDBOX_SEED`, `SANDBOX_PAUSE_MS` and
 * `SANDBOX_BASE_URL` (default `http://127.0.0.1:<port>`).
 *
 * @throws {RangeError} for a value that is not valid, naming the variable.
 */
export function sandboxOptionsFromEnv(
  env: Record<string, string | undefined>,
): SandboxOptions & { port: number } {
  const port = envNumber(env, 'SANDBOX_PORT') ?? 4010
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(
      `SANDBOX_PORT must be an integer from 0 to 65535, got ${String(env.SANDBOX_PORT)}`,
    )
  }
  const options: SandboxOptions & { port: number } = { port }
  const apiKey = env.SANDBOX_API_KEY?.trim()
  if (apiKey) options.apiKey = apiKey
  const speed = envNumber(env, 'SANDBOX_SPEED')
  if (speed !== undefined) {
    if (speed <= 0)
      throw new RangeError(`SANDBOX_SPEED must be > 0, got ${String(env.SANDBOX_SPEED)}`)
    options.speed = speed
  }
  const ttl = envNumber(env, 'SANDBOX_TOKEN_TTL_SECONDS')
  if (ttl !== undefined) {
    if (!Number.isInteger(ttl) || ttl < 1) {
      throw new RangeError(
        `SANDBOX_TOKEN_TTL_SECONDS must be a whole number ≥ 1, got ${String(env.SANDBOX_TOKEN_TTL_SECONDS)}`,
      )
    }
    options.tokenTtlSeconds = ttl
  }
  const stress = envNumber(env, 'SANDBOX_INSTITUTIONS')
  if (stress !== undefined) {
    if (!Number.isInteger(stress) || stress < 0 || stress > MAX_STRESS_INSTITUTIONS) {
      throw new RangeError(
        `SANDBOX_INSTITUTIONS must be a whole number from 0 to ${MAX_STRESS_INSTITUTIONS}, got ${String(env.SANDBOX_INSTITUTIONS)}`,
      )
    }
    options.stressInstitutions = stress
  }
  const seed = envNumber(env, 'SANDBOX_SEED')
  if (seed !== undefined) options.seed = seed
  const pauseMs = envNumber(env, 'SANDBOX_PAUSE_MS')
  if (pauseMs !== undefined) {
    if (!Number.isInteger(pauseMs) || pauseMs < 0) {
      throw new RangeError(
        `SANDBOX_PAUSE_MS must be a whole number ≥ 0, got ${String(env.SANDBOX_PAUSE_MS)}`,
      )
    }
    options.pauseMs = pauseMs
  }
  const baseUrl = env.SANDBOX_BASE_URL?.trim()
  options.baseUrl = baseUrl || `http://127.0.0.1:${port}`
  return options
}
