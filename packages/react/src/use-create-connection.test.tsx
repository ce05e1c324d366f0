import { QueryClient } from '@tanstack/react-query'
import { act, renderHook } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { BankConnectProvider } from './bank-connect-provider.tsx'
import { closeHarnesses, createHarness, providerProps } from '../test/sandbox-harness.tsx'
import type { Harness } from '../test/sandbox-harness.tsx'
import { useCreateConnection } from './use-create-connection.ts'

afterEach(() => {
  closeHarnesses()
})

function setup(harness: Harness = createHarness()) {
  const queryClient = new QueryClient()
  const wrapper = ({ children }: { children: ReactNode }) => (
    <BankConnectProvider {...providerProps(harness, { queryClient })}>
      {children}
    </BankConnectProvider>
  )
  const hook = renderHook(() => useCreateConnection(), { wrapper })
  const posts = () =>
    harness.requests.filter(
      (request) =>
        request.method === 'POST' && request.path === `/users/${harness.userId}/connections`,
    )
  return { harness, queryClient, hook, posts }
}

const gavin = { institutionId: 'AU00000', loginId: 'gavinBelson', password: 'hooli2016' }

describe('useCreateConnection', () => {
  it('sends one request for calls made while one is on its way', async () => {
    const { hook, posts } = setup()
    let results: unknown[] = []
    await act(async () => {
      results = await Promise.all([
        hook.result.current.createConnection(gavin),
        hook.result.current.createConnection({ ...gavin, password: 'other' }),
      ])
    })
    expect(posts()).toHaveLength(1)
    expect(results[0]).toEqual({ jobId: expect.any(String), institutionId: 'AU00000' })
    expect(results[1]).toEqual(results[0])
    expect(hook.result.current.status).toBe('success')
    expect(hook.result.current.jobId).toBe((results[0] as { jobId: string }).jobId)
  })

  it('only ever shows the institution id to the mutation cache, and drops the mutation', async () => {
    const { hook, queryClient } = setup()
    let pending: Promise<unknown> = Promise.resolve()
    act(() => {
      pending = hook.result.current.createConnection(gavin)
    })
    const inFlight = queryClient.getMutationCache().getAll()
    expect(inFlight.map((mutation) => mutation.state.variables)).toEqual([
      { institutionId: 'AU00000' },
    ])
    await act(async () => {
      await pending
    })
    expect(
      JSON.stringify(
        queryClient
          .getMutationCache()
          .getAll()
          .map((m) => m.state),
      ),
    ).not.toMatch(/hooli2016|gavinBelson/)
  })

  it('resolves undefined with the error and a recovery when Basiq refuses', async () => {
    const { hook, posts } = setup(createHarness({ connectionLimit: 0 }))
    let result: unknown = 'not called'
    await act(async () => {
      result = await hook.result.current.createConnection(gavin)
    })
    expect(result).toBeUndefined()
    expect(posts()).toHaveLength(1)
    expect(hook.result.current.status).toBe('error')
    expect(hook.result.current.error?.message).toMatch(/Limit reached for sandbox connections/)
    expect(hook.result.current.error?.message).not.toContain('hooli2016')
    expect(hook.result.current.recovery).toBeDefined()
    act(() => hook.result.current.reset())
    expect(hook.result.current.status).toBe('idle')
  })

  it('turns bad input into an error state, without a request', async () => {
    const { hook, posts } = setup()
    await act(async () => {
      await hook.result.current.createConnection(null as unknown as typeof gavin)
    })
    expect(hook.result.current.status).toBe('error')
    expect(hook.result.current.error).toBeInstanceOf(TypeError)
    await act(async () => {
      await hook.result.current.createConnection({ ...gavin, password: '' })
    })
    expect(hook.result.current.error?.message).toMatch(/password must be a non-empty string/)
    expect(posts()).toHaveLength(0)
  })
})
