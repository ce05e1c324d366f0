import { notSupplied, notValid } from './sandbox-error.ts'

/**
 * Kinds of injected failure:
 * - `status`: answer with an error status (default 503) in Basiq's envelope, request not processed;
 * - `rate-limit`: 429 `too-many-requests` with a `Retry-After` header, request not processed;
 * - `latency`: wait `latencyMs` on the sandbox clock, then answer normally;
 * - `drop`: the connection drops before the request is processed (`fetch` rejects with a TypeError);
 * - `malformed`: process the request normally, then send its body cut short (invalid JSON).
 */
export type FaultKind = 'status' | 'rate-limit' | 'latency' | 'drop' | 'malformed'

/** What to inject, for which requests, how many times. */
export interface FaultSpec {
  kind: FaultKind
  /** HTTP method to match (case-insensitive); any method when absent. */
  method?: string
  /**
   * Path glob matched against the request path (query ignored): `*` matches within one segment,
   * `**` across segments. E.g. `/jobs/*`, `/users/**`.
   */
  path: string
  /** How many matching requests get the fault. Default 1. */
  times?: number
  /** For `status`: the status code, 400–599. Default 503. */
  status?: number
  /** For `rate-limit`: the `Retry-After` value in seconds. Default 1. */
  retryAfterSeconds?: number
  /** For `latency`: the added delay in ms. Default 1000. */
  latencyMs?: number
}

/** A registered fault. */
export interface Fault {
  id: string
  kind: FaultKind
  /** Upper-case method, or `null` for any. */
  method: string | null
  path: string
  /** Matching requests still to be hit. */
  remaining: number
  status: number
  retryAfterSeconds: number
  latencyMs: number
}

/** The set of armed faults; the control endpoint `/__sandbox/faults` edits the same registry. */
export interface FaultRegistry {
  /** Arms a fault; throws a 400 `SandboxError` with a clear message for an invalid spec. */
  add(spec: FaultSpec): Fault
  /** Armed faults, oldest first. */
  list(): Fault[]
  /** Disarms one fault; `false` when there was none with that id. */
  remove(id: string): boolean
  /** Disarms every fault. */
  clear(): void
  /**
   * The first armed fault matching this request, counted as used (removed once used up), or
   * `undefined`. Called by the sandbox for every API request.
   */
  take(method: string, path: string): Fault | undefined
}

const kinds: readonly FaultKind[] = ['status', 'rate-limit', 'latency', 'drop', 'malformed']
const maxTimes = 1_000_000

function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob.charAt(i)
    if (ch === '*') {
      if (glob.charAt(i + 1) === '*') {
        source += '.*'
        i += 1
      } else source += '[^/]*'
    } else source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}/?$`)
}

function integerIn(
  value: unknown,
  field: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw notValid(`"${field}" must be an integer from ${min} to ${max}.`, {
      parameter: field,
      pointer: `fault/${field}`,
    })
  }
  return value
}

/** Validates an untrusted fault spec (e.g. a control-endpoint body) into a `FaultSpec`. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw notValid('A fault must be a JSON object such as {"kind": "status", "path": "/jobs/*"}.')
  }
  const raw = input as Record<string, unknown>
  if (raw.kind === undefined)
    throw notSupplied('"kind" is required.', { parameter: 'kind', pointer: 'fault/kind' })
  if (typeof raw.kind !== 'string' || !kinds.includes(raw.kind as FaultKind)) {
    throw notValid(`"kind" must be one of ${kinds.join(', ')}.`, {
      parameter: 'kind',
      pointer: 'fault/kind',
    })
  }
  if (raw.path === undefined)
    throw notSupplied('"path" is required.', { parameter: 'path', pointer: 'fault/path' })
  if (typeof raw.path !== 'string' || !raw.path.startsWith('/') || raw.path.length > 500) {
    throw notValid('"path" must be a path glob starting with "/", e.g. "/jobs/*".', {
      parameter: 'path',
      pointer: 'fault/path',
    })
  }
  if (
    raw.method !== undefined &&
    (typeof raw.method !== 'string' || !/^[A-Za-z]{1,16}$/.test(raw.method))
  ) {
    throw notValid('"method" must be an HTTP method such as "GET".', {
      parameter: 'method',
      pointer: 'fault/method',
    })
  }
  const spec: FaultSpec = { kind: raw.kind as FaultKind, path: raw.path }
  if (typeof raw.method === 'string') spec.method = raw.method
  spec.times = integerIn(raw.times, 'times', 1, maxTimes, 1)
  if (raw.status !== undefined) spec.status = integerIn(raw.status, 'status', 400, 599, 503)
  if (raw.retryAfterSeconds !== undefined) {
    spec.retryAfterSeconds = integerIn(raw.retryAfterSeconds, 'retryAfterSeconds', 0, 86_400, 1)
  }
  if (raw.latencyMs !== undefined)
    spec.latencyMs = integerIn(raw.latencyMs, 'latencyMs', 0, 600_000, 1000)
  return spec
}

/** Creates an empty registry; `newId` names faults (`fault-1`, … by default). */
export function createFaultRegistry(newId?: () => string): FaultRegistry {
  let counter = 0
  const makeId = newId ?? (() => `fault-${(counter += 1)}`)
  let armed: Array<{ fault: Fault; pattern: RegExp }> = []

  return {
    add(input) {
      const spec = parseFaultSpec(input)
      const fault: Fault = {
        id: makeId(),
        kind: spec.kind,
        method: spec.method ? spec.method.toUpperCase() : null,
        path: spec.path,
        remaining: spec.times ?? 1,
        status: spec.status ?? 503,
        retryAfterSeconds: spec.retryAfterSeconds ?? 1,
        latencyMs: spec.latencyMs ?? 1000,
      }
      armed.push({ fault, pattern: globToRegExp(spec.path) })
      return { ...fault }
    },
    list: () => armed.map(({ fault }) => ({ ...fault })),
    remove(id) {
      const before = armed.length
      armed = armed.filter(({ fault }) => fault.id !== id)
      return armed.length !== before
    },
    clear() {
      armed = []
    },
    take(method, path) {
      const upper = method.toUpperCase()
      const hit = armed.find(
        ({ fault, pattern }) =>
          (fault.method === null || fault.method === upper) && pattern.test(path),
      )
      if (!hit) return undefined
      hit.fault.remaining -= 1
      if (hit.fault.remaining <= 0) armed = armed.filter((entry) => entry !== hit)
      return { ...hit.fault }
    },
  }
}
