import { DEFAULT_SANDBOX_API_KEY, createManualClock, createSandbox } from '@bankconnect/sandbox'
import { describe, expect, test } from 'vitest'
import { createBasiqClient } from './client.ts'
import type { BasiqClient, FetchLike, GetToken, GetTokenOptions } from './client.ts'
import { BasiqApiError, BasiqNetworkError, BasiqParseError, isBasiqError } from './errors.ts'
import type { Job, JobStep } from './schemas.ts'

type Scope = 'SERVER_ACCESS' | 'CLIENT_ACCESS'

const start = Date.parse('2026-01-01T00:00:00Z')
const hooli = 'AU00000'
const piedPiper = 'AU00002'
const gavin = { loginId: 'gavinBelson', password: 'hooli2016' }

/** A fresh sandbox in virtual time, its fetch (recording every request) and token helpers. */
function setup() {
  const clock = createManualClock(start)
  const sandbox = createSandbox({ clock, seed: 1, speed: 1 })
  const requests: Request[] = []
  const fetch: FetchLike = (input, init) => {
    const request = new Request(input, init)
    requests.push(request.clone())
    return sandbox.fetch(request)
  }

  async function mint(scope: Scope): Promise<string> {
    const response = await sandbox.fetch(
      new Request(`${sandbox.baseUrl}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${DEFAULT_SANDBOX_API_KEY}`,
          'basiq-version': '2.1',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ scope }).toString(),
      }),
    )
    if (!response.ok) throw new Error(`the sandbox refused a ${scope} token: ${response.status}`)
    const body = (await response.json()) as { access_token: string }
    return body.access_token
  }

  /** A getToken like an app's: cached, and a fresh token on `forceRefresh`. Records its calls. */
  function tokens(scope: Scope) {
    const calls: (GetTokenOptions | undefined)[] = []
    let current: string | undefined
    const getToken: GetToken = async (options) => {
      calls.push(options)
      if (current === undefined || options?.forceRefresh) current = await mint(scope)
      return current
    }
    return { getToken, calls }
  }

  function client(getToken: GetToken): BasiqClient {
    return createBasiqClient({ baseUrl: sandbox.baseUrl, getToken, fetch })
  }

  const serverTokens = tokens('SERVER_ACCESS')
  const server = client(serverTokens.getToken)
  const browserTokens = tokens('CLIENT_ACCESS')
  const browser = client(browserTokens.getToken)

  function requestsTo(pathPrefix: string): Request[] {
    return requests.filter((request) => new URL(request.url).pathname.startsWith(pathPrefix))
  }

  return {
    clock,
    sandbox,
    requests,
    requestsTo,
    fetch,
    mint,
    tokens,
    client,
    server,
    serverTokens,
    browser,
  }
}

type Env = ReturnType<typeof setup>

function step(job: Job, title: string): JobStep {
  const found = job.steps.find((candidate) => candidate.title === title)
  if (!found) throw new Error(`job ${job.id} has no ${title} step`)
  return found
}

const finished = (job: Job) =>
  job.steps.every((candidate) => candidate.status === 'success' || candidate.status === 'failed')

/** Polls the job once a virtual second until `done(job)`, for at most ten virtual minutes. */
async function pollUntil(env: Env, jobId: string, done: (job: Job) => boolean): Promise<Job> {
  for (let second = 0; second <= 600; second++) {
    const job = await env.server.getJob(jobId)
    if (done(job)) return job
    await env.clock.advance(1000)
  }
  throw new Error(`job ${jobId} did not reach the expected state in ten virtual minutes`)
}

async function connectHooli(env: Env, userId: string, credentials = gavin) {
  const stub = await env.browser.createConnection(userId, { institutionId: hooli, ...credentials })
  const job = await pollUntil(env, stub.id, finished)
  const url = step(job, 'verify-credentials').result
  if (url?.type !== 'link') throw new Error('verify-credentials did not link to the connection')
  const connectionId = url.url.split('/').pop() ?? ''
  return { stub, job, connectionId }
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to fail')
}

/** Every string reachable from an error: message, stack, own properties, cause chain. */
function everythingIn(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'object') return String(value)
  if (seen.has(value)) return ''
  seen.add(value)
  const parts: string[] = []
  if (value instanceof Error)
    parts.push(value.message, value.stack ?? '', everythingIn(value.cause, seen))
  for (const key of Reflect.ownKeys(value)) {
    parts.push(String(key), everythingIn((value as Record<PropertyKey, unknown>)[key], seen))
  }
  return parts.join('\n')
}

describe('institutions', () => {
  test('a structured filter is sent in Basiq grammar and the answer honours it', async () => {
    const env = setup()
    const all = await env.server.listInstitutions()
    const filtered = await env.server.listInstitutions({
      filter: { country: 'Australia', tier: ['1', '2'], stage: { ne: 'alpha' } },
    })
    const [request] = env.requestsTo('/institutions').slice(-1)
    expect(new URL(request?.url ?? '').searchParams.get('filter')).toBe(
      "institution.country.eq('Australia'),institution.tier.in('1','2'),institution.stage.ne('alpha')",
    )
    expect(filtered.data.length).toBeGreaterThan(0)
    expect(filtered.data.length).toBeLessThan(all.data.length)
    for (const institution of filtered.data) {
      expect(institution.country).toBe('Australia')
      expect(['1', '2']).toContain(institution.tier)
      expect(institution.stage).not.toBe('alpha')
    }
  })

  test('a raw filter string is passed through', async () => {
    const env = setup()
    const list = await env.server.listInstitutions({ filter: "institution.id.eq('AU00000')" })
    expect(list.data.map((institution) => institution.id)).toEqual([hooli])
  })

  test('public institutions need no token', async () => {
    const env = setup()
    const client = env.client(() => Promise.reject(new Error('getToken must not be called')))
    const list = await client.listPublicInstitutions({ filter: { stage: 'live' } })
    expect(list.data.length).toBeGreaterThan(0)
    expect(env.requestsTo('/public/institutions')[0]?.headers.get('authorization')).toBeNull()
  })

  test('getInstitution returns Hooli; an unknown id is a 404 BasiqApiError', async () => {
    const env = setup()
    const institution = await env.server.getInstitution(hooli)
    expect(institution).toMatchObject({ id: hooli, shortName: 'Hooli', authorization: 'user' })

    const error = await caught(env.server.getInstitution('AU99999'))
    expect(error).toBeInstanceOf(BasiqApiError)
    expect(error).toMatchObject({
      status: 404,
      code: 'resource-not-found',
      path: '/institutions/AU99999',
    })
    expect((error as BasiqApiError).correlationId).toEqual(expect.any(String))
  })
})

describe('requests', () => {
  test('carry the bearer token, Accept and a JSON content type on bodies', async () => {
    const env = setup()
    const user = await env.server.createUser({ email: 'gavin@hooli.com' })
    const [request] = env.requestsTo('/users')
    const token = await env.serverTokens.getToken()
    expect(request?.headers.get('authorization')).toBe(`Bearer ${token}`)
    expect(request?.headers.get('accept')).toBe('application/json')
    expect(request?.headers.get('content-type')).toBe('application/json')
    expect(await request?.json()).toEqual({ email: 'gavin@hooli.com' })
    await expect(env.server.getUser(user.id)).resolves.toMatchObject({
      id: user.id,
      email: 'gavin@hooli.com',
    })
  })

  test.each(['../users/x', 'a/b', '', ' ', 'job?x=1', 'job#x', '%2e%2e'])(
    'an id like %j is refused before any request is sent',
    async (id) => {
      const env = setup()
      await expect(env.server.getJob(id)).rejects.toThrow(TypeError)
      await expect(env.server.getConnection('user', id)).rejects.toThrow(/connectionId/)
      expect(env.requests).toHaveLength(0)
    },
  )

  test('a call whose signal is already aborted rejects with its reason and sends nothing', async () => {
    const env = setup()
    const controller = new AbortController()
    const reason = new Error('user left the page')
    controller.abort(reason)
    await expect(env.server.getJob('job-1', { signal: controller.signal })).rejects.toBe(reason)
    expect(env.requests).toHaveLength(0)
  })

  test('an abort while the request is in flight rejects with the reason, not a BasiqError', async () => {
    const env = setup()
    // Real fetch rejects as soon as its signal aborts; model that on top of the sandbox.
    const abortable: FetchLike = (input, init) =>
      new Promise((resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))
        env.fetch(input, init).then(resolve, reject)
      })
    const client = createBasiqClient({
      baseUrl: env.sandbox.baseUrl,
      getToken: env.serverTokens.getToken,
      fetch: abortable,
    })
    env.sandbox.faults.add({ kind: 'latency', path: '/institutions', latencyMs: 5000 })
    const controller = new AbortController()
    const pending = client.listInstitutions({ signal: controller.signal })
    await new Promise((resolve) => setTimeout(resolve, 0))
    const reason = new DOMException('Aborted', 'AbortError')
    controller.abort(reason)
    const error = await caught(pending)
    expect(error).toBe(reason)
    expect(isBasiqError(error)).toBe(false)
    await env.clock.advance(5000)
  })
})

describe('connections and jobs', () => {
  test('a created connection’s job progresses as the clock advances', async () => {
    const env = setup()
    const user = await env.server.createUser({ email: 'gavin@hooli.com' })
    const stub = await env.browser.createConnection(user.id, { institutionId: hooli, ...gavin })
    expect(stub.type).toBe('job')

    const [post] = env.requestsTo(`/users/${user.id}/connections`)
    expect(await post?.json()).toEqual({ ...gavin, institution: { id: hooli } })

    const first = await env.server.getJob(stub.id)
    expect(step(first, 'verify-credentials').status).not.toBe('success')

    const verified = await pollUntil(
      env,
      stub.id,
      (job) => step(job, 'verify-credentials').status === 'success',
    )
    expect(verified.steps.some((candidate) => candidate.status !== 'success')).toBe(true)

    const done = await pollUntil(env, stub.id, finished)
    expect(done.steps.map((candidate) => [candidate.title, candidate.status])).toEqual([
      ['verify-credentials', 'success'],
      ['retrieve-accounts', 'success'],
      ['retrieve-transactions', 'success'],
    ])
    expect(Date.parse(done.updated)).toBeGreaterThan(Date.parse(first.updated))
  })

  test('the connection, its list and its accounts are readable once the job is done', async () => {
    const env = setup()
    const user = await env.server.createUser({ email: 'gavin@hooli.com' })
    const { connectionId } = await connectHooli(env, user.id)

    const connection = await env.server.getConnection(user.id, connectionId)
    expect(connection).toMatchObject({
      id: connectionId,
      status: 'active',
      institution: { id: hooli },
    })
    const list = await env.server.listConnections(user.id)
    expect(list.data.map((item) => item.id)).toEqual([connectionId])

    const accounts = await env.server.listAccounts(user.id, { institutionId: hooli })
    expect(accounts.data.length).toBeGreaterThan(0)
    const [request] = env.requestsTo(`/users/${user.id}/accounts`)
    expect(new URL(request?.url ?? '').searchParams.get('filter')).toBe(
      "institution.id.eq('AU00000')",
    )
  })

  test('wrong credentials (bighead) fail verify-credentials with invalid-credentials', async () => {
    const env = setup()
    const user = await env.server.createUser({ email: 'bighead@hooli.com' })
    const stub = await env.browser.createConnection(user.id, {
      institutionId: hooli,
      loginId: 'bighead',
      password: 'password',
    })
    const job = await pollUntil(
      env,
      stub.id,
      (candidate) => step(candidate, 'verify-credentials').status === 'failed',
    )
    expect(step(job, 'verify-credentials').result).toMatchObject({
      type: 'error',
      code: 'invalid-credentials',
      detail: 'Account is locked',
    })
  })

  test('submitMfa answers the challenge and the job carries on', async () => {
    const env = setup()
    const user = await env.server.createUser({ email: 'jared@hooli.com' })
    const stub = await env.browser.createConnection(user.id, {
      institutionId: piedPiper,
      loginId: 'jared',
      password: 'django',
    })
    const challenged = await pollUntil(env, stub.id, (job) =>
      job.steps.some(
        (candidate) => candidate.title === 'mfa-challenge' && candidate.result?.type === 'mfa',
      ),
    )
    const challenge = step(challenged, 'mfa-challenge').result
    if (challenge?.type !== 'mfa') throw new Error('expected an MFA challenge')
    expect(challenge.method).toBe('token')
    expect(challenge.input).toEqual(['OTP Password'])

    const answered = await env.browser.submitMfa(stub.id, ['1234'])
    expect(answered.id).toBe(stub.id)
    const [post] = env.requestsTo(`/jobs/${stub.id}/mfa`)
    expect(await post?.json()).toEqual({ 'mfa-response': ['1234'] })

    const done = await pollUntil(env, stub.id, finished)
    expect(done.steps.map((candidate) => candidate.status)).toEqual(done.steps.map(() => 'success'))
  })

  test('refresh starts a job (reused: false) and hands back the running one (reused: true)', async () => {
    const env = setup()
    const user = await env.server.createUser({ email: 'gavin@hooli.com' })
    const { stub, connectionId } = await connectHooli(env, user.id)

    const first = await env.server.refreshConnection(user.id, connectionId)
    expect(first.reused).toBe(false)
    expect(first.job.id).not.toBe(stub.id)

    const again = await env.server.refreshConnection(user.id, connectionId)
    expect(again).toEqual({ job: expect.objectContaining({ id: first.job.id }), reused: true })
  })

  test('getUserJobs filters by connection', async () => {
    const env = setup()
    const user = await env.server.createUser({ email: 'two-banks@hooli.com' })
    const a = await connectHooli(env, user.id)
    const b = await connectHooli(env, user.id, { loginId: 'richard', password: 'tabsnotspaces' })

    const all = await env.server.getUserJobs(user.id)
    expect(all.data.map((job) => job.id).sort()).toEqual([a.stub.id, b.stub.id].sort())

    const onlyA = await env.server.getUserJobs(user.id, { connectionId: a.connectionId })
    expect(onlyA.data.map((job) => job.id)).toEqual([a.stub.id])
    const [request] = env.requestsTo(`/users/${user.id}/jobs`).slice(-1)
    expect(new URL(request?.url ?? '').searchParams.get('filter')).toBe(
      `connection.id.eq('${a.connectionId}')`,
    )
  })

  test('deleteConnection resolves with nothing and the connection is gone', async () => {
    const env = setup()
    const user = await env.server.createUser({ email: 'gavin@hooli.com' })
    const { connectionId } = await connectHooli(env, user.id)
    await expect(env.server.deleteConnection(user.id, connectionId)).resolves.toBeUndefined()
    await expect(env.server.getConnection(user.id, connectionId)).rejects.toMatchObject({
      status: 404,
    })
  })

  test('updateConnection posts the new password and returns a job', async () => {
    const env = setup()
    const user = await env.server.createUser({ email: 'gavin@hooli.com' })
    const { connectionId } = await connectHooli(env, user.id)
    const stub = await env.browser.updateConnection(user.id, connectionId, {
      password: 'hooli2016',
    })
    expect(stub.type).toBe('job')
    const [post] = env
      .requestsTo(`/users/${user.id}/connections/${connectionId}`)
      .filter((request) => request.method === 'POST')
    expect(await post?.json()).toEqual({ password: 'hooli2016' })
  })
})

describe('failures', () => {
  async function jobId(env: Env) {
    const user = await env.server.createUser({ email: 'gavin@hooli.com' })
    return (await env.browser.createConnection(user.id, { institutionId: hooli, ...gavin })).id
  }

  test('a 429 is thrown (not retried) with retryAfterMs from Retry-After', async () => {
    const env = setup()
    const id = await jobId(env)
    env.sandbox.faults.add({ kind: 'rate-limit', path: '/jobs/*', retryAfterSeconds: 30 })
    const error = await caught(env.server.getJob(id))
    expect(error).toBeInstanceOf(BasiqApiError)
    expect(error).toMatchObject({ status: 429, code: 'too-many-requests', retryAfterMs: 30_000 })
    expect(env.requestsTo('/jobs/')).toHaveLength(1)
    await expect(env.server.getJob(id)).resolves.toMatchObject({ id })
  })

  test.each([500, 502, 503])('a %i is a BasiqApiError with the status', async (status) => {
    const env = setup()
    const id = await jobId(env)
    env.sandbox.faults.add({ kind: 'status', path: '/jobs/*', status })
    const error = await caught(env.server.getJob(id))
    expect(error).toBeInstanceOf(BasiqApiError)
    expect(error).toMatchObject({ kind: 'api', status, path: `/jobs/${id}` })
    expect(env.requestsTo('/jobs/')).toHaveLength(1)
  })

  test('a malformed body is a BasiqParseError that keeps the status', async () => {
    const env = setup()
    const id = await jobId(env)
    env.sandbox.faults.add({ kind: 'malformed', path: '/jobs/*' })
    const error = await caught(env.server.getJob(id))
    expect(error).toBeInstanceOf(BasiqParseError)
    expect(error).toMatchObject({ kind: 'parse', status: 200, what: 'job' })
    expect((error as Error).message).toContain('not valid JSON')
  })

  test('a dropped connection is a BasiqNetworkError with the cause kept', async () => {
    const env = setup()
    const id = await jobId(env)
    env.sandbox.faults.add({ kind: 'drop', path: '/jobs/*' })
    const error = await caught(env.server.getJob(id))
    expect(error).toBeInstanceOf(BasiqNetworkError)
    expect((error as Error).cause).toBeInstanceOf(TypeError)
  })

  test('an expired token is refreshed once and the call retried, transparently', async () => {
    const env = setup()
    const id = await jobId(env)
    await env.server.getJob(id)
    const before = env.serverTokens.calls.length
    await env.clock.advance(3601_000)

    const job = await env.server.getJob(id)
    expect(job.id).toBe(id)
    expect(env.serverTokens.calls.slice(before)).toEqual([undefined, { forceRefresh: true }])
    const [expired, retried] = env.requestsTo('/jobs/').slice(-2)
    expect(expired?.headers.get('authorization')).not.toBe(retried?.headers.get('authorization'))
  })

  test('a token that stays expired surfaces the 403 after exactly one retry', async () => {
    const env = setup()
    const id = await jobId(env)
    const stale = await env.mint('SERVER_ACCESS')
    await env.clock.advance(3601_000)
    const calls: (GetTokenOptions | undefined)[] = []
    const client = env.client(async (options) => {
      calls.push(options)
      return stale
    })
    const error = await caught(client.getJob(id))
    expect(error).toBeInstanceOf(BasiqApiError)
    expect(error).toMatchObject({ status: 403, code: 'access-denied' })
    expect(calls).toEqual([undefined, { forceRefresh: true }])
    expect(env.requestsTo('/jobs/')).toHaveLength(2)
  })

  test('other 403s are not retried', async () => {
    const env = setup()
    env.sandbox.faults.add({ kind: 'status', path: '/institutions', status: 403 })
    await expect(env.server.listInstitutions()).rejects.toMatchObject({ status: 403 })
    expect(env.requestsTo('/institutions')).toHaveLength(1)
  })

  test('the password never appears in any error the client throws', async () => {
    const env = setup()
    const user = await env.server.createUser({ email: 'secret@hooli.com' })
    const password = 'correct-horse-battery-staple'
    const attempt = (institutionId = hooli) =>
      env.browser.createConnection(user.id, { institutionId, loginId: 'gavinBelson', password })

    const errors: unknown[] = []
    for (const fault of [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 400 },
      { kind: 'rate-limit', retryAfterSeconds: 5 },
      { kind: 'malformed' },
      { kind: 'drop' },
    ] as const) {
      env.sandbox.faults.add({ ...fault, method: 'POST', path: '/users/*/connections' })
      errors.push(await caught(attempt()))
    }
    errors.push(await caught(attempt('AU99999')))
    errors.push(await caught(attempt('../../jobs')))
    errors.push(
      await caught(
        env.browser.createConnection(user.id, { institutionId: hooli, loginId: '', password }),
      ),
    )

    expect(errors).toHaveLength(8)
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error)
      expect(everythingIn(error)).not.toContain(password)
    }
  })
})

describe('answers from something other than Basiq', () => {
  /** A proxy in front of the sandbox that rewrites the answers of one path. */
  function behindProxy(env: Env, path: RegExp, answer: (upstream: Response) => Promise<Response>) {
    const fetch: FetchLike = async (input, init) => {
      const upstream = await env.fetch(input, init)
      return path.test(new URL(input).pathname) ? answer(upstream) : upstream
    }
    return createBasiqClient({
      baseUrl: env.sandbox.baseUrl,
      getToken: env.serverTokens.getToken,
      fetch,
    })
  }

  test('an HTML error page is a BasiqApiError with code "unknown" and the status', async () => {
    const env = setup()
    const client = behindProxy(
      env,
      /^\/institutions$/,
      async () =>
        new Response('<html><h1>502 Bad Gateway</h1></html>', {
          status: 502,
          headers: { 'content-type': 'text/html' },
        }),
    )
    const error = await caught(client.listInstitutions())
    expect(error).toBeInstanceOf(BasiqApiError)
    expect(error).toMatchObject({ status: 502, code: 'unknown', title: 'HTTP 502', errors: [] })
  })

  test('a 200 job whose steps are not an array is a BasiqParseError naming the path', async () => {
    const env = setup()
    const user = await env.server.createUser({ email: 'gavin@hooli.com' })
    const stub = await env.browser.createConnection(user.id, { institutionId: hooli, ...gavin })
    const client = behindProxy(env, /^\/jobs\//, async (upstream) => {
      const job = (await upstream.json()) as Record<string, unknown>
      return Response.json({ ...job, steps: { first: job.steps } })
    })
    const error = await caught(client.getJob(stub.id))
    expect(error).toBeInstanceOf(BasiqParseError)
    expect(error).toMatchObject({ status: 200, what: 'job', path: `/jobs/${stub.id}` })
    expect((error as BasiqParseError).issues).toEqual(['$.steps: expected Array, got object'])
  })

  test('an empty 200 body is a BasiqParseError', async () => {
    const env = setup()
    const client = behindProxy(
      env,
      /^\/institutions\//,
      async () => new Response('', { status: 200 }),
    )
    await expect(client.getInstitution(hooli)).rejects.toThrow(/the body is empty/)
  })
})

describe('arguments', () => {
  test.each<[string, unknown]>([
    ['no options', undefined],
    ['a relative base URL', { baseUrl: '/basiq', getToken: async () => 't' }],
    ['a non-http base URL', { baseUrl: 'ftp://basiq.example', getToken: async () => 't' }],
    [
      'a base URL with a query',
      { baseUrl: 'https://basiq.example?x=1', getToken: async () => 't' },
    ],
    ['no getToken', { baseUrl: 'https://basiq.example' }],
  ])('createBasiqClient refuses %s with a TypeError', (_name, options) => {
    expect(() => createBasiqClient(options as Parameters<typeof createBasiqClient>[0])).toThrow(
      TypeError,
    )
  })

  test('a trailing slash on the base URL is harmless', async () => {
    const env = setup()
    const client = createBasiqClient({
      baseUrl: `${env.sandbox.baseUrl}/`,
      getToken: env.serverTokens.getToken,
      fetch: env.fetch,
    })
    await expect(client.getInstitution(hooli)).resolves.toMatchObject({ id: hooli })
  })

  test('a getToken that resolves to nothing is a clear TypeError', async () => {
    const env = setup()
    const client = env.client(async () => '')
    await expect(client.getJob('job-1')).rejects.toThrow(/getToken resolved to an empty/)
    expect(env.requests).toHaveLength(0)
  })

  test.each<[string, (client: BasiqClient) => Promise<unknown>, RegExp]>([
    ['no answers', (client) => client.submitMfa('job-1', []), /non-empty array/],
    ['a non-string answer', (client) => client.submitMfa('job-1', [1234] as never), /every answer/],
    [
      'no password',
      (client) =>
        client.createConnection('user-1', { institutionId: hooli, loginId: 'a' } as never),
      /password must be a non-empty string/,
    ],
    [
      'no credentials object',
      (client) => client.createConnection('user-1', null as never),
      /credentials/,
    ],
    ['a user with neither email nor mobile', (client) => client.createUser({}), /email or mobile/],
    [
      'an institution id with a quote in a filter',
      (client) => client.listAccounts('user-1', { institutionId: "AU0'" }),
      /institutionId is not a valid id/,
    ],
  ])('%s → TypeError, nothing sent', async (_name, call, message) => {
    const env = setup()
    const error = await caught(call(env.server))
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toMatch(message)
    expect(env.requests).toHaveLength(0)
  })
})
