import { interpretParsedJob } from '@bankconnect/core'
import type { Connection, Job, JobPhase, Recovery } from '@bankconnect/core'
import { useQueries } from '@tanstack/react-query'
import type { UseQueryResult } from '@tanstack/react-query'
import { useCallback, useMemo, useSyncExternalStore } from 'react'
import { useStore } from 'zustand'
import { useBankConnect } from './bank-connect-provider.tsx'
import type { BankConnectContextValue } from './bank-connect-provider.tsx'
import type { BackgroundJob } from './background-jobs-store.ts'
import {
  connectionQueryKey,
  institutionOf,
  jobQueryOptions,
  jobStartedAt,
  recoveryOf,
} from './job-query.ts'

/** One job followed in the background, as later onboarding screens see it. */
export interface BackgroundJobStatus {
  /** The job. */
  jobId: string
  /** Where it stands (`released` until the first answer after a reload). */
  phase: JobPhase
  /** Accounts retrieved so far, once the retrieve-accounts step succeeded and they were counted. */
  accountsReady?: number
  /** What the user can do, when something is wrong (see `transient`). */
  recovery?: Recovery
}

/**
 * Overall state of the background jobs:
 * - `idle`: none;
 * - `syncing`: at least one is still running;
 * - `ready`: every one is complete;
 * - `attention`: at least one failed or could not be followed (see its `recovery`).
 */
export type BackgroundJobsSummary = 'idle' | 'syncing' | 'ready' | 'attention'

/** What {@link useBackgroundJobs} returns. */
export interface UseBackgroundJobsResult {
  /** Every released job still followed, oldest first. */
  jobs: BackgroundJobStatus[]
  /** The overall state; see {@link BackgroundJobsSummary}. */
  summary: BackgroundJobsSummary
  /** Accounts ready across all jobs. */
  accountsReady: number
  /**
   * The summary in words, from the messages: "Syncing your accounts…", "4 accounts ready",
   * "Something needs your attention"; `''` when idle.
   */
  message: string
  /** Stops following a job (e.g. once the user saw its outcome). */
  dismiss(jobId: string): void
}

/**
 * The jobs that released the user and keep syncing, for later onboarding screens ("Syncing your
 * accounts…", "4 accounts ready", "Something needs your attention"). Reads the same queries the
 * provider's tracker polls, so it adds no requests per poll. Accounts are counted from the
 * connection (`GET /users/{id}/connections/{id}`, readable with a CLIENT_ACCESS token) once the
 * retrieve-accounts step succeeded.
 */
export function useBackgroundJobs(): UseBackgroundJobsResult {
  const ctx = useBankConnect()
  const stored = useStore(ctx.backgroundJobs, (state) => state.jobs)
  const statuses = useBackgroundJobStatuses(ctx, stored)
  const dismiss = useCallback(
    (jobId: string) => ctx.backgroundJobs.getState().dismiss(jobId),
    [ctx.backgroundJobs],
  )
  const { messages } = ctx

  return useMemo(() => {
    const accountsReady = statuses.reduce((sum, job) => sum + (job.accountsReady ?? 0), 0)
    const summary = summarise(statuses)
    const counted = statuses.some((job) => job.accountsReady !== undefined)
    let message = ''
    if (summary === 'syncing') message = messages['background.syncing']
    else if (summary === 'attention') message = messages['background.attention']
    else if (summary === 'ready') {
      message = counted
        ? messages['background.ready']({ count: accountsReady, locale: messages.locale })
        : messages['background.readyNoCount']
    }
    return { jobs: statuses, summary, accountsReady, message, dismiss }
  }, [statuses, messages, dismiss])
}

/**
 * Polls the given background jobs (and counts their accounts) and returns their statuses. Used by
 * `useBackgroundJobs` and by the provider's tracker, with the very same query options as `useJob`.
 */
export function useBackgroundJobStatuses(
  ctx: BankConnectContextValue,
  stored: readonly BackgroundJob[],
): BackgroundJobStatus[] {
  const { registry, queryClient } = ctx
  // Entries change outside React (the schedule gave up); their version is an input below.
  const version = useSyncExternalStore(registry.subscribe, registry.version, registry.version)

  const jobs = useQueries(
    {
      queries: stored.map((item) => jobQueryOptions(ctx, item.jobId, ctx.releaseWhen)),
      combine: snapshotJobs,
    },
    queryClient,
  )
  const accounts = useQueries(
    {
      queries: stored.map((_, index) => {
        const job = jobs[index]?.job
        const reading = job === undefined ? undefined : interpretParsedJob(job)
        const connectionId = reading?.connectionId
        const userId = reading?.userId ?? ctx.userId
        return {
          queryKey: connectionQueryKey(userId, connectionId),
          queryFn: ({ signal }: { signal: AbortSignal }) =>
            ctx.client.getConnection(userId, connectionId ?? '', { signal }),
          enabled: connectionId !== undefined && accountsStepSucceeded(job),
          // Accounts exist once retrieve-accounts succeeded; the count does not change after.
          staleTime: Number.POSITIVE_INFINITY,
          retry: false,
          refetchOnWindowFocus: false,
          select: countAccounts,
        }
      }),
      combine: snapshotCounts,
    },
    queryClient,
  )

  return useMemo(
    () => statusesOf(ctx, stored, jobs, accounts, version),
    [ctx, stored, jobs, accounts, version],
  )
}

interface JobSnapshot {
  job: Job | undefined
  error: Error | null
  lastFailed: boolean
}

// Module-level, so React Query keeps (and structurally shares) the combined arrays across renders.
function snapshotJobs(results: ReadonlyArray<UseQueryResult<Job>>): JobSnapshot[] {
  return results.map((result) => ({
    job: result.data,
    error: result.error,
    lastFailed: result.status === 'error' && result.error !== null,
  }))
}

interface CountSnapshot {
  count: number | undefined
  /** The count was never fetched (yet): `true` also while its query is disabled. */
  pending: boolean
}

function snapshotCounts(
  results: ReadonlyArray<UseQueryResult<number | undefined>>,
): CountSnapshot[] {
  return results.map((result) => ({ count: result.data, pending: result.status === 'pending' }))
}

function statusesOf(
  ctx: BankConnectContextValue,
  stored: readonly BackgroundJob[],
  jobs: readonly JobSnapshot[],
  accounts: readonly CountSnapshot[],
  // Only a change signal: the registry entries read below are what it versions.
  _registryVersion: number,
): BackgroundJobStatus[] {
  return stored.map((item, index): BackgroundJobStatus => {
    const snapshot = jobs[index]
    const job = snapshot?.job
    const reading =
      job === undefined ? undefined : interpretParsedJob(job, { releaseWhen: ctx.releaseWhen })
    const entry = ctx.registry.peek(item.jobId)
    const recovery = recoveryOf({
      jobId: item.jobId,
      userId: ctx.userId,
      job,
      reading,
      error: snapshot?.error,
      lastFailed: snapshot?.lastFailed ?? false,
      stoppedAt: entry?.stoppedAt,
      startedAt:
        entry?.firstSeenAt === undefined ? undefined : jobStartedAt(entry, job, entry.firstSeenAt),
      institution: entry === undefined ? undefined : institutionOf(ctx, entry),
    })
    let phase = reading?.phase ?? 'released'
    const counted = accounts[index]
    // A finished job whose accounts are still being counted is not "ready" yet: saying so now
    // would flash "Your accounts are ready" just before "4 accounts ready".
    if (phase === 'complete' && reading?.connectionId && counted?.pending) phase = 'released'
    const status: BackgroundJobStatus = { jobId: item.jobId, phase }
    if (typeof counted?.count === 'number') status.accountsReady = counted.count
    if (recovery) status.recovery = recovery
    return status
  })
}

function summarise(jobs: readonly BackgroundJobStatus[]): BackgroundJobsSummary {
  if (jobs.length === 0) return 'idle'
  const needsAttention = jobs.some(
    (job) => job.phase === 'failed' || (job.recovery !== undefined && !job.recovery.transient),
  )
  if (needsAttention) return 'attention'
  return jobs.every((job) => job.phase === 'complete') ? 'ready' : 'syncing'
}

function accountsStepSucceeded(job: Job | undefined): boolean {
  return (
    job?.steps.some((step) => step.title === 'retrieve-accounts' && step.status === 'success') ??
    false
  )
}

function countAccounts(connection: Connection): number | undefined {
  return connection.accounts?.data.length
}
