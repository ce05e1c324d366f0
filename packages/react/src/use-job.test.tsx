import { screen } from '@testing-library/react'
import { useEffect } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import type { JobRegistry } from './job-registry.ts'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobCompleteEvent, JobFailedEvent, JobReleasedEvent } from './use-job.ts'
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
import { useJob } from './use-job.ts'
import type { UseJobOptions } from './use-job.ts'

let harness: Harness

beforeEach(() => {
  useVirtualTime()
})

afterEach(() => {
  closeHarnesses()
  vi.useRealTimers()
})

/** Shows what a screen built on useJob would show. */
function Watcher(props: { jobId: string | undefined; name?: string } & UseJobOptions) {
  const { jobId, name = 'job', ...options } = props
  const job = useJob(jobId, options)
  return (
    <section aria-label={name}>
      <p>phase: {job.phase}</p>
      <p>connection: {job.connectionId ?? 'unknown'}</p>
      <p>
        recovery:{' '}
        {job.recovery
          ? `${job.recovery.kind}${job.recovery.transient ? ' (transient)' : ''}`
          : 'none'}
      </p>
      <p>steps: {job.steps.map((step) => `${step.title}=${step.status}`).join(', ')}</p>
    </section>
  )
}

/** Hands the provider's job registry to a test, as the credentials form reaches it. */
function ProviderRegistry(props: { onRegistry: (registry: JobRegistry) => void }) {
  const { onRegistry } = props
  const { registry } = useBankConnect()
  useEffect(() => {
    onRegistry(registry)
  }, [onRegistry, registry])
  return null
}

function phaseShown(name = 'job'): string {
  const text = screen.getByRole('region', { name }).querySelector('p')?.textContent ?? ''
  return text.replace('phase: ', '')
}

describe('useJob against the sandbox', () => {
  it('releases once on the happy path, under StrictMode and across remounts, then completes', async () => {
    harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const onReleased = vi.fn<(event: JobReleasedEvent) => void>()
    const onComplete = vi.fn<(event: JobCompleteEvent) => void>()
    const onFailed = vi.fn<(event: JobFailedEvent) => void>()
    const phases: string[] = []
    const { rerender } = renderWithProvider(
      harness,
      <Watcher
        jobId={jobId}
        institutionId="AU00000"
        onReleased={onReleased}
        onComplete={onComplete}
        onFailed={onFailed}
      />,
    )
    const record = () => {
      const phase = phaseShown()
      if (phases.at(-1) !== phase) phases.push(phase)
      return phase
    }
    await advanceUntil(() => record() === 'released')
    expect(onReleased).toHaveBeenCalledTimes(1)
    const event = onReleased.mock.calls[0]?.[0]
    expect(event?.jobId).toBe(jobId)
    expect(event?.connectionId).toMatch(/\S/)
    expect(screen.getByText(`connection: ${event?.connectionId}`)).toBeInTheDocument()

    // The watcher goes away and comes back (a route change): no second notification.
    rerender(<p>elsewhere</p>)
    await advance(1_000)
    rerender(
      <Watcher
        jobId={jobId}
        institutionId="AU00000"
        onReleased={onReleased}
        onComplete={onComplete}
        onFailed={onFailed}
      />,
    )
    await advanceUntil(() => record() === 'complete')
    expect(onReleased).toHaveBeenCalledTimes(1)
    expect(onComplete).toHaveBeenCalledTimes(1)
    expect(onFailed).not.toHaveBeenCalled()
    expect(phases[0]).toBe('pending')
    expect(phases).toContain('released')
    expect(phases.at(-1)).toBe('complete')
    expect(phases.indexOf('released')).toBeLessThan(phases.indexOf('complete'))

    // Complete is terminal: no more polling.
    const polls = harness.jobPolls(jobId).length
    await advance(60_000, 1_000)
    expect(harness.jobPolls(jobId).length).toBe(polls)
  })

  it('asks nothing about a job it just created until success becomes plausible', async () => {
    harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const createdAt = Date.now()
    let registry: JobRegistry | undefined
    const { rerender } = renderWithProvider(
      harness,
      <ProviderRegistry
        onRegistry={(found) => {
          registry = found
        }}
      />,
    )
    // What the credentials form and the control wrapper do when Basiq answers the POST.
    expect(registry).toBeDefined()
    registry?.noteCreated(jobId, { at: createdAt, institutionId: 'AU00000' })
    rerender(<Watcher jobId={jobId} institutionId="AU00000" />)
    // Hooli verifies in about 8 s: the schedule's first look is at about half of that.
    await advance(3_500)
    expect(harness.jobPolls(jobId)).toHaveLength(0)
    await advanceUntil(() => harness.jobPolls(jobId).length > 0)
    expect(harness.jobPolls(jobId)[0]!.at - createdAt).toBeGreaterThanOrEqual(3_500)
    await advanceUntil(() => phaseShown() === 'released')
  })

  it('times the first look at a job it just created from its bank’s statistics, fetched first', async () => {
    // Eight times Basiq's pace: Hooli verifies in about 1 s, so the first look is at about 0.5 s.
    harness = createHarness({ speed: 8 })
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const createdAt = Date.now()
    let registry: JobRegistry | undefined
    const { rerender } = renderWithProvider(
      harness,
      <ProviderRegistry
        onRegistry={(found) => {
          registry = found
        }}
      />,
    )
    // The flow knows the bank, but no watcher has fetched its statistics yet.
    registry?.noteCreated(jobId, { at: createdAt, institutionId: 'AU00000' })
    rerender(<Watcher jobId={jobId} />)
    await advanceUntil(() => harness.jobPolls(jobId).length > 0)
    const first = harness.jobPolls(jobId)[0]!.at - createdAt
    // Not the 4 s of the default's guess (8 s, for a bank without statistics).
    expect(first).toBeGreaterThanOrEqual(400)
    expect(first).toBeLessThan(1_000)
    const institutionFetch = harness.requests.find((r) => r.path === '/institutions/AU00000')
    expect(institutionFetch!.at).toBeLessThanOrEqual(harness.jobPolls(jobId)[0]!.at)
  })

  it('paces a job heard of without its bank by that bank’s statistics once the first answer names it', async () => {
    // A sandbox eight times Basiq's pace serves Hooli's averages divided by eight (about 1 s).
    harness = createHarness({ speed: 8 })
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const start = Date.now()
    // No institutionId, no noteCreated: what a consent return or a reload hands useJob.
    renderWithProvider(harness, <Watcher jobId={jobId} />)
    await advanceUntil(() => phaseShown() === 'released' || phaseShown() === 'complete')
    // Fetched at once (its age is unknown), then polled as Hooli's ~1 s average asks, not as the
    // 8 s default for a bank without statistics would (a first look at 4 s).
    expect(harness.jobPolls(jobId)[0]!.at - start).toBeLessThan(100)
    expect(Date.now() - start).toBeLessThan(2_500)
    // The bank came from one look at the job's connection, right after the first answer.
    const lookups = harness.requests.filter((r) => r.path.includes('/connections/'))
    expect(lookups[0]!.at - start).toBeLessThan(100)
  })

  it('calls the latest callbacks, not the ones of the first render', async () => {
    harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const first = vi.fn<(event: JobReleasedEvent) => void>()
    const latest = vi.fn<(event: JobReleasedEvent) => void>()
    const { rerender } = renderWithProvider(harness, <Watcher jobId={jobId} onReleased={first} />)
    await advance(1_000)
    rerender(<Watcher jobId={jobId} onReleased={latest} />)
    await advanceUntil(() => phaseShown() === 'released')
    expect(first).not.toHaveBeenCalled()
    expect(latest).toHaveBeenCalledTimes(1)
  })

  it('waits as long as a 429 Retry-After asks before polling again', async () => {
    harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    harness.sandbox.faults.add({ kind: 'rate-limit', path: '/jobs/*', retryAfterSeconds: 10 })
    const onFailed = vi.fn<(event: JobFailedEvent) => void>()
    renderWithProvider(
      harness,
      <Watcher jobId={jobId} institutionId="AU00000" onFailed={onFailed} />,
    )
    await advanceUntil(
      () => harness.jobPolls(jobId).length === 1 && screen.queryByText(/rate-limited/) !== null,
    )
    expect(screen.getByText('recovery: rate-limited (transient)')).toBeInTheDocument()
    const [limited] = harness.jobPolls(jobId)
    expect(limited?.status).toBe(429)

    await advance(limited!.at + 9_900 - Date.now())
    expect(harness.jobPolls(jobId)).toHaveLength(1)
    await advanceUntil(() => phaseShown() === 'released')
    expect(harness.jobPolls(jobId)[1]!.at - limited!.at).toBeGreaterThanOrEqual(10_000)
    expect(onFailed).not.toHaveBeenCalled()
  })

  it('rides out a 5xx burst and dropped connections without reporting a failure', async () => {
    harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const onFailed = vi.fn<(event: JobFailedEvent) => void>()
    const onReleased = vi.fn<(event: JobReleasedEvent) => void>()
    const { events, logger } = createRecordingLogger()
    renderWithProvider(
      harness,
      <Watcher jobId={jobId} institutionId="AU00000" onFailed={onFailed} onReleased={onReleased} />,
      { logger },
    )
    await advance(3_000)
    harness.sandbox.faults.add({ kind: 'status', status: 503, path: '/jobs/*', times: 3 })
    harness.sandbox.faults.add({ kind: 'status', status: 500, path: '/jobs/*', times: 1 })
    harness.sandbox.faults.add({ kind: 'drop', path: '/jobs/*', times: 2 })
    const recoveries = new Set<string>()
    await advanceUntil(() => {
      const shown = screen.getByText(/^recovery:/).textContent ?? ''
      recoveries.add(shown)
      return phaseShown() === 'released' || phaseShown() === 'complete'
    })
    // Only "still trying" was ever shown, never a failure.
    expect([...recoveries].sort()).toEqual(['recovery: none', 'recovery: transport (transient)'])
    expect(harness.jobPolls(jobId).filter((poll) => poll.status === 503)).toHaveLength(3)
    expect(harness.jobPolls(jobId).filter((poll) => poll.status === 0)).toHaveLength(2)
    expect(onFailed).not.toHaveBeenCalled()
    expect(onReleased).toHaveBeenCalledTimes(1)

    const failedPolls = events.filter(({ event }) => event.type === 'poll-failed')
    expect(failedPolls).toHaveLength(6)
    expect(failedPolls.every(({ level }) => level === 'warn')).toBe(true)
    const serverErrors = failedPolls.filter(({ event }) => event.code === 'service-unavailable')
    expect(serverErrors).toHaveLength(3)
    for (const { event } of serverErrors) {
      expect(event).toMatchObject({ jobId, userId: harness.userId, recovery: 'transport' })
      expect(event.correlationId).toMatch(/^[0-9a-f-]{36}$/)
    }
    expect(events.some(({ event }) => event.type === 'poll-recovered')).toBe(true)
    expect(events.some(({ level }) => level === 'error')).toBe(false)
  })

  it('refreshes a token that expired mid-poll and keeps polling', async () => {
    // The token endpoint promises an hour, but Basiq expires the token after 3 s: the kit only
    // finds out from Basiq's 403 "Token has expired".
    harness = createHarness({ tokenTtlSeconds: 3, announcedTokenTtlSeconds: 3600 })
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const onFailed = vi.fn<(event: JobFailedEvent) => void>()
    renderWithProvider(
      harness,
      <Watcher jobId={jobId} institutionId="AU00000" onFailed={onFailed} />,
    )
    await advanceUntil(() => phaseShown() === 'released')
    expect(harness.jobPolls(jobId).some((poll) => poll.status === 403)).toBe(true)
    expect(harness.tokenRequests().length).toBeGreaterThanOrEqual(2)
    expect(onFailed).not.toHaveBeenCalled()
    expect(screen.getByText('recovery: none')).toBeInTheDocument()
  })

  it('stops all requests when the last watcher unmounts', async () => {
    harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const { rerender } = renderWithProvider(
      harness,
      <Watcher jobId={jobId} institutionId="AU00000" />,
    )
    await advance(5_000)
    expect(phaseShown()).toBe('verifying')
    const sent = harness.requests.length
    expect(harness.jobPolls(jobId).length).toBeGreaterThan(1)
    rerender(<p>another screen</p>)
    await advance(120_000, 1_000)
    expect(harness.requests.length).toBe(sent)
  })

  it('sends one request per poll however many components watch the job', async () => {
    const offsets = async (watchers: number): Promise<number[]> => {
      harness = createHarness({ seed: 5 })
      const jobId = harness.connect('gavinBelson', 'hooli2016')
      const start = Date.now()
      const { unmount } = renderWithProvider(
        harness,
        <>
          {Array.from({ length: watchers }, (_, index) => (
            <Watcher key={index} name={`watcher ${index}`} jobId={jobId} institutionId="AU00000" />
          ))}
        </>,
        { strict: false },
      )
      await advanceUntil(() => phaseShown('watcher 0') === 'complete')
      for (let index = 0; index < watchers; index += 1) {
        expect(phaseShown(`watcher ${index}`)).toBe('complete')
      }
      expect(harness.maxInFlight.get(`/jobs/${jobId}`)).toBe(1)
      const times = harness.jobPolls(jobId).map((poll) => poll.at - start)
      unmount()
      harness.close()
      return times
    }
    const alone = await offsets(1)
    const together = await offsets(3)
    expect(alone.length).toBeGreaterThan(3)
    expect(together).toEqual(alone)
  })

  it('gives up at the time limit with a timeout recovery, and retry() resumes polling', async () => {
    harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    harness.sandbox.faults.add({ kind: 'status', status: 502, path: '/jobs/*', times: 1_000 })
    const onFailed = vi.fn<(event: JobFailedEvent) => void>()
    const { events, logger } = createRecordingLogger()
    function Retrying() {
      const job = useJob(jobId, { institutionId: 'AU00000', onFailed })
      return (
        <>
          <Watcher jobId={jobId} institutionId="AU00000" />
          <button type="button" onClick={job.retry}>
            Try again
          </button>
        </>
      )
    }
    renderWithProvider(harness, <Retrying />, { logger, pollSchedule: { timeoutMs: 30_000 } })
    await advanceUntil(() => screen.queryByText('recovery: timeout') !== null, 60_000)
    expect(onFailed).toHaveBeenCalledTimes(1)
    expect(onFailed.mock.calls[0]?.[0].recovery.kind).toBe('timeout')
    const timedOut = events.find(({ event }) => event.type === 'job-timed-out')
    expect(timedOut).toMatchObject({ level: 'error', event: { jobId, userId: harness.userId } })
    const sent = harness.jobPolls(jobId).length
    await advance(60_000, 1_000)
    expect(harness.jobPolls(jobId).length).toBe(sent)

    harness.sandbox.faults.clear()
    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'Try again' }))
    // The job finished at Basiq while the kit was not looking: one poll shows it.
    await advanceUntil(() => phaseShown() === 'complete', 10_000)
    expect(harness.jobPolls(jobId).length).toBeGreaterThan(sent)
    expect(onFailed).toHaveBeenCalledTimes(1)
  })

  it('waits without requests while it has no job id', async () => {
    harness = createHarness()
    renderWithProvider(harness, <Watcher jobId={undefined} />)
    await advance(10_000, 1_000)
    expect(harness.requests).toHaveLength(0)
    expect(phaseShown()).toBe('pending')
  })

  it('reports a job id Basiq does not know as a failure, not a crash', async () => {
    harness = createHarness()
    const onFailed = vi.fn<(event: JobFailedEvent) => void>()
    renderWithProvider(harness, <Watcher jobId="no-such-job" onFailed={onFailed} />)
    await advanceUntil(() => phaseShown() === 'failed')
    expect(screen.getByText('recovery: unknown')).toBeInTheDocument()
    expect(onFailed).toHaveBeenCalledTimes(1)
    const sent = harness.jobPolls('no-such-job').length
    await advance(30_000, 1_000)
    expect(harness.jobPolls('no-such-job').length).toBe(sent)
  })
})
