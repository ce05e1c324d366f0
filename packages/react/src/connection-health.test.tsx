import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
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
import { ConnectionHealth } from './connection-health.tsx'
import type { ConnectionRepairedEvent } from './connection-health.tsx'

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

const providerOptions = { userJobsUrl: USER_JOBS_URL, refreshUrl: REFRESH_URL }

function setup() {
  harness = createHarness()
  const server = mountAppServer(harness)
  const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
  return { server, user }
}

async function connected(loginId = 'gavinBelson', password = 'hooli2016'): Promise<string> {
  const jobId = harness.connect(loginId, password)
  await advance(60_000, 5_000)
  const job = harness.sandbox.engine.getJob(jobId) as { links?: { source?: string } }
  return String(job.links?.source).split('/').pop() ?? ''
}

const region = () => screen.getByRole('region', { name: 'Your banks' })
const rows = () => within(region()).queryAllByRole('listitem', { name: /./ })
const row = (name: string) => within(region()).getByRole('listitem', { name })

describe('<ConnectionHealth>', () => {
  it('a connection invalidated later: re-enter the login details, and it works again', async () => {
    const { user } = setup()
    const broken = await connected()
    await advance(HOUR, HOUR)
    harness.sandbox.breakConnection(broken, { mode: 'invalidate' })
    const onRepaired = vi.fn<(event: ConnectionRepairedEvent) => void>()
    renderWithProvider(harness, <ConnectionHealth onRepaired={onRepaired} />, providerOptions)

    await advanceUntil(() => rows().length === 1)
    await advanceUntil(() => row('Hooli').textContent?.includes('Needs your attention') === true)
    expect(row('Hooli')).toHaveTextContent('Your bank didn’t accept those login details.')
    const reenter = within(row('Hooli')).getByRole('button', {
      name: 'Re-enter your login details',
    })
    await advanceUntil(() => !(reenter as HTMLButtonElement).disabled)
    await user.click(reenter)

    const form = within(row('Hooli')).getByRole('form', {
      name: /Re-enter your Hooli login details/,
    })
    // Only what Update Connection takes: the login id stays as it was.
    expect(within(form).queryByLabelText(/login/i, { selector: 'input' })).toBeNull()
    await user.type(within(form).getByLabelText(/password/i), 'hooli2016')
    await user.click(within(form).getByRole('button', { name: 'Reconnect' }))

    await advanceUntil(() => screen.queryByText('Hooli is connected again.') !== null, 120_000)
    await advanceUntil(() => row('Hooli').textContent?.includes('Up to date') === true)
    expect(onRepaired).toHaveBeenCalledTimes(1)
    expect(onRepaired.mock.calls[0]?.[0]).toMatchObject({ connectionId: broken })
    expect(harness.sandbox.engine.getConnection(harness.userId, broken)).toMatchObject({
      status: 'active',
    })
  })

  it('the bank asked the user to act: "I’ve done it — check again" refreshes through the guard', async () => {
    const { user, server } = setup()
    const connectionId = await connected()
    harness.sandbox.breakConnection(connectionId, {
      mode: 'fail-next-refresh',
      lastUsedHoursAgo: 30,
    })
    harness.sandbox.engine.refreshConnection(harness.userId, connectionId)
    await advance(60_000, 5_000)
    renderWithProvider(harness, <ConnectionHealth />, providerOptions)

    await advanceUntil(() => rows().length === 1)
    expect(row('Hooli')).toHaveTextContent(
      'Your bank needs you to do something in your online banking first',
    )
    await user.click(
      within(row('Hooli')).getByRole('button', { name: 'I’ve done it — check again' }),
    )
    await advanceUntil(() => screen.queryByText('Hooli is connected again.') !== null, 120_000)
    expect(server.refreshRequests()).toBe(1)
    await advanceUntil(() => row('Hooli').textContent?.includes('Up to date') === true)
  })

  it('a refresh the guard refuses is explained, and sends no request', async () => {
    const { user, server } = setup()
    const connectionId = await connected()
    harness.sandbox.breakConnection(connectionId, { mode: 'fail-next-refresh' })
    harness.sandbox.engine.refreshConnection(harness.userId, connectionId)
    await advance(60_000, 5_000)
    renderWithProvider(harness, <ConnectionHealth />, providerOptions)
    await advanceUntil(() => rows().length === 1)
    const before = harness.requests.length

    await user.click(
      within(row('Hooli')).getByRole('button', { name: 'I’ve done it — check again' }),
    )
    await advance(1_000)
    expect(within(row('Hooli')).getByRole('status')).toHaveTextContent(
      /^This bank was updated recently\. You can refresh it again in \d+ hours\.$/,
    )
    expect(harness.requests.length).toBe(before)
    expect(server.refreshRequests()).toBe(0)
  })

  it('shows each state with its one action, and only the signed-in user’s banks', async () => {
    setup()
    const fine = await connected()
    const old = await connected('Whistler', 'ShowBox')
    harness.sandbox.ageConnection(old, { lastUsedHoursAgo: 8 * 24 })
    const other = harness.sandbox.engine.createUser({ email: 'bob@example.com' }).id
    harness.sandbox.engine.createConnection(other, {
      loginId: 'jared',
      password: 'django',
      institutionId: 'AU00000',
    })
    await advance(60_000, 5_000)
    renderWithProvider(harness, <ConnectionHealth />, providerOptions)
    expect(region()).toHaveAttribute('data-state', 'loading')
    expect(within(region()).getByText('Checking your banks…')).toBeInTheDocument()
    await advanceUntil(() => rows().length === 2)
    expect(region()).toHaveAttribute('data-state', 'ready')
    const [staleRow, healthyRow] = rows()
    expect(staleRow).toHaveAttribute('data-state', 'stale')
    expect(within(staleRow as HTMLElement).getByRole('button')).toHaveAccessibleName('Refresh')
    expect(healthyRow).toHaveAttribute('data-state', 'healthy')
    expect(healthyRow).toHaveAttribute('data-connection', fine)
    expect(within(healthyRow as HTMLElement).queryByRole('button')).toBeNull()
    expect(within(region()).getByText(/^Checked /)).toBeInTheDocument()
  })

  it('empty and error states', async () => {
    const { user, server } = setup()
    server.signedIn.userId = null
    renderWithProvider(harness, <ConnectionHealth />, providerOptions)
    await advanceUntil(() => region().getAttribute('data-state') === 'error')
    const alert = within(region()).getByRole('alert')
    expect(alert).toHaveTextContent('We couldn’t check your banks just now.')
    server.signedIn.userId = harness.userId
    await user.click(within(alert).getByRole('button', { name: 'Try again' }))
    await advanceUntil(() => region().getAttribute('data-state') === 'empty')
    expect(within(region()).getByText('You haven’t connected a bank yet.')).toBeInTheDocument()
  })
})

describe('<ConnectionHealth> while a sync runs', () => {
  it('shows the bank updating, then up to date once the job is done', async () => {
    setup()
    const connectionId = await connected()
    harness.sandbox.ageConnection(connectionId, { lastUsedHoursAgo: 30 })
    harness.sandbox.engine.refreshConnection(harness.userId, connectionId)
    renderWithProvider(harness, <ConnectionHealth />, providerOptions)
    await advanceUntil(() => rows().length === 1)
    expect(row('Hooli')).toHaveAttribute('data-state', 'syncing')
    expect(row('Hooli')).toHaveTextContent('Updating…')
    const waited = await advanceUntil(
      () => row('Hooli').getAttribute('data-state') === 'healthy',
      120_000,
      500,
    )
    expect(waited).toBeLessThan(60_000)
  })
})
