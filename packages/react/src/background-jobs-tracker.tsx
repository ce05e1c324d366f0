import type { ReactNode } from 'react'
import { useStore } from 'zustand'
import { useBankConnect } from './bank-connect-provider.tsx'
import { useBackgroundJobStatuses } from './use-background-jobs.ts'

/**
 * Keeps polling every released job at the background pace until it is complete or failed, and
 * counts its accounts, whether or not any screen shows them. `BankConnectProvider` mounts it; it
 * renders nothing. It uses the same queries as `useJob`, so a job also shown on screen is still
 * polled once per poll.
 */
export function BackgroundJobsTracker(): ReactNode {
  const ctx = useBankConnect()
  const stored = useStore(ctx.backgroundJobs, (state) => state.jobs)
  useBackgroundJobStatuses(ctx, stored)
  return null
}
