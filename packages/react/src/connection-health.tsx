import type { Institution, RefreshPolicy } from '@bankconnect/core'
import { useQuery } from '@tanstack/react-query'
import { useCallback, useId, useState } from 'react'
import type { ComponentPropsWithRef, ReactNode } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import { CredentialsForm } from './credentials-form.tsx'
import { institutionQueryKey } from './job-query.ts'
import { JobProgress } from './job-progress.tsx'
import type { Messages } from './messages.ts'
import { recoveryText } from './messages.ts'
import { useConnectionHealth } from './use-connection-health.ts'
import type {
  ConnectionHealthEntry,
  UseConnectionHealthOptions,
  UseConnectionHealthResult,
} from './use-connection-health.ts'
import { useJob } from './use-job.ts'
import { useLatest } from './use-latest.ts'
import { useRefreshConnection } from './use-refresh-connection.ts'

/**
 * Where the screen stands, exposed as `data-state`: `loading` (first check), `error` (the check
 * failed and nothing is known), `empty` (no connections), `ready`.
 */
export type ConnectionHealthViewState = 'loading' | 'error' | 'empty' | 'ready'

/** What `onRepaired` receives. */
export interface ConnectionRepairedEvent {
  /** The connection that works again. */
  connectionId: string
  /** The job that repaired it (an update with new credentials, or a refresh). */
  jobId: string
}

/** Props of {@link ConnectionHealth}: a `<section>`'s own props, the health options, plus: */
export interface ConnectionHealthProps
  extends Omit<ComponentPropsWithRef<'section'>, 'children'>, UseConnectionHealthOptions {
  /** The heading. Default the `connectionHealth.title` message ("Your banks"); `null` hides it. */
  heading?: ReactNode
  /**
   * The browser's copy of the refresh policy; keep it the same as the app server's
   * `createRefreshHandler({ policy })`. Default: core's defaults.
   */
  policy?: RefreshPolicy
  /** Called when a connection works again after an update or a refresh. The latest is called. */
  onRepaired?: (event: ConnectionRepairedEvent) => void
}

const INSTITUTION_STALE_MS = 60 * 60_000

/**
 * "Your banks": each of the signed-in user's connections with its health and the one thing it
 * needs — new login details (the credentials form in update mode, then the job's progress until
 * it is verified), something to do in their online banking (then "I've done it — check again",
 * a refresh through the guard), a refresh for a stale connection (guarded), or nothing but
 * waiting. Checked at mount and at most once per `cadenceMs` (see `useConnectionHealth`).
 *
 * Unstyled: `data-state` ({@link ConnectionHealthViewState}) on the section, `data-slot` on its
 * parts (`heading`, `loading`, `error`, `empty`, `list`, `connection` with `data-state` =
 * `ConnectionHealthState` and `data-action`, `institution`, `state`, `last-updated`, `recovery`,
 * `action`, `refusal`, `checked-at`, `announcer`).
 */
export function ConnectionHealth(props: ConnectionHealthProps): ReactNode {
  const {
    heading,
    policy,
    onRepaired,
    cadenceMs,
    staleAfterMs,
    storage,
    enabled,
    ...sectionProps
  } = props
  const { messages } = useBankConnect()
  const health = useConnectionHealth({
    ...(cadenceMs === undefined ? {} : { cadenceMs }),
    ...(staleAfterMs === undefined ? {} : { staleAfterMs }),
    ...(storage === undefined ? {} : { storage }),
    ...(enabled === undefined ? {} : { enabled }),
  })
  const headingId = useId()
  const [announcement, setAnnouncement] = useState('')
  const onRepairedRef = useLatest(onRepaired)
  const { check } = health
  const repaired = useCallback(
    async (event: ConnectionRepairedEvent, institutionName: string) => {
      try {
        onRepairedRef.current?.(event)
      } catch {
        // The screen carries on whatever the app's callback does.
      }
      await check()
      setAnnouncement(messages['connectionHealth.repaired']({ institution: institutionName }))
    },
    [messages, check, onRepairedRef],
  )

  const state = viewState(health)
  const shownHeading = heading === undefined ? messages['connectionHealth.title'] : heading
  return (
    <section
      aria-labelledby={shownHeading === null ? undefined : headingId}
      aria-busy={state === 'loading' ? true : undefined}
      {...sectionProps}
      data-slot="connection-health"
      data-state={state}
    >
      {shownHeading === null ? null : (
        <h2 id={headingId} data-slot="heading">
          {shownHeading}
        </h2>
      )}
      {state === 'loading' ? (
        <p data-slot="loading">{messages['connectionHealth.loading']}</p>
      ) : null}
      {state === 'error' ? (
        <div role="alert" data-slot="error">
          <p>{messages['connectionHealth.error']}</p>
          <button
            type="button"
            data-slot="retry"
            onClick={() => void check()}
            disabled={health.checking}
          >
            {messages['connectionHealth.retry']}
          </button>
        </div>
      ) : null}
      {state === 'empty' ? <p data-slot="empty">{messages['connectionHealth.empty']}</p> : null}
      {health.connections.length > 0 ? (
        <ul data-slot="list">
          {health.connections.map((entry) => (
            <ConnectionRow
              key={entry.connectionId}
              entry={entry}
              policy={policy}
              onRepaired={repaired}
              onFinished={() => void check()}
            />
          ))}
        </ul>
      ) : null}
      {health.checkedAt === undefined ? null : (
        <p data-slot="checked-at">
          {messages['connectionHealth.checkedAt']({
            time: formatTime(health.checkedAt, messages.locale),
          })}
        </p>
      )}
      <div role="status" aria-live="polite" data-slot="announcer">
        {announcement}
      </div>
    </section>
  )
}

/** What a row is busy with: nothing, the update form, or following a job it started. */
type RowMode = { kind: 'idle' } | { kind: 'form' } | { kind: 'following'; jobId: string }

function ConnectionRow(props: {
  entry: ConnectionHealthEntry
  policy: RefreshPolicy | undefined
  /** Reads the health again and announces the repair; resolves once the new health is in. */
  onRepaired: (event: ConnectionRepairedEvent, institutionName: string) => Promise<void>
  onFinished: () => void
}): ReactNode {
  const { entry, policy, onRepaired, onFinished } = props
  const { client, queryClient, messages } = useBankConnect()
  const [mode, setMode] = useState<RowMode>({ kind: 'idle' })
  const nameId = useId()
  const institutionQuery = useQuery(
    {
      queryKey: institutionQueryKey(entry.institutionId),
      queryFn: ({ signal }) => client.getInstitution(entry.institutionId, { signal }),
      staleTime: INSTITUTION_STALE_MS,
      retry: false,
      refetchOnWindowFocus: false,
    },
    queryClient,
  )
  const institution: Institution | undefined = institutionQuery.data
  const name =
    institution?.shortName || institution?.name || messages['connectionHealth.unknownBank']
  const refresh = useRefreshConnection(entry.connectionId, policy === undefined ? {} : { policy })

  // A sync this row did not start still ends: read the health again when it does.
  useJob(mode.kind === 'idle' ? entry.runningJobId : undefined, {
    institutionId: entry.institutionId,
    onComplete: onFinished,
    onFailed: onFinished,
  })

  const follow = (jobId: string) => setMode({ kind: 'following', jobId })
  const checkAgain = () => {
    void refresh.refresh().then((outcome) => {
      if (outcome.status === 'started') follow(outcome.jobId)
    })
  }
  const busy = refresh.status === 'checking' || refresh.status === 'refreshing'
  const refusal = refresh.status === 'refused' ? refresh.refusal : undefined

  return (
    <li
      data-slot="connection"
      data-state={entry.state}
      data-action={entry.action}
      data-connection={entry.connectionId}
      aria-labelledby={nameId}
    >
      <span id={nameId} data-slot="institution">
        {name}
      </span>{' '}
      <span data-slot="state">{messages[`connectionHealth.state.${entry.state}`]}</span>{' '}
      <span data-slot="last-updated">
        {entry.lastUpdatedAt === undefined
          ? messages['connectionHealth.neverUpdated']
          : messages['connectionHealth.lastUpdated']({
              time: formatTime(entry.lastUpdatedAt, messages.locale),
            })}
      </span>
      {entry.recovery !== undefined && mode.kind !== 'following' ? (
        <p data-slot="recovery" data-state={entry.recovery.kind}>
          {recoveryText(messages, entry.recovery)}
          {entry.recovery.detail ? (
            <>
              {' '}
              <span data-slot="recovery-detail">{entry.recovery.detail}</span>
            </>
          ) : null}
        </p>
      ) : null}
      {mode.kind === 'idle' ? (
        <RowAction
          entry={entry}
          messages={messages}
          busy={busy}
          institutionKnown={institution !== undefined}
          onReenter={() => setMode({ kind: 'form' })}
          onRefresh={checkAgain}
        />
      ) : null}
      {refusal !== undefined && mode.kind === 'idle' ? (
        <p role="status" data-slot="refusal" data-state={refusal.reason}>
          {refusal.message}
        </p>
      ) : null}
      {refresh.status === 'error' && mode.kind === 'idle' ? (
        <p role="alert" data-slot="refresh-error">
          {messages['connectionHealth.refreshFailed']}
        </p>
      ) : null}
      {mode.kind === 'form' && institution !== undefined ? (
        <div data-slot="update">
          <CredentialsForm
            institution={institution}
            connectionId={entry.connectionId}
            onJobCreated={(event) => follow(event.jobId)}
          />
          <button type="button" data-slot="cancel" onClick={() => setMode({ kind: 'idle' })}>
            {messages['connectionHealth.cancel']}
          </button>
        </div>
      ) : null}
      {mode.kind === 'following' ? (
        <JobProgress
          jobId={mode.jobId}
          institutionId={entry.institutionId}
          {...(institution === undefined ? {} : { institution })}
          onComplete={() => {
            // The progress ("All done") stays until the health read after it shows the repair.
            void onRepaired({ connectionId: entry.connectionId, jobId: mode.jobId }, name).then(
              () => {
                setMode({ kind: 'idle' })
                refresh.reset()
              },
            )
          }}
          onFailed={onFinished}
          onAction={(action) => {
            if (action === 're-enter-credentials') setMode({ kind: 'form' })
            else if (action !== 'retry') setMode({ kind: 'idle' })
          }}
        />
      ) : null}
    </li>
  )
}

function RowAction(props: {
  entry: ConnectionHealthEntry
  messages: Messages
  busy: boolean
  institutionKnown: boolean
  onReenter: () => void
  onRefresh: () => void
}): ReactNode {
  const { entry, messages, busy, institutionKnown, onReenter, onRefresh } = props
  switch (entry.action) {
    case 're-enter-credentials':
      return (
        <button
          type="button"
          data-slot="action"
          data-action="re-enter-credentials"
          // The form is built from the bank's captions, so it waits for the bank's details.
          disabled={!institutionKnown}
          onClick={onReenter}
        >
          {messages['action.re-enter-credentials']}
        </button>
      )
    case 'act-in-bank':
    case 'refresh':
      return (
        <button
          type="button"
          data-slot="action"
          data-action={entry.action}
          aria-disabled={busy ? true : undefined}
          onClick={() => {
            if (!busy) onRefresh()
          }}
        >
          {busy
            ? messages['connectionHealth.refreshing']
            : entry.action === 'act-in-bank'
              ? messages['connectionHealth.checkAgain']
              : messages['connectionHealth.refresh']}
        </button>
      )
    default:
      return null
  }
}

function viewState(health: UseConnectionHealthResult): ConnectionHealthViewState {
  if (health.status === 'ready') return health.connections.length === 0 ? 'empty' : 'ready'
  if (health.status === 'error') return 'error'
  return 'loading'
}

function formatTime(ms: number, locale: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms)
  } catch {
    return new Date(ms).toISOString()
  }
}
