// Bridges a Fetch-API handler to Node's `(req, res)` servers (node:http, Express, …). It only uses
// what those objects have in common, described structurally below, so this package still loads in
// runtimes without node:* modules.

/** The parts of a Node `IncomingMessage` (or an Express `Request`) the adapter reads. */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  /** HTTP method; default `'GET'`. */
  method?: string | undefined
  /** Path and query, e.g. `'/api/basiq/token?userId=…'`. */
  url?: string | undefined
  /** Express: the path before a router stripped its mount point; preferred over `url`. */
  originalUrl?: string | undefined
  /** Request headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>
  /** Set by a body parser that already consumed the stream (Express's `express.json()`, …). */
  body?: unknown
  /** The connection; a TLS socket (`encrypted: true`) makes the request URL `https:`. */
  socket?: unknown
}

/** The parts of a Node `ServerResponse` (or an Express `Response`) the adapter writes. */
export interface NodeResponseLike {
  /** Status of the answer. */
  statusCode: number
  /** Sets one response header. */
  setHeader(name: string, value: string | readonly string[]): unknown
  /** Sends the body and finishes the answer. */
  end(body?: Uint8Array | string): unknown
}

/** A `(req, res)` listener for node:http or an Express route. */
export type NodeHandler = (req: NodeRequestLike, res: NodeResponseLike) => Promise<void>

/** Options of {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /** Larger request bodies are answered 413 without calling the handler. Default `65_536`. */
  maxBodyBytes?: number
}

/**
 * Adapts a Fetch-API handler (such as `createTokenHandler(...)`) to Node's `(req, res)`:
 * `http.createServer(toNodeHandler(handler))` or `app.post('/api/basiq/token',
 * toNodeHandler(handler))` in Express. The body is read from the stream, or taken from `req.body`
 * when a body parser already consumed it. The returned promise never rejects: a failure becomes a
 * 500 (or 400 for an unreadable request).
 */
export function toNodeHandler(
  handler: (request: Request) => Promise<Response>,
  options: NodeHandlerOptions = {},
): NodeHandler {
  if (typeof handler !== 'function') {
    throw new TypeError('toNodeHandler: handler must be a function (request: Request) => Response')
  }
  const maxBodyBytes = options.maxBodyBytes ?? 65_536
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0) {
    throw new RangeError('toNodeHandler: maxBodyBytes must be an integer ≥ 0')
  }

  return async function nodeHandler(req, res) {
    let request: Request
    try {
      const body = await readBody(req, maxBodyBytes)
      if (body === 'too-large') {
        send(res, 413, 'payload-too-large', 'The request body is too large.')
        return
      }
      request = toRequest(req, body)
    } catch {
      send(res, 400, 'invalid-request', 'The request could not be read.')
      return
    }
    try {
      const response = await handler(request)
      res.statusCode = response.status
      response.headers.forEach((value, name) => {
        if (name !== 'set-cookie') res.setHeader(name, value)
      })
      // Joined into one header, several cookies would become one unreadable cookie.
      const cookies = response.headers.getSetCookie()
      if (cookies.length > 0) res.setHeader('set-cookie', cookies)
      res.end(new Uint8Array(await response.arrayBuffer()))
    } catch {
      send(res, 500, 'internal-error', 'Something went wrong on the server.')
    }
  }
}

async function readBody(
  req: NodeRequestLike,
  limit: number,
): Promise<string | undefined | 'too-large'> {
  const method = (req.method ?? 'GET').toUpperCase()
  if (method === 'GET' || method === 'HEAD') return undefined
  if (req.body !== undefined) return parsedBody(req.body, limit)
  const decoder = new TextDecoder()
  let text = ''
  let total = 0
  // Iterated by hand: leaving a `for await` early would destroy the stream, and with it the
  // socket the 413 has to go out on. Node discards the unread rest itself.
  const chunks = req[Symbol.asyncIterator]()
  for (;;) {
    const next = await chunks.next()
    if (next.done) return text + decoder.decode()
    const bytes = typeof next.value === 'string' ? new TextEncoder().encode(next.value) : next.value
    total += bytes.byteLength
    if (total > limit) return 'too-large'
    text += decoder.decode(bytes, { stream: true })
  }
}

// What a body parser left behind, back as text for the Fetch handler.
function parsedBody(body: unknown, limit: number): string | 'too-large' {
  let text: string
  if (typeof body === 'string') text = body
  else if (body instanceof Uint8Array) text = new TextDecoder().decode(body)
  else if (body === null || typeof body !== 'object') text = ''
  else if (Object.keys(body).length === 0) text = ''
  else text = JSON.stringify(body)
  return new TextEncoder().encode(text).byteLength > limit ? 'too-large' : text
}

function toRequest(req: NodeRequestLike, body: string | undefined): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    // The body is re-encoded; a length or encoding of the original would now be wrong.
    if (name === 'content-length' || name === 'transfer-encoding' || name === 'content-encoding')
      continue
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else headers.set(name, value)
  }
  const host = typeof req.headers.host === 'string' ? req.headers.host : 'localhost'
  const socket = req.socket as { encrypted?: unknown } | null | undefined
  const protocol = socket?.encrypted === true ? 'https' : 'http'
  const url = new URL(req.originalUrl ?? req.url ?? '/', `${protocol}://${host}`)
  const init: RequestInit = { method: (req.method ?? 'GET').toUpperCase(), headers }
  if (body !== undefined) init.body = body
  return new Request(url, init)
}

function send(res: NodeResponseLike, status: number, code: string, message: string): void {
  try {
    res.statusCode = status
    res.setHeader('content-type', 'application/json; charset=utf-8')
    res.setHeader('cache-control', 'no-store')
    res.end(JSON.stringify({ error: { code, message } }))
  } catch {
    // The socket is gone; there is nobody left to answer.
  }
}
