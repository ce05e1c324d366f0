/**
 * A small HTTP client over `sandbox.fetch` for the sandbox's own tests: it only builds requests
 * and reads responses, so the tests assert exactly what an HTTP caller of the sandbox sees.
 */
import type { ManualClock } from './clock.ts'
import type { Sandbox } from './create-sandbox.ts'

/** A response as a test sees it. */
export interface TestResponse {
  status: number
  headers: Headers
  text: string
  /** The parsed JSON body (`undefined` when the body is empty or not JSON). */
  // oxlint-disable-next-line typescript/no-explicit-any -- tests read arbitrary JSON paths
  body: any
}

/** Options of one request. */
export interface TestRequestOptions {
  token?: string
  /** Sent as JSON (strings are sent verbatim). */
  json?: unknown
  /** Sent form-encoded. */
  form?: Record<string, string>
  headers?: Record<string, string>
}

/** A job as the tests read it. */
export interface TestJob {
  id: string
  steps: Array<{ title: string; status: string; result: Record<string, unknown> | null }>
  [key: string]: unknown
}

/** Test client bound to one sandbox (and its manual clock). */
export function testClient(sandbox: Sandbox, clock: ManualClock) {
  async function request(
    method: string,
    path: string,
    options: TestRequestOptions = {},
  ): Promise<TestResponse> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    let body: string | undefined
    if (options.json !== undefined) {
      body = typeof options.json === 'string' ? options.json : JSON.stringify(options.json)
      headers['content-type'] ??= 'application/json'
    } else if (options.form) {
      body = new URLSearchParams(options.form).toString()
      headers['content-type'] ??= 'application/x-www-form-urlencoded'
    }
    const url = path.startsWith('http') ? path : `${sandbox.baseUrl}${path}`
    const response = await sandbox.fetch(new Request(url, { method, headers, body }))
    const text = await response.text()
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      parsed = undefined
    }
    return { status: response.status, headers: response.headers, text, body: parsed }
  }

  async function token(
    scope: 'SERVER_ACCESS' | 'CLIENT_ACCESS' = 'SERVER_ACCESS',
    extra: Record<string, string> = {},
  ): Promise<string> {
    const response = await request('POST', '/token', {
      headers: { authorization: `Basic ${sandbox.apiKey}`, 'basiq-version': '2.1' },
      form: { scope, ...extra },
    })
    if (response.status !== 200)
      throw new Error(`token request failed: ${response.status} ${response.text}`)
    return response.body.access_token as string
  }

  async function createUser(serverToken: string, email = 'gavin@hooli.com'): Promise<string> {
    const response = await request('POST', '/users', {
      token: serverToken,
      json: { email, mobile: '+61410888999' },
    })
    if (response.status !== 201)
      throw new Error(`user creation failed: ${response.status} ${response.text}`)
    return response.body.id as string
  }

  async function connect(
    authToken: string,
    userId: string,
    loginId: string,
    password: string,
    institutionId = 'AU00000',
  ): Promise<string> {
    const response = await request('POST', `/users/${userId}/connections`, {
      token: authToken,
      json: { loginId, password, institution: { id: institutionId } },
    })
    if (response.status !== 202)
      throw new Error(`connection failed: ${response.status} ${response.text}`)
    return response.body.id as string
  }

  async function job(authToken: string, jobId: string): Promise<TestJob> {
    const response = await request('GET', `/jobs/${jobId}`, { token: authToken })
    if (response.status !== 200)
      throw new Error(`job read failed: ${response.status} ${response.text}`)
    return response.body as TestJob
  }

  /** Advances the clock in `stepMs` increments until `done(job)` or `maxMs` of virtual time. */
  async function waitForJob(
    authToken: string,
    jobId: string,
    done: (job: TestJob) => boolean,
    { stepMs = 250, maxMs = 600_000 } = {},
  ): Promise<TestJob> {
    const start = clock.now()
    for (;;) {
      const current = await job(authToken, jobId)
      if (done(current)) return current
      if (clock.now() - start >= maxMs) {
        throw new Error(
          `job ${jobId} did not reach the expected state: ${JSON.stringify(current.steps)}`,
        )
      }
      await clock.advance(stepMs)
    }
  }

  return { request, token, createUser, connect, job, waitForJob }
}

/** No step is still pending or in progress, or one has failed (a failed step ends the job). */
export function isFinished(job: TestJob): boolean {
  return (
    job.steps.some((s) => s.status === 'failed') || job.steps.every((s) => s.status === 'success')
  )
}

/** The step with this title. */
export function stepOf(job: TestJob, title: string) {
  const step = job.steps.find((s) => s.title === title)
  if (!step) throw new Error(`job has no ${title} step: ${JSON.stringify(job.steps)}`)
  return step
}
