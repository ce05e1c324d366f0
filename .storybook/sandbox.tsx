import { BankConnectProvider } from '@bankconnect/react'
import { createSandbox, type FaultSpec, type Sandbox } from '@bankconnect/sandbox'
import { sandboxHandlers } from '@bankconnect/sandbox/msw'
import type { Decorator, Loader } from '@storybook/react-vite'
import { mswLoader } from 'msw-storybook-addon/csf3'

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
}

/** What the sandbox loader hands a story in `context.loaded`. */
export interface SandboxLoaded {
  sandbox: Sandbox
  userId: string
  jobIds: string[]
}

const startMsw = mswLoader()

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
  const parameters = (context.parameters.sandbox ?? {}) as SandboxParameters
  const sandbox = createSandbox({
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
  const loaded: SandboxLoaded = { sandbox, userId, jobIds }
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
