import { screen } from '@testing-library/react'
import { HttpResponse, http } from 'msw'
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
import { AppServerError, useUserJobs } from './use-user-jobs.ts'
import type { UseUserJobsOptions } from './use-user-jobs.ts'

let harness: Harness

beforeEach(() => {
  useVirtualTime()
})

afterEach(() => {
  closeHarnesses()
  vi.useRealTimers()
})

function Jobs(options: UseUserJobsOptions) {
  const result = useUserJobs(options)
  return (
    <section aria-label="jobs">
      <p>status: {result.status}</p>
      <p>jobs: {result.jobs.map((job) => job.steps.map((s) => s.status).join('/')).join(', ')}</p>
      <p>connections: {result.connections.map((c) => `${c.id}=${c.status}`).join(', ')}</p>
      <p>
        error:{' '}
        {result.error instanceof AppServerError
          ? `${result.error.status} ${result.error.code}`
          : 'none'}
      </p>
    </section>
  )
}

const text = (prefix: string) => screen.getByText(new RegExp(`^${prefix}:`)).textContent ?? ''
const providerOptions = { userJobsUrl: USER_JOBS_URL, refreshUrl: REFRESH_URL }

async function connected(loginId: string, password: string): Promise<string> {
  const jobId = harness.connect(loginId, password)
  await advance(60_000, 5_000)
  const job = harness.sandbox.engine.getJob(jobId) as { links?: { source?: string } }
  return String(job.links?.source).split('/').pop() ?? ''
}

describe('useUserJobs', () => {
  it("reads the signed-in user's jobs and connections from the app server", async () => {
    harness = createHarness()
    const server = mountAppServer(harness)
    const first = await connected('gavinBelson', 'hooli2016')
    const second = await connected('Whistler', 'ShowBox')
    harness.sandbox.breakConnection(second, { mode: 'invalidate' })
    renderWithProvider(harness, <Jobs />, providerOptions)
    await advanceUntil(() => text('status') === 'status: success')
    expect(text('jobs')).toBe(
      'jobs: failed/pending/pending, success/success/success, success/success/success',
    )
    expect(text('connections')).toContain(`${first}=active`)
    expect(text('connections')).toContain(`${second}=invalid`)
    window.dispatchEvent(new Event('focus'))
    await advance(5 * 60_000, 60_000)
    expect(server.userJobsRequests()).toBe(1)
  })

  it('narrows to one connection', async () => {
    harness = createHarness()
    mountAppServer(harness)
    await connected('gavinBelson', 'hooli2016')
    const second = await connected('Whistler', 'ShowBox')
    renderWithProvider(harness, <Jobs connectionId={second} />, providerOptions)
    await advanceUntil(() => text('status') === 'status: success')
    expect(text('connections')).toBe(`connections: ${second}=active`)
    expect(text('jobs')).toBe('jobs: success/success/success')
  })

  it('a refused or malformed answer is an error, never a crash', async () => {
    harness = createHarness()
    const server = mountAppServer(harness)
    server.signedIn.userId = null
    const { unmount } = renderWithProvider(harness, <Jobs />, providerOptions)
    await advanceUntil(() => text('status') === 'status: error')
    expect(text('error')).toBe('error: 401 unauthorized')
    unmount()

    harness.server.use(http.get(USER_JOBS_URL, () => HttpResponse.json({ jobs: 'nope' })))
    renderWithProvider(harness, <Jobs />, providerOptions)
    await advanceUntil(() => text('status') === 'status: error')
    expect(text('error')).toBe('error: 200 invalid-response')
  })
})
