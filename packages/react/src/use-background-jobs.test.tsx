import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  advance,
  advanceUntil,
  closeHarnesses,
  createHarness,
  renderWithProvider,
  useVirtualTime,
} from '../test/sandbox-harness.tsx'
import { BACKGROUND_JOBS_STORAGE_KEY } from './background-jobs-store.ts'
import { JobProgress } from './job-progress.tsx'
import { useBackgroundJobs } from './use-background-jobs.ts'

beforeEach(() => {
  useVirtualTime()
})

afterEach(() => {
  closeHarnesses()
  vi.useRealTimers()
})

/** What a later onboarding screen would show. */
function SyncBanner() {
  const background = useBackgroundJobs()
  return (
    <aside aria-label="Bank sync" data-state={background.summary}>
      <p>{background.message}</p>
      <ul>
        {background.jobs.map((job) => (
          <li key={job.jobId}>
            {job.phase}
            {job.recovery ? ` ${job.recovery.kind}` : ''}
            <button type="button" onClick={() => background.dismiss(job.jobId)}>
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </aside>
  )
}

function summary(): string | null {
  return screen.getByRole('complementary', { name: 'Bank sync' }).getAttribute('data-state')
}

function storedValue(userId: string): unknown {
  const text = sessionStorage.getItem(`${BACKGROUND_JOBS_STORAGE_KEY}:${userId}`)
  return text === null ? null : JSON.parse(text)
}

describe('useBackgroundJobs', () => {
  it('follows a released job after its screen is gone and counts the accounts it brought', async () => {
    const harness = createHarness()
    // Wentworth-Smith holds four accounts: transaction, savings, mortgage and credit card.
    const jobId = harness.connect('Wentworth-Smith', 'whislter')
    const { rerender } = renderWithProvider(
      harness,
      <>
        <JobProgress jobId={jobId} institutionId="AU00000" data-testid="progress" />
        <SyncBanner />
      </>,
    )
    expect(summary()).toBe('idle')
    await advanceUntil(
      () => screen.getByTestId('progress').getAttribute('data-state') === 'released',
    )
    // The user moves on to the next onboarding screen.
    rerender(<SyncBanner />)
    await advance(100)
    expect(summary()).toBe('syncing')
    expect(screen.getByText('Syncing your accounts…')).toBeInTheDocument()
    await advanceUntil(() => summary() === 'ready', 120_000)
    expect(screen.getByText('4 accounts ready')).toBeInTheDocument()
  })

  it('resumes after a reload from session storage, which holds job ids and times only', async () => {
    const harness = createHarness()
    const jobId = harness.connect('Wentworth-Smith', 'whislter')
    const first = renderWithProvider(
      harness,
      <JobProgress jobId={jobId} institutionId="AU00000" data-testid="progress" />,
    )
    await advanceUntil(
      () => screen.getByTestId('progress').getAttribute('data-state') === 'released',
    )
    first.unmount()

    const stored = storedValue(harness.userId)
    expect(Array.isArray(stored)).toBe(true)
    expect(stored).toHaveLength(1)
    const [entry] = stored as Array<Record<string, unknown>>
    expect(Object.keys(entry ?? {}).sort()).toEqual(['jobId', 'releasedAt'])
    expect(entry?.jobId).toBe(jobId)
    expect(typeof entry?.releasedAt).toBe('number')

    const before = harness.jobPolls(jobId).length
    // A new page load: a new provider over the same session storage.
    renderWithProvider(harness, <SyncBanner />)
    await advanceUntil(() => summary() === 'ready', 120_000)
    expect(harness.jobPolls(jobId).length).toBeGreaterThan(before)
    expect(screen.getByText('4 accounts ready')).toBeInTheDocument()
  })

  it('erlich: after the release, a later failure needs the user’s attention', async () => {
    const harness = createHarness()
    const jobId = harness.connect('erlich', 'aviato')
    const { rerender } = renderWithProvider(
      harness,
      <JobProgress jobId={jobId} data-testid="progress" />,
    )
    await advanceUntil(
      () => screen.getByTestId('progress').getAttribute('data-state') === 'released',
    )
    rerender(<SyncBanner />)
    await advanceUntil(() => summary() === 'attention', 120_000)
    expect(screen.getByText('Something needs your attention')).toBeInTheDocument()
    expect(screen.getByRole('listitem')).toHaveTextContent('failed user-action-required')

    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(summary()).toBe('idle')
    expect(storedValue(harness.userId)).toBeNull()
  })

  it('stops following jobs when the provider unmounts', async () => {
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const { rerender, unmount } = renderWithProvider(
      harness,
      <JobProgress jobId={jobId} institutionId="AU00000" data-testid="progress" />,
    )
    await advanceUntil(
      () => screen.getByTestId('progress').getAttribute('data-state') === 'released',
    )
    rerender(<p>next screen</p>)
    await advance(5_000)
    unmount()
    const sent = harness.requests.length
    await advance(120_000, 1_000)
    expect(harness.requests.length).toBe(sent)
  })

  it('keeps each provider’s jobs to itself', async () => {
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    renderWithProvider(
      harness,
      <JobProgress jobId={jobId} institutionId="AU00000" data-testid="progress" />,
      { backgroundStorage: null },
    )
    renderWithProvider(harness, <SyncBanner />, { backgroundStorage: null })
    await advanceUntil(
      () => screen.getByTestId('progress').getAttribute('data-state') === 'released',
    )
    await advance(1_000)
    expect(summary()).toBe('idle')
    expect(storedValue(harness.userId)).toBeNull()
  })
})
