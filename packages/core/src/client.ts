import {
  BasiqNetworkError,
  BasiqParseError,
  apiErrorFromResponse,
  correlationIdFromHeaders,
} from './errors.ts'
import type { BasiqRequestInfo } from './errors.ts'
import { buildInstitutionFilter, formatFilterClause } from './filter.ts'
import type { InstitutionFilter } from './filter.ts'
import {
  AccountListSchema,
  ConnectionListSchema,
  ConnectionSchema,
  InstitutionListSchema,
  InstitutionSchema,
  JobListSchema,
  JobSchema,
  JobStubSchema,
  UserSchema,
  parseResource,
} from './schemas.ts'
import type {
  AccountList,
  Connection,
  ConnectionList,
  Institution,
  InstitutionList,
  Job,
  JobList,
  JobStub,
  ResourceSchema,
  User,
} from './schemas.ts'

/** Options of a {@link GetToken} call. */
export interface GetTokenOptions {
  /** Ignore any cached token and fetch a new one. Default `false`. */
  forceRefresh?: boolean
}

/** Supplies the bearer token for Basiq calls (e.g. a token source's `getToken`). */
export type GetToken = (options?: GetTokenOptions) => Promise<string>

/** The part of `fetch` the client uses; `globalThis.fetch` fits, so does a test double. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

/** Options of {@link createBasiqClient}. */
export interface BasiqClientOptions {
  /** Absolute base URL of the Basiq API, e.g. `'https://au-api.basiq.io'`. */
  baseUrl: string
  /** Supplies the bearer token; called with `{ forceRefresh: true }` once after a 403 `access-denied`. */
  getToken: GetToken
  /** The fetch implementation. Default: the global `fetch`, looked up at call time. */
  fetch?: FetchLike
  /** Aborts every request of this client (combined with each call's own `signal`). */
  signal?: AbortSignal
}

/** Options every call accepts. */
export interface RequestOptions {
  /** Aborts this call; the rejection is the signal's reason, untouched. */
  signal?: AbortSignal
}

/** Options of {@link BasiqClient.listInstitutions}. */
export interface ListInstitutionsOptions extends RequestOptions {
  /** A raw Basiq filter string, or a structured {@link InstitutionFilter}. Default: none. */
  filter?: string | InstitutionFilter
}

/**
 * What `createConnection` posts. The client sends it straight to Basiq and keeps no reference to
 * it: no cache, no error message, no log.
 */
export interface CreateConnectionInput {
  /** Institution id, e.g. `'AU00000'`. */
  institutionId: string
  /** The user's login id at the bank. */
  loginId: string
  /** The user's password at the bank. */
  password: string
  /** Security code, for banks whose institution has a `securityCodeCaption`. */
  securityCode?: string
  /** Secondary login id, for banks whose institution has a `secondaryLoginIdCaption`. */
  secondaryLoginId?: string
}

/** What `updateConnection` posts (new credentials for an existing connection); never retained. */
export interface UpdateConnectionInput {
  /** The user's new password at the bank. */
  password: string
  /** Security code, when the bank needs one. */
  securityCode?: string
  /** Secondary login id, when the bank needs one. */
  secondaryLoginId?: string
}

/** Result of {@link BasiqClient.refreshConnection}. */
export interface RefreshConnectionResult {
  /** The job to poll. */
  job: JobStub
  /**
   * `true` when Basiq answered 200: a job for this connection was already running and Basiq handed
   * it back instead of starting a new one; `false` for a 202 (new job).
   */
  reused: boolean
}

/** Options of {@link BasiqClient.getUserJobs}. */
export interface GetUserJobsOptions extends RequestOptions {
  /** Only jobs of this connection. Default: all of the user's jobs (Basiq keeps 7 days). */
  connectionId?: string
}

/** Options of {@link BasiqClient.listAccounts}. */
export interface ListAccountsOptions extends RequestOptions {
  /** Only accounts at this institution. Default: all. */
  institutionId?: string
}

/** Body of {@link BasiqClient.createUser}: at least one of `email` and `mobile`. */
export interface CreateUserInput {
  /** Email address. */
  email?: string
  /** Mobile number in international format, e.g. `'+61410888999'`. */
  mobile?: string
}

/**
 * A typed client of the Basiq v2.1 API. Every call rejects with a `BasiqApiError` (non-2xx),
 * `BasiqNetworkError` (no answer) or `BasiqParseError` (malformed 2xx body), a `TypeError` for
 * invalid arguments, or the abort reason when its signal aborts. Only a 403 `access-denied` is
 * retried (once, with a fresh token); 429 and 5xx are thrown for the caller's own schedule.
 */
export interface BasiqClient {
  /** `GET /institutions`, optionally filtered. */
  listInstitutions(options?: ListInstitutionsOptions): Promise<InstitutionList>
  /** `GET /public/institutions` (no token needed), optionally filtered. */
  listPublicInstitutions(options?: ListInstitutionsOptions): Promise<InstitutionList>
  /** `GET /institutions/{institutionId}`. */
  getInstitution(institutionId: string, options?: RequestOptions): Promise<Institution>
  /** `POST /users/{userId}/connections` → the job that verifies the credentials. */
  createConnection(
    userId: string,
    input: CreateConnectionInput,
    options?: RequestOptions,
  ): Promise<JobStub>
  /** `POST /users/{userId}/connections/{connectionId}` with new credentials → a job. */
  updateConnection(
    userId: string,
    connectionId: string,
    input: UpdateConnectionInput,
    options?: RequestOptions,
  ): Promise<JobStub>
  /** `GET /users/{userId}/connections/{connectionId}`. */
  getConnection(userId: string, connectionId: string, options?: RequestOptions): Promise<Connection>
  /** `GET /users/{userId}/connections`. */
  listConnections(userId: string, options?: RequestOptions): Promise<ConnectionList>
  /** `DELETE /users/{userId}/connections/{connectionId}` (accounts and transactions stay). */
  deleteConnection(userId: string, connectionId: string, options?: RequestOptions): Promise<void>
  /** `POST /users/{userId}/connections/{connectionId}/refresh`; see {@link RefreshConnectionResult}. */
  refreshConnection(
    userId: string,
    connectionId: string,
    options?: RequestOptions,
  ): Promise<RefreshConnectionResult>
  /** `GET /jobs/{jobId}`. */
  getJob(jobId: string, options?: RequestOptions): Promise<Job>
  /** `GET /users/{userId}/jobs`, optionally for one connection. */
  getUserJobs(userId: string, options?: GetUserJobsOptions): Promise<JobList>
  /** `POST /jobs/{jobId}/mfa` with the answers, in the order of the challenge's `input`. */
  submitMfa(jobId: string, answers: readonly string[], options?: RequestOptions): Promise<JobStub>
  /** `POST /users`. */
  createUser(input: CreateUserInput, options?: RequestOptions): Promise<User>
  /** `GET /users/{userId}`. */
  getUser(userId: string, options?: RequestOptions): Promise<User>
  /** `GET /users/{userId}/accounts`, optionally for one institution. */
  listAccounts(userId: string, options?: ListAccountsOptions): Promise<AccountList>
}

interface Call<Output> {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  query?: Record<string, string | undefined>
  body?: unknown
  /** `false` for the public endpoints that take no token. */
  auth: boolean
  /** `undefined` when the answer has no body worth reading (204). */
  schema: ResourceSchema<Output> | undefined
  what: string
}

/**
 * Creates a {@link BasiqClient}. Sends `Authorization: Bearer <token>` and
 * `Accept: application/json` on every call (no token on the public institutions endpoint), and JSON
 * bodies with `content-type: application/json`. Throws a `TypeError` for a `baseUrl` that is not an
 * absolute http(s) URL or a missing `getToken`.
 */
export function createBasiqClient(options: BasiqClientOptions): BasiqClient {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'createBasiqClient: expected an options object { baseUrl, getToken, fetch? }',
    )
  }
  const baseUrl = normaliseBaseUrl(options.baseUrl)
  if (typeof options.getToken !== 'function') {
    throw new TypeError('createBasiqClient: getToken must be a function returning a token')
  }
  const getToken = options.getToken
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const clientSignal = options.signal

  async function token(refresh: boolean): Promise<string> {
    const value = await getToken(refresh ? { forceRefresh: true } : undefined)
    if (typeof value !== 'string' || value === '') {
      throw new TypeError('createBasiqClient: getToken resolved to an empty or non-string token')
    }
    return value
  }

  async function send<Output>(
    call: Call<Output>,
    requestOptions: RequestOptions | undefined,
  ): Promise<{ value: Output; status: number }> {
    const signal = combineSignals(clientSignal, requestOptions?.signal)
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined && value !== '') search.set(key, value)
    }
    const queryText = search.toString()
    const query = queryText === '' ? '' : `?${queryText}`
    const info: BasiqRequestInfo = { method: call.method, path: call.path + query }
    const url = baseUrl + call.path + query
    // Serialised once and only held by this call, so a retry can resend it without the client
    // keeping the caller's object (credentials) anywhere.
    const body = call.body === undefined ? undefined : JSON.stringify(call.body)

    signal?.throwIfAborted()
    let bearer = call.auth ? await token(false) : undefined
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted()
      const headers: Record<string, string> = { accept: 'application/json' }
      if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`
      if (body !== undefined) headers['content-type'] = 'application/json'
      const init: RequestInit = { method: call.method, headers }
      if (body !== undefined) init.body = body
      if (signal) init.signal = signal

      let response: Response
      try {
        response = await fetchImpl(url, init)
      } catch (error) {
        if (signal?.aborted) throw signal.reason
        throw new BasiqNetworkError(error, info)
      }

      if (response.ok) {
        const value = await readBody(response, call, info, signal)
        return { value, status: response.status }
      }

      const error = await apiErrorFromResponse(response, info)
      if (signal?.aborted) throw signal.reason
      // An expired token is the only failure a retry can fix without the caller's involvement.
      if (call.auth && attempt === 0 && response.status === 403 && error.code === 'access-denied') {
        bearer = await token(true)
        continue
      }
      throw error
    }
  }

  async function readBody<Output>(
    response: Response,
    call: Call<Output>,
    info: BasiqRequestInfo,
    signal: AbortSignal | undefined,
  ): Promise<Output> {
    if (call.schema === undefined) {
      // Release the connection; whatever a 204 carries is irrelevant.
      await response.body?.cancel().catch(() => {})
      return undefined as Output
    }
    const correlationId = correlationIdFromHeaders(response.headers)
    let text: string
    try {
      text = await response.text()
    } catch (error) {
      if (signal?.aborted) throw signal.reason
      throw new BasiqNetworkError(error, info)
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new BasiqParseError({
        what: call.what,
        issues: [text.trim() === '' ? 'the body is empty' : 'the body is not valid JSON'],
        status: response.status,
        correlationId,
        request: info,
      })
    }
    return parseResource(call.schema, json, {
      what: call.what,
      status: response.status,
      correlationId,
      request: info,
    })
  }

  async function run<Output>(call: Call<Output>, requestOptions?: RequestOptions) {
    return (await send(call, requestOptions)).value
  }

  return {
    async listInstitutions(requestOptions) {
      return run(institutionsCall('/institutions', true, requestOptions?.filter), requestOptions)
    },

    async listPublicInstitutions(requestOptions) {
      const call = institutionsCall('/public/institutions', false, requestOptions?.filter)
      return run(call, requestOptions)
    },

    async getInstitution(institutionId, requestOptions) {
      const id = segment('getInstitution', 'institutionId', institutionId)
      return run(
        {
          method: 'GET',
          path: `/institutions/${id}`,
          auth: true,
          schema: InstitutionSchema,
          what: 'institution',
        },
        requestOptions,
      )
    },

    async createConnection(userId, input, requestOptions) {
      const user = segment('createConnection', 'userId', userId)
      if (typeof input !== 'object' || input === null) {
        throw new TypeError('createConnection: the second argument must be the credentials object')
      }
      const institutionId = checkId('createConnection', 'institutionId', input.institutionId)
      const body: Record<string, unknown> = {
        loginId: requiredText('createConnection', 'loginId', input.loginId),
        password: requiredText('createConnection', 'password', input.password),
        institution: { id: institutionId },
      }
      addOptionalText(body, 'createConnection', 'securityCode', input.securityCode)
      addOptionalText(body, 'createConnection', 'secondaryLoginId', input.secondaryLoginId)
      return run(
        {
          method: 'POST',
          path: `/users/${user}/connections`,
          body,
          auth: true,
          schema: JobStubSchema,
          what: 'job',
        },
        requestOptions,
      )
    },

    async updateConnection(userId, connectionId, input, requestOptions) {
      const user = segment('updateConnection', 'userId', userId)
      const connection = segment('updateConnection', 'connectionId', connectionId)
      if (typeof input !== 'object' || input === null) {
        throw new TypeError('updateConnection: the third argument must be the credentials object')
      }
      const body: Record<string, unknown> = {
        password: requiredText('updateConnection', 'password', input.password),
      }
      addOptionalText(body, 'updateConnection', 'securityCode', input.securityCode)
      addOptionalText(body, 'updateConnection', 'secondaryLoginId', input.secondaryLoginId)
      return run(
        {
          method: 'POST',
          path: `/users/${user}/connections/${connection}`,
          body,
          auth: true,
          schema: JobStubSchema,
          what: 'job',
        },
        requestOptions,
      )
    },

    async getConnection(userId, connectionId, requestOptions) {
      const user = segment('getConnection', 'userId', userId)
      const connection = segment('getConnection', 'connectionId', connectionId)
      return run(
        {
          method: 'GET',
          path: `/users/${user}/connections/${connection}`,
          auth: true,
          schema: ConnectionSchema,
          what: 'connection',
        },
        requestOptions,
      )
    },

    async listConnections(userId, requestOptions) {
      const user = segment('listConnections', 'userId', userId)
      return run(
        {
          method: 'GET',
          path: `/users/${user}/connections`,
          auth: true,
          schema: ConnectionListSchema,
          what: 'connection list',
        },
        requestOptions,
      )
    },

    async deleteConnection(userId, connectionId, requestOptions) {
      const user = segment('deleteConnection', 'userId', userId)
      const connection = segment('deleteConnection', 'connectionId', connectionId)
      await run(
        {
          method: 'DELETE',
          path: `/users/${user}/connections/${connection}`,
          auth: true,
          schema: undefined,
          what: 'connection deletion',
        },
        requestOptions,
      )
    },

    async refreshConnection(userId, connectionId, requestOptions) {
      const user = segment('refreshConnection', 'userId', userId)
      const connection = segment('refreshConnection', 'connectionId', connectionId)
      const { value, status } = await send(
        {
          method: 'POST',
          path: `/users/${user}/connections/${connection}/refresh`,
          auth: true,
          schema: JobStubSchema,
          what: 'job',
        },
        requestOptions,
      )
      return { job: value, reused: status === 200 }
    },

    async getJob(jobId, requestOptions) {
      const job = segment('getJob', 'jobId', jobId)
      return run(
        { method: 'GET', path: `/jobs/${job}`, auth: true, schema: JobSchema, what: 'job' },
        requestOptions,
      )
    },

    async getUserJobs(userId, requestOptions) {
      const user = segment('getUserJobs', 'userId', userId)
      const connectionId = requestOptions?.connectionId
      const filter =
        connectionId === undefined
          ? undefined
          : formatFilterClause(
              'connection.id',
              'eq',
              checkId('getUserJobs', 'connectionId', connectionId),
            )
      return run(
        {
          method: 'GET',
          path: `/users/${user}/jobs`,
          query: { filter },
          auth: true,
          schema: JobListSchema,
          what: 'job list',
        },
        requestOptions,
      )
    },

    async submitMfa(jobId, answers, requestOptions) {
      const job = segment('submitMfa', 'jobId', jobId)
      if (!Array.isArray(answers) || answers.length === 0) {
        throw new TypeError('submitMfa: answers must be a non-empty array of strings')
      }
      if (!answers.every((answer) => typeof answer === 'string')) {
        throw new TypeError('submitMfa: every answer must be a string')
      }
      return run(
        {
          method: 'POST',
          path: `/jobs/${job}/mfa`,
          body: { 'mfa-response': [...answers] },
          auth: true,
          schema: JobStubSchema,
          what: 'job',
        },
        requestOptions,
      )
    },

    async createUser(input, requestOptions) {
      if (typeof input !== 'object' || input === null) {
        throw new TypeError('createUser: expected { email?, mobile? }')
      }
      const body: Record<string, unknown> = {}
      addOptionalText(body, 'createUser', 'email', input.email)
      addOptionalText(body, 'createUser', 'mobile', input.mobile)
      if (body.email === undefined && body.mobile === undefined) {
        throw new TypeError('createUser: one of email or mobile is required')
      }
      return run(
        { method: 'POST', path: '/users', body, auth: true, schema: UserSchema, what: 'user' },
        requestOptions,
      )
    },

    async getUser(userId, requestOptions) {
      const user = segment('getUser', 'userId', userId)
      return run(
        { method: 'GET', path: `/users/${user}`, auth: true, schema: UserSchema, what: 'user' },
        requestOptions,
      )
    },

    async listAccounts(userId, requestOptions) {
      const user = segment('listAccounts', 'userId', userId)
      const institutionId = requestOptions?.institutionId
      const filter =
        institutionId === undefined
          ? undefined
          : formatFilterClause(
              'institution.id',
              'eq',
              checkId('listAccounts', 'institutionId', institutionId),
            )
      return run(
        {
          method: 'GET',
          path: `/users/${user}/accounts`,
          query: { filter },
          auth: true,
          schema: AccountListSchema,
          what: 'account list',
        },
        requestOptions,
      )
    },
  }
}

function institutionsCall(
  path: string,
  auth: boolean,
  filter: string | InstitutionFilter | undefined,
): Call<InstitutionList> {
  let filterText: string | undefined
  if (typeof filter === 'string') filterText = filter
  else if (filter !== undefined) filterText = buildInstitutionFilter(filter)
  return {
    method: 'GET',
    path,
    query: { filter: filterText },
    auth,
    schema: InstitutionListSchema,
    what: 'institution list',
  }
}

function normaliseBaseUrl(value: unknown): string {
  let url: URL | undefined
  if (typeof value === 'string') {
    try {
      url = new URL(value)
    } catch {
      url = undefined
    }
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(
      `createBasiqClient: baseUrl must be an absolute http(s) URL, got ${JSON.stringify(value)}`,
    )
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError('createBasiqClient: baseUrl must not have a query or a fragment')
  }
  return url.href.replace(/\/+$/, '')
}

// Ids end up in URL paths: anything that could change the path (slashes, dot segments, query or
// fragment markers, pre-encoded bytes) is refused rather than escaped, since no Basiq id has them.
function checkId(method: string, label: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`${method}: ${label} must be a non-empty string`)
  }
  if (
    value.length > 256 ||
    value === '.' ||
    value === '..' ||
    // oxlint-disable-next-line no-control-regex -- control characters are exactly what is refused
    /[/\\?#%'\s\u0000-\u001f\u007f]/.test(value)
  ) {
    throw new TypeError(
      `${method}: ${label} is not a valid id: ${JSON.stringify(value.slice(0, 64))}`,
    )
  }
  return value
}

function segment(method: string, label: string, value: unknown): string {
  return encodeURIComponent(checkId(method, label, value))
}

// Credentials are validated without ever echoing the value.
function requiredText(method: string, label: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${method}: ${label} must be a non-empty string`)
  }
  return value
}

function addOptionalText(
  body: Record<string, unknown>,
  method: string,
  label: string,
  value: unknown,
): void {
  if (value === undefined || value === null || value === '') return
  if (typeof value !== 'string') throw new TypeError(`${method}: ${label} must be a string`)
  body[label] = value
}

function combineSignals(
  a: AbortSignal | undefined,
  b: AbortSignal | undefined,
): AbortSignal | undefined {
  if (!a) return b
  if (!b) return a
  return AbortSignal.any([a, b])
}
