import { BankConnectProvider } from '@bankconnect/react'
import {
  createSandbox,
  type BreakConnectionOptions,
  type FaultSpec,
  type Sandbox,
} from '@bankconnect/sandbox'
import { sandboxHandlers } from '@bankconnect/sandbox/msw'
import type { Decorator, Loader } from '@storybook/react-vite'
import { http } from 'msw'
import { mswLoader } from 'msw-storybook-addon/csf3'
import {
  createBasiqServerSession,
  createRefreshHandler,
  createUserJobsHandler,
} from '@bankconnect/server'
import { withToolbarScenario } from './toolbar.ts'

/**
 * Where the sandbox lives for stories. A reserved `.test` host, so a story can never reach a real
 * server: the MSW service worker answers every request to it from the sandbox engine in the page.
 */
export const STORY_SANDBOX_URL = 'https://basiq-sandbox.test'

/** A connection a story's loader creates before it renders, so the story starts with a `jobId`. */
export interface StoryConnection {
  /** Default `'AU00000'` (Hooli). */
  institutionId?: string
  /** A persona from the sandbox's testing page, e.g. `'gavinBelson'`. */
  loginId: string
  password: string
}

/**
 * A connection that already exists when the story renders: connected (its first job finished),
 * then optionally aged, broken or refreshing, as the sandbox's control endpoints do. Use personas
 * of banks without MFA (e.g. Hooli's).
 */
export interface StoryConnectedConnection extends StoryConnection {
  /** How long ago it last fetched data, in hours. Default: just now. */
  lastUsedHoursAgo?: number
  /** Breaks it after it connected (`invalidate`, or `fail-next-refresh` plus a refresh). */
  break?: BreakConnectionOptions
  /** Starts a refresh just before the story renders, so a sync is running. Default `false`. */
  refreshing?: boolean
}

/** `parameters.sandbox`: the scenario a story runs against. */
export interface SandboxParameters {
  /** Job step durations are divided by this. Default 8, so stories move along quickly. */
  speed?: number
  /** A generated stress catalogue added to the real one (e.g. 5,000). Default 0. */
  stressInstitutions?: number
  /** Seeds every random draw (durations, Nucleus's coin). Default 1. */
  seed?: number
  /** How long an MFA challenge waits for its answer. Default Basiq's 2 minutes. */
  mfaExpiryMs?: number
  /** The duplicate-credentials pause. Default Basiq's 6 minutes. */
  pauseMs?: number
  /** Faults injected before the story renders. */
  faults?: FaultSpec[]
  /** Create these connections in the loader; their job ids arrive as `loaded.jobIds`. */
  connections?: StoryConnection[]
  /**
   * Connections that exist, finished, before the story renders (before `connections`); their ids
   * arrive as `loaded.connectionIds`. A `fail-next-refresh` break is followed by a refresh that
   * fails, so the story opens on the failure.
   */
  connected?: StoryConnectedConnection[]
}

/** What the sandbox loader hands a story in `context.loaded`. */
export interface SandboxLoaded {
  sandbox: Sandbox
  userId: string
  jobIds: string[]
  /** Ids of the `connected` connections, in order. */
  connectionIds: string[]
  /** The finished first jobs of the `connected` connections, in order. */
  connectedJobIds: string[]
}

const startMsw = mswLoader()

/** How long a `connected` connection's job is given to finish: ample at any story speed ≥ 1. */
const SETTLE_MS = 3 * 60_000

async function call(sandbox: Sandbox, token: string, path: string, body: unknown): Promise<string> {
  const response = await sandbox.fetch(
    new Request(`${sandbox.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  )
  const answer = (await response.json()) as { id?: string }
  if (!response.ok || typeof answer.id !== 'string') {
    throw new Error(`story sandbox: POST ${path} answered ${response.status}`)
  }
  return answer.id
}

/**
 * One fresh sandbox engine per story, bridged into the page through MSW: the same engine the demo and
 * the end-to-end tests run, so a story replays exactly what a user would meet.
 */
export const sandboxLoader: Loader = async (context) => {
  await startMsw(context)
  // The toolbar's scenario menus fill in what the story's own `parameters.sandbox` leaves open.
  const parameters = withToolbarScenario(
    (context.parameters.sandbox ?? {}) as SandboxParameters,
    context.globals,
  )
  // `connected` connections are made in the sandbox's past: its clock starts behind the wall
  // clock and catches up by a settling step after each, so their jobs are finished and the clock
  // is the wall clock again when the story renders.
  const connected = parameters.connected ?? []
  const settlingSteps =
    connected.length +
    connected.filter((connection) => connection.break?.mode === 'fail-next-refresh').length
  let offsetMs = -SETTLE_MS * settlingSteps
  const sandbox = createSandbox({
    clock: {
      now: () => Date.now() + offsetMs,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
    },
    baseUrl: STORY_SANDBOX_URL,
    speed: parameters.speed ?? 8,
    seed: parameters.seed ?? 1,
    stressInstitutions: parameters.stressInstitutions ?? 0,
    ...(parameters.mfaExpiryMs === undefined ? {} : { mfaExpiryMs: parameters.mfaExpiryMs }),
    ...(parameters.pauseMs === undefined ? {} : { pauseMs: parameters.pauseMs }),
  })
  context.msw.use(...sandboxHandlers(sandbox))

  const server = sandbox.mintToken({ scope: 'SERVER_ACCESS' })
  const userId = await call(sandbox, server, '/users', { email: 'story@bankconnect.test' })
  const client = sandbox.mintToken({ scope: 'CLIENT_ACCESS' })
  const connectionIds: string[] = []
  const connectedJobIds: string[] = []
  const refreshingIds: string[] = []
  for (const connection of connected) {
    const jobId = await call(sandbox, client, `/users/${userId}/connections`, {
      loginId: connection.loginId,
      password: connection.password,
      institution: { id: connection.institutionId ?? 'AU00000' },
    })
    offsetMs += SETTLE_MS
    connectedJobIds.push(jobId)
    const source = sandbox.engine.getJob(jobId).links.source
    const connectionId = String(source).split('/').pop() ?? ''
    connectionIds.push(connectionId)
    const { lastUsedHoursAgo, break: breakOptions, refreshing } = connection
    if (breakOptions !== undefined) {
      sandbox.breakConnection(connectionId, {
        ...breakOptions,
        ...(lastUsedHoursAgo === undefined ? {} : { lastUsedHoursAgo }),
      })
      if (breakOptions.mode === 'fail-next-refresh') {
        sandbox.engine.refreshConnection(userId, connectionId)
        offsetMs += SETTLE_MS
      }
    } else if (lastUsedHoursAgo !== undefined) {
      sandbox.ageConnection(connectionId, { lastUsedHoursAgo })
    }
    if (refreshing === true) refreshingIds.push(connectionId)
  }
  // Started once the clock has caught up, so these syncs are still running when the story renders.
  for (const connectionId of refreshingIds) sandbox.engine.refreshConnection(userId, connectionId)
  // The app server, in the page: the real user-jobs and refresh handlers on the provider's
  // default paths, with the story's sandbox as Basiq.
  const session = createBasiqServerSession({
    apiKey: sandbox.apiKey,
    basiqUrl: sandbox.baseUrl,
    fetch: (input, init) => sandbox.fetch(new Request(input, init)),
    now: sandbox.clock.now,
  })
  const authorize = () => userId
  const userJobsHandler = createUserJobsHandler({ session, authorize, now: sandbox.clock.now })
  const refreshHandler = createRefreshHandler({ session, authorize, now: sandbox.clock.now })
  context.msw.use(
    http.get('/api/basiq/jobs', ({ request }) => userJobsHandler(request)),
    http.post('/api/basiq/refresh', ({ request }) => refreshHandler(request)),
  )
  const jobIds: string[] = []
  for (const connection of parameters.connections ?? []) {
    jobIds.push(
      await call(sandbox, client, `/users/${userId}/connections`, {
        loginId: connection.loginId,
        password: connection.password,
        institution: { id: connection.institutionId ?? 'AU00000' },
      }),
    )
  }
  for (const fault of parameters.faults ?? []) sandbox.faults.add(fault)
  const loaded: SandboxLoaded = { sandbox, userId, jobIds, connectionIds, connectedJobIds }
  return loaded
}

/** Wraps every story in a `BankConnectProvider` pointed at the story's sandbox. */
export const withBankConnect: Decorator = (Story, context) => {
  const { sandbox, userId } = context.loaded as SandboxLoaded
  return (
    <BankConnectProvider
      apiUrl={sandbox.baseUrl}
      userId={userId}
      getToken={() => Promise.resolve(sandbox.mintToken({ scope: 'CLIENT_ACCESS' }))}
      backgroundStorage={null}
    >
      <Story />
    </BankConnectProvider>
  )
}
