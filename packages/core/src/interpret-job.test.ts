import * as fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { MALFORMED_JOB_CODE, interpretJob, interpretParsedJob } from './interpret-job.ts'
import type { JobInterpretation, JobPhase } from './interpret-job.ts'
import { JobSchema, parseResource } from './schemas.ts'
import type { Job } from './schemas.ts'

const userId = 'u-42'
const connectionId = 'c-7'
const connectionUrl = `/users/${userId}/connections/${connectionId}`
const accountsUrl = `/users/${userId}/accounts?filter=institution.id.eq('AU00000')`
const transactionsUrl = `/users/${userId}/transactions?filter=institution.id.eq('AU00000')`

type RawStep = { title: string; status: string; result?: unknown }

/** A job as Basiq sends it (raw JSON: error results without `type`). */
function rawJob(steps: RawStep[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'job',
    id: 'job-1',
    created: '2026-01-01T00:00:00Z',
    updated: '2026-01-01T00:00:09Z',
    steps: steps.map((step) => ({ result: null, ...step })),
    links: { self: 'https://au-api.basiq.io/jobs/job-1' },
    ...extra,
  }
}

const link = (url: string) => ({ type: 'link', url })
const verified: RawStep = {
  title: 'verify-credentials',
  status: 'success',
  result: link(connectionUrl),
}
const challenge = {
  type: 'mfa',
  method: 'token',
  description: 'A SMS code has been sent to your device, please enter valid number.',
  input: ['OTP Password'],
  expiryMs: 120000,
  links: { response: 'https://au-api.basiq.io/jobs/job-1/mfa' },
}
const pending = (title: string): RawStep => ({ title, status: 'pending' })
const running = (title: string): RawStep => ({ title, status: 'in-progress' })
const locked = {
  code: 'invalid-credentials',
  title: 'Cannot login to target institution, check credentials.',
  detail: 'Account is locked',
}

describe('interpretJob: phases', () => {
  test('a queued job is pending, waiting on verify-credentials', () => {
    const result = interpretJob(
      rawJob([
        pending('verify-credentials'),
        pending('retrieve-accounts'),
        pending('retrieve-transactions'),
      ]),
    )
    expect(result.phase).toBe('pending')
    expect(result.currentStep?.title).toBe('verify-credentials')
    expect(result.error).toBeUndefined()
  })

  test('a job logging in is verifying, with verify-credentials as the current step', () => {
    const result = interpretJob(
      rawJob([
        running('verify-credentials'),
        pending('retrieve-accounts'),
        pending('retrieve-transactions'),
      ]),
    )
    expect(result.phase).toBe('verifying')
    expect(result.currentStep).toEqual({
      title: 'verify-credentials',
      status: 'in-progress',
      result: null,
    })
  })

  test('verify-credentials success releases the user and names the connection and user', () => {
    const result = interpretJob(
      rawJob([verified, running('retrieve-accounts'), pending('retrieve-transactions')]),
    )
    expect(result).toMatchObject({
      phase: 'released',
      connectionId,
      userId,
      failedStep: undefined,
      error: undefined,
    })
    expect(result.currentStep?.title).toBe('retrieve-accounts')
  })

  test('every step succeeded: complete, with the institution read from a result URL', () => {
    const result = interpretJob(
      rawJob([
        verified,
        { title: 'retrieve-accounts', status: 'success', result: link(accountsUrl) },
        { title: 'retrieve-transactions', status: 'success', result: link(transactionsUrl) },
      ]),
    )
    expect(result).toMatchObject({ phase: 'complete', currentStep: undefined, connectionId })
    expect(result.institutionId).toBe('AU00000')
  })

  test('reads a URL-encoded institution filter and prefers job.institution', () => {
    const encoded = `/users/${userId}/accounts?filter=${encodeURIComponent("institution.id.eq('AU00123')")}`
    const steps: RawStep[] = [
      verified,
      { title: 'retrieve-accounts', status: 'success', result: link(encoded) },
    ]
    expect(interpretJob(rawJob(steps)).institutionId).toBe('AU00123')
    const withInstitution = rawJob(steps, { institution: { type: 'institution', id: 'AU00999' } })
    expect(interpretJob(withInstitution).institutionId).toBe('AU00999')
  })

  test('falls back to links.source for the connection when the verify result has no link', () => {
    const result = interpretJob(
      rawJob([running('verify-credentials')], {
        links: {
          self: 'https://au-api.basiq.io/jobs/job-1',
          source: 'https://au-api.basiq.io/users/u-9/connections/c-9',
        },
      }),
    )
    expect(result).toMatchObject({ phase: 'verifying', userId: 'u-9', connectionId: 'c-9' })
  })

  test('a duplicate-credentials pause: every step pending, verify-credentials carries the pause', () => {
    const pause = {
      type: 'pause',
      code: 'credentials-in-use',
      title: 'Connection paused',
      detail: 'A connection with the same credentials is already in progress.',
      resumeAt: '2026-01-01T00:06:00Z',
    }
    const result = interpretJob(
      rawJob([
        { title: 'verify-credentials', status: 'pending', result: pause },
        pending('retrieve-accounts'),
      ]),
    )
    expect(result.phase).toBe('paused')
    expect(result.pause).toEqual(pause)
    expect(result.currentStep?.title).toBe('verify-credentials')
  })
})

describe('interpretJob: failures', () => {
  test('verify-credentials failed: the error is normalised from Basiq raw form (no type)', () => {
    const result = interpretJob(
      rawJob([
        { title: 'verify-credentials', status: 'failed', result: locked },
        pending('retrieve-accounts'),
      ]),
    )
    expect(result.phase).toBe('failed')
    expect(result.failedStep?.title).toBe('verify-credentials')
    expect(result.currentStep).toBe(result.failedStep)
    expect(result.error).toEqual({ type: 'error', ...locked })
  })

  test('a step failing after the release makes the job failed, not released', () => {
    const result = interpretJob(
      rawJob([
        verified,
        {
          title: 'retrieve-accounts',
          status: 'failed',
          result: { code: 'account-not-accessible-requires-user-action', title: 't', detail: 'd' },
        },
        pending('retrieve-transactions'),
      ]),
    )
    expect(result.phase).toBe('failed')
    expect(result.failedStep?.title).toBe('retrieve-accounts')
    expect(result.error?.code).toBe('account-not-accessible-requires-user-action')
    expect(result.connectionId).toBe(connectionId)
  })

  test('a failed MFA step fails the job', () => {
    const result = interpretJob(
      rawJob([
        verified,
        {
          title: 'mfa-challenge',
          status: 'failed',
          result: { code: 'job-timed-out', title: '', detail: '' },
        },
        pending('retrieve-accounts'),
      ]),
    )
    expect(result).toMatchObject({ phase: 'failed', error: { code: 'job-timed-out' } })
    expect(result.failedStep?.title).toBe('mfa-challenge')
  })

  test('the last step failing fails the job even though everything before succeeded', () => {
    const result = interpretJob(
      rawJob([
        verified,
        { title: 'retrieve-accounts', status: 'success', result: link(accountsUrl) },
        { title: 'retrieve-transactions', status: 'failed', result: { code: 'connector-error' } },
      ]),
    )
    expect(result.phase).toBe('failed')
    expect(result.error).toEqual({ type: 'error', code: 'connector-error', title: '', detail: '' })
  })

  test('a failed step without an error result gets a synthetic unknown-error', () => {
    const result = interpretJob(rawJob([{ title: 'verify-credentials', status: 'failed' }]))
    expect(result.phase).toBe('failed')
    expect(result.error?.code).toBe('unknown-error')
  })
})

describe('interpretJob: MFA', () => {
  test('mfa-challenge pending after verify-credentials: not released yet', () => {
    const result = interpretJob(
      rawJob([verified, pending('mfa-challenge'), pending('retrieve-accounts')]),
    )
    expect(result.phase).toBe('verifying')
    expect(result.currentStep?.title).toBe('mfa-challenge')
  })

  test('mfa-challenge in progress with a challenge: mfa-required, with the challenge', () => {
    const result = interpretJob(
      rawJob([
        verified,
        { title: 'mfa-challenge', status: 'in-progress', result: challenge },
        pending('retrieve-accounts'),
      ]),
    )
    expect(result.phase).toBe('mfa-required')
    expect(result.mfa).toEqual(challenge)
    expect(result.currentStep?.title).toBe('mfa-challenge')
  })

  test('mfa-challenge in progress without a challenge yet: still verifying', () => {
    const result = interpretJob(
      rawJob([verified, running('mfa-challenge'), pending('retrieve-accounts')]),
    )
    expect(result.phase).toBe('verifying')
    expect(result.mfa).toBeUndefined()
  })

  test('mfa-challenge succeeded: released', () => {
    const result = interpretJob(
      rawJob([
        verified,
        { title: 'mfa-challenge', status: 'success', result: challenge },
        running('retrieve-accounts'),
      ]),
    )
    expect(result.phase).toBe('released')
  })

  test('an MFA status the kit does not know only counts once a later step has started', () => {
    const skippedThenWaiting = rawJob([
      verified,
      { title: 'mfa-challenge', status: 'skipped' },
      pending('retrieve-accounts'),
    ])
    expect(interpretJob(skippedThenWaiting).phase).toBe('verifying')
    const skippedThenRunning = rawJob([
      verified,
      { title: 'mfa-challenge', status: 'skipped' },
      running('retrieve-accounts'),
    ])
    expect(interpretJob(skippedThenRunning).phase).toBe('released')
  })
})

describe('interpretJob: unknown and missing steps', () => {
  test('an unknown step title neither crashes nor blocks the release, but holds completion', () => {
    const steps: RawStep[] = [
      verified,
      { title: 'retrieve-statements', status: 'success', result: link('/users/u/statements') },
      running('verify-identity-v9'),
    ]
    expect(interpretJob(rawJob(steps)).phase).toBe('released')
  })

  test('an unknown status on verify-credentials never releases', () => {
    const result = interpretJob(
      rawJob([
        { title: 'verify-credentials', status: 'succeeded', result: link(connectionUrl) },
        { title: 'retrieve-accounts', status: 'success', result: link(accountsUrl) },
      ]),
    )
    expect(result.phase).toBe('verifying')
  })

  test('an unknown status on a later step: released but never complete', () => {
    const result = interpretJob(
      rawJob([verified, { title: 'retrieve-accounts', status: 'queued' }]),
    )
    expect(result.phase).toBe('released')
    expect(result.currentStep?.status).toBe('queued')
  })

  test('a job without a verify-credentials step is never released nor complete', () => {
    const result = interpretJob(
      rawJob([{ title: 'retrieve-accounts', status: 'success', result: link(accountsUrl) }]),
    )
    expect(result.phase).toBe('verifying')
    expect(interpretJob(rawJob([])).phase).toBe('pending')
  })

  test('every verify-credentials step must have succeeded', () => {
    const result = interpretJob(rawJob([verified, running('verify-credentials')]))
    expect(result.phase).toBe('verifying')
  })
})

describe('interpretJob: releaseWhen', () => {
  const accountsRunning = rawJob([
    verified,
    running('retrieve-accounts'),
    pending('retrieve-transactions'),
  ])
  const accountsDone = rawJob([
    verified,
    { title: 'retrieve-accounts', status: 'success', result: link(accountsUrl) },
    running('retrieve-transactions'),
  ])

  test('a step title holds the release until that step succeeded', () => {
    expect(interpretJob(accountsRunning, { releaseWhen: 'retrieve-accounts' }).phase).toBe(
      'verifying',
    )
    expect(interpretJob(accountsDone, { releaseWhen: 'retrieve-accounts' }).phase).toBe('released')
  })

  test('the DESIGN.md call form interpretJob(job, releaseWhen) works too', () => {
    const call = interpretJob as (job: unknown, releaseWhen: unknown) => { phase: JobPhase }
    expect(call(accountsRunning, 'retrieve-accounts').phase).toBe('verifying')
    expect(call(accountsDone, 'retrieve-accounts').phase).toBe('released')
  })

  test('a title the job does not have holds the release until the job completes', () => {
    expect(interpretJob(accountsDone, { releaseWhen: 'create-report' }).phase).toBe('verifying')
    const complete = rawJob([verified, { title: 'retrieve-accounts', status: 'success' }])
    expect(interpretJob(complete, { releaseWhen: 'create-report' }).phase).toBe('complete')
  })

  test('a predicate gets the parsed job and can hold the release', () => {
    const seen: Job[] = []
    const releaseWhen = (job: Job) => {
      seen.push(job)
      return job.steps.some(
        (step) => step.title === 'retrieve-accounts' && step.status === 'success',
      )
    }
    expect(interpretJob(accountsRunning, { releaseWhen }).phase).toBe('verifying')
    expect(interpretJob(accountsDone, { releaseWhen }).phase).toBe('released')
    expect(seen[0]?.id).toBe('job-1')
  })

  test('releaseWhen can never advance the release past the safety rule', () => {
    const always = () => true
    const verifying = rawJob([running('verify-credentials'), pending('retrieve-accounts')])
    expect(interpretJob(verifying, { releaseWhen: always }).phase).toBe('verifying')
    const accountsFirst = rawJob([
      running('verify-credentials'),
      { title: 'retrieve-accounts', status: 'success' },
    ])
    expect(interpretJob(accountsFirst, { releaseWhen: 'retrieve-accounts' }).phase).toBe(
      'verifying',
    )
    const mfaWaiting = rawJob([
      verified,
      { title: 'mfa-challenge', status: 'in-progress', result: challenge },
      pending('retrieve-accounts'),
    ])
    expect(interpretJob(mfaWaiting, { releaseWhen: always }).phase).toBe('mfa-required')
  })

  test('a predicate that throws or returns something other than true holds the release', () => {
    const throwing = () => {
      throw new Error('boom')
    }
    expect(interpretJob(accountsDone, { releaseWhen: throwing }).phase).toBe('verifying')
    const truthy = (() => 1) as unknown as () => boolean
    expect(interpretJob(accountsDone, { releaseWhen: truthy }).phase).toBe('verifying')
  })

  test('completion does not wait for releaseWhen: a finished job will not change', () => {
    const complete = rawJob([verified, { title: 'retrieve-accounts', status: 'success' }])
    expect(interpretJob(complete, { releaseWhen: () => false }).phase).toBe('complete')
  })

  test('a releaseWhen of another type holds the release; null options mean the default', () => {
    const odd = { releaseWhen: 42 } as unknown as { releaseWhen: string }
    expect(interpretJob(accountsDone, odd).phase).toBe('verifying')
    const none = null as unknown as undefined
    expect(interpretJob(accountsDone, none).phase).toBe('released')
  })
})

describe('interpretJob: malformed input', () => {
  const cases: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'job'],
    ['an array', []],
    ['an empty object', {}],
    ['another resource type', { ...rawJob([]), type: 'list' }],
    ['steps missing', { ...rawJob([]), steps: undefined }],
    ['steps not an array', { ...rawJob([]), steps: { 0: verified } }],
    ['a step without a status', rawJob([{ title: 'verify-credentials' } as RawStep])],
    [
      'a step whose status is a number',
      rawJob([{ title: 'verify-credentials', status: 2 } as unknown as RawStep]),
    ],
    ['a step that is null', { ...rawJob([]), steps: [null] }],
    [
      'a half-formed MFA challenge',
      rawJob([
        verified,
        { title: 'mfa-challenge', status: 'in-progress', result: { type: 'mfa' } },
      ]),
    ],
    [
      'a success link without a URL',
      rawJob([{ title: 'verify-credentials', status: 'success', result: { type: 'link' } }]),
    ],
  ]

  test.each(cases)('%s → failed with a malformed-job error, never released', (_, input) => {
    const result = interpretJob(input)
    expect(result.phase).toBe('failed')
    expect(result.error?.code).toBe(MALFORMED_JOB_CODE)
    expect(result.error?.detail).toMatch(/expected shape/)
    expect(result.currentStep).toBeUndefined()
  })

  test('the malformed-job detail says where the shape is wrong, and ids survive when present', () => {
    const input = {
      ...rawJob([{ title: 'verify-credentials' } as RawStep]),
      links: { self: 'x', source: 'https://au-api.basiq.io/users/u-1/connections/c-1' },
    }
    const result = interpretJob(input)
    expect(result.error?.detail).toContain('$.steps[0].status')
    expect(result).toMatchObject({ userId: 'u-1', connectionId: 'c-1' })
  })

  test('a value whose properties throw when read is still answered', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no')
        },
        has() {
          throw new Error('no')
        },
      },
    )
    expect(interpretJob(hostile).phase).toBe('failed')
  })

  test('interpreting an already parsed job gives the same answer as the raw one', () => {
    const raw = rawJob([
      { title: 'verify-credentials', status: 'failed', result: locked },
      pending('retrieve-accounts'),
    ])
    const parsed = parseResource(JobSchema, raw)
    expect(interpretJob(parsed)).toEqual(interpretJob(raw))
  })
})

// Raw-input oracle for the property: written against the JSON, not against the implementation.
function safetyHoldsOnRaw(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false
  const steps = (input as { steps?: unknown }).steps
  if (!Array.isArray(steps)) return false
  const verify = steps.filter((step) => step?.title === 'verify-credentials')
  if (verify.length === 0 || !verify.every((step) => step.status === 'success')) return false
  const mfaWaiting = steps.some(
    (step) =>
      step?.title === 'mfa-challenge' &&
      (step.status === 'pending' || step.status === 'in-progress'),
  )
  const anyFailed = steps.some((step) => step?.status === 'failed')
  return !mfaWaiting && !anyFailed
}

const titleArb = fc.oneof(
  fc.constantFrom(
    'verify-credentials',
    'mfa-challenge',
    'retrieve-accounts',
    'retrieve-transactions',
    'retrieve-statements',
    'create-report',
  ),
  fc.string({ maxLength: 12 }),
)
const statusArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('pending', 'in-progress', 'success', 'failed') },
  { weight: 1, arbitrary: fc.constantFrom('skipped', 'queued', 'SUCCESS', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
)
const resultArb = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.record({ type: fc.constant('link'), url: fc.constantFrom(connectionUrl, accountsUrl, 'x') }),
  fc.constant(challenge),
  fc.record({ type: fc.constant('mfa'), method: fc.constant('token') }),
  fc.record({
    code: fc.constantFrom('invalid-credentials', 'service-unavailable', 'x'),
    detail: fc.string(),
  }),
  fc.record({ type: fc.constant('error'), code: fc.string(), title: fc.string() }),
  fc.record({
    type: fc.constant('pause'),
    code: fc.constant('credentials-in-use'),
    title: fc.string(),
    resumeAt: fc.constant('2026-01-01T00:06:00Z'),
  }),
  fc.record({ type: fc.string({ maxLength: 6 }) }),
  fc.anything(),
)
const stepArb = fc.oneof(
  { weight: 10, arbitrary: fc.record({ title: titleArb, status: statusArb, result: resultArb }) },
  { weight: 1, arbitrary: fc.record({ title: titleArb }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.anything() },
)
// Plausible jobs: known shapes, results that fit their status, and an occasional odd status or
// title. They reach every phase, including the release the property is about.
const plausibleStatusArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant('success') },
  { weight: 2, arbitrary: fc.constantFrom('pending', 'in-progress') },
  { weight: 1, arbitrary: fc.constant('failed') },
  { weight: 1, arbitrary: statusArb },
)
const pause = {
  type: 'pause',
  code: 'credentials-in-use',
  title: 'Connection paused',
  detail: '',
  resumeAt: '2026-01-01T00:06:00Z',
}
function plausibleResult(title: string, status: string, pick: number): unknown {
  if (pick === 0) return undefined
  if (status === 'success') return pick < 7 ? link(connectionUrl) : null
  if (status === 'failed') return pick < 7 ? locked : null
  if (status === 'in-progress') return title === 'mfa-challenge' && pick < 7 ? challenge : null
  if (status === 'pending') return pick < 3 ? pause : null
  return null
}
const plausibleStepArb = fc
  .tuple(titleArb, plausibleStatusArb, fc.nat(9))
  .map(([title, status, pick]) => ({ title, status, result: plausibleResult(title, status, pick) }))
const plausibleJobArb = fc
  .tuple(
    fc.constantFrom('success', 'success', 'in-progress', 'pending', 'failed', 'skipped'),
    fc.array(plausibleStepArb, { maxLength: 5 }),
  )
  .map(([verifyStatus, steps]) =>
    rawJob([
      {
        title: 'verify-credentials',
        status: verifyStatus,
        result: plausibleResult('verify-credentials', verifyStatus, 5),
      },
      ...steps,
    ]),
  )

const jobArb = fc.oneof(
  { weight: 12, arbitrary: plausibleJobArb },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        type: fc.constantFrom('job', 'job', 'list'),
        id: fc.oneof(fc.constant('job-1'), fc.integer()),
        created: fc.constant('2026-01-01T00:00:00Z'),
        updated: fc.constant('2026-01-01T00:00:09Z'),
        steps: fc.oneof(
          { weight: 10, arbitrary: fc.array(stepArb, { maxLength: 6 }) },
          fc.anything(),
        ),
        links: fc.oneof(
          fc.constant(undefined),
          fc.record({ self: fc.constant('s'), source: fc.constant(`https://x${connectionUrl}`) }),
          fc.anything(),
        ),
      },
      { requiredKeys: ['id', 'created', 'updated'] },
    ),
  },
  { weight: 1, arbitrary: fc.anything() },
)
const releaseWhenArb = fc.oneof(
  fc.constant(undefined),
  titleArb,
  fc.boolean().map((value) => () => value),
  fc.constant(() => {
    throw new Error('predicate failure')
  }),
  fc.anything(),
)

const allPhases: readonly string[] = [
  'pending',
  'verifying',
  'mfa-required',
  'paused',
  'released',
  'complete',
  'failed',
]

/** What the interpretation of `input` gets wrong, checked against the raw input. */
function violations(input: unknown, result: JobInterpretation): string[] {
  const found: string[] = []
  if (!allPhases.includes(result.phase)) found.push(`unknown phase ${result.phase}`)
  const releasing = result.phase === 'released' || result.phase === 'complete'
  if (releasing && !safetyHoldsOnRaw(input)) found.push(`${result.phase} without the safety rule`)
  const steps = (input as { steps?: { status?: unknown }[] } | null)?.steps
  const allSucceeded = Array.isArray(steps) && steps.every((step) => step?.status === 'success')
  if (result.phase === 'complete' && !allSucceeded) found.push('complete with a step not succeeded')
  if (result.phase === 'failed' && typeof result.error?.code !== 'string')
    found.push('failed without an error')
  if (result.phase === 'mfa-required' && result.mfa?.type !== 'mfa')
    found.push('mfa-required without a challenge')
  if (result.phase === 'paused' && result.pause?.type !== 'pause')
    found.push('paused without a pause')
  return found
}

describe('interpretJob: property', () => {
  test('never throws, and never releases unless verify-credentials succeeded and MFA is not waiting', () => {
    let released = 0
    fc.assert(
      fc.property(jobArb, releaseWhenArb, (input, releaseWhen) => {
        const result = interpretJob(input, { releaseWhen } as { releaseWhen?: string })
        if (result.phase === 'released' || result.phase === 'complete') released += 1
        expect(violations(input, result)).toEqual([])
      }),
      { numRuns: 10_000 },
    )
    // The generator must actually reach the interesting side of the property.
    expect(released).toBeGreaterThan(500)
  })
})

describe('interpretParsedJob', () => {
  test('reads every parsed job exactly as interpretJob reads its raw form', () => {
    let compared = 0
    fc.assert(
      fc.property(jobArb, releaseWhenArb, (input, releaseWhen) => {
        let parsed: Job
        try {
          parsed = parseResource(JobSchema, input, { what: 'job' })
        } catch {
          return
        }
        compared += 1
        const options = { releaseWhen } as { releaseWhen?: string }
        expect(interpretParsedJob(parsed, options)).toEqual(interpretJob(input, options))
      }),
      { numRuns: 3_000 },
    )
    expect(compared).toBeGreaterThan(1_000)
  })

  test('gives the malformed reading, not an exception, for a value that is not a job', () => {
    for (const value of [null, 'job', { steps: 'none' }, { steps: [null] }]) {
      const reading = interpretParsedJob(value as unknown as Job)
      expect(reading.phase).toBe('failed')
      expect(reading.error?.code).toBe(MALFORMED_JOB_CODE)
    }
    const hostile = {
      type: 'job',
      id: 'job-1',
      get steps(): never {
        throw new Error('hostile getter')
      },
    }
    expect(interpretParsedJob(hostile as unknown as Job).error?.code).toBe(MALFORMED_JOB_CODE)
  })
})
