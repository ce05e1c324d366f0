import { screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  advance,
  advanceUntil,
  closeHarnesses,
  createHarness,
  renderWithProvider,
  useVirtualTime,
} from '../test/sandbox-harness.tsx'
import type { Harness } from '../test/sandbox-harness.tsx'
import {
  CONSENT_STATE_STORAGE_KEY,
  prepareConsentUrl,
  useConsentRedirect,
} from './use-consent-redirect.ts'
import type { ConsentReturnedEvent, UseConsentRedirectOptions } from './use-consent-redirect.ts'
import { useJob } from './use-job.ts'
import type { ConsentReturnError } from '@bankconnect/core'

let harness: Harness

beforeEach(() => {
  useVirtualTime()
  harness = createHarness({ speed: 4 })
})

afterEach(() => {
  closeHarnesses()
  vi.useRealTimers()
  window.history.replaceState(null, '', '/')
})

function Tracked({ jobId }: { jobId: string }) {
  const job = useJob(jobId)
  return <li>{`${jobId}: ${job.phase}`}</li>
}

/** The page the Consent UI returns to: every job it reports is followed with useJob. */
function ReturnPage(props: UseConsentRedirectOptions) {
  const consent = useConsentRedirect(props)
  return (
    <main>
      <p>status: {consent.status}</p>
      {consent.error && <p role="alert">{consent.error.code}</p>}
      <ul aria-label="jobs">
        {consent.jobIds.map((jobId) => (
          <Tracked key={jobId} jobId={jobId} />
        ))}
      </ul>
    </main>
  )
}

/** What the app does before it leaves for the Consent UI; returns the state it sent. */
function leaveForConsent(): string {
  const url = new URL(
    prepareConsentUrl({ token: harness.sandbox.mintToken({ scope: 'CLIENT_ACCESS' }) }),
  )
  const state = url.searchParams.get('state') ?? ''
  expect(sessionStorage.getItem(CONSENT_STATE_STORAGE_KEY)).toBe(state)
  return state
}

describe('useConsentRedirect', () => {
  it('tracks every returned job with useJob, cleans the address once, and forgets the state', async () => {
    const state = leaveForConsent()
    const first = harness.connect('gavinBelson', 'hooli2016')
    const second = harness.connect('jared', 'django')
    window.history.replaceState(
      { app: 1 },
      '',
      `/onboarding?step=bank&jobIds=${first},%20${second},${first}&state=${state}#top`,
    )
    const onReturned = vi.fn<(event: ConsentReturnedEvent) => void>()
    renderWithProvider(harness, <ReturnPage onReturned={onReturned} />)

    expect(screen.getByText('status: returned')).toBeInTheDocument()
    expect(`${location.pathname}${location.search}${location.hash}`).toBe(
      '/onboarding?step=bank#top',
    )
    expect(window.history.state).toEqual({ app: 1 })
    expect(sessionStorage.getItem(CONSENT_STATE_STORAGE_KEY)).toBeNull()
    expect(onReturned).toHaveBeenCalledTimes(1)
    expect(onReturned.mock.calls[0]?.[0].jobIds).toEqual([first, second])

    await advanceUntil(
      () =>
        screen.queryByText(new RegExp(`${first}: (released|complete)`)) !== null &&
        screen.queryByText(new RegExp(`${second}: (released|complete|mfa-required)`)) !== null,
    )
    expect(harness.jobPolls(first).length).toBeGreaterThan(0)
    expect(harness.jobPolls(second).length).toBeGreaterThan(0)
  })

  it('refuses a return whose state is not the one sent: no job is followed, the address is cleaned', async () => {
    leaveForConsent()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    window.history.replaceState(null, '', `/onboarding?jobIds=${jobId}&state=forged`)
    const onRefused = vi.fn<(error: ConsentReturnError) => void>()
    const onReturned = vi.fn<(event: ConsentReturnedEvent) => void>()
    renderWithProvider(harness, <ReturnPage onRefused={onRefused} onReturned={onReturned} />)

    expect(screen.getByText('status: refused')).toBeInTheDocument()
    expect(screen.getByRole('alert')).toHaveTextContent('state-mismatch')
    expect(onRefused).toHaveBeenCalledTimes(1)
    expect(onReturned).not.toHaveBeenCalled()
    expect(`${location.pathname}${location.search}`).toBe('/onboarding')
    await advance(5_000)
    expect(harness.jobPolls(jobId)).toEqual([])
  })

  it('refuses job ids this tab never asked for', () => {
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    window.history.replaceState(null, '', `/onboarding?jobIds=${jobId}&state=whatever`)
    renderWithProvider(harness, <ReturnPage />)
    expect(screen.getByRole('alert')).toHaveTextContent('unexpected-return')
  })

  it('takes an expected state from the caller, and leaves an ordinary page alone', () => {
    window.history.replaceState(null, '', '/onboarding?step=bank&state=oauth-thing')
    sessionStorage.setItem(CONSENT_STATE_STORAGE_KEY, 'kept')
    const { unmount } = renderWithProvider(harness, <ReturnPage />)
    expect(screen.getByText('status: idle')).toBeInTheDocument()
    expect(location.search).toBe('?step=bank&state=oauth-thing')
    expect(sessionStorage.getItem(CONSENT_STATE_STORAGE_KEY)).toBe('kept')
    unmount()

    window.history.replaceState(null, '', '/onboarding?jobIds=j-1&state=mine')
    renderWithProvider(harness, <ReturnPage expectedState="mine" />)
    expect(screen.getByText('status: returned')).toBeInTheDocument()
    // The kept state belongs to prepareConsentUrl's flow, not to this one.
    expect(sessionStorage.getItem(CONSENT_STATE_STORAGE_KEY)).toBe('kept')
  })
})

describe('prepareConsentUrl', () => {
  it('sends a fresh state each time and keeps the latest', () => {
    const a = new URL(prepareConsentUrl({ token: 't', action: 'connect' }))
    const b = new URL(prepareConsentUrl({ token: 't' }))
    expect(a.searchParams.get('action')).toBe('connect')
    expect(a.searchParams.get('state')).not.toBe(b.searchParams.get('state'))
    expect(sessionStorage.getItem(CONSENT_STATE_STORAGE_KEY)).toBe(b.searchParams.get('state'))
  })

  it('explains what is missing', () => {
    expect(() => prepareConsentUrl({ token: 't', storage: null })).toThrow(/pass storage/)
    expect(() => prepareConsentUrl({ token: '' })).toThrow(/token must be/)
    expect(() => prepareConsentUrl(null as never)).toThrow(/expected an options object/)
  })
})
