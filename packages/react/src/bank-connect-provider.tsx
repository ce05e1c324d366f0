import { createBasiqClient, createTokenSource } from '@bankconnect/core'
import type {
  BasiqClient,
  FetchLike,
  GetToken,
  OpenUnion,
  PollScheduleOptions,
  RecoveryKind,
  ReleaseWhen,
} from '@bankconnect/core'
import { QueryClient, QueryClientContext, QueryClientProvider } from '@tanstack/react-query'
import { createContext, useContext, useMemo, useState } from 'react'
import type { ReactNode } from 'react'
import { BackgroundJobsTracker } from './background-jobs-tracker.tsx'
import { BACKGROUND_JOBS_STORAGE_KEY, createBackgroundJobsStore } from './background-jobs-store.ts'
import type { BackgroundJobsStorage, BackgroundJobsStore } from './background-jobs-store.ts'
import { createJobRegistry } from './job-registry.ts'
import type { JobRegistry } from './job-registry.ts'
import { mergeMessages } from './messages.ts'
import type { MessageOverrides, Messages } from './messages.ts'
import { useLatest, useLatestFunction } from './use-latest.ts'

/** Basiq's production API (Australia and New Zealand). */
export const DEFAULT_API_URL = 'https://au-api.basiq.io'

/** Where the app server's user-jobs endpoint (`createUserJobsHandler`) is, by default. */
export const DEFAULT_USER_JOBS_URL = '/api/basiq/jobs'

/** Where the app server's refresh endpoint (`createRefreshHandler`) is, by default. */
export const DEFAULT_REFRESH_URL = '/api/basiq/refresh'

/** What the kit reports to the logger (known values; any string is accepted). */
export type BankConnectLogEventType = OpenUnion<
  | 'job-failed'
  | 'job-paused'
  | 'job-timed-out'
  | 'job-released'
  | 'job-complete'
  | 'poll-failed'
  | 'poll-recovered'
  | 'mfa-submit-failed'
  | 'logger-failed'
>

/**
 * One thing the kit reports, with the ids support needs. Never carries credentials, MFA answers,
 * tokens or job data.
 */
export interface BankConnectLogEvent {
  /** What happened. */
  type: BankConnectLogEventType
  /** A developer-facing sentence (no user data). */
  message?: string
  /** The provider's Basiq user id. */
  userId?: string
  /** Connection id, from the job's verify-credentials result link. */
  connectionId?: string
  /** Job id. */
  jobId?: string
  /** The job step the event is about, e.g. `'verify-credentials'`. */
  step?: string
  /** Basiq's error code (or the HTTP error code of a failed request). */
  code?: string
  /** Basiq's `correlationId` of the failed request, to quote to Basiq support. */
  correlationId?: string
  /** The recovery the kit chose, when the event is a failure. */
  recovery?: RecoveryKind
}

/**
 * Where the kit reports failures and recoveries (e.g. a Sentry or Datadog adapter). `error` is
 * required; `warn` and `info` are optional and fall back to nothing. A logger that throws is
 * ignored rather than breaking the screen.
 */
export interface BankConnectLogger {
  /** Failures the user sees (a failed job, a timeout, a session that expired). */
  error(event: BankConnectLogEvent): void
  /** Failures the kit works around by itself (a failed poll it will retry). */
  warn?(event: BankConnectLogEvent): void
  /** Milestones and recoveries (released, complete, a poll that worked again). */
  info?(event: BankConnectLogEvent): void
}

/** Props of {@link BankConnectProvider}. */
export interface BankConnectProviderProps {
  /** Base URL of the Basiq API. Default {@link DEFAULT_API_URL} (`'https://au-api.basiq.io'`). */
  apiUrl?: string
  /**
   * Your app's token endpoint (e.g. `'/api/basiq/token'`), which hands out CLIENT_ACCESS tokens.
   * Tokens are cached until shortly before they expire. Give this or `getToken`, not both.
   */
  tokenUrl?: string
  /**
   * Supplies a CLIENT_ACCESS token yourself; called with `{ forceRefresh: true }` after Basiq says
   * the token expired. Give this or `tokenUrl`, not both. The latest function is always used.
   */
  getToken?: GetToken
  /** The signed-in user's Basiq user id. */
  userId: string
  /** Receives every failure and recovery with the ids support needs. Default: none. */
  logger?: BankConnectLogger
  /**
   * Extra condition before `useJob` releases the user (a step title or a predicate over the job);
   * it can only delay the release. Default: release once verify-credentials (and MFA) succeeded.
   * Pass a stable value (not a new inline function on every render).
   */
  releaseWhen?: ReleaseWhen
  /** Overrides of the default (en-AU) messages, key by key. Default: none. */
  messages?: MessageOverrides
  /**
   * The React Query client to use. Default: the one of an enclosing `QueryClientProvider`, else a
   * client of this provider's own (created once).
   */
  queryClient?: QueryClient
  /** The fetch implementation for Basiq and the token endpoint. Default: the global `fetch`. */
  fetch?: FetchLike
  /**
   * Where released job ids are kept so background tracking resumes after a reload. Default:
   * `sessionStorage` when available; `null` keeps them in memory only.
   */
  backgroundStorage?: BackgroundJobsStorage | null
  /** Tuning of the polling schedule (time limits, background pace). Default: the core defaults. */
  pollSchedule?: PollScheduleOptions
  /**
   * Your app server's user-jobs endpoint (`createUserJobsHandler` of `@bankconnect/server`), read
   * by `useUserJobs` and `useConnectionHealth`. Default {@link DEFAULT_USER_JOBS_URL}
   * (`'/api/basiq/jobs'`).
   */
  userJobsUrl?: string
  /**
   * Your app server's refresh endpoint (`createRefreshHandler`), used by `useRefreshConnection`.
   * Default {@link DEFAULT_REFRESH_URL} (`'/api/basiq/refresh'`).
   */
  refreshUrl?: string
  /** Your screens. */
  children?: ReactNode
}

/** What {@link useBankConnect} returns: the provider's configuration and per-provider state. */
export interface BankConnectContextValue {
  /**
   * The provider's CLIENT_ACCESS token source (cached, single flight), for pieces that hand the
   * token to someone else, such as Basiq's own control.
   */
  getToken: GetToken
  /** The Basiq client of this provider. */
  client: BasiqClient
  /** The React Query client every bankconnect hook uses. */
  queryClient: QueryClient
  /** The signed-in user's Basiq user id. */
  userId: string
  /** The provider's release condition (`undefined` = default). */
  releaseWhen: ReleaseWhen | undefined
  /** The merged messages. */
  messages: Messages
  /** Polling schedule options (`undefined` = defaults). */
  pollSchedule: PollScheduleOptions | undefined
  /** Sends an event to the provider's logger; never throws. */
  log(level: 'error' | 'warn' | 'info', event: BankConnectLogEvent): void
  /** Per-provider job memory (first seen, failures, notifications). */
  registry: JobRegistry
  /** The store of released jobs followed in the background. */
  backgroundJobs: BackgroundJobsStore
  /** The app server's user-jobs endpoint. */
  userJobsUrl: string
  /** The app server's refresh endpoint. */
  refreshUrl: string
  /** The fetch implementation for the app server's endpoints (the provider's `fetch`). */
  serverFetch: FetchLike
}

const BankConnectContext = createContext<BankConnectContextValue | null>(null)

/**
 * Configures bankconnect for the screens inside it: the Basiq client (with a cached, single-flight
 * token source), React Query, messages, the logger, and the tracker that keeps following released
 * jobs in the background. Everything is per instance: two providers never share state.
 *
 * @throws {TypeError} when neither or both of `tokenUrl` and `getToken` are given, when `userId`
 *   is missing, or when `apiUrl` is not an absolute http(s) URL.
 */
export function BankConnectProvider(props: BankConnectProviderProps): ReactNode {
  const {
    apiUrl = DEFAULT_API_URL,
    tokenUrl,
    getToken,
    userId,
    logger,
    releaseWhen,
    messages: messageOverrides,
    fetch: fetchImpl,
    pollSchedule,
    userJobsUrl = DEFAULT_USER_JOBS_URL,
    refreshUrl = DEFAULT_REFRESH_URL,
    children,
  } = props
  checkProps(props)

  const hostClient = useContext(QueryClientContext)
  const [ownClient] = useState(() => new QueryClient())
  const queryClient = props.queryClient ?? hostClient ?? ownClient

  const loggerRef = useLatest(logger)

  const tokenSource = useMemo(
    () =>
      tokenUrl === undefined
        ? undefined
        : createTokenSource({ url: tokenUrl, userId, ...(fetchImpl ? { fetch: fetchImpl } : {}) }),
    [tokenUrl, userId, fetchImpl],
  )
  const latestGetToken = useLatestFunction(getToken, () =>
    Promise.reject(new TypeError('BankConnectProvider: getToken is not a function')),
  )
  const client = useMemo(
    () =>
      createBasiqClient({
        baseUrl: apiUrl,
        getToken: tokenSource ? tokenSource.getToken : latestGetToken,
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      }),
    [apiUrl, tokenSource, latestGetToken, fetchImpl],
  )

  const [registry] = useState(createJobRegistry)
  const storage = props.backgroundStorage === undefined ? defaultStorage() : props.backgroundStorage
  const backgroundJobs = useMemo(
    () => createBackgroundJobsStore({ storage, key: `${BACKGROUND_JOBS_STORAGE_KEY}:${userId}` }),
    [storage, userId],
  )
  const messages = useMemo(() => mergeMessages(messageOverrides), [messageOverrides])
  const serverFetch = useMemo<FetchLike>(
    () => fetchImpl ?? ((input, init) => globalThis.fetch(input, init)),
    [fetchImpl],
  )

  const providedGetToken: GetToken = tokenSource ? tokenSource.getToken : latestGetToken
  const value = useMemo<BankConnectContextValue>(
    () => ({
      getToken: providedGetToken,
      client,
      queryClient,
      userId,
      releaseWhen,
      messages,
      pollSchedule,
      registry,
      backgroundJobs,
      userJobsUrl,
      refreshUrl,
      serverFetch,
      log(level, event) {
        const target = loggerRef.current
        if (!target) return
        try {
          const method = level === 'error' ? target.error : target[level]
          method?.call(target, { userId, ...event })
        } catch {
          // A broken logger must not take the connection screen down with it.
        }
      },
    }),
    [
      providedGetToken,
      client,
      queryClient,
      userId,
      releaseWhen,
      messages,
      pollSchedule,
      registry,
      backgroundJobs,
      userJobsUrl,
      refreshUrl,
      serverFetch,
      loggerRef,
    ],
  )

  const tree = (
    <BankConnectContext value={value}>
      {children}
      <BackgroundJobsTracker />
    </BankConnectContext>
  )
  // Hooks outside bankconnect that use React Query should see the same client.
  if (queryClient === hostClient) return tree
  return <QueryClientProvider client={queryClient}>{tree}</QueryClientProvider>
}

/**
 * The enclosing {@link BankConnectProvider}'s client, messages, logger and stores.
 *
 * @throws {Error} outside a `BankConnectProvider`, naming the fix.
 */
export function useBankConnect(): BankConnectContextValue {
  const value = useContext(BankConnectContext)
  if (value === null) {
    throw new Error(
      'useBankConnect: no <BankConnectProvider> above this component. Wrap your onboarding screens in ' +
        '<BankConnectProvider tokenUrl="/api/basiq/token" userId={basiqUserId}>…</BankConnectProvider>.',
    )
  }
  return value
}

function checkProps(props: BankConnectProviderProps): void {
  if (typeof props !== 'object' || props === null) {
    throw new TypeError('BankConnectProvider: expected props { tokenUrl | getToken, userId }')
  }
  const hasUrl = props.tokenUrl !== undefined
  const hasGetter = props.getToken !== undefined
  if (hasUrl === hasGetter) {
    throw new TypeError(
      hasUrl
        ? 'BankConnectProvider: pass either tokenUrl or getToken, not both'
        : 'BankConnectProvider: pass tokenUrl (your token endpoint, e.g. "/api/basiq/token") or getToken',
    )
  }
  if (hasGetter && typeof props.getToken !== 'function') {
    throw new TypeError('BankConnectProvider: getToken must be a function returning a token')
  }
  if (typeof props.userId !== 'string' || props.userId.trim() === '') {
    throw new TypeError("BankConnectProvider: userId must be the signed-in user's Basiq user id")
  }
  for (const name of ['userJobsUrl', 'refreshUrl'] as const) {
    const url = props[name]
    if (url !== undefined && (typeof url !== 'string' || url.trim() === '')) {
      throw new TypeError(
        `BankConnectProvider: ${name} must be the URL of your app server's endpoint, e.g. "${name === 'refreshUrl' ? DEFAULT_REFRESH_URL : DEFAULT_USER_JOBS_URL}"`,
      )
    }
  }
}

function defaultStorage(): BackgroundJobsStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage
  } catch {
    // Some browsers throw on access when storage is disabled.
    return null
  }
}
