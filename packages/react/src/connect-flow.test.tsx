import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  advanceUntil,
  closeHarnesses,
  createHarness,
  renderWithProvider,
  useVirtualTime,
} from '../test/sandbox-harness.tsx'
import type { Harness } from '../test/sandbox-harness.tsx'
import { createConnectControl } from '@bankconnect/sandbox'
import { SANDBOX_URL } from '../test/sandbox-harness.tsx'
import { ConnectFlow } from './connect-flow.tsx'
import type { JobFailedEvent, JobReleasedEvent } from './use-job.ts'

let harness: Harness

beforeEach(() => {
  useVirtualTime()
})

afterEach(() => {
  closeHarnesses()
  vi.useRealTimers()
})

function setupUser() {
  return userEvent.setup({ delay: null, advanceTimers: (ms) => vi.advanceTimersByTime(ms) })
}

/** The flow's own step heading (the first level-2 heading; Basiq's control renders its own below). */
function heading(): HTMLElement {
  return screen.getAllByRole('heading', { level: 2 })[0]!
}

/** Picks a bank with the keyboard only: type its name, arrow to it, Enter. */
async function pickBank(user: ReturnType<typeof setupUser>, query: string, name: RegExp) {
  await advanceUntil(() => screen.queryByRole('combobox') !== null)
  const input = screen.getByRole('combobox')
  await user.click(input)
  await user.type(input, query)
  await advanceUntil(() => screen.queryAllByRole('option', { name }).length > 0)
  const option = screen.getAllByRole('option', { name })[0]!
  // Move the highlight to the wanted option, then choose it.
  for (let step = 0; step < 20; step += 1) {
    if (input.getAttribute('aria-activedescendant') === option.id) break
    await user.keyboard('{ArrowDown}')
  }
  expect(input).toHaveAttribute('aria-activedescendant', option.id)
  await user.keyboard('{Enter}')
}

async function logIn(user: ReturnType<typeof setupUser>, loginId: string, password: string) {
  await advanceUntil(() => screen.queryByLabelText('Password') !== null)
  await user.type(screen.getByLabelText('Login'), loginId)
  await user.type(screen.getByLabelText('Password'), password)
  await user.click(screen.getByRole('button', { name: 'Connect' }))
}

describe('ConnectFlow (picker mode) against the sandbox', () => {
  it('takes a user from the picker to released with the keyboard, moving focus to each step', async () => {
    harness = createHarness()
    const user = setupUser()
    const onReleased = vi.fn<(event: JobReleasedEvent) => void>()
    renderWithProvider(harness, <ConnectFlow onReleased={onReleased} />)
    expect(heading()).toHaveTextContent('Connect your bank')
    // The first render leaves focus where the page put it.
    expect(heading()).not.toHaveFocus()

    await pickBank(user, 'hooli', /Hooli/)
    expect(heading()).toHaveTextContent('Connect Hooli')
    expect(heading()).toHaveFocus()

    await logIn(user, 'gavinBelson', 'hooli2016')
    await advanceUntil(() => heading().textContent === 'Connecting to Hooli')
    expect(heading()).toHaveFocus()

    await advanceUntil(() => heading().textContent === 'Hooli is connected')
    expect(heading()).toHaveFocus()
    expect(onReleased).toHaveBeenCalledTimes(1)
    expect(onReleased.mock.calls[0]?.[0].connectionId).toMatch(/\S/)
    expect(
      screen.getByText(
        'You can carry on. We’re fetching your accounts and transactions in the background.',
      ),
    ).toBeInTheDocument()
    // Exactly one connection was posted to Basiq.
    expect(
      harness.requests.filter((r) => r.method === 'POST' && /\/connections$/.test(r.path)),
    ).toHaveLength(1)

    await user.click(screen.getByRole('button', { name: 'Connect another bank' }))
    expect(heading()).toHaveTextContent('Connect your bank')
    // Another bank starts from an empty search.
    expect(screen.getByRole('combobox')).toHaveValue('')
  })

  it('shows Basiq’s reason for a locked account and lets the user re-enter details for the same bank', async () => {
    harness = createHarness()
    const user = setupUser()
    const onFailed = vi.fn<(event: JobFailedEvent) => void>()
    renderWithProvider(harness, <ConnectFlow onFailed={onFailed} />)
    await pickBank(user, 'hooli', /Hooli/)
    await logIn(user, 'bighead', 'password')

    await advanceUntil(() => screen.queryByRole('alert') !== null)
    const alert = screen.getByRole('alert')
    expect(alert).toHaveTextContent('Account is locked')
    expect(heading()).toHaveTextContent('We couldn’t connect to Hooli')
    expect(onFailed).toHaveBeenCalledTimes(1)
    expect(onFailed.mock.calls[0]?.[0].recovery.kind).toBe('invalid-credentials')

    await user.click(within(alert).getByRole('button', { name: 'Re-enter your login details' }))
    expect(heading()).toHaveTextContent('Connect Hooli')
    // The form starts empty: nothing typed earlier was kept.
    expect(screen.getByLabelText('Login')).toHaveValue('')
    expect(screen.getByLabelText('Password')).toHaveValue('')
  })

  it('goes back from the credentials form to the picker, and to another bank after a failure', async () => {
    harness = createHarness()
    const user = setupUser()
    renderWithProvider(harness, <ConnectFlow />)
    await pickBank(user, 'hooli', /Hooli/)
    expect(heading()).toHaveTextContent('Connect Hooli')
    await user.click(screen.getByRole('button', { name: 'Back' }))
    expect(heading()).toHaveTextContent('Connect your bank')
    expect(heading()).toHaveFocus()
    // The search is as the user left it.
    expect(screen.getByRole('combobox')).toHaveValue('hooli')

    await user.clear(screen.getByRole('combobox'))
    await pickBank(user, 'hooli', /Hooli/)
    await logIn(user, 'jianYang', 'nothotdog')
    await advanceUntil(() => screen.queryByRole('alert') !== null)
    expect(screen.getByRole('alert')).toHaveTextContent('Please try again in about 10 minutes.')
    await user.click(screen.getByRole('button', { name: 'Choose another bank' }))
    expect(heading()).toHaveTextContent('Connect your bank')
  })

  it('walks through a bank that asks for MFA', async () => {
    harness = createHarness()
    const user = setupUser()
    const onReleased = vi.fn<(event: JobReleasedEvent) => void>()
    renderWithProvider(harness, <ConnectFlow onReleased={onReleased} />)
    await pickBank(user, 'pied piper', /Pied Piper/)
    await logIn(user, 'jared', 'django')
    await advanceUntil(() => screen.queryByLabelText('OTP Password') !== null)
    await user.type(screen.getByLabelText('OTP Password'), '1234')
    await user.click(screen.getByRole('button', { name: 'Continue' }))
    await advanceUntil(() => heading().textContent === 'Pied Piper is connected')
    expect(onReleased).toHaveBeenCalledTimes(1)
  })
})

describe('ConnectFlow in control mode', () => {
  it('follows the job Basiq’s control announces and releases the user', async () => {
    harness = createHarness()
    const user = setupUser()
    const onReleased = vi.fn<(event: JobReleasedEvent) => void>()
    const control = createConnectControl({ baseUrl: SANDBOX_URL })
    renderWithProvider(
      harness,
      <ConnectFlow
        mode="control"
        control={{ load: () => Promise.resolve(control) }}
        onReleased={onReleased}
      />,
    )
    await advanceUntil(() => screen.queryByRole('button', { name: 'Hooli Bank' }) !== null)
    await user.click(screen.getByRole('button', { name: 'Hooli Bank' }))
    await user.type(screen.getByLabelText('Login'), 'gavinBelson')
    await user.type(screen.getByLabelText('Password'), 'hooli2016')
    await user.click(screen.getByRole('button', { name: 'Connect' }))
    await advanceUntil(() => heading().textContent === 'Your bank is connected')
    expect(onReleased).toHaveBeenCalledTimes(1)
  })
})

describe('ConnectFlow in consent mode', () => {
  it('sends the user to the consent page with a one-time state, and follows the jobs they come back with', async () => {
    harness = createHarness()
    const user = setupUser()
    const navigate = vi.fn<(url: string) => void>()
    const consent = {
      getToken: () => Promise.resolve('v3-client-token'),
      baseUrl: `${SANDBOX_URL}/consent`,
      redirect: 'http://localhost/onboarding',
      navigate,
    }
    const { unmount } = renderWithProvider(
      harness,
      <ConnectFlow mode="consent" consent={consent} />,
    )
    await user.click(screen.getByRole('button', { name: 'Continue to Basiq' }))
    await advanceUntil(() => navigate.mock.calls.length > 0)
    const url = new URL(navigate.mock.calls[0]![0])
    expect(url.searchParams.get('token')).toBe('v3-client-token')
    const state = url.searchParams.get('state') ?? ''
    expect(state).toMatch(/\S{16,}/)
    unmount()

    // Back from the consent page with two jobs and the state that was sent.
    const first = harness.connect('gavinBelson', 'hooli2016')
    const second = harness.connect('Whistler', 'ShowBox')
    window.history.replaceState(null, '', `/onboarding?jobIds=${first},${second}&state=${state}`)
    const onReleased = vi.fn<(event: JobReleasedEvent) => void>()
    renderWithProvider(
      harness,
      <ConnectFlow mode="consent" consent={consent} onReleased={onReleased} />,
    )
    // The address bar no longer carries the job ids or the state.
    await advanceUntil(() => !window.location.search.includes('jobIds'))
    expect(window.location.pathname).toBe('/onboarding')
    await advanceUntil(() => heading().textContent === 'Your bank is connected')
    expect(onReleased.mock.calls.map(([event]) => event.jobId)).toContain(first)
    await advanceUntil(() => harness.jobPolls(second).length > 0)
  })

  it('refuses a return whose state does not match, following no job', async () => {
    harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    sessionStorage.setItem('bankconnect:consent-state', 'the-state-we-sent-0123456789')
    window.history.replaceState(
      null,
      '',
      `/onboarding?jobIds=${jobId}&state=forged-state-0123456789`,
    )
    renderWithProvider(
      harness,
      <ConnectFlow mode="consent" consent={{ getToken: () => Promise.resolve('t') }} />,
    )
    await advanceUntil(() => screen.queryByRole('alert') !== null)
    expect(heading()).toHaveTextContent('Connect your bank')
    expect(window.location.search).toBe('')
    await advanceUntil(() => false, 3_000).catch(() => undefined)
    expect(harness.jobPolls(jobId)).toHaveLength(0)
  })
})
