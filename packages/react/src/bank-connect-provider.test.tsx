import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
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
import { BankConnectProvider, useBankConnect } from './bank-connect-provider.tsx'
import { JobProgress } from './job-progress.tsx'
import { jobQueryKey } from './job-query.ts'

beforeEach(() => {
  useVirtualTime()
})

afterEach(() => {
  closeHarnesses()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

function UsesContext() {
  useBankConnect()
  return null
}

// React reports render errors to the console before rethrowing them; keep the output readable.
function quietly(run: () => void) {
  const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
  try {
    run()
  } finally {
    spy.mockRestore()
  }
}

describe('BankConnectProvider', () => {
  it('tells a hook used outside it how to fix that', () => {
    quietly(() => {
      expect(() => render(<UsesContext />)).toThrow(/<BankConnectProvider tokenUrl=/)
    })
  })

  it('refuses a configuration without exactly one token source, or without a user', () => {
    quietly(() => {
      expect(() => render(<BankConnectProvider userId="u1" />)).toThrow(/pass tokenUrl/)
      expect(() =>
        render(<BankConnectProvider userId="u1" tokenUrl="/t" getToken={async () => 'token'} />),
      ).toThrow(/either tokenUrl or getToken, not both/)
      expect(() => render(<BankConnectProvider userId="" tokenUrl="/t" />)).toThrow(/userId/)
      expect(() =>
        render(<BankConnectProvider userId="u1" tokenUrl="/t" apiUrl="not a url" />),
      ).toThrow(/absolute http\(s\) URL/)
    })
  })

  it('uses the host app’s QueryClient when there is one', async () => {
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const host = new QueryClient()
    render(
      <QueryClientProvider client={host}>
        <BankConnectProvider
          apiUrl={SANDBOX_URL}
          userId={harness.userId}
          getToken={async () => harness.sandbox.mintToken({ scope: 'CLIENT_ACCESS' })}
        >
          <JobProgress jobId={jobId} data-testid="progress" />
        </BankConnectProvider>
      </QueryClientProvider>,
    )
    await advanceUntil(
      () => screen.getByTestId('progress').getAttribute('data-state') === 'verifying',
    )
    expect(host.getQueryData(jobQueryKey(jobId))).toMatchObject({ id: jobId })
  })

  it('always asks the latest getToken for a token', async () => {
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    const mint = async () => harness.sandbox.mintToken({ scope: 'CLIENT_ACCESS' })
    const first = vi.fn<() => Promise<string>>(mint)
    const second = vi.fn<() => Promise<string>>(mint)
    const tree = (getToken: () => Promise<string>) => (
      <BankConnectProvider apiUrl={SANDBOX_URL} userId={harness.userId} getToken={getToken}>
        <JobProgress jobId={jobId} data-testid="progress" />
      </BankConnectProvider>
    )
    const { rerender } = render(tree(first))
    await advance(1_000)
    expect(first).toHaveBeenCalled()
    const before = first.mock.calls.length
    rerender(tree(second))
    await advanceUntil(() => second.mock.calls.length > 0, 30_000)
    expect(first.mock.calls.length).toBe(before)
  })

  it('shows overridden messages, key by key', async () => {
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    renderWithProvider(harness, <JobProgress jobId={jobId} data-testid="progress" />, {
      messages: { 'phase.pending': 'Warming up…' },
    })
    expect(screen.getByText('Warming up…')).toBeInTheDocument()
    await advanceUntil(
      () => screen.getByTestId('progress').getAttribute('data-state') === 'verifying',
    )
    expect(screen.getByText('Connecting to your bank…')).toBeInTheDocument()
  })

  it('keeps working when the logger throws', async () => {
    const harness = createHarness()
    const jobId = harness.connect('bighead', 'password')
    const broken = {
      error: () => {
        throw new Error('logging backend down')
      },
    }
    renderWithProvider(harness, <JobProgress jobId={jobId} data-testid="progress" />, {
      logger: broken,
    })
    await advanceUntil(() => screen.getByTestId('progress').getAttribute('data-state') === 'failed')
    expect(screen.getByRole('alert')).toHaveTextContent('Account is locked')
  })
})
