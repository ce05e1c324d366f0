import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { HttpResponse, http } from 'msw'
import { createRef } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Recovery, RecoveryAction } from '@bankconnect/core'
import type { JobFailedEvent, JobReleasedEvent } from './use-job.ts'
import {
  SANDBOX_URL,
  advance,
  advanceUntil,
  closeHarnesses,
  createHarness,
  createRecordingLogger,
  renderWithProvider,
  useVirtualTime,
} from '../test/sandbox-harness.tsx'
import { LIVE_REGIONS } from '../test/queries.ts'
import { JobProgress } from './job-progress.tsx'

beforeEach(() => {
  useVirtualTime()
})

afterEach(() => {
  closeHarnesses()
  vi.useRealTimers()
})

function progress(): HTMLElement {
  return screen.getByTestId('progress')
}

function phase(): string | null {
  return progress().getAttribute('data-state')
}

function stepStates(): Array<[string, string | null]> {
  return within(progress())
    .queryAllByRole('listitem')
    .map((item) => [item.textContent ?? '', item.getAttribute('data-state')])
}

function setupUser() {
  return userEvent.setup({ delay: null })
}

describe('JobProgress', () => {
  it('shows the steps as a timeline with the usual duration, then the release', async () => {
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const ref = createRef<HTMLDivElement>()
    renderWithProvider(
      harness,
      <JobProgress
        data-testid="progress"
        jobId={jobId}
        institutionId="AU00000"
        className="my-progress"
        aria-label="Bank connection"
        ref={ref}
      />,
    )
    await advanceUntil(() => stepStates().length > 0)
    expect(screen.getByText('Usually takes about 8 seconds')).toBeInTheDocument()
    expect(stepStates()).toEqual([
      ['Verifying your login details Waiting', 'pending'],
      ['Retrieving your accounts Waiting', 'pending'],
      ['Retrieving your transactions Waiting', 'pending'],
    ])
    expect(ref.current).toBe(progress())
    expect(progress()).toHaveClass('my-progress')
    expect(progress()).toHaveAccessibleName('Bank connection')
    expect(progress()).not.toHaveAttribute('style')

    await advanceUntil(() => stepStates()[0]?.[1] === 'in-progress')
    expect(phase()).toBe('verifying')
    await advanceUntil(() => phase() === 'released')
    expect(stepStates()[0]).toEqual(['Verifying your login details Done', 'success'])
    expect(screen.getByText(/You’re connected/, { ignore: LIVE_REGIONS })).toBeInTheDocument()
    expect(screen.queryByText(/Usually takes about/)).not.toBeInTheDocument()
    await advanceUntil(() => phase() === 'complete', 60_000)
    expect(stepStates().map(([, state]) => state)).toEqual(['success', 'success', 'success'])
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
  })

  it('says "Taking longer than usual" once the wait passes the bank’s average', async () => {
    // Hume Bank reports degraded performance: its logins take about twice its average.
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016', 'AU00524')
    renderWithProvider(
      harness,
      <JobProgress data-testid="progress" jobId={jobId} institutionId="AU00524" />,
    )
    await advanceUntil(() => screen.queryByText(/Usually takes about/) !== null)
    expect(screen.queryByText('Taking longer than usual')).not.toBeInTheDocument()
    await advanceUntil(() => screen.queryByText('Taking longer than usual') !== null)
    expect(phase()).toBe('verifying')
    expect(screen.queryByText(/Usually takes about/)).not.toBeInTheDocument()
    await advanceUntil(() => phase() === 'released', 60_000)
    expect(screen.queryByText('Taking longer than usual')).not.toBeInTheDocument()
  })

  it('bighead: shows Basiq’s "Account is locked" with the invalid-credentials actions', async () => {
    const harness = createHarness()
    const jobId = harness.connect('bighead', 'password')
    const onAction = vi.fn<(action: RecoveryAction, recovery: Recovery) => void>()
    const onFailed = vi.fn<(event: JobFailedEvent) => void>()
    const { events, logger } = createRecordingLogger()
    renderWithProvider(
      harness,
      <JobProgress data-testid="progress" jobId={jobId} onAction={onAction} onFailed={onFailed} />,
      { logger },
    )
    await advanceUntil(() => phase() === 'failed')
    const alert = screen.getByRole('alert')
    expect(
      within(alert).getByText('Your bank didn’t accept those login details.'),
    ).toBeInTheDocument()
    expect(within(alert).getByText('Account is locked')).toBeInTheDocument()
    const buttons = within(alert).getAllByRole('button')
    expect(buttons.map((button) => button.textContent)).toEqual([
      'Re-enter your login details',
      'Choose another bank',
    ])
    expect(stepStates()[0]).toEqual(['Verifying your login details Failed', 'failed'])
    expect(onFailed).toHaveBeenCalledTimes(1)

    await setupUser().click(
      within(alert).getByRole('button', { name: 'Re-enter your login details' }),
    )
    expect(onAction).toHaveBeenCalledTimes(1)
    expect(onAction.mock.calls[0]?.[0]).toBe('re-enter-credentials')
    expect(onAction.mock.calls[0]?.[1]).toMatchObject({ kind: 'invalid-credentials' })

    const failure = events.find(({ event }) => event.type === 'job-failed')
    expect(failure?.level).toBe('error')
    expect(failure?.event).toMatchObject({
      userId: harness.userId,
      jobId,
      step: 'verify-credentials',
      code: 'invalid-credentials',
      recovery: 'invalid-credentials',
    })
    expect(failure?.event.connectionId).toMatch(/\S/)
    expect(events.filter(({ event }) => event.type === 'job-failed')).toHaveLength(1)
  })

  it('jianYang: the bank is unavailable, try again in about 10 minutes', async () => {
    const harness = createHarness()
    const jobId = harness.connect('jianYang', 'nothotdog')
    renderWithProvider(
      harness,
      <JobProgress data-testid="progress" jobId={jobId} institutionId="AU00000" />,
    )
    await advanceUntil(() => phase() === 'failed')
    const alert = screen.getByRole('alert')
    expect(
      within(alert).getByText(
        'We couldn’t reach your bank just now. Please try again in about 10 minutes.',
      ),
    ).toBeInTheDocument()
    expect(
      within(alert)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Try again later', 'Choose another bank', 'Contact support'])
    expect(within(alert).getByText(`Reference: ${jobId}`)).toBeInTheDocument()
  })

  it('a bank in a major outage is reported as down, not as a passing glitch', async () => {
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016', 'AU00620')
    renderWithProvider(
      harness,
      <JobProgress data-testid="progress" jobId={jobId} institutionId="AU00620" />,
    )
    await advanceUntil(() => phase() === 'failed')
    expect(
      within(screen.getByRole('alert')).getByText(
        'Your bank’s online service is down at the moment. Please try again later or choose another bank.',
      ),
    ).toBeInTheDocument()
  })

  it('erlich: releases, then reports the later step that needs the user', async () => {
    const harness = createHarness()
    const jobId = harness.connect('erlich', 'aviato')
    const onReleased = vi.fn<(event: JobReleasedEvent) => void>()
    const onFailed = vi.fn<(event: JobFailedEvent) => void>()
    renderWithProvider(
      harness,
      <JobProgress
        data-testid="progress"
        jobId={jobId}
        onReleased={onReleased}
        onFailed={onFailed}
      />,
    )
    await advanceUntil(() => phase() === 'released')
    expect(onReleased).toHaveBeenCalledTimes(1)
    await advanceUntil(() => phase() === 'failed', 60_000)
    const alert = screen.getByRole('alert')
    expect(within(alert).getByText(/do something in your online banking first/)).toBeInTheDocument()
    expect(
      within(alert)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Go to your online banking', 'Try again'])
    expect(stepStates()[1]).toEqual(['Retrieving your accounts Failed', 'failed'])
    expect(onFailed).toHaveBeenCalledTimes(1)
    expect(onReleased).toHaveBeenCalledTimes(1)
  })

  it('shows a paused job with a live countdown, then carries on', async () => {
    const harness = createHarness()
    harness.connect('gavinBelson', 'hooli2016')
    // The same credentials again while the first connection is in progress: Basiq pauses it.
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    renderWithProvider(
      harness,
      <JobProgress data-testid="progress" jobId={jobId} institutionId="AU00000" />,
    )
    await advanceUntil(() => phase() === 'paused')
    expect(
      screen.getByText('Your connection is paused', { ignore: LIVE_REGIONS }),
    ).toBeInTheDocument()
    const countdown = () => {
      const text = screen.getByText(/^Resuming in /).textContent ?? ''
      const [minutes, seconds] = text.replace('Resuming in ', '').split(':').map(Number)
      return (minutes ?? 0) * 60 + (seconds ?? 0)
    }
    const first = countdown()
    expect(first).toBeGreaterThan(5 * 60)
    expect(first).toBeLessThanOrEqual(6 * 60)
    await advance(10_000, 500)
    expect(countdown()).toBe(first - 10)
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    await advanceUntil(() => phase() === 'released', 8 * 60_000, 1_000)
    expect(screen.queryByText(/^Resuming in /)).not.toBeInTheDocument()
  })

  it('shows "Still trying…" while polls fail, never a failure', async () => {
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    renderWithProvider(
      harness,
      <JobProgress data-testid="progress" jobId={jobId} institutionId="AU00000" />,
    )
    await advance(2_000)
    harness.sandbox.faults.add({ kind: 'status', status: 503, path: '/jobs/*', times: 2 })
    harness.sandbox.faults.add({ kind: 'drop', path: '/jobs/*', times: 1 })
    let sawRetrying = false
    await advanceUntil(() => {
      sawRetrying ||= screen.queryByText('Still trying…') !== null
      expect(screen.queryByRole('alert')).not.toBeInTheDocument()
      return phase() === 'released' || phase() === 'complete'
    }, 60_000)
    expect(sawRetrying).toBe(true)
    expect(screen.queryByText('Still trying…')).not.toBeInTheDocument()
  })

  it('offers "Try again" after a timeout, which resumes polling', async () => {
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    harness.sandbox.faults.add({ kind: 'drop', path: '/jobs/*', times: 1_000 })
    const onAction = vi.fn<(action: RecoveryAction, recovery: Recovery) => void>()
    renderWithProvider(
      harness,
      <JobProgress
        data-testid="progress"
        jobId={jobId}
        institutionId="AU00000"
        onAction={onAction}
      />,
      { pollSchedule: { timeoutMs: 20_000 } },
    )
    await advanceUntil(() => screen.queryByRole('alert') !== null, 60_000)
    expect(screen.getByText(/taking much longer than it should/)).toBeInTheDocument()
    harness.sandbox.faults.clear()
    await setupUser().click(screen.getByRole('button', { name: 'Try again' }))
    expect(onAction.mock.calls[0]?.[0]).toBe('retry')
    await advanceUntil(() => phase() === 'released' || phase() === 'complete')
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
  })

  it('Pied Piper: the MFA form sits under the phase line, which names it, said once', async () => {
    const harness = createHarness({ speed: 8 })
    const jobId = harness.connect('jared', 'django', 'AU00002')
    renderWithProvider(
      harness,
      <JobProgress data-testid="progress" jobId={jobId} institutionId="AU00002" />,
    )
    await advanceUntil(() => phase() === 'mfa-required')
    const form = await screen.findByRole('form', { name: 'Your bank needs to confirm it’s you' })
    expect(within(form).getByLabelText('OTP Password')).toBeInTheDocument()
    // The title is on screen once (the phase line), not again as the form's legend.
    expect(within(progress()).getAllByText('Your bank needs to confirm it’s you')).toHaveLength(1)
  })

  it('shows steps it does not know with a readable title instead of crashing', async () => {
    const harness = createHarness()
    harness.server.use(
      http.get(`${SANDBOX_URL}/jobs/custom-job`, () =>
        HttpResponse.json({
          type: 'job',
          id: 'custom-job',
          created: new Date().toISOString(),
          updated: new Date().toISOString(),
          steps: [
            { title: 'verify-credentials', status: 'in-progress', result: null },
            { title: 'retrieve-widgets', status: 'queued', result: null },
          ],
          links: { self: `${SANDBOX_URL}/jobs/custom-job` },
        }),
      ),
    )
    renderWithProvider(harness, <JobProgress data-testid="progress" jobId="custom-job" />)
    await advanceUntil(() => stepStates().length === 2)
    expect(stepStates()).toEqual([
      ['Verifying your login details In progress', 'in-progress'],
      ['Retrieve widgets Waiting', 'pending'],
    ])
  })

  it('narrates step changes politely, at most once per interval, the latest winning', async () => {
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    renderWithProvider(
      harness,
      <JobProgress
        data-testid="progress"
        jobId={jobId}
        institutionId="AU00000"
        announceIntervalMs={10_000}
      />,
    )
    const region = screen.getByRole('status')
    expect(region).toHaveAttribute('aria-live', 'polite')
    const heard: Array<{ text: string; at: number }> = []
    const listen = () => {
      const text = region.textContent ?? ''
      if (text !== '' && heard.at(-1)?.text !== text) heard.push({ text, at: Date.now() })
    }
    const seenStates = new Set<string>()
    await advanceUntil(() => {
      listen()
      const current = stepStates()[0]
      if (current) seenStates.add(current[1] ?? '')
      return phase() === 'complete'
    }, 60_000)
    await advance(10_000)
    listen()

    // The verify step was seen in progress, but a newer change (the release) replaced that
    // announcement before its turn came.
    expect(seenStates).toContain('in-progress')
    expect(heard.map((entry) => entry.text)).toEqual([
      'Verifying your login details: waiting',
      'You’re connected. We’re still fetching your data in the background.',
      'All done: your accounts are connected',
    ])
    for (let index = 1; index < heard.length; index += 1) {
      expect(heard[index]!.at - heard[index - 1]!.at).toBeGreaterThanOrEqual(10_000)
    }
  })
})
