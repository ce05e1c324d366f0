import { recoveryFor } from '@bankconnect/core'
import type { CreateConnectionInput, Recovery, UpdateConnectionInput } from '@bankconnect/core'
import { useMutation } from '@tanstack/react-query'
import { useCallback, useMemo, useRef, useState } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'

/** Where a connection request stands: not sent, on its way, accepted (a job exists), or failed. */
export type CreateConnectionStatus = 'idle' | 'submitting' | 'success' | 'error'

/**
 * New credentials for an existing connection (e.g. after the bank refused the old password): sent
 * to `POST /users/{userId}/connections/{connectionId}`. Basiq keeps the login id.
 */
export interface UpdateConnectionCredentials extends UpdateConnectionInput {
  /** The connection whose credentials change. */
  connectionId: string
  /** The institution of the connection. */
  institutionId: string
}

/** What {@link UseCreateConnectionResult.createConnection} sends. */
export type ConnectionCredentials = CreateConnectionInput | UpdateConnectionCredentials

/** What a successful {@link UseCreateConnectionResult.createConnection} resolves with. */
export interface ConnectionJobCreated {
  /** The job that verifies the credentials; poll it with `useJob`. */
  jobId: string
  /** The institution the connection is for. */
  institutionId: string
  /** The connection whose credentials were updated; absent for a new connection. */
  connectionId?: string
}

/** What {@link useCreateConnection} returns. */
export interface UseCreateConnectionResult {
  /**
   * Posts the credentials straight to Basiq (`POST /users/{userId}/connections` with the
   * provider's CLIENT_ACCESS token, or `POST /users/{userId}/connections/{connectionId}` when the
   * input names a `connectionId`) and resolves with the job, or `undefined` when the request
   * failed (see `error`). Never rejects. While a request is on its way, further calls send nothing
   * and resolve with that request's outcome, so a double click makes one connection.
   */
  createConnection(input: ConnectionCredentials): Promise<ConnectionJobCreated | undefined>
  /** See {@link CreateConnectionStatus}. */
  status: CreateConnectionStatus
  /** The job of the last successful request. */
  jobId: string | undefined
  /** Why the last request failed (a `BasiqApiError` carries Basiq's `title` and `detail`). */
  error: Error | undefined
  /** What the user can do about `error`. */
  recovery: Recovery | undefined
  /** Back to `idle`. */
  reset(): void
}

/**
 * Creates a connection from credentials the user typed (or gives an existing connection new
 * ones). The credentials go to Basiq and nowhere else: they are not the mutation's variables
 * (React Query's cache only ever sees the institution and connection ids, and the mutation is
 * removed as soon as it settles), not in this hook's state, not in a log line, not in an error
 * message.
 */
export function useCreateConnection(): UseCreateConnectionResult {
  const { client, queryClient, userId } = useBankConnect()
  // The credentials of the request being sent, handed to the request and dropped at once.
  const pending = useRef<ConnectionCredentials | undefined>(undefined)
  const inFlight = useRef<Promise<ConnectionJobCreated | undefined> | undefined>(undefined)
  const { mutateAsync, reset: resetMutation } = useMutation(
    {
      mutationKey: ['bankconnect', 'create-connection'],
      mutationFn: async (_variables: { institutionId: string; connectionId?: string }) => {
        const input = pending.current
        pending.current = undefined
        if (input === undefined) throw new Error('useCreateConnection: no credentials to send')
        if ('connectionId' in input && input.connectionId !== undefined) {
          const { connectionId, institutionId: _institution, ...credentials } = input
          return client.updateConnection(userId, connectionId, credentials)
        }
        return client.createConnection(userId, input as CreateConnectionInput)
      },
      gcTime: 0,
      // A retry would resend the credentials: a second connection attempt, not a network detail.
      retry: false,
    },
    queryClient,
  )
  const [state, setState] = useState<{
    status: CreateConnectionStatus
    jobId: string | undefined
    error: Error | undefined
  }>({ status: 'idle', jobId: undefined, error: undefined })

  const send = useCallback(
    async (input: ConnectionCredentials): Promise<ConnectionJobCreated | undefined> => {
      const institutionId = input.institutionId
      const connectionId = 'connectionId' in input ? input.connectionId : undefined
      const ids = connectionId === undefined ? { institutionId } : { institutionId, connectionId }
      setState({ status: 'submitting', jobId: undefined, error: undefined })
      pending.current = { ...input }
      let created: ConnectionJobCreated | undefined
      try {
        const job = await mutateAsync(ids)
        created = { jobId: job.id, ...ids }
        setState({ status: 'success', jobId: job.id, error: undefined })
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught))
        setState({ status: 'error', jobId: undefined, error })
      }
      pending.current = undefined
      // Removes the settled mutation from the cache.
      resetMutation()
      return created
    },
    [mutateAsync, resetMutation],
  )

  const createConnection = useCallback(
    (input: ConnectionCredentials): Promise<ConnectionJobCreated | undefined> => {
      if (inFlight.current) return inFlight.current
      if (typeof input !== 'object' || input === null) {
        const error = new TypeError('useCreateConnection: expected the credentials object')
        setState({ status: 'error', jobId: undefined, error })
        return Promise.resolve(undefined)
      }
      const request = send(input).finally(() => {
        inFlight.current = undefined
      })
      inFlight.current = request
      return request
    },
    [send],
  )

  const reset = useCallback(() => {
    setState({ status: 'idle', jobId: undefined, error: undefined })
  }, [])
  const recovery = useMemo(
    () => (state.error === undefined ? undefined : recoveryFor(state.error, { userId })),
    [state.error, userId],
  )
  return useMemo(
    () => ({
      createConnection,
      status: state.status,
      jobId: state.jobId,
      error: state.error,
      recovery,
      reset,
    }),
    [createConnection, state, recovery, reset],
  )
}
