import { createConnectControl } from '@bankconnect/sandbox'
import { act, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  SANDBOX_URL,
  advance,
  advanceUntil,
  closeHarnesses,
  createHarness,
  renderWithProvider,
  useVirtualTime,
} from '../test/sandbox-harness.tsx'
import type { Harness } from '../test/sandbox-harness.tsx'
import { BasiqConnectControl } from './basiq-connect-control.tsx'
import type {
  BasiqConnectControlProps,
  BasiqConnectJobCreatedEvent,
} from './basiq-connect-control.tsx'
import {
  BASIQ_CONNECT_SCRIPT_ATTRIBUTE,
  loadBasiqConnectScript,
} from './use-basiq-connect-script.ts'
import type { BasiqConnectConfig, BasiqConnectFunction } from './use-basiq-connect-script.ts'
import { useJob } from './use-job.ts'

let harness: Harness
let listeners: Map<string, number>

beforeEach(() => {
  useVirtualTime()
  harness = createHarness({ speed: 4 })
  // Counts the window listeners of the control's two events that are in place at any moment.
  listeners = new Map()
  const add = window.addEventListener.bind(window)
  const remove = window.removeEventListener.bind(window)
  vi.spyOn(window, 'addEventListener').mockImplementation((type, listener, options) => {
    listeners.set(type, (listeners.get(type) ?? 0) + 1)
    add(type, listener, options)
  })
  vi.spyOn(window, 'removeEventListener').mockImplementation((type, listener, options) => {
    listeners.set(type, (listeners.get(type) ?? 0) - 1)
    remove(type, listener, options)
  })
})

afterEach(() => {
  closeHarnesses()
  vi.restoreAllMocks()
  vi.useRealTimers()
  document.head.querySelectorAll('script').forEach((script) => script.remove())
})

/** The sandbox's fake control, with every call recorded. */
function countingControl() {
  const calls: BasiqConnectConfig[] = []
  const control = createConnectControl({ baseUrl: SANDBOX_URL })
  const connect: BasiqConnectFunction = (config) => {
    calls.push(config)
    control(config)
  }
  return {
    calls,
    connect,
    load: vi.fn<() => Promise<BasiqConnectFunction>>(() => Promise.resolve(connect)),
  }
}

function JobPhase({ jobId, onReleased }: { jobId: string; onReleased?: (jobId: string) => void }) {
  const job = useJob(jobId, {
    institutionId: 'AU00000',
    onReleased: (event) => onReleased?.(event.jobId),
  })
  return (
    <p>
      job {jobId}: {job.phase}
    </p>
  )
}

/** A screen that does what ConnectFlow does: every created job goes to useJob. */
function Screen(
  props: Omit<BasiqConnectControlProps, 'getToken' | 'onJobCreated'> & {
    onJob?: (event: BasiqConnectJobCreatedEvent) => void
    onReleased?: (jobId: string) => void
    name?: string
  },
) {
  const { onJob, onReleased, name = 'bank', ...controlProps } = props
  const [jobIds, setJobIds] = useState<string[]>([])
  const [token] = useState(() => harness.sandbox.mintToken({ scope: 'CLIENT_ACCESS' }))
  return (
    <section aria-label={name}>
      <BasiqConnectControl
        {...controlProps}
        getToken={() => Promise.resolve(token)}
        onJobCreated={(event) => {
          onJob?.(event)
          setJobIds((ids) => [...ids, event.jobId])
        }}
      />
      {jobIds.map((jobId) => (
        <JobPhase key={jobId} jobId={jobId} onReleased={onReleased} />
      ))}
    </section>
  )
}

const user = () => userEvent.setup({ advanceTimers: vi.advanceTimersByTime })

async function connectWith(region: HTMLElement, loginId: string, password: string): Promise<void> {
  await advanceUntil(() => within(region).queryByRole('button', { name: 'Hooli Bank' }) !== null)
  const u = user()
  await u.click(within(region).getByRole('button', { name: 'Hooli Bank' }))
  await u.type(within(region).getByLabelText('Login'), loginId)
  await u.type(within(region).getByLabelText('Password'), password)
  await u.click(within(region).getByRole('button', { name: 'Connect' }))
}

function dispatchJobCreated(id: string): void {
  act(() => {
    window.dispatchEvent(
      new CustomEvent('jobCreated', { detail: { id, link: `${SANDBOX_URL}/jobs/${id}` } }),
    )
  })
}

describe('BasiqConnectControl with the sandbox’s fake control', () => {
  it('hands the created job to useJob, which releases the user — one load, one mount, one listener under StrictMode', async () => {
    const control = countingControl()
    const onJob = vi.fn<(event: BasiqConnectJobCreatedEvent) => void>()
    const onMounted = vi.fn<() => void>()
    const onReleased = vi.fn<(jobId: string) => void>()
    renderWithProvider(
      harness,
      <Screen load={control.load} onJob={onJob} onMounted={onMounted} onReleased={onReleased} />,
    )
    const region = screen.getByRole('region', { name: 'bank' })
    expect(within(region).getByRole('status')).toHaveTextContent('Loading your bank connection…')

    await connectWith(region, 'gavinBelson', 'hooli2016')
    await advanceUntil(() => onJob.mock.calls.length > 0)
    const event = onJob.mock.calls[0]?.[0]
    expect(event?.link).toBe(`${SANDBOX_URL}/jobs/${event?.jobId}`)
    expect(harness.sandbox.engine.requireJob(event?.jobId ?? '').userId).toBe(harness.userId)
    await advanceUntil(() => onReleased.mock.calls.length > 0)
    expect(onReleased.mock.calls[0]?.[0]).toBe(event?.jobId)

    expect(control.load).toHaveBeenCalledTimes(1)
    expect(control.calls).toHaveLength(1)
    expect(control.calls[0]).toMatchObject({ token: expect.any(String), userID: harness.userId })
    expect(document.getElementById(control.calls[0]?.containerId ?? '')).not.toBeNull()
    expect(onMounted).toHaveBeenCalledTimes(1)
    expect(onJob).toHaveBeenCalledTimes(1)
    expect(onReleased).toHaveBeenCalledTimes(1)
    expect(listeners.get('jobCreated')).toBe(1)
    expect(listeners.get('basiqConnectMounted')).toBe(1)
  })

  it('ignores a repeated event for the same job, and any event once unmounted', async () => {
    const control = countingControl()
    const onJob = vi.fn<(event: BasiqConnectJobCreatedEvent) => void>()
    const { unmount } = renderWithProvider(harness, <Screen load={control.load} onJob={onJob} />)
    await advanceUntil(() => control.calls.length === 1)
    dispatchJobCreated('job-1')
    dispatchJobCreated('job-1')
    dispatchJobCreated(' job-1 ')
    expect(onJob.mock.calls.map(([e]) => e.jobId)).toEqual(['job-1'])
    act(() => {
      window.dispatchEvent(new CustomEvent('jobCreated', { detail: null }))
    })
    expect(onJob).toHaveBeenCalledTimes(1)

    unmount()
    expect(listeners.get('jobCreated')).toBe(0)
    expect(listeners.get('basiqConnectMounted')).toBe(0)
    dispatchJobCreated('job-2')
    expect(onJob).toHaveBeenCalledTimes(1)
  })

  it('routes each event to the control the user is using, and warns about the second one', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const first = vi.fn<(event: BasiqConnectJobCreatedEvent) => void>()
    const second = vi.fn<(event: BasiqConnectJobCreatedEvent) => void>()
    const control = countingControl()
    renderWithProvider(
      harness,
      <>
        <Screen name="first" load={control.load} onJob={first} />
        <Screen name="second" load={control.load} onJob={second} />
      </>,
    )
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^BasiqConnectControl: 2 controls are mounted at once\. .*Render one BasiqConnectControl at a time/,
      ),
    )
    // The user connects in the first one (mounted earlier): only the first hears of its job.
    await connectWith(screen.getByRole('region', { name: 'first' }), 'gavinBelson', 'hooli2016')
    await advanceUntil(() => first.mock.calls.length > 0)
    await advance(2000)
    expect(first).toHaveBeenCalledTimes(1)
    expect(second).not.toHaveBeenCalled()
    // Then in the second one.
    await connectWith(screen.getByRole('region', { name: 'second' }), 'jared', 'django')
    await advanceUntil(() => second.mock.calls.length > 0)
    expect(first).toHaveBeenCalledTimes(1)
    expect(second.mock.calls[0]?.[0].jobId).not.toBe(first.mock.calls[0]?.[0].jobId)
  })

  it('mounts again only when the token, the user or the options really change', async () => {
    const control = countingControl()
    const { rerender } = renderWithProvider(
      harness,
      <Screen load={control.load} options={{ companyName: 'Hooli', hideBetaBanks: true }} />,
    )
    await advanceUntil(() => control.calls.length === 1)
    rerender(<Screen load={control.load} options={{ hideBetaBanks: true, companyName: 'Hooli' }} />)
    await advance(500)
    expect(control.calls).toHaveLength(1)
    rerender(<Screen load={control.load} options={{ hideBetaBanks: true, companyName: 'Piper' }} />)
    await advanceUntil(() => control.calls.length === 2)
    expect(control.calls[1]).toMatchObject({ companyName: 'Piper', hideBetaBanks: true })
    expect(control.load).toHaveBeenCalledTimes(1)
    await advanceUntil(
      () => screen.queryByRole('heading', { name: 'Connect your bank to Piper' }) !== null,
    )
  })

  it('shows a clear error with a working retry when the control cannot load', async () => {
    const control = countingControl()
    const load = vi
      .fn<() => Promise<BasiqConnectFunction>>()
      .mockRejectedValueOnce(new Error('network down'))
      .mockImplementation(control.load)
    const onLoadError = vi.fn<(error: Error) => void>()
    renderWithProvider(harness, <Screen load={load} onLoadError={onLoadError} />)
    await advanceUntil(() => screen.queryByRole('alert') !== null)
    expect(screen.getByRole('alert')).toHaveTextContent(
      'We couldn’t load the bank connection screen.',
    )
    expect(onLoadError).toHaveBeenCalledWith(expect.objectContaining({ message: 'network down' }))
    await user().click(screen.getByRole('button', { name: 'Try again' }))
    await advanceUntil(() => screen.queryByRole('button', { name: 'Hooli Bank' }) !== null)
    expect(screen.queryByRole('alert')).toBeNull()
    expect(load).toHaveBeenCalledTimes(2)
  })

  it('says so when the token cannot be had, or load() gives no function', async () => {
    const control = countingControl()
    const getToken = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Error('token endpoint down'))
      .mockResolvedValue(harness.sandbox.mintToken({ scope: 'CLIENT_ACCESS' }))
    renderWithProvider(harness, <BasiqConnectControl load={control.load} getToken={getToken} />)
    await advanceUntil(() => screen.queryByRole('alert') !== null)
    expect(screen.getByRole('alert')).toHaveTextContent(
      'We couldn’t start a secure session for connecting your bank.',
    )
    await user().click(screen.getByRole('button', { name: 'Try again' }))
    await advanceUntil(() => control.calls.length === 1)
    expect(screen.queryByRole('alert')).toBeNull()
    expect(getToken).toHaveBeenCalledTimes(2)

    const onLoadError = vi.fn<(error: Error) => void>()
    renderWithProvider(
      harness,
      <BasiqConnectControl
        load={() => Promise.resolve('nope' as never)}
        getToken={getToken}
        onLoadError={onLoadError}
      />,
    )
    await advanceUntil(() => onLoadError.mock.calls.length > 0)
    expect(onLoadError.mock.calls[0]?.[0].message).toMatch(
      /load\(\) must resolve with the BasiqConnect function/,
    )
  })
  it('hands the control the provider’s CLIENT_ACCESS token when none is passed', async () => {
    const control = countingControl()
    renderWithProvider(harness, <BasiqConnectControl load={control.load} />)
    await advanceUntil(() => control.calls.length > 0)
    expect(control.calls).toHaveLength(1)
    const token = control.calls[0]?.token ?? ''
    const payload = JSON.parse(
      atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')),
    ) as {
      scope: string
    }
    expect(payload.scope).toBe('CLIENT_ACCESS')
    expect(control.calls[0]?.userID).toBe(harness.userId)
  })
})

describe('loadBasiqConnectScript', () => {
  const src = 'https://basiq-sandbox.test/__sandbox/connect-control.js'

  it('adds one script element per URL and document, and resolves with the global BasiqConnect', async () => {
    const first = loadBasiqConnectScript(src)
    const second = loadBasiqConnectScript(src)
    const scripts = document.head.querySelectorAll(`script[${BASIQ_CONNECT_SCRIPT_ATTRIBUTE}]`)
    expect(scripts).toHaveLength(1)
    const control: BasiqConnectFunction = () => undefined
    Object.assign(window, { BasiqConnect: control })
    scripts[0]?.dispatchEvent(new Event('load'))
    await expect(first).resolves.toBe(control)
    await expect(second).resolves.toBe(control)
    expect(scripts[0]?.getAttribute(BASIQ_CONNECT_SCRIPT_ATTRIBUTE)).toBe('ready')
    await expect(loadBasiqConnectScript(src)).resolves.toBe(control)
    Reflect.deleteProperty(window, 'BasiqConnect')
  })

  it('replaces a script that failed, and rejects one that defines no BasiqConnect', async () => {
    const failed = loadBasiqConnectScript(src)
    document.head.querySelector('script')?.dispatchEvent(new Event('error'))
    await expect(failed).rejects.toThrow(`The script ${src} could not be loaded.`)
    const again = loadBasiqConnectScript(src)
    const scripts = document.head.querySelectorAll('script')
    expect(scripts).toHaveLength(1)
    expect(scripts[0]?.getAttribute(BASIQ_CONNECT_SCRIPT_ATTRIBUTE)).toBe('loading')
    scripts[0]?.dispatchEvent(new Event('load'))
    await expect(again).rejects.toThrow(/loaded but did not define the global BasiqConnect/)
    await expect(loadBasiqConnectScript('http://[bad')).rejects.toThrow(/src is not a valid URL/)
  })
})
