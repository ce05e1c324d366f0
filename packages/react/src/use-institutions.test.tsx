import { QueryClient } from '@tanstack/react-query'
import { act, renderHook, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { BankConnectProvider } from './bank-connect-provider.tsx'
import { closeHarnesses, createHarness, providerProps } from '../test/sandbox-harness.tsx'
import type { Harness } from '../test/sandbox-harness.tsx'
import { useInstitutions } from './use-institutions.ts'
import type { UseInstitutionsOptions } from './use-institutions.ts'

afterEach(() => {
  closeHarnesses()
})

function setup(initial: UseInstitutionsOptions = {}, harness: Harness = createHarness()) {
  const queryClient = new QueryClient()
  const wrapper = ({ children }: { children: ReactNode }) => (
    <BankConnectProvider {...providerProps(harness, { queryClient })}>
      {children}
    </BankConnectProvider>
  )
  const hook = renderHook((options: UseInstitutionsOptions) => useInstitutions(options), {
    wrapper,
    initialProps: initial,
  })
  const requests = () => harness.requests.filter((request) => request.path === '/institutions')
  return { harness, hook, requests }
}

async function ready(hook: ReturnType<typeof setup>['hook']) {
  await waitFor(() => expect(hook.result.current.status).toBe('success'))
  return hook.result.current.institutions
}

describe('useInstitutions', () => {
  it('loads the catalogue sorted by tier, then name, without alpha or token banks', async () => {
    const { hook } = setup()
    expect(hook.result.current).toMatchObject({ status: 'pending', institutions: [] })
    const list = await ready(hook)
    const tiers = list.map((institution) => institution.tier)
    expect(tiers).toEqual([...tiers].sort())
    expect(list.some((institution) => institution.stage === 'alpha')).toBe(false)
    expect(list.some((institution) => institution.authorization === 'token')).toBe(false)
    expect(list.some((institution) => institution.stage === 'beta')).toBe(true)
    expect(list.some((institution) => institution.id === 'AU00000')).toBe(true)
  })

  it('filters by country, stage, authorization and test banks without a new request', async () => {
    const { hook, requests } = setup()
    await ready(hook)
    hook.rerender({ country: 'New Zealand' })
    expect(hook.result.current.institutions.every((i) => i.country === 'New Zealand')).toBe(true)
    expect(hook.result.current.institutions.length).toBeGreaterThan(5)
    hook.rerender({ stage: 'alpha' })
    expect(hook.result.current.institutions.every((i) => i.stage === 'alpha')).toBe(true)
    hook.rerender({ authorization: ['token'] })
    expect(hook.result.current.institutions.map((i) => i.shortName)).toContain('CommBiz')
    hook.rerender({ hideTestBanks: true })
    expect(hook.result.current.institutions.some((i) => i.institutionType === 'Test Bank')).toBe(
      false,
    )
    expect(requests()).toHaveLength(1)
  })

  it('keeps the same list object while equal inline options are passed again', async () => {
    const { hook } = setup({ country: ['Australia'] })
    const first = await ready(hook)
    hook.rerender({ country: ['Australia'] })
    expect(hook.result.current.institutions).toBe(first)
  })

  it('reports an error and loads on retry', async () => {
    const harness = createHarness()
    harness.sandbox.faults.add({ kind: 'status', status: 500, path: '/institutions', times: 2 })
    const { hook, requests } = setup({}, harness)
    await waitFor(() => expect(hook.result.current.status).toBe('error'), { timeout: 3000 })
    expect(hook.result.current.error?.message).toMatch(/500/)
    act(() => hook.result.current.retry())
    await ready(hook)
    expect(requests()).toHaveLength(3)
  })

  it('waits while not enabled', async () => {
    const { hook, requests } = setup({ enabled: false })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(hook.result.current.status).toBe('pending')
    expect(requests()).toHaveLength(0)
  })

  it('explains a filter of the wrong type', () => {
    const queryClient = new QueryClient()
    const harness = createHarness()
    const wrapper = ({ children }: { children: ReactNode }) => (
      <BankConnectProvider {...providerProps(harness, { queryClient })}>
        {children}
      </BankConnectProvider>
    )
    expect(() =>
      renderHook(() => useInstitutions({ country: 7 as unknown as string }), { wrapper }),
    ).toThrow(/filters take a string or an array of strings/)
  })
})
