/**
 * The app server of the React tests: the real `@bankconnect/server` user-jobs and refresh handlers
 * behind MSW, talking to the harness's sandbox engine in process. The topology stays real
 * (browser → app server → Basiq) without a Node server.
 */
import { http } from 'msw'
import {
  createBasiqServerSession,
  createRefreshHandler,
  createUserJobsHandler,
} from '@bankconnect/server'
import type { RefreshPolicy } from '@bankconnect/core'
import type { Harness } from './sandbox-harness.tsx'

/** The app's user-jobs endpoint in the tests. */
export const USER_JOBS_URL = 'http://app.test/api/basiq/jobs'
/** The app's refresh endpoint in the tests. */
export const REFRESH_URL = 'http://app.test/api/basiq/refresh'

/** Options of {@link mountAppServer}. */
export interface AppServerOptions {
  /** The server's refresh policy. Default: core's. */
  policy?: RefreshPolicy
}

/** The mounted app server. */
export interface AppServer {
  /** Who the app's session says is signed in (`null`: nobody); defaults to the harness's user. */
  signedIn: { userId: string | null }
  /** Requests the browser sent to the user-jobs endpoint so far. */
  userJobsRequests(): number
  /** Requests the browser sent to the refresh endpoint so far. */
  refreshRequests(): number
}

/** Mounts the user-jobs and refresh handlers on the harness's MSW server. */
export function mountAppServer(harness: Harness, options: AppServerOptions = {}): AppServer {
  const { sandbox } = harness
  const session = createBasiqServerSession({
    apiKey: sandbox.apiKey,
    basiqUrl: sandbox.baseUrl,
    fetch: (input, init) => sandbox.fetch(new Request(input, init)),
  })
  const signedIn = { userId: harness.userId as string | null }
  const authorize = () => signedIn.userId
  const onError = () => {}
  const userJobs = createUserJobsHandler({ session, authorize, onError })
  const refresh = createRefreshHandler({
    session,
    authorize,
    onError,
    ...(options.policy ? { policy: options.policy } : {}),
  })
  harness.server.use(
    http.get(USER_JOBS_URL, ({ request }) => userJobs(request)),
    http.post(REFRESH_URL, ({ request }) => refresh(request)),
  )
  const count = (url: string) =>
    harness.requests.filter((request) => request.path === new URL(url).pathname).length
  return {
    signedIn,
    userJobsRequests: () => count(USER_JOBS_URL),
    refreshRequests: () => count(REFRESH_URL),
  }
}
