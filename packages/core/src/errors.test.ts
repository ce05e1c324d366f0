import { describe, expect, test } from 'vitest'
import {
  BasiqApiError,
  BasiqError,
  BasiqNetworkError,
  BasiqParseError,
  apiErrorFromResponse,
  isBasiqError,
  parseRetryAfter,
} from './errors.ts'

const request = { method: 'GET', path: '/jobs/j1' }

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')

  test.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5_000],
    ['1.5', 1_500],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
  ])('%j → %j ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected)
  })

  test.each([null, undefined, '', 'soon', '-5', '12abc'])('%j → undefined', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined()
  })
})

describe('apiErrorFromResponse', () => {
  test('reads every entry of the envelope, the correlation id and Retry-After', async () => {
    const body = {
      type: 'list',
      correlationId: 'corr-1',
      data: [
        {
          type: 'error',
          code: 'too-many-requests',
          title: 'Too many requests',
          detail: 'Query limit reached.',
        },
        { type: 'error', code: 'other', title: 'Second', source: { parameter: 'filter' } },
      ],
    }
    const error = await apiErrorFromResponse(
      new Response(JSON.stringify(body), { status: 429, headers: { 'retry-after': '7' } }),
      request,
    )
    expect(error).toBeInstanceOf(BasiqApiError)
    expect(error).toMatchObject({
      kind: 'api',
      status: 429,
      code: 'too-many-requests',
      title: 'Too many requests',
      detail: 'Query limit reached.',
      correlationId: 'corr-1',
      retryAfterMs: 7000,
      method: 'GET',
      path: '/jobs/j1',
    })
    expect(error.errors.map((entry) => entry.code)).toEqual(['too-many-requests', 'other'])
    expect(error.errors[1]?.source).toEqual({ parameter: 'filter' })
    expect(error.message).toBe(
      'Basiq API error 429 too-many-requests on GET /jobs/j1: Too many requests Query limit reached. (correlation id corr-1)',
    )
  })

  test('accepts `details` as the detail of an entry', async () => {
    const body = { type: 'list', data: [{ type: 'error', code: 'x', title: 'T', details: 'D' }] }
    const error = await apiErrorFromResponse(new Response(JSON.stringify(body), { status: 400 }))
    expect(error.detail).toBe('D')
  })

  test('an HTML page from a proxy becomes code "unknown" with the status', async () => {
    const error = await apiErrorFromResponse(
      new Response('<html><body>Bad gateway</body></html>', {
        status: 502,
        headers: { 'content-type': 'text/html; charset=utf-8' },
      }),
      request,
    )
    expect(error).toMatchObject({ status: 502, code: 'unknown', title: 'HTTP 502', errors: [] })
    expect(error.detail).toBe('The response body was not a Basiq error envelope (text/html).')
    expect(error.message).not.toContain('Bad gateway')
  })

  test('an empty body still gives a clear error', async () => {
    const error = await apiErrorFromResponse(new Response(null, { status: 503 }))
    expect(error).toMatchObject({
      status: 503,
      code: 'unknown',
      detail: 'The response had no body.',
    })
    expect(error.correlationId).toBeUndefined()
    expect(error.retryAfterMs).toBeUndefined()
  })

  test('JSON that is not an envelope is treated like any other non-envelope body', async () => {
    const error = await apiErrorFromResponse(
      new Response(JSON.stringify({ message: 'nope' }), { status: 500 }),
    )
    expect(error.code).toBe('unknown')
  })
})

describe('error classes', () => {
  test('isBasiqError recognises the three kinds and nothing else', () => {
    const errors = [
      new BasiqApiError({ status: 500 }),
      new BasiqNetworkError(new TypeError('Failed to fetch'), request),
      new BasiqParseError({ what: 'job', issues: ['$: expected Object, got null'] }),
    ]
    expect(errors.map((error) => [isBasiqError(error), error.kind])).toEqual([
      [true, 'api'],
      [true, 'network'],
      [true, 'parse'],
    ])
    for (const error of errors) expect(error).toBeInstanceOf(BasiqError)
    expect(isBasiqError(new Error('x'))).toBe(false)
    expect(isBasiqError({ kind: 'api' })).toBe(false)
    expect(isBasiqError(null)).toBe(false)
  })

  test('a network error keeps its cause and names the request', () => {
    const cause = new TypeError('Failed to fetch')
    const error = new BasiqNetworkError(cause, request)
    expect(error.cause).toBe(cause)
    expect(error.message).toBe('Network error on GET /jobs/j1: Failed to fetch')
  })

  test('a parse error lists at most ten issues in its message but keeps them all', () => {
    const issues = Array.from({ length: 12 }, (_, index) => `$.steps[${index}].status: missing`)
    const error = new BasiqParseError({ what: 'job', issues, status: 200, request })
    expect(error.message).toContain('$.steps[9].status: missing; …and 2 more')
    expect(error.message).not.toContain('$.steps[10]')
    expect(error.issues).toHaveLength(12)
    expect(error.status).toBe(200)
  })
})
