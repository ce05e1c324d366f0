import { isBasiqError, recoveryFor } from '@bankconnect/core'
import type { Recovery } from '@bankconnect/core'
import { useMutation } from '@tanstack/react-query'
import { useCallback, useMemo, useState } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import { jobQueryKey } from './job-query.ts'

/** Where an MFA answer stands: not sent, on its way, accepted by Basiq, or not sent. */
export type SubmitMfaStatus = 'idle' | 'submitting' | 'submitted' | 'error'

/** What {@link useSubmitMfa} returns. */
export interface UseSubmitMfaResult {
  /**
   * Sends the answers (in the order of the challenge's `input`) to `POST /jobs/{id}/mfa`. Resolves
   * `true` once Basiq accepted them for checking (whether they are right shows on the job), `false`
   * when they could not be sent (see `error`). Never rejects.
   */
  submit(answers: readonly string[]): Promise<boolean>
  /** See {@link SubmitMfaStatus}. */
  status: SubmitMfaStatus
  /** Why the last answer could not be sent; `undefined` otherwise. */
  error: Error | undefined
  /** What the user can do about `error`. */
  recovery: Recovery | undefined
  /** Back to `idle` (e.g. after showing the error). */
  reset(): void
}

/**
 * Sends MFA answers for a job. The answers are never kept: not in React Query's mutation cache
 * (the mutation is dropped as soon as it settles), not in this hook's state, not in a log line.
 * After an accepted answer the job is polled again at once and densely until it shows the outcome.
 *
 * @param jobId the job whose `mfa-challenge` step is waiting.
 */
export function useSubmitMfa(jobId: string | undefined): UseSubmitMfaResult {
  const { client, queryClient, registry, log, userId } = useBankConnect()
  const { mutateAsync, reset: resetMutation } = useMutation(
    {
      mutationFn: (answers: readonly string[]) => client.submitMfa(jobId ?? '', answers),
      gcTime: 0,
      retry: false,
    },
    queryClient,
  )
  const [state, setState] = useState<{ status: SubmitMfaStatus; error: Error | undefined }>({
    status: 'idle',
    error: undefined,
  })

  const submit = useCallback(
    async (answers: readonly string[]): Promise<boolean> => {
      if (jobId === undefined || jobId === '') {
        setState({ status: 'error', error: new TypeError('useSubmitMfa: no jobId to answer') })
        return false
      }
      setState({ status: 'submitting', error: undefined })
      try {
        await mutateAsync(answers)
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught))
        const recovery = recoveryFor(error, { jobId, userId })
        log('warn', {
          type: 'mfa-submit-failed',
          message: `Sending the MFA answer for job ${jobId} failed (${recovery.kind})`,
          jobId,
          step: 'mfa-challenge',
          code: recovery.support.code ?? (isBasiqError(error) ? error.kind : 'unknown'),
          correlationId: recovery.support.correlationId,
          recovery: recovery.kind,
        })
        setState({ status: 'error', error })
        return false
      } finally {
        // Drops the mutation, and with it the answers it was called with.
        resetMutation()
      }
      registry.entry(jobId).mfaAnsweredAt = Date.now()
      registry.touch()
      void queryClient.refetchQueries(
        { queryKey: jobQueryKey(jobId), exact: true },
        { cancelRefetch: false },
      )
      setState({ status: 'submitted', error: undefined })
      return true
    },
    [jobId, mutateAsync, resetMutation, registry, queryClient, log, userId],
  )

  const reset = useCallback(() => setState({ status: 'idle', error: undefined }), [])
  const recovery = useMemo(
    () => (state.error === undefined ? undefined : recoveryFor(state.error, { jobId, userId })),
    [state.error, jobId, userId],
  )
  return useMemo(
    () => ({ submit, status: state.status, error: state.error, recovery, reset }),
    [submit, state, recovery, reset],
  )
}
