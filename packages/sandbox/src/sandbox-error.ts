/** `source` of one error entry: where in the request the problem is. */
export interface ErrorSource {
  pointer?: string
  parameter?: string
}

/** One entry of Basiq's error envelope. */
export interface BasiqErrorItem {
  type: 'error'
  code: string
  title: string
  detail?: string
  source?: ErrorSource | null
}

/** Basiq's error envelope: `{type: "list", correlationId, data: [{type: "error", …}]}`. */
export interface BasiqErrorEnvelope {
  type: 'list'
  correlationId: string
  data: BasiqErrorItem[]
}

/** What a `SandboxError` needs besides the HTTP status. */
export interface SandboxErrorInit {
  code: string
  title: string
  detail?: string
  /** `undefined` leaves the key out; `null` and `{}` are emitted as given (both occur in Basiq's answers). */
  source?: ErrorSource | null
  /** Extra response headers, e.g. `Retry-After` or `Allow`. */
  headers?: Record<string, string>
}

/**
 * An HTTP error answer. Engine and routes throw it; the app turns it into Basiq's envelope with a
 * fresh `correlationId`, so every failure path produces the same wire format.
 */
export class SandboxError extends Error {
  readonly status: number
  readonly code: string
  readonly title: string
  readonly detail: string | undefined
  readonly source: ErrorSource | null | undefined
  readonly headers: Record<string, string>

  constructor(status: number, init: SandboxErrorInit) {
    super(init.detail ? `${init.title} ${init.detail}` : init.title)
    this.name = 'SandboxError'
    this.status = status
    this.code = init.code
    this.title = init.title
    this.detail = init.detail
    this.source = init.source
    this.headers = init.headers ?? {}
  }

  /** The envelope entry for this error. */
  toItem(): BasiqErrorItem {
    const item: BasiqErrorItem = { type: 'error', code: this.code, title: this.title }
    if (this.detail !== undefined) item.detail = this.detail
    if (this.source !== undefined) item.source = this.source
    return item
  }
}

/** Builds the envelope for one or more errors. */
export function errorEnvelope(
  correlationId: string,
  errors: readonly SandboxError[],
): BasiqErrorEnvelope {
  return { type: 'list', correlationId, data: errors.map((e) => e.toItem()) }
}

/** Titles Basiq publishes for its HTTP error codes (where it publishes one). */
export const errorTitles = {
  'parameter-not-supplied': 'Required parameter not supplied',
  'parameter-not-valid': 'Required parameter not valid',
  'invalid-authorization-token': 'Invalid authorization token.',
  'unauthorized-access': 'Unauthorized Access',
  'forbidden-access': 'Forbidden Access',
  'access-denied': 'Access denied.',
  'resource-not-found': 'Requested resource is not found',
  'too-many-requests': 'Too many requests',
  'internal-server-error': 'Internal Server Error',
  'service-unavailable': 'Service Unavailable',
  'unsupported-content-type': 'Unsupported content type',
  'too-many-sandbox-connections': 'Too many sandbox connections',
  'invalid-content': 'Invalid content',
  'method-not-allowed': 'Method not allowed',
} as const

/** 400 `parameter-not-supplied` for a missing field. */
export function notSupplied(detail: string, source?: ErrorSource | null): SandboxError {
  return new SandboxError(400, {
    code: 'parameter-not-supplied',
    title: errorTitles['parameter-not-supplied'],
    detail,
    source,
  })
}

/** 400 `parameter-not-valid` for a present but unacceptable value. */
export function notValid(detail: string, source?: ErrorSource | null): SandboxError {
  return new SandboxError(400, {
    code: 'parameter-not-valid',
    title: errorTitles['parameter-not-valid'],
    detail,
    source,
  })
}

/** 404 `resource-not-found` with Basiq's title and the given detail. */
export function notFound(detail: string): SandboxError {
  return new SandboxError(404, {
    code: 'resource-not-found',
    title: errorTitles['resource-not-found'],
    detail,
  })
}

/** 403 `forbidden-access`: the token's scope (or bound user) does not allow this resource. */
export function forbidden(): SandboxError {
  return new SandboxError(403, {
    code: 'forbidden-access',
    title: errorTitles['forbidden-access'],
    detail: 'Access to this resource is forbidden',
  })
}

/** 503 `service-unavailable` with Basiq's published detail. */
export function serviceUnavailable(): SandboxError {
  return new SandboxError(503, {
    code: 'service-unavailable',
    title: errorTitles['service-unavailable'],
    detail: 'Service is currently unavailable. Please try again later.',
  })
}

/** 500 `internal-server-error` with Basiq's published detail. */
export function internalError(): SandboxError {
  return new SandboxError(500, {
    code: 'internal-server-error',
    title: errorTitles['internal-server-error'],
    detail: 'Internal server error. Please contact support.',
  })
}
