/**
 * What went wrong, in three families a caller can branch on:
 * - `'api'`: Basiq (or something in front of it) answered with a non-2xx status;
 * - `'network'`: no answer at all (dropped connection, DNS, CORS, offline);
 * - `'parse'`: a 2xx answer whose body is not JSON or not the expected shape.
 */
export type BasiqErrorKind = 'api' | 'network' | 'parse'

/** The request an error belongs to. Only the method and path: never headers or the body. */
export interface BasiqRequestInfo {
  /** HTTP method, e.g. `'GET'`. */
  method: string
  /** Path and query relative to the API base URL, e.g. `'/jobs/3f1…'`. */
  path: string
}

/** One entry of the Basiq error envelope (`data[]`). */
export interface BasiqErrorEntry {
  /** Always `'error'` in Basiq answers. */
  type: string
  /** Machine-readable code, e.g. `'access-denied'`; kept as any string Basiq sends. */
  code: string
  /** Short human-readable title, e.g. `'Access denied.'`. */
  title: string
  /** Longer explanation, e.g. `'Token has expired'`; `undefined` when Basiq sent none. */
  detail?: string
  /** Which request parameter the error is about, when Basiq says so. */
  source?: { pointer?: string; parameter?: string } | null
}

// A registered symbol survives duplicated copies of this module (two bundles, HMR), where
// `instanceof` would not.
const BRAND = Symbol.for('bankconnect.BasiqError')

/**
 * Base class of every error the Basiq client and token source throw.
 * Messages never contain a token, credentials or a request body.
 */
export class BasiqError extends Error {
  /** Which family of failure this is; see {@link BasiqErrorKind}. */
  readonly kind: BasiqErrorKind
  /** HTTP method of the failed request, when there was one. */
  readonly method: string | undefined
  /** Path (and query) of the failed request, when there was one. */
  readonly path: string | undefined

  constructor(
    kind: BasiqErrorKind,
    message: string,
    request?: BasiqRequestInfo,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'BasiqError'
    this.kind = kind
    this.method = request?.method
    this.path = request?.path
    Object.defineProperty(this, BRAND, { value: true })
  }
}

/** Options of {@link BasiqApiError}. */
export interface BasiqApiErrorInit {
  /** HTTP status of the answer. */
  status: number
  /** Every entry of the error envelope; empty when the body was not an envelope. */
  errors?: BasiqErrorEntry[]
  /** `correlationId` of the envelope (quote it to Basiq support). */
  correlationId?: string | undefined
  /** Delay asked for by a `Retry-After` header, in milliseconds. */
  retryAfterMs?: number | undefined
  /** Replaces the primary `detail` when `errors` is empty (e.g. "not an envelope"). */
  fallbackDetail?: string
  /** The request that failed. */
  request?: BasiqRequestInfo | undefined
}

/**
 * Basiq (or a proxy in front of it) answered with a non-2xx status.
 * `code`, `title` and `detail` come from the first envelope entry; a body that is not a Basiq
 * envelope (an HTML error page, an empty 502) still becomes this error with code `'unknown'`.
 */
export class BasiqApiError extends BasiqError {
  declare readonly kind: 'api'
  /** HTTP status, e.g. `403`, `429`, `503`. */
  readonly status: number
  /** Code of the first envelope entry, e.g. `'access-denied'`; `'unknown'` without an envelope. */
  readonly code: string
  /** Title of the first envelope entry; `'HTTP <status>'` without an envelope. */
  readonly title: string
  /** Detail of the first envelope entry; `''` when Basiq sent none. */
  readonly detail: string
  /** The envelope's `correlationId`, or `undefined` when Basiq did not send one. */
  readonly correlationId: string | undefined
  /**
   * How long the server asked the caller to wait before retrying (from `Retry-After`, given in
   * seconds or as an HTTP date), in milliseconds; `undefined` when the header is absent or invalid.
   */
  readonly retryAfterMs: number | undefined
  /** Every entry of the error envelope, in order; `[]` when the body was not an envelope. */
  readonly errors: readonly BasiqErrorEntry[]

  constructor(init: BasiqApiErrorInit) {
    const errors = init.errors ?? []
    const first = errors[0]
    const code = first?.code ?? 'unknown'
    const title = first?.title || `HTTP ${init.status}`
    const detail = first?.detail ?? (first ? '' : (init.fallbackDetail ?? ''))
    const where = init.request ? ` on ${init.request.method} ${init.request.path}` : ''
    const parts = [`Basiq API error ${init.status} ${code}${where}: ${title}`]
    if (detail !== '') parts.push(detail)
    if (init.correlationId !== undefined) parts.push(`(correlation id ${init.correlationId})`)
    super('api', parts.join(' '), init.request)
    this.name = 'BasiqApiError'
    this.status = init.status
    this.code = code
    this.title = title
    this.detail = detail
    this.correlationId = init.correlationId
    this.retryAfterMs = init.retryAfterMs
    this.errors = errors
  }
}

/**
 * The request never got an HTTP answer: the connection dropped, DNS failed, CORS refused it or the
 * device is offline. The original failure is kept as `cause`.
 */
export class BasiqNetworkError extends BasiqError {
  declare readonly kind: 'network'

  constructor(cause: unknown, request?: BasiqRequestInfo) {
    const where = request ? ` on ${request.method} ${request.path}` : ''
    const reason = cause instanceof Error && cause.message !== '' ? `: ${cause.message}` : ''
    super('network', `Network error${where}${reason}`, request, { cause })
    this.name = 'BasiqNetworkError'
  }
}

/** Options of {@link BasiqParseError}. */
export interface BasiqParseErrorInit {
  /** What was being parsed, e.g. `'job'`; used in the message. */
  what: string
  /** One line per problem, e.g. `'$.steps[0].status: expected string, got undefined'`. */
  issues: string[]
  /** HTTP status of the answer, when the body came from one. */
  status?: number | undefined
  /** Correlation id of the answer, when the server sent one. */
  correlationId?: string | undefined
  /** The request the body answered. */
  request?: BasiqRequestInfo | undefined
}

/**
 * A body that should hold a Basiq resource does not: invalid JSON, or JSON of the wrong shape.
 * The message lists where the shape is wrong (paths and expected types, never the values).
 */
export class BasiqParseError extends BasiqError {
  declare readonly kind: 'parse'
  /** HTTP status of the answer (usually 2xx), or `undefined` when parsing a value directly. */
  readonly status: number | undefined
  /** Correlation id of the answer, when there was one. */
  readonly correlationId: string | undefined
  /** What was being parsed, e.g. `'job'`. */
  readonly what: string
  /** One line per problem: the JSON path and what was expected there. */
  readonly issues: readonly string[]

  constructor(init: BasiqParseErrorInit) {
    const where = init.request ? ` from ${init.request.method} ${init.request.path}` : ''
    const shown = init.issues.slice(0, 10)
    const more = init.issues.length > shown.length ? `; …and ${init.issues.length - 10} more` : ''
    super('parse', `Malformed ${init.what}${where}: ${shown.join('; ')}${more}`, init.request)
    this.name = 'BasiqParseError'
    this.status = init.status
    this.correlationId = init.correlationId
    this.what = init.what
    this.issues = init.issues
  }
}

/**
 * Whether `error` is one of the errors this package throws ({@link BasiqApiError},
 * {@link BasiqNetworkError}, {@link BasiqParseError}). Works across duplicated copies of the package.
 */
export function isBasiqError(error: unknown): error is BasiqError {
  return typeof error === 'object' && error !== null && BRAND in error
}

/**
 * Reads a `Retry-After` header value (delay in seconds, or an HTTP date) as milliseconds from
 * `now`. Returns `undefined` for a missing or unreadable value; a date in the past gives `0`.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()) {
  if (value == null) return undefined
  const trimmed = value.trim()
  if (trimmed === '') return undefined
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  // Only accept something that looks like a date: Date.parse happily reads bare numbers like "-5".
  if (!/[a-z]/i.test(trimmed)) return undefined
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/**
 * Turns a non-2xx `Response` into a {@link BasiqApiError}, reading the Basiq error envelope when
 * the body is one. Never throws: an unreadable body just yields code `'unknown'`.
 */
export async function apiErrorFromResponse(
  response: Response,
  request?: BasiqRequestInfo,
  now: number = Date.now(),
): Promise<BasiqApiError> {
  let text = ''
  try {
    text = await response.text()
  } catch {
    // The status is what matters; a body that cannot be read is treated as "not an envelope".
  }
  const envelope = readEnvelope(text)
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim()
  return new BasiqApiError({
    status: response.status,
    errors: envelope?.errors ?? [],
    correlationId: envelope?.correlationId ?? correlationIdFromHeaders(response.headers),
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), now),
    fallbackDetail:
      text.trim() === ''
        ? 'The response had no body.'
        : `The response body was not a Basiq error envelope${contentType ? ` (${contentType})` : ''}.`,
    request,
  })
}

/** Correlation id from a response header, for answers whose body carries none. */
export function correlationIdFromHeaders(headers: Headers): string | undefined {
  return headers.get('x-correlation-id') ?? headers.get('correlation-id') ?? undefined
}

function readEnvelope(
  text: string,
): { errors: BasiqErrorEntry[]; correlationId: string | undefined } | undefined {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!isRecord(body) || !Array.isArray(body.data)) return undefined
  const errors: BasiqErrorEntry[] = []
  for (const item of body.data) {
    if (!isRecord(item)) continue
    const entry: BasiqErrorEntry = {
      type: typeof item.type === 'string' ? item.type : 'error',
      code: typeof item.code === 'string' && item.code !== '' ? item.code : 'unknown',
      title: typeof item.title === 'string' ? item.title : '',
    }
    if (typeof item.detail === 'string') entry.detail = item.detail
    // Some Basiq documents spell it `details`; accept both.
    else if (typeof item.details === 'string') entry.detail = item.details
    if (item.source === null) entry.source = null
    else if (isRecord(item.source)) {
      const source: { pointer?: string; parameter?: string } = {}
      if (typeof item.source.pointer === 'string') source.pointer = item.source.pointer
      if (typeof item.source.parameter === 'string') source.parameter = item.source.parameter
      entry.source = source
    }
    errors.push(entry)
  }
  if (errors.length === 0) return undefined
  const correlationId = typeof body.correlationId === 'string' ? body.correlationId : undefined
  return { errors, correlationId }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
