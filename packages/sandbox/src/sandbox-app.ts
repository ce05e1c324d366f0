/**
 * The sandbox's HTTP surface as one Fetch-API function: routing, authentication, scope rules,
 * CORS, body limits, fault injection and Basiq's error envelope. The Node server, the MSW bridge and
 * in-process tests all call this same function.
 */
import type { SandboxInstitution } from './catalogue.ts'
import type { Clock } from './clock.ts'
import { CONNECT_CONTROL_PATH, connectControlScript } from './connect-control-script.ts'
import { createConsentPage } from './consent-page.ts'
import type { Fault, FaultRegistry } from './fault-registry.ts'
import type { FilterClause, FilterSpec } from './filter-expression.ts'
import { parseFilter } from './filter-expression.ts'
import { logoSvg, parseLogoPath } from './logos.ts'
import type { Random } from './random.ts'
import {
  parseAgeConnection,
  parseBreakConnection,
  parseCreateConnection,
  parseMfaResponse,
  parseUpdateConnection,
  parseUserInput,
} from './request-bodies.ts'
import type { SandboxEngine } from './sandbox-engine.ts'
import {
  SandboxError,
  errorEnvelope,
  errorTitles,
  forbidden,
  internalError,
  notFound,
  notSupplied,
  notValid,
  serviceUnavailable,
} from './sandbox-error.ts'
import type { TokenClaims, TokenScope, TokenSigner } from './token-signer.ts'

/** Largest request body the sandbox reads (bytes); bigger ones get a 413 in the envelope. */
export const maxBodyBytes = 64 * 1024

/** `basiq-version` values `POST /token` accepts. */
export const supportedVersions: readonly string[] = ['2.0', '2.1', '3.0']

/** What the app needs from its sandbox. */
export interface SandboxAppDeps {
  engine: SandboxEngine
  faults: FaultRegistry
  clock: Clock
  random: Random
  apiKey: string
  tokenTtlSeconds: number
  /** The current signer (replaced by `reset()`, which invalidates earlier tokens). */
  signer: () => TokenSigner
  /** Partner and application ids put in tokens. */
  partnerId: string
  applicationId: string
  /** Clears everything (the control endpoint's reset). */
  reset: () => void
  /** Path prefix of the base URL (`''` for `http://127.0.0.1:4010`). */
  basePath: string
  institutions: readonly SandboxInstitution[]
}

type Access = 'public' | readonly TokenScope[]

interface RouteContext {
  request: Request
  url: URL
  params: Record<string, string>
  token: TokenClaims | null
}

interface Route {
  method: string
  segments: string[]
  access: Access
  handle: (ctx: RouteContext) => Promise<Response> | Response
}

const SERVER: readonly TokenScope[] = ['SERVER_ACCESS']
const CLIENT: readonly TokenScope[] = ['CLIENT_ACCESS']
const BOTH: readonly TokenScope[] = ['SERVER_ACCESS', 'CLIENT_ACCESS']

const corsAllowHeaders = ['authorization', 'content-type', 'basiq-version', 'accept']
const corsMethods = 'GET, POST, PUT, PATCH, DELETE, OPTIONS'

const institutionFilterSpec: FilterSpec = {
  'institution.id': { ops: ['eq', 'ne', 'in'] },
  'institution.country': { ops: ['eq', 'ne', 'in'] },
  'institution.tier': { ops: ['eq', 'ne', 'in'], values: ['1', '2', '3', '4'] },
  'institution.authorization': {
    ops: ['eq', 'ne', 'in'],
    values: ['user', 'other', 'token', 'user-mfa-intermittent', 'user-mfa'],
  },
  'institution.serviceType': { ops: ['eq', 'ne', 'in'] },
  'institution.institutionType': { ops: ['eq', 'ne', 'in'] },
  'institution.stage': { ops: ['eq', 'ne', 'in'], values: ['live', 'beta', 'alpha'] },
  'institution.status': {
    ops: ['eq', 'ne', 'in'],
    values: [
      'operational',
      'degraded-performance',
      'partial-outage',
      'major-outage',
      'under-maintenance',
      'under-improvement',
    ],
  },
}

const connectionFilterSpec: FilterSpec = {
  'connection.id': { ops: ['eq', 'in'] },
  'connection.status': { ops: ['eq', 'ne', 'in'], values: ['pending', 'active', 'invalid'] },
  id: { ops: ['eq', 'in'] },
  status: { ops: ['eq', 'ne', 'in'], values: ['pending', 'active', 'invalid'] },
  'institution.id': { ops: ['eq', 'in'] },
}

const jobFilterSpec: FilterSpec = {
  'connection.id': { ops: ['eq', 'in'] },
  'institution.id': { ops: ['eq', 'in'] },
  'job.id': { ops: ['eq', 'in'] },
}

const accountFilterSpec: FilterSpec = {
  'institution.id': { ops: ['eq', 'in'] },
  'connection.id': { ops: ['eq', 'in'] },
  'account.id': { ops: ['eq', 'in'] },
}

const transactionFilterSpec: FilterSpec = {
  'account.id': { ops: ['eq', 'in'] },
  'institution.id': { ops: ['eq', 'in'] },
  'connection.id': { ops: ['eq', 'in'] },
  'transaction.status': { ops: ['eq', 'ne'], values: ['pending', 'posted'] },
  'transaction.direction': { ops: ['eq', 'ne'], values: ['debit', 'credit'] },
  'transaction.class': { ops: ['eq', 'ne', 'in'] },
  'transaction.postDate': { ops: ['eq', 'gt', 'gteq', 'lt', 'lteq', 'bt'] },
}

const idLabels: Record<string, string> = {
  userId: 'User ID',
  connectionId: 'Connection ID',
  jobId: 'Job ID',
  institutionId: 'Institution ID',
  accountId: 'Account ID',
  transactionId: 'Transaction ID',
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

function noContent(): Response {
  return new Response(null, { status: 204 })
}

function filterOf(url: URL, spec: FilterSpec): FilterClause[] {
  const filter = url.searchParams.get('filter')
  return filter === null ? [] : parseFilter(filter, spec)
}

/** Reads at most `maxBodyBytes`; a larger body is a 413, never an out-of-memory. */
async function readBody(request: Request): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '')
  if (Number.isFinite(declared) && declared > maxBodyBytes) throw tooLarge()
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBodyBytes) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge()
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}

function tooLarge(): SandboxError {
  return new SandboxError(413, {
    code: 'invalid-content',
    title: errorTitles['invalid-content'],
    detail: `Request body is larger than the ${maxBodyBytes / 1024} KB the API accepts.`,
  })
}

function requireJsonContentType(request: Request): void {
  const type = request.headers.get('content-type')
  if (type !== null && type.trim() !== '' && !/json/i.test(type)) {
    throw new SandboxError(415, {
      code: 'unsupported-content-type',
      title: errorTitles['unsupported-content-type'],
      detail: `Content type ${type.split(';')[0]} is not supported on requested endpoint.`,
    })
  }
}

async function readJson(request: Request, invalidMessage: string): Promise<unknown> {
  requireJsonContentType(request)
  const text = await readBody(request)
  if (text.trim() === '') throw notValid(invalidMessage)
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw notValid(invalidMessage)
  }
}

function errorFor(fault: Fault): SandboxError {
  if (fault.status === 503 || fault.status === 502 || fault.status === 504) {
    const e = serviceUnavailable()
    return new SandboxError(fault.status, { code: e.code, title: e.title, detail: e.detail })
  }
  if (fault.status >= 500) {
    const e = internalError()
    return new SandboxError(fault.status, { code: e.code, title: e.title, detail: e.detail })
  }
  const byStatus: Record<number, [string, string]> = {
    400: ['parameter-not-valid', 'Injected fault: bad request.'],
    401: ['invalid-authorization-token', 'Injected fault: unauthorized.'],
    403: ['forbidden-access', 'Access to this resource is forbidden'],
    404: ['resource-not-found', 'Injected fault: resource not found.'],
    429: ['too-many-requests', 'Query limit reached.'],
  }
  const [code, detail] = byStatus[fault.status] ?? [
    'parameter-not-valid',
    `Injected fault: HTTP ${fault.status}.`,
  ]
  const title = (errorTitles as Record<string, string>)[code] ?? 'Injected fault'
  return new SandboxError(fault.status, { code, title, detail })
}

/** Cuts a JSON body short so that it no longer parses. */
function truncateJson(text: string): string {
  if (text.length < 2) return '{"type":"li'
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)))
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

/** Input of `mintToken`. */
export interface MintTokenInput {
  scope: TokenScope
  /** The `version` claim. Default `"2.1"`. */
  version?: string
  /** Binds a CLIENT_ACCESS token to this user. */
  userId?: string
  /** Lifetime. Default: the sandbox's `tokenTtlSeconds`. */
  ttlSeconds?: number
}

/** The app: the Fetch-API handler and the token minting it uses. */
export interface SandboxApp {
  fetch(request: Request): Promise<Response>
  mintToken(input: MintTokenInput): string
}

/** Builds the app. */
export function createSandboxApp(deps: SandboxAppDeps): SandboxApp {
  const { engine } = deps

  const checkId = (name: string, value: string): void => {
    if (name === 'institutionId') {
      if (!/^[A-Z]{2}[0-9]{5}$/.test(value))
        throw notValid('Institution ID value is not valid', { parameter: 'institutionId' })
      return
    }
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(value)) {
      throw notValid(`${idLabels[name] ?? name} value is not valid`, { parameter: name })
    }
  }

  /** A CLIENT token bound to a user may only touch that user's resources (documented choice: 403). */
  const checkBoundUser = (token: TokenClaims | null, userId: string): void => {
    if (token && token.scope === 'CLIENT_ACCESS' && token.userid && token.userid !== userId)
      throw forbidden()
  }

  const routes: Route[] = []
  const route = (method: string, path: string, access: Access, handle: Route['handle']) => {
    routes.push({ method, segments: path.split('/').filter(Boolean), access, handle })
  }

  // ── token ───────────────────────────────────────────────────────────────────────────────────
  route('POST', '/token', 'public', async ({ request }) => issueToken(request))

  // ── institutions ────────────────────────────────────────────────────────────────────────────
  const institutionList = (url: URL, selfPath: string) => {
    const data = engine.listInstitutions(filterOf(url, institutionFilterSpec))
    return json(200, {
      type: 'list',
      totalCount: data.length,
      data,
      links: { self: `${engine.urls.base}${selfPath}` },
    })
  }
  route('GET', '/institutions', BOTH, ({ url }) => institutionList(url, '/institutions'))
  route('GET', '/public/institutions', 'public', ({ url }) =>
    institutionList(url, '/public/institutions'),
  )
  route('GET', '/institutions/:institutionId', BOTH, ({ params }) =>
    json(200, engine.getInstitution(params.institutionId as string)),
  )
  route('GET', '/public/institutions/:institutionId', 'public', ({ params }) =>
    json(200, engine.getInstitution(params.institutionId as string)),
  )

  // ── users ───────────────────────────────────────────────────────────────────────────────────
  route('POST', '/users', SERVER, async ({ request }) => {
    const body = await readJson(request, 'Posted user is not in valid format.')
    return json(201, engine.createUser(parseUserInput(body, true)))
  })
  route('GET', '/users/:userId', BOTH, ({ params, token }) => {
    const userId = params.userId as string
    checkBoundUser(token, userId)
    return json(200, engine.getUser(userId))
  })
  route('POST', '/users/:userId', SERVER, async ({ request, params }) => {
    const body = await readJson(request, 'Posted user is not in valid format.')
    return json(200, engine.updateUser(params.userId as string, parseUserInput(body, false)))
  })
  route('DELETE', '/users/:userId', SERVER, ({ params }) => {
    engine.deleteUser(params.userId as string)
    return noContent()
  })

  // ── connections ─────────────────────────────────────────────────────────────────────────────
  route('GET', '/users/:userId/connections', SERVER, ({ params, url }) =>
    json(200, engine.listConnections(params.userId as string, filterOf(url, connectionFilterSpec))),
  )
  route('POST', '/users/:userId/connections', BOTH, async ({ request, params, token }) => {
    const userId = params.userId as string
    checkBoundUser(token, userId)
    const body = await readJson(request, 'Posted connection is not in valid format.')
    return json(202, engine.createConnection(userId, parseCreateConnection(body)))
  })
  route('POST', '/users/:userId/connections/refresh', SERVER, ({ params }) =>
    json(202, { type: 'list', data: engine.refreshAllConnections(params.userId as string) }),
  )
  route('GET', '/users/:userId/connections/:connectionId', BOTH, ({ params, token }) => {
    const userId = params.userId as string
    checkBoundUser(token, userId)
    return json(200, engine.getConnection(userId, params.connectionId as string))
  })
  route(
    'POST',
    '/users/:userId/connections/:connectionId',
    BOTH,
    async ({ request, params, token }) => {
      const userId = params.userId as string
      checkBoundUser(token, userId)
      const body = await readJson(request, 'Posted connection is not in valid format.')
      return json(
        202,
        engine.updateConnection(userId, params.connectionId as string, parseUpdateConnection(body)),
      )
    },
  )
  route('DELETE', '/users/:userId/connections/:connectionId', SERVER, ({ params }) => {
    engine.deleteConnection(params.userId as string, params.connectionId as string)
    return noContent()
  })
  route('POST', '/users/:userId/connections/:connectionId/refresh', SERVER, ({ params }) => {
    const { job, reused } = engine.refreshConnection(
      params.userId as string,
      params.connectionId as string,
    )
    // Basiq answers 200 with the job already queued or running instead of starting another.
    return json(reused ? 200 : 202, job)
  })

  // ── jobs ────────────────────────────────────────────────────────────────────────────────────
  route('GET', '/jobs/:jobId', BOTH, ({ params, token }) => {
    const job = engine.requireJob(params.jobId as string)
    checkBoundUser(token, job.userId)
    return json(200, engine.getJob(job.id))
  })
  route('POST', '/jobs/:jobId/mfa', CLIENT, async ({ request, params, token }) => {
    const job = engine.requireJob(params.jobId as string)
    checkBoundUser(token, job.userId)
    const body = await readJson(request, 'Posted MFA response is not in valid format.')
    return json(202, engine.submitMfa(job.id, parseMfaResponse(body)))
  })
  route('GET', '/users/:userId/jobs', SERVER, ({ params, url }) =>
    json(200, engine.listUserJobs(params.userId as string, filterOf(url, jobFilterSpec))),
  )

  // ── accounts and transactions ───────────────────────────────────────────────────────────────
  route('GET', '/users/:userId/accounts', SERVER, ({ params, url }) =>
    json(200, engine.listAccounts(params.userId as string, filterOf(url, accountFilterSpec))),
  )
  route('GET', '/users/:userId/accounts/:accountId', SERVER, ({ params }) =>
    json(200, engine.getAccount(params.userId as string, params.accountId as string)),
  )
  route('GET', '/users/:userId/transactions', SERVER, ({ params, url }) => {
    const limitText = url.searchParams.get('limit')
    let limit = 500
    if (limitText !== null) {
      limit = Number(limitText)
      if (!/^\d+$/.test(limitText) || limit < 1)
        throw notValid('Limit value is not valid', { parameter: 'limit' })
      if (limit > 500) throw notValid('Maximum limit allowed is 500', { parameter: 'limit' })
    }
    const nextText = url.searchParams.get('next')
    let offset = 0
    if (nextText !== null) {
      if (!/^\d{1,9}$/.test(nextText))
        throw notValid('Next value is not valid', { parameter: 'next' })
      offset = Number(nextText)
    }
    return json(
      200,
      engine.listTransactions(
        params.userId as string,
        filterOf(url, transactionFilterSpec),
        limit,
        offset,
        url.searchParams.get('filter'),
      ),
    )
  })
  route('GET', '/users/:userId/transactions/:transactionId', SERVER, ({ params }) =>
    json(200, engine.getTransaction(params.userId as string, params.transactionId as string)),
  )

  // ── token issuing ───────────────────────────────────────────────────────────────────────────
  async function issueToken(request: Request): Promise<Response> {
    const authorization = request.headers.get('authorization')
    if (authorization === null || authorization.trim() === '') {
      throw notSupplied('Authorization header parameter is required', {
        parameter: 'Authorization',
        pointer: 'header/Authorization',
      })
    }
    const match = /^Basic\s+(\S.*)$/i.exec(authorization.trim())
    if (!match)
      throw notValid('Invalid authorization header', {
        parameter: 'Authorization',
        pointer: 'header/Authorization',
      })
    const version = request.headers.get('basiq-version')
    if (version === null || version.trim() === '') {
      throw notValid('Basiq-version must be specified in HTTP request header', {
        parameter: 'basiq-version',
        pointer: 'header/basiq-version',
      })
    }
    const trimmedVersion = version.trim()
    if (!supportedVersions.includes(trimmedVersion)) {
      const numeric = Number(trimmedVersion)
      if (Number.isFinite(numeric) && numeric < 2) {
        throw notValid(
          `Version ${trimmedVersion} is no longer supported. Please upgrade to the latest version`,
          {
            parameter: 'basiq-version',
            pointer: 'header/basiq-version',
          },
        )
      }
      throw notValid(
        `Basiq-version ${trimmedVersion.slice(0, 20)} is not valid; use one of ${supportedVersions.join(', ')}`,
        {
          parameter: 'basiq-version',
          pointer: 'header/basiq-version',
        },
      )
    }
    const key = (match[1] as string).trim()
    if (!keyMatches(key, deps.apiKey)) {
      throw new SandboxError(404, {
        code: 'parameter-not-valid',
        title: 'We have encountered an error',
        detail: 'Unable to authenticate. Please, check your API key',
      })
    }
    const form = await readTokenForm(request)
    const scopeText = form.get('scope') ?? 'SERVER_ACCESS'
    if (scopeText !== 'SERVER_ACCESS' && scopeText !== 'CLIENT_ACCESS') {
      throw notValid('Scope must be SERVER_ACCESS or CLIENT_ACCESS', {
        parameter: 'scope',
        pointer: 'body/scope',
      })
    }
    const scope: TokenScope = scopeText
    const userId = form.get('userId')
    if (userId !== null && userId !== '' && !/^[A-Za-z0-9_-]{1,100}$/.test(userId)) {
      throw notValid('User ID value is not valid', { parameter: 'userId', pointer: 'body/userId' })
    }
    if (scope === 'CLIENT_ACCESS' && trimmedVersion === '3.0' && !userId) {
      throw notSupplied('A CLIENT_ACCESS token must be bound to a userId in version 3.0.', {
        parameter: 'userId',
        pointer: 'body/userId',
      })
    }
    const token = mintToken({ scope, version: trimmedVersion, ...(userId ? { userId } : {}) })
    return json(200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: deps.tokenTtlSeconds,
    })
  }

  /** Signs a token with the sandbox's current key. */
  function mintToken(input: MintTokenInput): string {
    const iat = Math.floor(deps.clock.now() / 1000)
    const claims: TokenClaims = {
      partnerid: deps.partnerId,
      applicationid: deps.applicationId,
      scope: input.scope,
      version: input.version ?? '2.1',
      sandbox_account: true,
      iat,
      exp: iat + (input.ttlSeconds ?? deps.tokenTtlSeconds),
    }
    // CLIENT tokens are the ones Basiq binds to a user; a SERVER token keeps full access.
    if (input.userId && input.scope === 'CLIENT_ACCESS') claims.userid = input.userId
    return deps.signer().sign(claims)
  }

  function authenticate(request: Request, access: readonly TokenScope[]): TokenClaims {
    const header = request.headers.get('authorization')
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
    if (!header || !match) {
      throw new SandboxError(401, {
        code: 'invalid-authorization-token',
        title: errorTitles['invalid-authorization-token'],
        detail: header
          ? 'Authorization header must be "Bearer <token>".'
          : 'Authorization header parameter is required',
      })
    }
    const claims = deps.signer().verify(match[1] as string)
    if (!claims) {
      throw new SandboxError(401, {
        code: 'invalid-authorization-token',
        title: errorTitles['invalid-authorization-token'],
      })
    }
    if (deps.clock.now() >= claims.exp * 1000) {
      throw new SandboxError(403, {
        code: 'access-denied',
        title: errorTitles['access-denied'],
        detail: 'Token has expired',
        source: null,
      })
    }
    if (!access.includes(claims.scope)) throw forbidden()
    return claims
  }

  // ── control endpoint ────────────────────────────────────────────────────────────────────────
  async function control(request: Request, path: string): Promise<Response> {
    const method = request.method.toUpperCase()
    const rest = path.slice('/__sandbox'.length)
    if (rest === '/health' && method === 'GET') {
      return json(200, {
        status: 'ok',
        baseUrl: engine.urls.base,
        time: new Date(deps.clock.now()).toISOString(),
        institutions: deps.institutions.length,
        ...engine.stats(),
      })
    }
    if (rest === '/faults') {
      if (method === 'GET') return json(200, { type: 'list', data: deps.faults.list() })
      if (method === 'DELETE') {
        deps.faults.clear()
        return noContent()
      }
      if (method === 'POST') {
        const body = await readJson(
          request,
          'A fault must be a JSON object such as {"kind": "status", "path": "/jobs/*"}.',
        )
        return json(201, deps.faults.add(body as never))
      }
      throw methodNotAllowed(['GET', 'POST', 'DELETE'])
    }
    const faultMatch = /^\/faults\/([^/]+)$/.exec(rest)
    if (faultMatch) {
      if (method !== 'DELETE') throw methodNotAllowed(['DELETE'])
      const id = decodeSegment(faultMatch[1] as string) ?? ''
      if (!deps.faults.remove(id)) throw notFound('Requested fault does not exist.')
      return noContent()
    }
    const connectionMatch = /^\/connections\/([^/]+)\/(break|age)$/.exec(rest)
    if (connectionMatch) {
      if (method !== 'POST') throw methodNotAllowed(['POST'])
      const id = decodeSegment(connectionMatch[1] as string)
      if (id === null || !/^[A-Za-z0-9_-]{1,100}$/.test(id)) {
        throw notValid('Connection ID value is not valid', { parameter: 'connectionId' })
      }
      if (connectionMatch[2] === 'break') {
        const body = await readJson(
          request,
          'A break must be a JSON object such as {"mode": "invalidate"}.',
        )
        return json(200, engine.breakConnection(id, parseBreakConnection(body)))
      }
      const body = await readJson(
        request,
        'An age must be a JSON object such as {"lastUsedHoursAgo": 25}.',
      )
      return json(200, engine.ageConnection(id, parseAgeConnection(body)))
    }
    if (rest === '/reset') {
      if (method !== 'POST') throw methodNotAllowed(['POST'])
      deps.reset()
      return noContent()
    }
    if (path === CONNECT_CONTROL_PATH) {
      if (method !== 'GET') throw methodNotAllowed(['GET'])
      return new Response(connectControlScript({ baseUrl: engine.urls.base }), {
        status: 200,
        headers: {
          'content-type': 'application/javascript; charset=utf-8',
          'cache-control': 'no-cache',
        },
      })
    }
    const logo = parseLogoPath(path)
    if (logo) {
      if (method !== 'GET') throw methodNotAllowed(['GET'])
      const institution = engine.findInstitution(logo.id)
      if (!institution) throw notFound('Requested institution does not exist.')
      return new Response(logoSvg(institution, logo.variant), {
        status: 200,
        headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' },
      })
    }
    throw notFound(`No sandbox control route ${method} ${path}.`)
  }

  function methodNotAllowed(allowed: readonly string[]): SandboxError {
    return new SandboxError(405, {
      code: 'method-not-allowed',
      title: errorTitles['method-not-allowed'],
      detail: `Use ${allowed.join(', ')} on this resource.`,
      headers: { allow: allowed.join(', ') },
    })
  }

  function matchRoute(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } {
    const segments = path.split('/').filter(Boolean)
    const allowed: string[] = []
    let malformed = false
    for (const candidate of routes) {
      if (candidate.segments.length !== segments.length) continue
      const params: Record<string, string> = {}
      let ok = true
      for (let i = 0; i < segments.length; i += 1) {
        const expected = candidate.segments[i] as string
        const actual = segments[i] as string
        if (expected.startsWith(':')) {
          const decoded = decodeSegment(actual)
          if (decoded === null) {
            malformed = true
            ok = false
            break
          }
          params[expected.slice(1)] = decoded
        } else if (expected !== actual) {
          ok = false
          break
        }
      }
      if (!ok) continue
      if (candidate.method === method) return { route: candidate, params }
      allowed.push(candidate.method)
    }
    if (allowed.length > 0) throw methodNotAllowed([...new Set(allowed)])
    if (malformed) throw notValid('The request path is not valid.')
    throw notFound(`No route for ${method} ${path.length > 200 ? `${path.slice(0, 200)}…` : path}.`)
  }

  async function api(request: Request, url: URL, path: string): Promise<Response> {
    const method = request.method.toUpperCase()
    const { route: matched, params } = matchRoute(method, path)
    const accept = request.headers.get('accept')
    if (accept && !/json|\*\/\*|application\/\*/i.test(accept)) {
      throw notValid(`Accept type ${accept.split(',')[0]} is not supported on requested endpoint.`)
    }
    const token = matched.access === 'public' ? null : authenticate(request, matched.access)
    for (const [name, value] of Object.entries(params)) checkId(name, value)
    return matched.handle({ request, url, params, token })
  }

  function cors(request: Request, response: Response): Response {
    const origin = request.headers.get('origin')
    const headers = new Headers(response.headers)
    headers.set('access-control-allow-origin', origin ?? '*')
    if (origin) headers.append('vary', 'Origin')
    headers.set('access-control-expose-headers', 'Retry-After, Content-Type')
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    })
  }

  function preflight(request: Request): Response {
    const requested = (request.headers.get('access-control-request-headers') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => /^[a-z0-9-]{1,64}$/.test(h))
    const allowHeaders = [...new Set([...corsAllowHeaders, ...requested])]
    return new Response(null, {
      status: 204,
      headers: {
        'access-control-allow-methods': corsMethods,
        'access-control-allow-headers': allowHeaders.join(', '),
        'access-control-max-age': '600',
      },
    })
  }

  function errorResponse(error: unknown): Response {
    const sandboxError = error instanceof SandboxError ? error : internalError()
    const envelope = errorEnvelope(deps.random.uuid(), [sandboxError])
    return json(sandboxError.status, envelope, sandboxError.headers)
  }

  function keyMatches(presented: string, apiKey: string): boolean {
    if (presented === apiKey) return true
    // Some clients base64-encode "key:" as for HTTP Basic; accept that spelling of the same key.
    try {
      const decoded = atob(presented)
      return decoded === apiKey || decoded === `${apiKey}:`
    } catch {
      return false
    }
  }

  async function readTokenForm(request: Request): Promise<URLSearchParams> {
    const text = await readBody(request)
    const type = request.headers.get('content-type') ?? ''
    if (/json/i.test(type)) {
      // JSON is not what Basiq documents, but accepting it costs nothing and helps hand-written calls.
      let parsed: unknown
      try {
        parsed = JSON.parse(text || '{}')
      } catch {
        throw notValid('Token request body is not valid JSON.')
      }
      const form = new URLSearchParams()
      if (typeof parsed === 'object' && parsed !== null) {
        for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') form.set(k, v)
      }
      return form
    }
    return new URLSearchParams(text)
  }

  const consentPage = createConsentPage({
    engine,
    verifyToken: (token) => deps.signer().verify(token),
    now: () => deps.clock.now(),
    readBody,
  })

  async function respond(request: Request): Promise<Response> {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return errorResponse(notValid('The request URL is not valid.'))
    }
    let path = url.pathname
    if (deps.basePath && (path === deps.basePath || path.startsWith(`${deps.basePath}/`))) {
      path = path.slice(deps.basePath.length) || '/'
    }
    const method = request.method.toUpperCase()
    if (method === 'OPTIONS') return preflight(request)

    if (path === '/__sandbox' || path.startsWith('/__sandbox/')) {
      try {
        return await control(request, path)
      } catch (error) {
        return errorResponse(error)
      }
    }

    // The hosted consent page is a web page, not the API: no faults, HTML answers.
    if (path === '/consent' || path.startsWith('/consent/')) return consentPage(request, url, path)

    const fault = deps.faults.take(method, path)
    if (fault?.kind === 'drop') {
      throw new TypeError(`Failed to fetch: the sandbox dropped the connection (fault ${fault.id})`)
    }
    if (fault?.kind === 'status') return errorResponse(errorFor(fault))
    if (fault?.kind === 'rate-limit') {
      return errorResponse(
        new SandboxError(429, {
          code: 'too-many-requests',
          title: errorTitles['too-many-requests'],
          detail: 'Query limit reached.',
          headers: { 'retry-after': String(fault.retryAfterSeconds) },
        }),
      )
    }
    if (fault?.kind === 'latency') await deps.clock.sleep(fault.latencyMs)

    let response: Response
    try {
      response = await api(request, url, path)
    } catch (error) {
      response = errorResponse(error)
    }
    if (fault?.kind === 'malformed') {
      const text = await response.text()
      const status = response.status === 204 ? 200 : response.status
      return new Response(truncateJson(text), {
        status,
        headers: { 'content-type': 'application/json' },
      })
    }
    return response
  }

  return {
    fetch: async (request) => cors(request, await respond(request)),
    mintToken,
  }
}
