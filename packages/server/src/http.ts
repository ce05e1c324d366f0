/**
 * Small HTTP pieces every handler of this package shares. Internal: not exported from the package.
 */

/**
 * A JSON answer that no HTTP cache keeps: tokens and users' banking state must not be stored by
 * the browser's or a proxy's cache.
 */
export function jsonResponse(
  status: number,
  body: unknown,
  extraHeaders?: Record<string, string>,
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...extraHeaders,
    },
  })
}

/** Why a body could not be read. */
export type BodyReadFailure = 'payload-too-large' | 'invalid-request'

/**
 * Reads at most `limit` bytes of a request body: the endpoints are public, and an unbounded
 * `request.text()` would let anyone signed in make the server buffer gigabytes. A body that is too
 * large or breaks off throws what `refuse` makes of the reason.
 */
export async function readLimited(
  request: Request,
  limit: number,
  refuse: (reason: BodyReadFailure) => unknown,
): Promise<string> {
  const declared = Number(request.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > limit) throw refuse('payload-too-large')
  if (request.body === null) return ''
  const reader = request.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let total = 0
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>
    try {
      chunk = await reader.read()
    } catch {
      throw refuse('invalid-request')
    }
    if (chunk.done) break
    total += chunk.value.byteLength
    if (total > limit) {
      // Not awaited: the body may be a branch of a tee (a clone), and cancelling one branch only
      // settles once the other is cancelled too.
      reader.cancel().catch(() => {})
      throw refuse('payload-too-large')
    }
    text += decoder.decode(chunk.value, { stream: true })
  }
  return text + decoder.decode()
}

/** An error for a developer's log, never quoting values that could be secrets. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : describeValue(error)
}

/** What a value is, without quoting it (it could be a token). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `a string that is not one (${value.length} characters)`
  return value === null ? 'null' : typeof value
}
