import type { RefreshPolicy } from '@bankconnect/core'
import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { REFRESH_URL, USER_JOBS_URL, mountAppServer } from '../test/app-server-harness.ts'
import type { AppServerOptions } from '../test/app-server-harness.ts'
import {
  advance,
  advanceUntil,
  closeHarnesses,
  createHarness,
  renderWithProvider,
  useVirtualTime,
} from '../test/sandbox-harness.tsx'
import type { Harness } from '../test/sandbox-harness.tsx'
import { useConnectionHealth } from './use-connection-health.ts'
import { useRefreshConnection } from './use-refresh-connection.ts'
import type { RefreshOutcome } from './use-refresh-connection.ts'

const HOUR = 3_600_000

let harness: Harness

beforeEach(() => {
  useVirtualTime()
  localStorage.clear()
})

afterEach(() => {
  closeHarnesses()
  vi.useRealTimers()
})

/** A refresh button beside a health check (`withHealth`), as a "Your banks" row would have. */
function Refresher(props: {
  connectionId: string
  policy?: RefreshPolicy
  withHealth?: boolean
  onOutcome?: (outcome: RefreshOutcome) => void
}) {
  return props.withHealth === false ? <Row {...props} /> : <WithHealth {...props} />
}

function WithHealth(props: Parameters<typeof Refresher>[0]) {
  const health = useConnectionHealth()
  return (
    <>
      <p>health: {health.status}</p>
      <p>states: {health.connections.map((entry) => `${entry.state}`).join(', ') || 'none'}</p>
      <Row {...props} />
    </>
  )
}

function Row(props: Parameters<typeof Refresher>[0]) {
  const refresh = useRefreshConnection(
    props.connectionId,
    props.policy === undefined ? {} : { policy: props.policy },
  )
  return (
    <section aria-label="refresh">
      <p>status: {refresh.status}</p>
      <p>allowed now: {String(refresh.decision?.allowed ?? 'unknown')}</p>
      <p>refusal: {refresh.refusal?.message ?? 'none'}</p>
      <p>
        job: {refresh.jobId ?? 'none'}
        {refresh.reused ? ' (reused)' : ''}
      </p>
      <p>error: {refresh.error?.message ?? 'none'}</p>
      <button
        type="button"
        onClick={() => void refresh.refresh().then((outcome) => props.onOutcome?.(outcome))}
      >
        Refresh
      </button>
    </section>
  )
}

const text = (prefix: string) => screen.getByText(new RegExp(`^${prefix}:`)).textContent ?? ''

async function connected(loginId = 'gavinBelson', password = 'hooli2016'): Promise<string> {
  const jobId = harness.connect(loginId, password)
  await advance(60_000, 5_000)
  const job = harness.sandbox.engine.getJob(jobId) as { links?: { source?: string } }
  return String(job.links?.source).split('/').pop() ?? ''
}

function setup(options: AppServerOptions = {}) {
  harness = createHarness()
  const server = mountAppServer(harness, options)
  const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
  return { server, user }
}

const providerOptions = { userJobsUrl: USER_JOBS_URL, refreshUrl: REFRESH_URL }

describe('useRefreshConnection: the guard first, then the app server', () => {
  it('a connection refreshed recently: refused with an explanation, and no request is sent', async () => {
    const { server, user } = setup()
    const connectionId = await connected()
    await advance(HOUR, HOUR)
    renderWithProvider(harness, <Refresher connectionId={connectionId} />, providerOptions)
    await advanceUntil(() => text('health') === 'health: ready')
    // Explained before the user even asks.
    expect(text('allowed now')).toBe('allowed now: false')
    const before = harness.requests.length

    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await advance(1_000)
    expect(text('status')).toBe('status: refused')
    expect(text('refusal')).toBe(
      'refusal: This bank was updated recently. You can refresh it again in 23 hours.',
    )
    expect(harness.requests.length).toBe(before)
    expect(server.refreshRequests()).toBe(0)
  })

  it('allowed a day later: one refresh request, a job, and the health shows it syncing', async () => {
    const { server, user } = setup()
    const connectionId = await connected()
    harness.sandbox.ageConnection(connectionId, { lastUsedHoursAgo: 25 })
    const outcomes: RefreshOutcome[] = []
    renderWithProvider(
      harness,
      <Refresher connectionId={connectionId} onOutcome={(outcome) => outcomes.push(outcome)} />,
      providerOptions,
    )
    await advanceUntil(() => text('states') === 'states: healthy')
    expect(text('allowed now')).toBe('allowed now: true')

    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await advanceUntil(() => text('status') === 'status: started')
    expect(server.refreshRequests()).toBe(1)
    const jobId = text('job').replace('job: ', '')
    expect(harness.sandbox.engine.getJob(jobId)).toMatchObject({ id: jobId })
    expect(outcomes).toEqual([{ status: 'started', jobId, reused: false }])
    await advanceUntil(() => text('states') === 'states: syncing')

    // The running job is handed back: no second refresh request.
    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await advanceUntil(() => outcomes.length === 2)
    expect(outcomes[1]).toEqual({ status: 'started', jobId, reused: true })
    expect(server.refreshRequests()).toBe(1)
  })

  it('a double click sends one request', async () => {
    const { server } = setup()
    const connectionId = await connected()
    harness.sandbox.ageConnection(connectionId, { lastUsedHoursAgo: 25 })
    renderWithProvider(harness, <Refresher connectionId={connectionId} />, providerOptions)
    await advanceUntil(() => text('health') === 'health: ready')
    const button = screen.getByRole('button', { name: 'Refresh' })
    button.click()
    button.click()
    await advanceUntil(() => text('status') === 'status: started')
    expect(server.refreshRequests()).toBe(1)
  })

  it("the server's guard is the one that counts: its refusal is explained too", async () => {
    const { server, user } = setup()
    const connectionId = await connected()
    harness.sandbox.ageConnection(connectionId, { lastUsedHoursAgo: 2 })
    renderWithProvider(
      harness,
      // A browser more lenient than the server (which keeps the default 24 h).
      <Refresher connectionId={connectionId} policy={{ minIntervalMs: HOUR }} />,
      providerOptions,
    )
    await advanceUntil(() => text('health') === 'health: ready')
    expect(text('allowed now')).toBe('allowed now: true')
    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await advanceUntil(() => text('status') === 'status: refused')
    expect(server.refreshRequests()).toBe(1)
    expect(text('refusal')).toBe(
      'refusal: This bank was updated recently. You can refresh it again in 22 hours.',
    )
  })

  it('an invalid connection is not refreshed: it needs new login details', async () => {
    const { server, user } = setup()
    const connectionId = await connected()
    harness.sandbox.breakConnection(connectionId, { mode: 'invalidate', lastUsedHoursAgo: 30 })
    renderWithProvider(harness, <Refresher connectionId={connectionId} />, providerOptions)
    await advanceUntil(() => text('health') === 'health: ready')
    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await advance(500)
    expect(text('refusal')).toBe(
      'refusal: Your bank no longer accepts the saved login details. Re-enter them to reconnect.',
    )
    expect(server.refreshRequests()).toBe(0)
  })

  it('without a health check loaded, it reads the connection first; never refreshes another user’s', async () => {
    const { server, user } = setup()
    const mine = await connected()
    harness.sandbox.ageConnection(mine, { lastUsedHoursAgo: 25 })
    const other = harness.sandbox.engine.createUser({ email: 'bob@example.com' }).id
    const stub = harness.sandbox.engine.createConnection(other, {
      loginId: 'Whistler',
      password: 'ShowBox',
      institutionId: 'AU00000',
    })
    await advance(60_000, 5_000)
    const job = harness.sandbox.engine.getJob(stub.id) as { links?: { source?: string } }
    const theirs = String(job.links?.source).split('/').pop() ?? ''
    harness.sandbox.ageConnection(theirs, { lastUsedHoursAgo: 25 })

    const { unmount } = renderWithProvider(
      harness,
      <Refresher connectionId={theirs} withHealth={false} />,
      providerOptions,
    )
    expect(text('allowed now')).toBe('allowed now: unknown')
    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await advanceUntil(() => text('status') === 'status: error')
    expect(text('error')).toMatch(/has no connection/)
    expect(server.userJobsRequests()).toBe(1)
    expect(server.refreshRequests()).toBe(0)
    unmount()

    renderWithProvider(
      harness,
      <Refresher connectionId={mine} withHealth={false} />,
      providerOptions,
    )
    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await advanceUntil(() => text('status') === 'status: started')
    expect(server.refreshRequests()).toBe(1)
  })
})
