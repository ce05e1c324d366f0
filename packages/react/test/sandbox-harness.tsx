/**
 * Test harness for the React package: the real sandbox engine behind real `fetch` (through MSW),
 * a token endpoint that mints CLIENT_ACCESS tokens, request bookkeeping, and virtual time
 * (Vitest fake timers drive React Query, the countdowns and the sandbox's clock alike).
 */
import { createSandbox } from '@bankconnect/sandbox'
import type { Sandbox, SandboxOptions } from '@bankconnect/sandbox'
import { setupSandboxServer } from '@bankconnect/sandbox/msw-node'
import { act, render } from '@testing-library/react'
import type { RenderResult } from '@testing-library/react'
import { HttpResponse, http } from 'msw'
import type { SetupServer } from 'msw/node'
import { StrictMode } from 'react'
import type { ReactNode } from 'react'
import { vi } from 'vitest'
import { BankConnectProvider } from '../src/bank-connect-provider.tsx'
import type {
  BankConnectLogEvent,
  BankConnectProviderProps,
} from '../src/bank-connect-provider.tsx'

/** Where the simulated Basiq API answers (nothing listens there: only MSW can). */
export const SANDBOX_URL = 'http://basiq.sandbox.test'
/** The app's token endpoint, answered by the harness with sandbox-minted CLIENT tokens. */
export const TOKEN_URL = 'http://app.test/api/basiq/token'

/** One request the browser sent. */
export interface SentRequest {
  method: string
  path: string
  at: number
  /** The answer's status; `undefined` while pending, `0` for a dropped connection. */
  status?: number
}

/** Options of {@link createHarness}. */
export interface HarnessOptions extends SandboxOptions {
  /**
   * `expires_in` the token endpoint announces, in seconds. Default: the sandbox's own token
   * lifetime. A larger value than the sandbox's `tokenTtlSeconds` makes cached tokens expire at
   * Basiq while the kit still believes them valid (a revoked token, a skewed clock).
   */
  announcedTokenTtlSeconds?: number
}

/** A sandbox served through MSW, with request bookkeeping. */
export interface Harness {
  sandbox: Sandbox
  server: SetupServer
  /** Every request sent so far (sandbox and token endpoint). */
  requests: SentRequest[]
  /** Highest number of simultaneous requests seen per path. */
  maxInFlight: Map<string, number>
  /** A Basiq user for this test. */
  userId: string
  /** Creates a connection in the sandbox (as the credentials form would) and returns the job id. */
  connect(loginId: string, password: string, institutionId?: string): string
  /** Requests to `GET /jobs/{jobId}` so far. */
  jobPolls(jobId: string): SentRequest[]
  /** Requests to the token endpoint so far. */
  tokenRequests(): SentRequest[]
  /** Stops MSW. */
  close(): void
}

const open = new Set<Harness>()

/** Closes every harness still open (call in `afterEach`). */
export function closeHarnesses(): void {
  for (const harness of open) harness.close()
}

/** Starts a fresh sandbox behind MSW. Call inside a test (after fake timers are installed). */
export function createHarness(options: HarnessOptions = {}): Harness {
  const { announcedTokenTtlSeconds, ...sandboxOptions } = options
  const sandbox = createSandbox({ seed: 11, baseUrl: SANDBOX_URL, ...sandboxOptions })
  const server = setupSandboxServer(sandbox)
  const requests: SentRequest[] = []
  const inFlight = new Map<string, number>()
  const maxInFlight = new Map<string, number>()
  const paths = new Map<string, string>()
  const records = new Map<string, SentRequest>()

  server.events.on('request:start', ({ request, requestId }) => {
    const path = new URL(request.url).pathname
    paths.set(requestId, path)
    const record: SentRequest = { method: request.method, path, at: Date.now() }
    records.set(requestId, record)
    requests.push(record)
    const now = (inFlight.get(path) ?? 0) + 1
    inFlight.set(path, now)
    maxInFlight.set(path, Math.max(maxInFlight.get(path) ?? 0, now))
  })
  server.events.on('response:mocked', ({ response, requestId }) => {
    const record = records.get(requestId)
    if (record) record.status = response.type === 'error' ? 0 : response.status
  })
  server.events.on('request:end', ({ requestId }) => {
    const record = records.get(requestId)
    // MSW reports no response for a dropped connection.
    if (record && record.status === undefined) record.status = 0
    const path = paths.get(requestId)
    if (path !== undefined) inFlight.set(path, Math.max(0, (inFlight.get(path) ?? 1) - 1))
  })
  server.listen({ onUnhandledRequest: 'error' })
  const ttl = options.tokenTtlSeconds ?? 3600
  server.use(
    http.post(TOKEN_URL, () =>
      HttpResponse.json({
        access_token: sandbox.mintToken({ scope: 'CLIENT_ACCESS' }),
        token_type: 'Bearer',
        expires_in: announcedTokenTtlSeconds ?? ttl,
      }),
    ),
  )

  const user = sandbox.engine.createUser({ email: 'gavin@hooli.com' })
  const harness: Harness = {
    sandbox,
    server,
    requests,
    maxInFlight,
    userId: user.id,
    connect(loginId, password, institutionId = 'AU00000') {
      return sandbox.engine.createConnection(user.id, { loginId, password, institutionId }).id
    },
    jobPolls(jobId) {
      return requests.filter((request) => request.path === `/jobs/${jobId}`)
    },
    tokenRequests() {
      return requests.filter((request) => request.path === new URL(TOKEN_URL).pathname)
    },
    close() {
      if (!open.delete(harness)) return
      server.close()
    },
  }
  open.add(harness)
  return harness
}

/**
 * Installs fake timers that also drive `Date`, so the sandbox's clock moves with them. Every test
 * starts at the same instant: Basiq stamps times to the second, so a start at a random millisecond
 * would make runs differ.
 */
export function useVirtualTime(): void {
  vi.useFakeTimers({
    now: Date.UTC(2026, 2, 2, 9, 0, 0),
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  })
}

/** Moves virtual time forward in small steps, letting requests and renders settle in between. */
export async function advance(ms: number, stepMs = 100): Promise<void> {
  let left = ms
  while (left > 0) {
    const step = Math.min(stepMs, left)
    await act(async () => {
      await vi.advanceTimersByTimeAsync(step)
    })
    left -= step
  }
}

/**
 * Advances virtual time until `condition()` holds (checked every `stepMs`), failing after
 * `limitMs` of virtual time.
 */
export async function advanceUntil(
  condition: () => boolean,
  limitMs = 120_000,
  stepMs = 100,
): Promise<number> {
  let waited = 0
  while (!condition()) {
    if (waited >= limitMs) throw new Error(`condition not met within ${limitMs} ms of virtual time`)
    await advance(stepMs, stepMs)
    waited += stepMs
  }
  return waited
}

/** A logger that records what the kit reports. */
export function createRecordingLogger() {
  const events: Array<{ level: 'error' | 'warn' | 'info'; event: BankConnectLogEvent }> = []
  return {
    events,
    logger: {
      error: (event: BankConnectLogEvent) => events.push({ level: 'error', event }),
      warn: (event: BankConnectLogEvent) => events.push({ level: 'warn', event }),
      info: (event: BankConnectLogEvent) => events.push({ level: 'info', event }),
    },
  }
}

/** Props of {@link renderWithProvider}. */
export interface ProviderOptions extends Partial<Omit<BankConnectProviderProps, 'children'>> {
  /** Wraps the tree in `<StrictMode>`. Default `true`. */
  strict?: boolean
}

/** Provider props pointing at the harness (token endpoint, sandbox URL, user). */
export function providerProps(harness: Harness, options: ProviderOptions = {}) {
  const { strict: _strict, ...rest } = options
  const props: Omit<BankConnectProviderProps, 'children'> = {
    apiUrl: SANDBOX_URL,
    userId: harness.userId,
    ...(rest.getToken ? {} : { tokenUrl: TOKEN_URL }),
    ...rest,
  }
  return props
}

/** Renders `ui` inside a `BankConnectProvider` wired to the harness. */
export function renderWithProvider(
  harness: Harness,
  ui: ReactNode,
  options: ProviderOptions = {},
): RenderResult {
  const wrap = (node: ReactNode) => {
    const tree = (
      <BankConnectProvider {...providerProps(harness, options)}>{node}</BankConnectProvider>
    )
    return options.strict === false ? tree : <StrictMode>{tree}</StrictMode>
  }
  const result = render(wrap(ui))
  const rerender = result.rerender
  result.rerender = (next: ReactNode) => rerender(wrap(next))
  return result
}
