import { QueryClient } from '@tanstack/react-query'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createRef } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Recovery, RecoveryAction } from '@bankconnect/core'
import type { JobReleasedEvent } from './use-job.ts'
import {
  advance,
  advanceUntil,
  closeHarnesses,
  createHarness,
  createRecordingLogger,
  renderWithProvider,
  useVirtualTime,
} from '../test/sandbox-harness.tsx'
import type { Harness } from '../test/sandbox-harness.tsx'
import { LIVE_REGIONS } from '../test/queries.ts'
import { JobProgress } from './job-progress.tsx'
import { MfaForm } from './mfa-form.tsx'

beforeEach(() => {
  useVirtualTime()
})

afterEach(() => {
  closeHarnesses()
  vi.useRealTimers()
})

// Pied Piper always asks for MFA.
const PIED_PIPER = 'AU00002'

function progressState(): string | null {
  return screen.getByTestId('progress').getAttribute('data-state')
}

function mfaPosts(harness: Harness, jobId: string) {
  return harness.requests.filter((request) => request.path === `/jobs/${jobId}/mfa`)
}

function setupUser() {
  return userEvent.setup({ delay: null })
}

describe('MfaForm', () => {
  it('takes a one-time code from the keyboard, says "Checking…", then the job releases', async () => {
    const harness = createHarness()
    const jobId = harness.connect('jared', 'django', PIED_PIPER)
    const onReleased = vi.fn<(event: JobReleasedEvent) => void>()
    const queryClient = new QueryClient()
    const { events, logger } = createRecordingLogger()
    renderWithProvider(
      harness,
      <JobProgress
        data-testid="progress"
        jobId={jobId}
        institutionId={PIED_PIPER}
        onReleased={onReleased}
      />,
      { logger, queryClient },
    )
    await advanceUntil(() => screen.queryByRole('textbox', { name: 'OTP Password' }) !== null)
    expect(progressState()).toBe('mfa-required')
    const field = screen.getByRole('textbox', { name: 'OTP Password' })
    expect(field).toHaveFocus()
    expect(field).toHaveAttribute('autocomplete', 'one-time-code')
    expect(field).toHaveAttribute('inputmode', 'numeric')
    expect(
      screen.getByRole('form', { name: 'Your bank needs to confirm it’s you' }),
    ).toBeInTheDocument()
    expect(screen.getByText(/^Code expires in (01:[45]\d|02:00)$/)).toBeInTheDocument()

    const user = setupUser()
    await user.keyboard('1234{Enter}')
    await advance(100)
    expect(mfaPosts(harness, jobId)).toHaveLength(1)
    expect(screen.getByText('Checking…')).toBeInTheDocument()
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument()

    await advanceUntil(() => progressState() === 'released')
    expect(onReleased).toHaveBeenCalledTimes(1)
    expect(screen.queryByText('Checking…')).not.toBeInTheDocument()
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    // The answer is kept nowhere: not in the mutation cache, not in a log line.
    expect(queryClient.getMutationCache().getAll()).toHaveLength(0)
    expect(JSON.stringify(events)).not.toContain('1234')
  })

  it('says clearly when the bank refuses the answer, with what to do next', async () => {
    const harness = createHarness()
    const jobId = harness.connect('jared', 'django', PIED_PIPER)
    const onAction = vi.fn<(action: RecoveryAction, recovery: Recovery) => void>()
    renderWithProvider(
      harness,
      <JobProgress
        data-testid="progress"
        jobId={jobId}
        institutionId={PIED_PIPER}
        onAction={onAction}
      />,
    )
    await advanceUntil(() => screen.queryByRole('textbox', { name: 'OTP Password' }) !== null)
    const user = setupUser()
    await user.type(screen.getByRole('textbox', { name: 'OTP Password' }), '9999')
    await user.click(screen.getByRole('button', { name: 'Continue' }))
    await advanceUntil(() => progressState() === 'failed')
    const alert = screen.getByRole('alert')
    expect(
      within(alert).getByText(
        'Your bank didn’t accept that answer. Please start again and check the code or answers.',
      ),
    ).toBeInTheDocument()
    expect(
      within(alert).getByText('The multi-factor authentication response was not accepted.'),
    ).toBeInTheDocument()
    await user.click(within(alert).getByRole('button', { name: 'Re-enter your login details' }))
    expect(onAction).toHaveBeenCalledWith(
      're-enter-credentials',
      expect.objectContaining({ kind: 'mfa-failed' }),
    )
  })

  it('asks each security question in its own labelled field and checks them before sending', async () => {
    const harness = createHarness()
    const jobId = harness.connect('Whistler', 'ShowBox', PIED_PIPER)
    renderWithProvider(
      harness,
      <JobProgress data-testid="progress" jobId={jobId} institutionId={PIED_PIPER} />,
    )
    await advanceUntil(() => screen.queryAllByRole('textbox').length > 0)
    const first = screen.getByRole('textbox', { name: "What's your favourite company?" })
    const second = screen.getByRole('textbox', { name: "What's the ID of this institution?" })
    expect(first).toHaveFocus()
    expect(first).toHaveAttribute('autocomplete', 'off')

    const user = setupUser()
    await user.type(first, 'Basiq')
    await user.keyboard('{Enter}')
    expect(mfaPosts(harness, jobId)).toHaveLength(0)
    expect(second).toHaveAttribute('aria-invalid', 'true')
    expect(second).toHaveAccessibleDescription(
      expect.stringContaining("Enter What's the ID of this institution?"),
    )
    expect(first).not.toHaveAttribute('aria-invalid')
    expect(second).toHaveFocus()

    await user.type(second, 'AU00000')
    await user.tab()
    expect(screen.getByRole('button', { name: 'Continue' })).toHaveFocus()
    await user.keyboard('{Enter}')
    await advanceUntil(() => progressState() === 'released')
    expect(mfaPosts(harness, jobId)).toHaveLength(1)
  }, 10_000)

  it('counts down the challenge and disables sending once the code expired', async () => {
    const harness = createHarness()
    const jobId = harness.connect('jared', 'django', PIED_PIPER)
    renderWithProvider(
      harness,
      <JobProgress data-testid="progress" jobId={jobId} institutionId={PIED_PIPER} />,
    )
    await advanceUntil(() => screen.queryByRole('textbox', { name: 'OTP Password' }) !== null)
    const seconds = () => {
      const text = screen.getByText(/^Code expires in /).textContent ?? ''
      const [minutes, rest] = text.replace('Code expires in ', '').split(':').map(Number)
      return (minutes ?? 0) * 60 + (rest ?? 0)
    }
    const start = seconds()
    await advance(30_000, 500)
    expect(seconds()).toBe(start - 30)
    await advanceUntil(() => screen.queryByText('Code expired') !== null, 130_000)
    expect(screen.getByRole('button', { name: 'Continue' })).toBeDisabled()
    expect(mfaPosts(harness, jobId)).toHaveLength(0)
    // Basiq then fails the step; the failure view says what happened.
    await advanceUntil(() => progressState() === 'failed', 30_000)
    expect(
      screen.getByText(
        'The time to answer your bank’s security check ran out. Please start again.',
        {
          ignore: LIVE_REGIONS,
        },
      ),
    ).toBeInTheDocument()
  })

  it('stands alone: merges props, forwards the ref, and lets the caller cancel the submit', async () => {
    const harness = createHarness()
    const jobId = harness.connect('richard', 'tabsnotspaces', PIED_PIPER)
    const ref = createRef<HTMLFormElement>()
    const onSubmitted = vi.fn<(event: { jobId: string }) => void>()
    let cancel = true
    const { rerender } = renderWithProvider(
      harness,
      <MfaForm
        jobId={jobId}
        ref={ref}
        className="otp"
        onSubmitted={onSubmitted}
        onSubmit={(event) => {
          if (cancel) event.preventDefault()
        }}
      />,
    )
    await advanceUntil(() => screen.queryByRole('textbox') !== null, 60_000)
    const form = screen.getByRole('form')
    expect(ref.current).toBe(form)
    expect(form).toHaveClass('otp')
    expect(form).toHaveAttribute('data-state', 'idle')
    const user = setupUser()
    await user.type(screen.getByRole('textbox', { name: 'OTP Password' }), '1234')
    await user.keyboard('{Enter}')
    await advance(500)
    expect(mfaPosts(harness, jobId)).toHaveLength(0)

    cancel = false
    rerender(<MfaForm jobId={jobId} ref={ref} className="otp" onSubmitted={onSubmitted} />)
    await user.click(screen.getByRole('button', { name: 'Continue' }))
    await advance(100)
    expect(onSubmitted).toHaveBeenCalledWith({ jobId })
    expect(screen.getByRole('form')).toHaveAttribute('data-state', 'checking')
    await advanceUntil(() => screen.queryByRole('form') === null)
    expect(mfaPosts(harness, jobId)).toHaveLength(1)
  })
})
