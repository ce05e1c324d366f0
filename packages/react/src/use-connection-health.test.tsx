import { screen, within } from '@testing-library/react'
import { useState } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { REFRESH_URL, USER_JOBS_URL, mountAppServer } from '../test/app-server-harness.ts'
import {
  advance,
  advanceUntil,
  closeHarnesses,
  createHarness,
  renderWithProvider,
  useVirtualTime,
} from '../test/sandbox-harness.tsx'
import type { Harness } from '../test/sandbox-harness.tsx'
import { CONNECTION_HEALTH_STORAGE_KEY, useConnectionHealth } from './use-connection-health.ts'
import type {
  ConnectionHealthStorage,
  UseConnectionHealthOptions,
} from './use-connection-health.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

let harness: Harness

beforeEach(() => {
  useVirtualTime()
  localStorage.clear()
})

afterEach(() => {
  closeHarnesses()
  vi.useRealTimers()
})

/** What a screen built on the hook would show: one line per connection. */
function Health(options: UseConnectionHealthOptions) {
  const health = useConnectionHealth(options)
  return (
    <section aria-label="health">
      <p>status: {health.status}</p>
      <p>attention: {health.needsAttention}</p>
      <ul>
        {health.connections.map((entry) => (
          <li key={entry.connectionId}>
            {entry.connectionId}: {entry.state} / {entry.action}
            {entry.recovery ? ` / ${entry.recovery.kind}` : ''}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void health.check()}>
        check
      </button>
    </section>
  )
}

function lines(): string[] {
  return within(screen.getByRole('region', { name: 'health' }))
    .queryAllByRole('listitem')
    .map((item) => item.textContent ?? '')
}

const status = () => screen.getByText(/^status:/).textContent

/** A finished Hooli connection in the sandbox; returns its id. */
async function connected(loginId = 'gavinBelson', password = 'hooli2016'): Promise<string> {
  const jobId = harness.connect(loginId, password)
  await advance(60_000, 5_000)
  const job = harness.sandbox.engine.getJob(jobId)
  const source = String((job as { links?: { source?: string } }).links?.source)
  return source.split('/').pop() ?? ''
}

const providerOptions = { userJobsUrl: USER_JOBS_URL, refreshUrl: REFRESH_URL }

describe('useConnectionHealth against the sandbox, through the app server', () => {
  it('a connection invalidated later needs attention: re-enter credentials', async () => {
    harness = createHarness()
    mountAppServer(harness)
    const broken = await connected()
    const fine = await connected('Whistler', 'ShowBox')
    await advance(HOUR, HOUR)
    harness.sandbox.breakConnection(broken, { mode: 'invalidate' })

    renderWithProvider(harness, <Health />, providerOptions)
    await advanceUntil(() => status() === 'status: ready')
    expect(lines()).toEqual([
      `${broken}: needs-attention / re-enter-credentials / invalid-credentials`,
      `${fine}: healthy / none`,
    ])
    expect(screen.getByText('attention: 1')).toBeInTheDocument()
  })

  it('the bank asking the user to act, a bank that is down, a sync running, an old connection', async () => {
    harness = createHarness()
    mountAppServer(harness)
    const actInBank = await connected()
    const bankDown = await connected('Whistler', 'ShowBox')
    const old = await connected('jared', 'django')
    const syncing = await connected('gavinBelson', 'hooli2016')
    const { sandbox, userId } = harness
    sandbox.breakConnection(actInBank, { mode: 'fail-next-refresh', lastUsedHoursAgo: 30 })
    sandbox.breakConnection(bankDown, {
      mode: 'fail-next-refresh',
      code: 'service-unavailable',
      lastUsedHoursAgo: 30,
    })
    sandbox.ageConnection(old, { lastUsedHoursAgo: 8 * 24 })
    sandbox.engine.refreshConnection(userId, actInBank)
    sandbox.engine.refreshConnection(userId, bankDown)
    await advance(60_000, 5_000)
    sandbox.ageConnection(syncing, { lastUsedHoursAgo: 30 })
    sandbox.engine.refreshConnection(userId, syncing)

    renderWithProvider(harness, <Health />, providerOptions)
    await advanceUntil(() => status() === 'status: ready', 5_000, 50)
    expect(lines()).toEqual([
      `${actInBank}: needs-attention / act-in-bank / user-action-required`,
      `${bankDown}: needs-attention / wait / service-unavailable`,
      `${syncing}: syncing / wait`,
      `${old}: stale / refresh`,
    ])
  })

  it('checks at mount, then at most once per cadence; remounts and focus do not ask again', async () => {
    harness = createHarness()
    const server = mountAppServer(harness)
    await connected()
    function Toggle() {
      const [shown, setShown] = useState(true)
      return (
        <>
          <button type="button" onClick={() => setShown((value) => !value)}>
            toggle
          </button>
          {shown ? <Health /> : null}
        </>
      )
    }
    renderWithProvider(harness, <Toggle />, providerOptions)
    await advanceUntil(() => status() === 'status: ready')
    expect(server.userJobsRequests()).toBe(1)
    const stored = localStorage.getItem(`${CONNECTION_HEALTH_STORAGE_KEY}:${harness.userId}`)
    // A timestamp, nothing else.
    expect(stored).toMatch(/^\d+$/)
    expect(Number(stored)).toBeLessThanOrEqual(Date.now())

    screen.getByRole('button', { name: 'toggle' }).click()
    await advance(1_000)
    screen.getByRole('button', { name: 'toggle' }).click()
    window.dispatchEvent(new Event('focus'))
    window.dispatchEvent(new Event('online'))
    await advance(DAY - 2 * 60_000, HOUR)
    expect(server.userJobsRequests()).toBe(1)
    await advance(3 * 60_000, 30_000)
    expect(server.userJobsRequests()).toBe(2)
    await advance(DAY - 5 * 60_000, HOUR)
    expect(server.userJobsRequests()).toBe(2)
    await advance(5 * 60_000, 30_000)
    expect(server.userJobsRequests()).toBe(3)
  })

  it('a configurable cadence, and a check made elsewhere (another tab) postpones the next', async () => {
    harness = createHarness()
    const server = mountAppServer(harness)
    await connected()
    const memory = new Map<string, string>()
    const storage: ConnectionHealthStorage = {
      getItem: (key) => memory.get(key) ?? null,
      setItem: (key, value) => void memory.set(key, value),
    }
    renderWithProvider(harness, <Health cadenceMs={6 * HOUR} storage={storage} />, providerOptions)
    await advanceUntil(() => status() === 'status: ready')
    expect(server.userJobsRequests()).toBe(1)
    await advance(4 * HOUR, HOUR)
    // Another tab checked just now.
    memory.set(`${CONNECTION_HEALTH_STORAGE_KEY}:${harness.userId}`, String(Date.now()))
    await advance(2 * HOUR + 60_000, HOUR)
    expect(server.userJobsRequests()).toBe(1)
    await advance(4 * HOUR, HOUR)
    expect(server.userJobsRequests()).toBe(2)
  })

  it('a failed check shows an error and is tried again 15 minutes later, not in a loop', async () => {
    harness = createHarness()
    const server = mountAppServer(harness)
    server.signedIn.userId = null
    renderWithProvider(harness, <Health />, providerOptions)
    await advanceUntil(() => status() === 'status: error')
    expect(server.userJobsRequests()).toBe(1)
    await advance(14 * 60_000, 60_000)
    expect(server.userJobsRequests()).toBe(1)
    await advance(60_000, 10_000)
    expect(server.userJobsRequests()).toBe(2)
    expect(status()).toBe('status: error')

    server.signedIn.userId = harness.userId
    screen.getByRole('button', { name: 'check' }).click()
    await advanceUntil(() => status() === 'status: ready')
    expect(lines()).toEqual([])
    expect(server.userJobsRequests()).toBe(3)
  })
})
