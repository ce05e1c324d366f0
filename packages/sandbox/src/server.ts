import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import type { Sandbox } from './create-sandbox.ts'

/** Where {@link serveSandbox} listens. */
export interface ServeSandboxOptions {
  /** TCP port; `0` picks a free one. Default 4010. */
  port?: number
  /** Interface to bind. Default `'127.0.0.1'` (never exposed beyond the machine by default). */
  host?: string
}

/** A listening sandbox server. */
export interface SandboxServer {
  /** `http://host:port` actually listened on. */
  url: string
  /** Stops accepting connections, ends open ones, resolves once closed. */
  close(): Promise<void>
}

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    headers.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  const method = (req.method ?? 'GET').toUpperCase()
  const hasBody = method !== 'GET' && method !== 'HEAD'
  const init: RequestInit & { duplex?: 'half' } = { method, headers }
  if (hasBody) {
    // Streamed, so the app's 64 KB limit applies before an oversized body is buffered.
    init.body = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>
    init.duplex = 'half'
  }
  return new Request(new URL(req.url ?? '/', origin), init)
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined
  res.writeHead(response.status, headers)
  res.end(body)
}

/**
 * Serves a sandbox over `node:http` (what `pnpm sandbox` runs). Requests become Fetch-API
 * `Request`s for `sandbox.fetch`; when it rejects (the `drop` fault) the socket is destroyed, so
 * the client sees a dropped connection.
 *
 * @throws when the port cannot be bound (e.g. `EADDRINUSE`), as a rejected promise.
 */
export async function serveSandbox(
  sandbox: Pick<Sandbox, 'fetch'>,
  options: ServeSandboxOptions = {},
): Promise<SandboxServer> {
  const port = options.port ?? 4010
  const host = options.host ?? '127.0.0.1'
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(
      `serveSandbox: port must be an integer from 0 to 65535, got ${String(port)}`,
    )
  }
  let origin = ''
  const server: Server = createServer((req, res) => {
    let request: Request
    try {
      request = toRequest(req, origin)
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' })
      res.end('Bad request')
      return
    }
    sandbox.fetch(request).then(
      (response) => send(res, response).catch(() => req.socket.destroy()),
      () => req.socket.destroy(),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  origin = `http://${urlHost}:${address.port}`
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
