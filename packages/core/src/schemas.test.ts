import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { BasiqParseError, apiErrorFromResponse } from './errors.ts'
import {
  AccountListSchema,
  AccountSchema,
  BasiqErrorEnvelopeSchema,
  ConnectionListSchema,
  ConnectionSchema,
  InstitutionListSchema,
  InstitutionSchema,
  JobListSchema,
  JobSchema,
  JobStubSchema,
  TokenResponseSchema,
  TransactionListSchema,
  UserSchema,
  parseResource,
} from './schemas.ts'
import type { ResourceSchema } from './schemas.ts'

// Basiq's canned v2.1 responses: the copy the sandbox's conformance suite keeps (same JSON,
// reformatted), so both suites check against one set of examples on a clean clone.
const examplesDir = fileURLToPath(
  new URL('../../sandbox/src/__fixtures__/basiq-v2.1-examples', import.meta.url),
)

function listJson(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listJson(join(dir, entry.name))
      : entry.name.endsWith('.json')
        ? [join(dir, entry.name)]
        : [],
  )
}

function readExample(path: string): unknown {
  return JSON.parse(readFileSync(join(examplesDir, path), 'utf8'))
}

const successBodies: Record<string, ResourceSchema<unknown>> = {
  'accounts/getAccount.json': AccountSchema,
  'accounts/getAccounts.json': AccountListSchema,
  'accounts/getAccountsEmpty.json': AccountListSchema,
  'connections/createConnection.json': JobStubSchema,
  'connections/getConnection.json': ConnectionSchema,
  'connections/getConnections.json': ConnectionListSchema,
  'connections/getConnectionsEmpty.json': ConnectionListSchema,
  'connections/getNewPostedConnection.json': ConnectionListSchema,
  'connections/refreshConnection.json': JobStubSchema,
  'connections/updateConnection.json': JobStubSchema,
  'institutions/getInstitution.json': InstitutionSchema,
  'institutions/getInstitutions.json': InstitutionListSchema,
  'institutions/getPublicInstitutions.json': InstitutionListSchema,
  'jobs/getJob.json': JobSchema,
  'jobs/getJobs.json': JobListSchema,
  'jobs/getJobsEmpty.json': JobListSchema,
  'jobs/postMfa.json': JobStubSchema,
  'token/postToken.json': TokenResponseSchema,
  'user/getUser.json': UserSchema,
  'user/postUser.json': UserSchema,
  'user/updateUser.json': UserSchema,
}
// The bulk refresh answer is a list of job stubs; the kit has no bulk call, so it is checked item
// by item below.
const jobStubLists = ['connections/refreshConnections.json']
const errorBodies = [
  'institutions/getInstitutionNotFound.json',
  'institutions/getInstitutionsUnauthorized.json',
  'token/postTokenBadRequest.json',
  'token/postTokenNotFound.json',
  'user/createUserBadRequest.json',
  'user/getUserForbidden.json',
  'user/userNotFound.json',
]

function parseError(run: () => unknown): BasiqParseError {
  try {
    run()
  } catch (error) {
    if (error instanceof BasiqParseError) return error
    throw new Error(`expected a BasiqParseError, got ${String(error)}`, { cause: error })
  }
  throw new Error('expected a BasiqParseError, but parsing succeeded')
}

const baseJob = {
  type: 'job',
  id: 'job-1',
  created: '2026-01-01T00:00:00Z',
  updated: '2026-01-01T00:00:01Z',
  links: { self: 'https://au-api.basiq.io/jobs/job-1' },
}

function jobWithSteps(steps: unknown): unknown {
  return { ...baseJob, steps }
}

describe('Basiq example responses', () => {
  test('every example file is classified as a success or an error body', () => {
    const onDisk = listJson(examplesDir)
      .map((path) => relative(examplesDir, path).split('\\').join('/'))
      .sort()
    const known = [...Object.keys(successBodies), ...jobStubLists, ...errorBodies].sort()
    expect(onDisk).toEqual(known)
  })

  test.each(Object.entries(successBodies))('%s parses', (path, schema) => {
    const body = readExample(path)
    expect(() => parseResource(schema, body)).not.toThrow()
  })

  test.each(jobStubLists)('%s: every job stub parses', (path) => {
    const body = readExample(path) as { data: unknown[] }
    expect(body.data.length).toBeGreaterThan(0)
    for (const item of body.data) {
      expect(parseResource(JobStubSchema, item).type).toBe('job')
    }
  })

  test.each(errorBodies)('%s parses as an error envelope and as a BasiqApiError', async (path) => {
    const body = readExample(path) as { correlationId: string; data: { code: string }[] }
    const envelope = parseResource(BasiqErrorEnvelopeSchema, body)
    expect(envelope.correlationId).toBe(body.correlationId)
    const error = await apiErrorFromResponse(new Response(JSON.stringify(body), { status: 400 }))
    expect(error.code).toBe(body.data[0]?.code)
    expect(error.correlationId).toBe(body.correlationId)
  })

  test('the Hooli institution keeps its fields, including the string tier and stats', () => {
    const hooli = parseResource(InstitutionSchema, readExample('institutions/getInstitution.json'))
    expect(hooli).toMatchObject({
      id: 'AU00000',
      shortName: 'Hooli',
      tier: '4',
      authorization: 'user',
      status: 'operational',
      loginIdCaption: 'Login',
      features: { mfaChallenge: ['web'] },
    })
    expect(hooli.stats.averageDurationMs?.verifyCredentials).toBe(8154)
    expect(hooli.logo.links.square).toBe('https://d388vpyfrt4zrj.cloudfront.net/AU00000.svg')
  })

  test('a job from the examples keeps its step titles, statuses and link results', () => {
    const job = parseResource(JobSchema, readExample('jobs/getJob.json'))
    expect(job.steps.map((step) => [step.title, step.status, step.result?.type])).toEqual([
      ['verify-credentials', 'success', 'link'],
      ['retrieve-accounts', 'success', 'link'],
      ['retrieve-transactions', 'success', 'link'],
    ])
    expect(job.links?.source).toContain('/connections/64011b56')
  })
})

describe('institutions', () => {
  const hooli = readExample('institutions/getInstitution.json') as Record<string, unknown>

  test('unknown status, stage and authorization strings are kept', () => {
    const parsed = parseResource(InstitutionSchema, {
      ...hooli,
      status: 'on-fire',
      stage: 'gamma',
      authorization: 'carrier-pigeon',
    })
    expect([parsed.status, parsed.stage, parsed.authorization]).toEqual([
      'on-fire',
      'gamma',
      'carrier-pigeon',
    ])
  })

  test('null average durations are accepted', () => {
    const parsed = parseResource(InstitutionSchema, {
      ...hooli,
      stats: { averageDurationMs: null },
    })
    expect(parsed.stats.averageDurationMs).toBeNull()
  })

  test('a numeric tier is malformed (tier is a string in Basiq answers)', () => {
    const error = parseError(() => parseResource(InstitutionSchema, { ...hooli, tier: 1 }))
    expect(error.message).toContain('$.tier: expected string, got number')
  })

  test('extra keys Basiq may add are kept on the parsed value', () => {
    const parsed = parseResource(InstitutionSchema, { ...hooli, brandNewField: { a: 1 } })
    expect((parsed as unknown as Record<string, unknown>).brandNewField).toEqual({ a: 1 })
  })

  test('a list without totalCount gets the length of its data', () => {
    const list = parseResource(InstitutionListSchema, {
      type: 'list',
      data: [hooli, hooli],
      links: { self: 'x' },
    })
    expect(list.totalCount).toBe(2)
  })
})

describe('jobs', () => {
  test('unknown step titles, statuses and error codes are kept as strings', () => {
    const job = parseResource(
      JobSchema,
      jobWithSteps([
        {
          title: 'teleport-money',
          status: 'skipped',
          result: { code: 'bank-on-the-moon', title: 'Moon', detail: 'No signal' },
        },
      ]),
    )
    expect(job.steps[0]).toEqual({
      title: 'teleport-money',
      status: 'skipped',
      result: { type: 'error', code: 'bank-on-the-moon', title: 'Moon', detail: 'No signal' },
    })
  })

  test('a failure result with `details` is normalised to `detail`', () => {
    const job = parseResource(
      JobSchema,
      jobWithSteps([
        {
          title: 'verify-credentials',
          status: 'failed',
          result: {
            code: 'invalid-credentials',
            title: 'Cannot login',
            details: 'Account is locked',
          },
        },
      ]),
    )
    expect(job.steps[0]?.result).toEqual({
      type: 'error',
      code: 'invalid-credentials',
      title: 'Cannot login',
      detail: 'Account is locked',
    })
  })

  test('`detail` wins over `details` when both are sent', () => {
    const job = parseResource(
      JobSchema,
      jobWithSteps([
        {
          title: 'verify-credentials',
          status: 'failed',
          result: { code: 'x', title: 't', detail: 'primary', details: 'secondary' },
        },
      ]),
    )
    expect(job.steps[0]?.result).toMatchObject({ detail: 'primary' })
  })

  test('an MFA challenge is parsed with its prompts, expiry and response link', () => {
    const job = parseResource(
      JobSchema,
      jobWithSteps([
        {
          title: 'verify-credentials',
          status: 'success',
          result: { type: 'link', url: '/users/u/connections/c' },
        },
        {
          title: 'mfa-challenge',
          status: 'in-progress',
          result: {
            type: 'mfa',
            method: 'security-questions',
            description: 'Answer the questions',
            input: ["What's your favourite company?", "What's the ID of this institution?"],
            expiryMs: 120000,
            links: { response: 'https://au-api.basiq.io/jobs/job-1/mfa' },
          },
        },
      ]),
    )
    const result = job.steps[1]?.result
    if (result?.type !== 'mfa') throw new Error(`expected an MFA result, got ${result?.type}`)
    expect(result.input).toHaveLength(2)
    expect(result.expiryMs).toBe(120000)
    expect(result.links.response).toBe('https://au-api.basiq.io/jobs/job-1/mfa')
  })

  test('an MFA result missing its prompts is malformed, not silently ignored', () => {
    const error = parseError(() =>
      parseResource(
        JobSchema,
        jobWithSteps([
          {
            title: 'mfa-challenge',
            status: 'in-progress',
            result: { type: 'mfa', method: 'token', expiryMs: 1, links: { response: 'x' } },
          },
        ]),
      ),
    )
    expect(error.message).toContain('$.steps[0].result.input: missing')
  })

  test('a duplicate-credentials pause is parsed', () => {
    const job = parseResource(
      JobSchema,
      jobWithSteps([
        {
          title: 'verify-credentials',
          status: 'pending',
          result: {
            type: 'pause',
            code: 'duplicate-credentials',
            title: 'Paused',
            detail: 'Same credentials in progress',
            resumeAt: '2026-01-01T00:06:00Z',
          },
        },
      ]),
    )
    expect(job.steps[0]?.result).toEqual({
      type: 'pause',
      code: 'duplicate-credentials',
      title: 'Paused',
      detail: 'Same credentials in progress',
      resumeAt: '2026-01-01T00:06:00Z',
    })
  })

  test('a result of an unknown shape is kept verbatim as `unknown`', () => {
    const raw = { type: 'hologram', beams: 3 }
    const job = parseResource(
      JobSchema,
      jobWithSteps([
        { title: 'verify-credentials', status: 'in-progress', result: raw },
        { title: 'retrieve-accounts', status: 'pending', result: {} },
      ]),
    )
    expect(job.steps[0]?.result).toEqual({ type: 'unknown', raw })
    expect(job.steps[1]?.result).toEqual({ type: 'unknown', raw: {} })
  })

  test('a missing or null result becomes null', () => {
    const job = parseResource(
      JobSchema,
      jobWithSteps([
        { title: 'verify-credentials', status: 'pending' },
        { title: 'retrieve-accounts', status: 'pending', result: null },
      ]),
    )
    expect(job.steps.map((step) => step.result)).toEqual([null, null])
  })

  test.each([
    ['steps is not an array', jobWithSteps({ 0: 'verify-credentials' }), '$.steps: expected Array'],
    ['steps is missing', { ...baseJob }, '$.steps: missing'],
    [
      'a step has no status',
      jobWithSteps([{ title: 'verify-credentials', result: null }]),
      '$.steps[0].status: missing',
    ],
    [
      'a step has no title',
      jobWithSteps([{ status: 'success', result: null }]),
      '$.steps[0].title: missing',
    ],
    [
      'a step status is not a string',
      jobWithSteps([{ title: 'verify-credentials', status: 3, result: null }]),
      '$.steps[0].status: expected string, got number',
    ],
    ['the body is null', null, '$: expected Object, got null'],
    ['the body is a string', 'verified', '$: expected Object, got string'],
    ['the body is an array', [baseJob], '$.steps: missing'],
    ['it is some other resource', { ...baseJob, type: 'connection', steps: [] }, '$.type'],
  ])('malformed: %s → BasiqParseError naming the path', (_name, body, expected) => {
    const error = parseError(() => parseResource(JobSchema, body, { what: 'job' }))
    expect(error.kind).toBe('parse')
    expect(error.what).toBe('job')
    expect(error.message).toContain(expected)
  })

  test('parse errors never quote the offending values', () => {
    const secret = 'hunter2-very-secret'
    const error = parseError(() =>
      parseResource(TokenResponseSchema, { access_token: secret, expires_in: secret }),
    )
    expect(error.message).toContain('$.expires_in')
    expect(error.message).not.toContain(secret)
    expect(JSON.stringify(error.issues)).not.toContain(secret)
  })

  test('any JSON value either parses or throws a BasiqParseError, nothing else', () => {
    const schemas = [JobSchema, JobListSchema, InstitutionListSchema, ConnectionSchema, UserSchema]
    let rejected = 0
    const stray: unknown[] = []
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          // Near misses: job-shaped values with random steps reach the deeper branches.
          fc.record({
            id: fc.string(),
            created: fc.string(),
            updated: fc.string(),
            steps: fc.array(
              fc.record(
                { title: fc.jsonValue(), status: fc.jsonValue(), result: fc.jsonValue() },
                { requiredKeys: [] },
              ),
            ),
          }),
        ),
        fc.constantFrom(...schemas),
        (value, schema) => {
          try {
            parseResource(schema as ResourceSchema<unknown>, value)
          } catch (error) {
            if (error instanceof BasiqParseError) rejected += 1
            else stray.push(error)
          }
        },
      ),
      { numRuns: 500 },
    )
    expect(stray).toEqual([])
    expect(rejected).toBeGreaterThan(0)
  })
})

describe('other resources', () => {
  test('a list of jobs without size gets the length of its data', () => {
    const list = parseResource(JobListSchema, { type: 'list', data: [jobWithSteps([])] })
    expect(list.size).toBe(1)
  })

  test('a connection with CLIENT_ACCESS fields only (no status or dates) parses', () => {
    const connection = parseResource(ConnectionSchema, {
      type: 'connection',
      id: 'c1',
      institution: { type: 'institution', id: 'AU00000', links: { self: 'x' } },
      links: { self: 'x', user: 'y' },
    })
    expect(connection.status).toBeUndefined()
    expect(connection.institution.id).toBe('AU00000')
  })

  test('transactions parse, including pending ones without a post date', () => {
    const list = parseResource(TransactionListSchema, {
      type: 'list',
      count: 1,
      size: 1,
      data: [
        {
          type: 'transaction',
          id: 't1',
          status: 'pending',
          description: 'COFFEE',
          amount: '-4.50',
          account: 'a1',
          balance: '100.00',
          direction: 'debit',
          class: 'payment',
          institution: 'AU00000',
          connection: 'c1',
          transactionDate: null,
          postDate: null,
          subClass: { title: 'Cafes', code: '451' },
          links: { self: 'x', account: 'y', institution: 'z' },
        },
      ],
      links: { self: 'x' },
    })
    expect(list.data[0]?.postDate).toBeNull()
  })

  test('a token response without a positive expires_in is malformed', () => {
    expect(() => parseResource(TokenResponseSchema, { access_token: 'a', expires_in: 0 })).toThrow(
      BasiqParseError,
    )
    expect(() => parseResource(TokenResponseSchema, { access_token: '', expires_in: 60 })).toThrow(
      /\$\.access_token/,
    )
  })
})
