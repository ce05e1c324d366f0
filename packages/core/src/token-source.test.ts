import { describe, expect, test } from 'vitest'
import { BasiqApiError, BasiqNetworkError, BasiqParseError } from './errors.ts'
import { createTokenSource } from './token-source.ts'
import type { FetchLike } from './client.ts'

/**
 * A stand-in for the app's token endpoint: answers each POST with the next reply, records the
 * requests, and can hold answers back until `release()` so callers overlap.
 */
function tokenEndpoint(replies: (() => Response | Promise<Response>)[] = []) {
  const requests: Request[] = []
  let minted = 0
  let gate: Promise<void> = Promise.resolve()
  let open = () => {}
  const fetch: FetchLike = async (input, init) => {
    const request = new Request(new URL(input, 'http://app.test'), init)
    requests.push(request)
    const reply = replies[requests.length - 1]
    await gate
    if (reply) return reply()
    minted += 1
    return Response.json({
      access_token: `token-${minted}`,
      token_type: 'Bearer',
      expires_in: 3600,
    })
  }
  return {
    fetch,
    requests,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve
      })
    },
    release: () => open(),
  }
}

function virtualClock(start = 0) {
  let time = start
  return {
    now: () => time,
    advance(ms: number) {
      time += ms
    },
  }
}

describe('createTokenSource', () => {
  test('POSTs { userId } as JSON with same-origin credentials and resolves the token', async () => {
    const endpoint = tokenEndpoint()
    const source = createTokenSource({
      url: '/api/basiq/token',
      userId: 'user-1',
      fetch: endpoint.fetch,
    })
    await expect(source.getToken()).resolves.toBe('token-1')
    const [request] = endpoint.requests
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('http://app.test/api/basiq/token')
    expect(request?.credentials).toBe('same-origin')
    expect(request?.headers.get('content-type')).toBe('application/json')
    expect(await request?.json()).toEqual({ userId: 'user-1' })
  })

  test('20 concurrent callers share one request', async () => {
    const endpoint = tokenEndpoint()
    const source = createTokenSource({ url: '/token', fetch: endpoint.fetch })
    endpoint.hold()
    const pending = Array.from({ length: 20 }, () => source.getToken())
    endpoint.release()
    const tokens = await Promise.all(pending)
    expect(endpoint.requests).toHaveLength(1)
    expect(new Set(tokens)).toEqual(new Set(['token-1']))
  })

  test('caches until the margin before expiry, then fetches a new token', async () => {
    const clock = virtualClock()
    const endpoint = tokenEndpoint()
    const source = createTokenSource({
      url: '/token',
      fetch: endpoint.fetch,
      now: clock.now,
      refreshBeforeExpiryMs: 60_000,
    })
    expect(await source.getToken()).toBe('token-1')
    clock.advance(3600_000 - 60_000 - 1)
    expect(await source.getToken()).toBe('token-1')
    expect(endpoint.requests).toHaveLength(1)
    clock.advance(1)
    expect(await source.getToken()).toBe('token-2')
    expect(endpoint.requests).toHaveLength(2)
  })

  test('the default margin is one minute', async () => {
    const clock = virtualClock()
    const endpoint = tokenEndpoint()
    const source = createTokenSource({ url: '/token', fetch: endpoint.fetch, now: clock.now })
    await source.getToken()
    clock.advance(3540_000 - 1)
    expect(await source.getToken()).toBe('token-1')
    clock.advance(1)
    expect(await source.getToken()).toBe('token-2')
  })

  test('a short-lived token is still reused for half its lifetime', async () => {
    const clock = virtualClock()
    const endpoint = tokenEndpoint([() => Response.json({ access_token: 'short', expires_in: 60 })])
    const source = createTokenSource({ url: '/token', fetch: endpoint.fetch, now: clock.now })
    expect(await source.getToken()).toBe('short')
    clock.advance(29_999)
    expect(await source.getToken()).toBe('short')
    clock.advance(1)
    expect(await source.getToken()).toBe('token-1')
  })

  test('invalidate() and forceRefresh drop the cached token', async () => {
    const endpoint = tokenEndpoint()
    const source = createTokenSource({ url: '/token', fetch: endpoint.fetch })
    expect(await source.getToken()).toBe('token-1')
    source.invalidate()
    expect(await source.getToken()).toBe('token-2')
    expect(await source.getToken({ forceRefresh: true })).toBe('token-3')
    expect(await source.getToken()).toBe('token-3')
    expect(endpoint.requests).toHaveLength(3)
  })

  test('a failure is shared by the callers waiting on it and is not cached', async () => {
    const endpoint = tokenEndpoint([
      () =>
        Response.json(
          { type: 'list', data: [{ type: 'error', code: 'internal-server-error', title: 'Oops' }] },
          { status: 500 },
        ),
    ])
    const source = createTokenSource({ url: '/token', fetch: endpoint.fetch })
    endpoint.hold()
    const waiting = [source.getToken(), source.getToken(), source.getToken()]
    endpoint.release()
    const outcomes = await Promise.allSettled(waiting)
    const reasons = outcomes.map((outcome) =>
      outcome.status === 'rejected' ? outcome.reason : outcome,
    )
    expect(reasons[0]).toBeInstanceOf(BasiqApiError)
    expect(reasons[0]).toMatchObject({ status: 500, code: 'internal-server-error' })
    expect(reasons[1]).toBe(reasons[0])
    expect(reasons[2]).toBe(reasons[0])
    expect(endpoint.requests).toHaveLength(1)

    await expect(source.getToken()).resolves.toBe('token-1')
    expect(endpoint.requests).toHaveLength(2)
  })

  test('a refused request (401 from the app) becomes a BasiqApiError', async () => {
    const endpoint = tokenEndpoint([() => new Response('Unauthorized', { status: 401 })])
    const source = createTokenSource({ url: '/token', fetch: endpoint.fetch })
    await expect(source.getToken()).rejects.toMatchObject({
      kind: 'api',
      status: 401,
      code: 'unknown',
    })
  })

  test.each<[string, () => Response, RegExp]>([
    ['not JSON', () => new Response('<html>login</html>', { status: 200 }), /not valid JSON/],
    ['no expires_in', () => Response.json({ access_token: 'abc' }), /\$\.expires_in: missing/],
    [
      'a string expires_in',
      () => Response.json({ access_token: 'abc', expires_in: '3600' }),
      /\$\.expires_in: expected number, got string/,
    ],
    [
      'a negative expires_in',
      () => Response.json({ access_token: 'abc', expires_in: -1 }),
      /\$\.expires_in/,
    ],
    ['no token', () => Response.json({ expires_in: 3600 }), /\$\.access_token: missing/],
  ])(
    'a malformed answer (%s) is a BasiqParseError and is not cached',
    async (_name, reply, message) => {
      const endpoint = tokenEndpoint([reply])
      const source = createTokenSource({ url: '/token', fetch: endpoint.fetch })
      const error = await source.getToken().catch((reason: unknown) => reason)
      expect(error).toBeInstanceOf(BasiqParseError)
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).not.toContain('abc')
      await expect(source.getToken()).resolves.toBe('token-1')
    },
  )

  test('a dropped connection is a BasiqNetworkError with its cause', async () => {
    const cause = new TypeError('Failed to fetch')
    const source = createTokenSource({
      url: '/token',
      fetch: () => Promise.reject(cause),
    })
    const error = await source.getToken().catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(BasiqNetworkError)
    expect((error as Error).cause).toBe(cause)
  })

  test('getToken works detached from its source object', async () => {
    const endpoint = tokenEndpoint()
    const { getToken } = createTokenSource({ url: '/token', fetch: endpoint.fetch })
    await expect(getToken()).resolves.toBe('token-1')
  })

  test.each<[string, unknown]>([
    ['an empty url', { url: '' }],
    ['a missing url', {}],
    ['a negative margin', { url: '/token', refreshBeforeExpiryMs: -1 }],
  ])('%s is refused with a TypeError', (_name, options) => {
    expect(() => createTokenSource(options as { url: string })).toThrow(TypeError)
  })
})
