import * as fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { BasiqApiError, BasiqNetworkError, BasiqParseError } from './errors.ts'
import { MALFORMED_JOB_CODE, interpretJob } from './interpret-job.ts'
import {
  JobTimeoutError,
  SERVICE_UNAVAILABLE_RETRY_MS,
  isJobTimeoutError,
  recoveryFor,
} from './recovery.ts'
import type { Recovery, RecoveryKind } from './recovery.ts'
import { InstitutionSchema, JobSchema, parseResource } from './schemas.ts'
import type { Institution, Job } from './schemas.ts'

const institution = (status: string): Institution =>
  parseResource(InstitutionSchema, {
    type: 'institution',
    id: 'AU00000',
    name: 'Hooli Bank',
    shortName: 'Hooli',
    institutionType: 'Test Bank',
    country: 'Australia',
    serviceName: 'Test',
    serviceType: 'Test',
    tier: '4',
    authorization: 'user',
    stage: 'live',
    status,
    features: { login: ['web'] },
    stats: { averageDurationMs: null },
    logo: { type: 'image', links: { square: 's', full: 'f' } },
    links: { self: 'https://au-api.basiq.io/institutions/AU00000' },
  })

function failedJob(title: string, error: Record<string, unknown>): Job {
  return parseResource(JobSchema, {
    type: 'job',
    id: 'job-9',
    created: '2026-01-01T00:00:00Z',
    updated: '2026-01-01T00:00:09Z',
    steps: [
      {
        title: 'verify-credentials',
        status: title === 'verify-credentials' ? 'failed' : 'success',
        result:
          title === 'verify-credentials'
            ? error
            : { type: 'link', url: '/users/u-1/connections/c-1' },
      },
      ...(title === 'verify-credentials' ? [] : [{ title, status: 'failed', result: error }]),
      { title: 'retrieve-transactions', status: 'pending', result: null },
    ],
    links: {
      self: 'https://au-api.basiq.io/jobs/job-9',
      source: 'https://au-api.basiq.io/users/u-1/connections/c-1',
    },
  })
}

const stepError = (code: string, detail = '') => ({ type: 'error', code, title: 'Title', detail })

describe('recoveryFor: job step errors', () => {
  test('invalid-credentials on verify-credentials: re-enter first, Basiq detail passed through', () => {
    const recovery = recoveryFor(
      { code: 'invalid-credentials', title: 'Cannot login', detail: 'Account is locked' },
      { step: 'verify-credentials' },
    )
    expect(recovery).toEqual<Recovery>({
      kind: 'invalid-credentials',
      messageKey: 'recovery.invalid-credentials',
      actions: ['re-enter-credentials', 'pick-another-bank'],
      retryAfterMs: undefined,
      detail: 'Account is locked',
      transient: false,
      support: { code: 'invalid-credentials', step: 'verify-credentials' },
    })
  })

  test('Basiq\'s "details" spelling is read too', () => {
    const recovery = recoveryFor({ code: 'invalid-credentials', details: 'Locked out' })
    expect(recovery.detail).toBe('Locked out')
  })

  test('invalid-credentials on mfa-challenge (given as step, or read from the job) is mfa-failed', () => {
    const error = stepError('invalid-credentials', 'The answer was not accepted.')
    expect(recoveryFor(error, { step: 'mfa-challenge' }).kind).toBe('mfa-failed')
    const job = failedJob('mfa-challenge', error)
    const recovery = recoveryFor(error, { job })
    expect(recovery).toMatchObject({
      kind: 'mfa-failed',
      messageKey: 'recovery.mfa-failed',
      actions: ['re-enter-credentials', 'pick-another-bank'],
      transient: false,
      support: { step: 'mfa-challenge', jobId: 'job-9', userId: 'u-1', connectionId: 'c-1' },
    })
  })

  test('job-timed-out: on mfa-challenge the challenge expired; elsewhere a Basiq timeout', () => {
    const expired = recoveryFor(stepError('job-timed-out'), { step: 'mfa-challenge' })
    expect(expired).toMatchObject({
      kind: 'mfa-expired',
      actions: ['re-enter-credentials', 'pick-another-bank'],
    })
    const slow = recoveryFor(stepError('job-timed-out'), { step: 'retrieve-accounts' })
    expect(slow).toMatchObject({ kind: 'timeout', actions: ['retry', 'contact-support'] })
  })

  test.each(['account-not-accessible-requires-user-action', 'user-action-required'])(
    '%s: act in the bank, then retry',
    (code) => {
      const detail = 'An action is required from end-user before account details can be returned.'
      const recovery = recoveryFor(stepError(code, detail), {
        job: failedJob('retrieve-accounts', stepError(code, detail)),
      })
      expect(recovery).toMatchObject({
        kind: 'user-action-required',
        messageKey: 'recovery.user-action-required',
        actions: ['act-in-bank', 'retry'],
        detail,
        transient: false,
        support: { code, step: 'retrieve-accounts', jobId: 'job-9' },
      })
    },
  )

  const serviceCodes = [
    'service-unavailable',
    'system-unavailable',
    'maintenance',
    'institution-not-available',
  ]

  test.each(serviceCodes)('%s at a bank in major outage: the bank is down, try later', (code) => {
    const recovery = recoveryFor(stepError(code), { institution: institution('major-outage') })
    expect(recovery).toMatchObject({
      kind: 'institution-down',
      messageKey: 'recovery.institution-down',
      actions: ['try-later', 'pick-another-bank'],
      retryAfterMs: undefined,
      transient: false,
    })
  })

  test.each(
    serviceCodes.flatMap((code) =>
      ['operational', 'degraded-performance', 'partial-outage', 'under-maintenance', undefined].map(
        (status) => [code, status] as const,
      ),
    ),
  )('%s at a bank whose status is %s: retry in about 10 minutes', (code, status) => {
    const context = status === undefined ? {} : { institution: institution(status) }
    const recovery = recoveryFor(stepError(code, 'Service is currently unavailable.'), context)
    expect(recovery).toMatchObject({
      kind: 'service-unavailable',
      actions: ['try-later', 'pick-another-bank', 'contact-support'],
      retryAfterMs: 10 * 60_000,
      detail: 'Service is currently unavailable.',
    })
    expect(SERVICE_UNAVAILABLE_RETRY_MS).toBe(600_000)
  })

  test('unknown codes: a generic recovery with contact-support and every id', () => {
    const job = failedJob('retrieve-accounts', stepError('connector-error', 'Connector failed'))
    const recovery = recoveryFor(stepError('connector-error', 'Connector failed'), { job })
    expect(recovery).toEqual<Recovery>({
      kind: 'unknown',
      messageKey: 'recovery.unknown',
      actions: ['retry', 'contact-support'],
      retryAfterMs: undefined,
      detail: 'Connector failed',
      transient: false,
      support: {
        userId: 'u-1',
        connectionId: 'c-1',
        jobId: 'job-9',
        code: 'connector-error',
        step: 'retrieve-accounts',
      },
    })
    expect(recoveryFor({ code: 'brand-new-code-2031' }).kind).toBe('unknown')
  })

  test('the malformed-job error of interpretJob is unknown, without its developer detail', () => {
    const interpretation = interpretJob({ nonsense: true })
    const recovery = recoveryFor(interpretation.error)
    expect(recovery).toMatchObject({
      kind: 'unknown',
      detail: undefined,
      support: { code: MALFORMED_JOB_CODE },
    })
  })

  test('ids given in the context win over the ones read from the job', () => {
    const job = failedJob('retrieve-accounts', stepError('connector-error'))
    const recovery = recoveryFor(stepError('connector-error'), {
      job,
      userId: 'u-explicit',
      jobId: 'job-explicit',
      connectionId: 'c-explicit',
      step: 'retrieve-transactions',
    })
    expect(recovery.support).toEqual({
      userId: 'u-explicit',
      connectionId: 'c-explicit',
      jobId: 'job-explicit',
      code: 'connector-error',
      step: 'retrieve-transactions',
    })
  })
})

describe('recoveryFor: the duplicate-credentials pause', () => {
  const resumeAt = '2026-01-01T00:06:00Z'
  const pause = {
    type: 'pause',
    code: 'credentials-in-use',
    title: 'Connection paused',
    detail: 'A connection with the same credentials is already in progress.',
    resumeAt,
  }

  test('counts down to resumeAt from now, and says the kit carries on by itself', () => {
    const now = Date.parse('2026-01-01T00:01:30Z')
    expect(recoveryFor(pause, { now, jobId: 'job-2' })).toEqual<Recovery>({
      kind: 'paused',
      messageKey: 'recovery.paused',
      actions: ['wait'],
      retryAfterMs: 270_000,
      detail: pause.detail,
      transient: true,
      support: { jobId: 'job-2', code: 'credentials-in-use' },
    })
  })

  test('never negative once resumeAt has passed; unknown when resumeAt is unreadable', () => {
    expect(recoveryFor(pause, { now: Date.parse('2026-01-01T00:07:00Z') }).retryAfterMs).toBe(0)
    expect(recoveryFor({ ...pause, resumeAt: 'soon' }, { now: 0 }).retryAfterMs).toBeUndefined()
  })

  test('now defaults to the current time', () => {
    const inAMinute = new Date(Date.now() + 60_000).toISOString()
    const left = recoveryFor({ ...pause, resumeAt: inAMinute }).retryAfterMs
    expect(left).toBeGreaterThan(55_000)
    expect(left).toBeLessThanOrEqual(60_000)
  })

  test('the paused step is read from the job', () => {
    const job = parseResource(JobSchema, {
      type: 'job',
      id: 'job-3',
      created: '2026-01-01T00:00:00Z',
      updated: '2026-01-01T00:00:00Z',
      steps: [
        { title: 'verify-credentials', status: 'pending', result: pause },
        { title: 'retrieve-accounts', status: 'pending', result: null },
      ],
    })
    expect(recoveryFor(pause, { job, now: 0 }).support).toEqual({
      jobId: 'job-3',
      code: 'credentials-in-use',
      step: 'verify-credentials',
    })
  })
})

describe('recoveryFor: transport and API errors', () => {
  const request = { method: 'GET', path: '/jobs/job-1' }

  test('429 is rate-limited and transient, with its Retry-After', () => {
    const error = new BasiqApiError({
      status: 429,
      errors: [
        {
          type: 'error',
          code: 'too-many-requests',
          title: 'Too many requests',
          detail: 'Query limit reached.',
        },
      ],
      correlationId: 'corr-1',
      retryAfterMs: 2_000,
      request,
    })
    expect(recoveryFor(error, { jobId: 'job-1' })).toEqual<Recovery>({
      kind: 'rate-limited',
      messageKey: 'recovery.rate-limited',
      actions: ['wait'],
      retryAfterMs: 2_000,
      detail: undefined,
      transient: true,
      support: { jobId: 'job-1', correlationId: 'corr-1', code: 'too-many-requests' },
    })
    expect(recoveryFor(new BasiqApiError({ status: 429 })).retryAfterMs).toBeUndefined()
  })

  test.each([500, 502, 503, 504])('%i is a transport problem: still trying', (status) => {
    const recovery = recoveryFor(new BasiqApiError({ status, request }))
    expect(recovery).toMatchObject({ kind: 'transport', actions: ['wait'], transient: true })
  })

  test('a 503 that sent Retry-After passes it on', () => {
    const recovery = recoveryFor(new BasiqApiError({ status: 503, retryAfterMs: 5_000 }))
    expect(recovery.retryAfterMs).toBe(5_000)
  })

  test('network and parse errors are transport problems: a garbled answer is retried', () => {
    expect(
      recoveryFor(new BasiqNetworkError(new TypeError('Failed to fetch'), request)),
    ).toMatchObject({
      kind: 'transport',
      transient: true,
    })
    const garbled = new BasiqParseError({
      what: 'job',
      issues: ['the body is not valid JSON'],
      correlationId: 'corr-2',
    })
    expect(recoveryFor(garbled)).toMatchObject({
      kind: 'transport',
      transient: true,
      support: { correlationId: 'corr-2' },
    })
  })

  test('403 access-denied (token expired even after a refresh) and 401 are session-expired', () => {
    const denied = new BasiqApiError({
      status: 403,
      errors: [
        {
          type: 'error',
          code: 'access-denied',
          title: 'Access denied',
          detail: 'Token has expired',
        },
      ],
    })
    expect(recoveryFor(denied)).toMatchObject({
      kind: 'session-expired',
      actions: ['retry', 'contact-support'],
      transient: false,
      support: { code: 'access-denied' },
    })
    expect(recoveryFor(new BasiqApiError({ status: 401 })).kind).toBe('session-expired')
  })

  test('other API errors are unknown, with their code and correlation id for support', () => {
    const notFound = new BasiqApiError({
      status: 404,
      errors: [
        { type: 'error', code: 'resource-not-found', title: 'Requested resource is not found' },
      ],
      correlationId: 'corr-3',
    })
    expect(recoveryFor(notFound, { jobId: 'job-1' })).toMatchObject({
      kind: 'unknown',
      actions: ['retry', 'contact-support'],
      support: { jobId: 'job-1', correlationId: 'corr-3', code: 'resource-not-found' },
    })
    const forbidden = new BasiqApiError({
      status: 403,
      errors: [{ type: 'error', code: 'forbidden-access', title: 'Forbidden' }],
    })
    expect(recoveryFor(forbidden).kind).toBe('unknown')
  })
})

describe('recoveryFor: timeouts', () => {
  test('a JobTimeoutError is a timeout with its job id', () => {
    const error = new JobTimeoutError(900_000, 'job-5')
    expect(error.message).toBe('Stopped waiting for job job-5 after 900 s')
    expect(recoveryFor(error)).toMatchObject({
      kind: 'timeout',
      messageKey: 'recovery.timeout',
      actions: ['retry', 'contact-support'],
      transient: false,
      support: { jobId: 'job-5' },
    })
  })

  test("the 'timeout' marker works too, and isJobTimeoutError recognises copies", () => {
    expect(recoveryFor('timeout', { jobId: 'job-6' })).toMatchObject({
      kind: 'timeout',
      support: { jobId: 'job-6' },
    })
    expect(isJobTimeoutError(new JobTimeoutError(1))).toBe(true)
    const fromAnotherCopy = Object.defineProperty({}, Symbol.for('bankconnect.JobTimeoutError'), {
      value: true,
    })
    expect(isJobTimeoutError(fromAnotherCopy)).toBe(true)
    expect(isJobTimeoutError(new Error('timeout'))).toBe(false)
  })
})

const kinds: readonly RecoveryKind[] = [
  'invalid-credentials',
  'user-action-required',
  'institution-down',
  'service-unavailable',
  'paused',
  'mfa-failed',
  'mfa-expired',
  'rate-limited',
  'transport',
  'session-expired',
  'timeout',
  'unknown',
]

describe('recoveryFor: garbage', () => {
  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 7],
    ['a plain Error', new Error('boom')],
    ['an array', [stepError('invalid-credentials')]],
    ['an object with a numeric code', { code: 42 }],
    ['a result of another type', { type: 'link', url: '/x', code: 'invalid-credentials' }],
  ])('%s → unknown with contact-support', (_, error) => {
    const recovery = recoveryFor(error)
    expect(recovery.kind).toBe('unknown')
    expect(recovery.actions).toContain('contact-support')
  })

  test('a hostile value whose getters throw still gets an answer', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no')
        },
        has: () => {
          throw new Error('no')
        },
      },
    )
    expect(recoveryFor(hostile, hostile as never).kind).toBe('unknown')
  })

  test('never throws on any error and any context, and always answers a known kind', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (error, context) => {
        const recovery = recoveryFor(error, context as never)
        expect(kinds).toContain(recovery.kind)
        expect(recovery.messageKey).toBe(`recovery.${recovery.kind}`)
        expect(recovery.actions.length).toBeGreaterThan(0)
      }),
      { numRuns: 2_000 },
    )
  })
})
