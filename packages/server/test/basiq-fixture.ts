/**
 * Test fixture for the server's handlers: the in-process sandbox as Basiq (logging every request
 * and keeping every SERVER_ACCESS token it issues), the app's session, and two signed-up users.
 */
import type { FetchLike } from '@bankconnect/core'
import { DEFAULT_SANDBOX_API_KEY, createManualClock, createSandbox } from '@bankconnect/sandbox'
import { createBasiqServerSession } from '../src/basiq-server-session.ts'

/** Where the fixture's clock starts. */
export const FIXTURE_START = Date.parse('2026-03-02T09:00:00Z')

/** A handler's answer as a test reads it. */
export interface Answer {
  status: number
  headers: Headers
  text: string
  // oxlint-disable-next-line typescript/no-explicit-any -- tests read arbitrary JSON paths
  body: any
}

/** Builds the fixture; `seed` seeds the sandbox. */
export async function createBasiqFixture(seed: number) {
  const clock = createManualClock(FIXTURE_START)
  const sandbox = createSandbox({ clock, seed })
  /** `METHOD /path` of every request sent to Basiq. */
  const upstream: string[] = []
  const serverTokens: string[] = []
  const fetch: FetchLike = async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    upstream.push(`${request.method} ${url.pathname}`)
    const response = await sandbox.fetch(request)
    if (url.pathname === '/token' && response.ok) {
      serverTokens.push(((await response.clone().json()) as { access_token: string }).access_token)
    }
    return response
  }
  const session = createBasiqServerSession({
    apiKey: DEFAULT_SANDBOX_API_KEY,
    basiqUrl: sandbox.baseUrl,
    fetch,
    now: clock.now,
  })
  const alice = (await session.createBasiqUser({ email: 'alice@example.com' })).id
  const bob = (await session.createBasiqUser({ email: 'bob@example.com' })).id
  return { clock, sandbox, upstream, serverTokens, session, alice, bob }
}
