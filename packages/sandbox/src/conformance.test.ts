/**
 * Conformance: for every canned Basiq v2.1 example, the sandbox's answer to the same request has the
 * same shape — every key of the example present with the same JSON type, recursively, and no keys
 * the example lacks except a few documented optional ones.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { createManualClock } from './clock.ts'
import type { ManualClock } from './clock.ts'
import { DEFAULT_SANDBOX_API_KEY, createSandbox } from './create-sandbox.ts'
import type { Sandbox } from './create-sandbox.ts'
import type { TestResponse } from './test-client.ts'
import { isFinished, testClient } from './test-client.ts'

// A copy of Basiq's canned v2.1 responses (shared/basiq/v2.1/examples), kept beside the tests so a
// clean clone can run them; BASIQ_EXAMPLES_DIR points the suite at another copy.
const examplesDir =
  process.env.BASIQ_EXAMPLES_DIR ??
  fileURLToPath(new URL('./__fixtures__/basiq-v2.1-examples/', import.meta.url))

/** Keys the sandbox may add to an example's object at this path (documented optional fields). */
const optionalKeys: Record<string, readonly string[]> = {
  // Optional Institution fields (API-FACTS §4) the example record happens not to carry.
  '': [
    'forgottenPasswordUrl',
    'securityCodeCaption',
    'secondaryLoginIdCaption',
    'userTokenCaption',
  ],
  '.logo': ['colors'],
  '.data[].logo': ['colors'],
  // A transactions link's `next` appears only when there is a next page.
  '.links': ['next'],
}

/** Keys of the example the sandbox may leave out at this path (documented as optional). */
const omittableKeys: Record<string, readonly string[]> = {
  // `features.mfaChallenge` is optional: only connectors that can answer MFA have it.
  '.features': ['mfaChallenge'],
}

interface ShapeOptions {
  /** Accept an empty array where the example has items (source lists of partial connectors). */
  allowEmptyArrays?: boolean
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/** Differences between the example's shape and the actual value's, as readable paths. */
function shapeDiff(
  example: unknown,
  actual: unknown,
  path = '',
  options: ShapeOptions = {},
): string[] {
  const expectedType = typeOf(example)
  const actualType = typeOf(actual)
  if (expectedType !== actualType)
    return [`${path || '(root)'}: expected ${expectedType}, got ${actualType}`]
  if (expectedType === 'array') {
    const exampleItems = example as unknown[]
    const actualItems = actual as unknown[]
    if (exampleItems.length === 0) return []
    if (actualItems.length === 0) {
      return options.allowEmptyArrays
        ? []
        : [`${path}: example has items, sandbox answered an empty array`]
    }
    return actualItems.flatMap((item, i) =>
      shapeDiff(exampleItems[Math.min(i, exampleItems.length - 1)], item, `${path}[]`, options),
    )
  }
  if (expectedType === 'object') {
    const exampleObject = example as Record<string, unknown>
    const actualObject = actual as Record<string, unknown>
    const problems: string[] = []
    for (const key of Object.keys(exampleObject)) {
      if (!(key in actualObject)) {
        if (!(omittableKeys[path] ?? []).includes(key)) problems.push(`${path}.${key}: missing`)
      } else
        problems.push(
          ...shapeDiff(exampleObject[key], actualObject[key], `${path}.${key}`, options),
        )
    }
    const allowed = optionalKeys[path] ?? []
    for (const key of Object.keys(actualObject)) {
      if (!(key in exampleObject) && !allowed.includes(key))
        problems.push(`${path}.${key}: not in the example`)
    }
    return problems
  }
  return []
}

function exampleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? exampleFiles(join(dir, entry.name))
      : entry.name.endsWith('.json')
        ? [join(dir, entry.name)]
        : [],
  )
}

let clock: ManualClock
let sandbox: Sandbox
let client: ReturnType<typeof testClient>
let server: string
let browser: string
/** A user with a finished Wentworth-Smith connection (four accounts, like the examples). */
let user: string
let connection: string
let job: string

beforeAll(async () => {
  clock = createManualClock(Date.parse('2020-09-09T11:06:52Z'))
  sandbox = createSandbox({ clock, seed: 2020 })
  client = testClient(sandbox, clock)
  server = await client.token('SERVER_ACCESS')
  browser = await client.token('CLIENT_ACCESS')
  user = await client.createUser(server)
  job = await client.connect(server, user, 'Wentworth-Smith', 'whislter')
  const done = await client.waitForJob(server, job, isFinished)
  connection = String((done.links as { source: string }).source.split('/').pop())
})

const tokenHeaders = { authorization: `Basic ${DEFAULT_SANDBOX_API_KEY}`, 'basiq-version': '2.1' }

/** For each example (path relative to the examples folder): the request that should produce it. */
const scenarios: Record<string, { status: number; run: () => Promise<TestResponse> }> = {
  'token/postToken.json': {
    status: 200,
    run: () =>
      client.request('POST', '/token', { headers: tokenHeaders, form: { scope: 'SERVER_ACCESS' } }),
  },
  'token/postTokenBadRequest.json': {
    status: 400,
    run: () =>
      client.request('POST', '/token', {
        headers: { authorization: tokenHeaders.authorization },
        form: { scope: 'SERVER_ACCESS' },
      }),
  },
  'token/postTokenNotFound.json': {
    status: 404,
    run: () =>
      client.request('POST', '/token', {
        headers: { ...tokenHeaders, authorization: 'Basic wrong-key' },
        form: { scope: 'SERVER_ACCESS' },
      }),
  },
  'institutions/getInstitution.json': {
    status: 200,
    run: () => client.request('GET', '/institutions/AU00000', { token: browser }),
  },
  'institutions/getInstitutionNotFound.json': {
    status: 404,
    run: () => client.request('GET', '/institutions/AU09999', { token: browser }),
  },
  'institutions/getInstitutions.json': {
    status: 200,
    run: () => client.request('GET', '/institutions', { token: browser }),
  },
  'institutions/getInstitutionsUnauthorized.json': {
    status: 401,
    run: () => client.request('GET', '/institutions', { token: 'not-a-token' }),
  },
  'institutions/getPublicInstitutions.json': {
    status: 200,
    run: () => client.request('GET', '/public/institutions'),
  },
  'user/postUser.json': {
    status: 201,
    run: () =>
      client.request('POST', '/users', {
        token: server,
        json: { email: 'gavin@hooli.com', mobile: '+61410888999' },
      }),
  },
  'user/createUserBadRequest.json': {
    status: 400,
    run: () => client.request('POST', '/users', { token: server, json: {} }),
  },
  'user/getUser.json': {
    status: 200,
    run: () => client.request('GET', `/users/${user}`, { token: server }),
  },
  'user/getUserForbidden.json': {
    status: 403,
    run: () =>
      client.request('GET', `/users/${user}`, {
        token: sandbox.mintToken({ scope: 'SERVER_ACCESS', ttlSeconds: -1 }),
      }),
  },
  'user/updateUser.json': {
    status: 200,
    run: () =>
      client.request('POST', `/users/${user}`, { token: server, json: { mobile: '+61410888666' } }),
  },
  'user/userNotFound.json': {
    status: 404,
    run: () =>
      client.request('GET', '/users/8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5', { token: server }),
  },
  'connections/createConnection.json': {
    status: 202,
    run: async () => {
      const other = await client.createUser(server, 'other@example.com')
      return client.request('POST', `/users/${other}/connections`, {
        token: browser,
        json: { loginId: 'jared', password: 'django', institution: { id: 'AU00000' } },
      })
    },
  },
  'connections/getConnection.json': {
    status: 200,
    run: () => client.request('GET', `/users/${user}/connections/${connection}`, { token: server }),
  },
  'connections/getConnections.json': {
    status: 200,
    run: () => client.request('GET', `/users/${user}/connections`, { token: server }),
  },
  'connections/getConnectionsEmpty.json': {
    status: 200,
    run: async () =>
      client.request('GET', `/users/${await client.createUser(server)}/connections`, {
        token: server,
      }),
  },
  'connections/getNewPostedConnection.json': {
    status: 200,
    run: async () => {
      const fresh = await client.createUser(server, 'new@example.com')
      await client.connect(server, fresh, 'gavinBelson', 'hooli2016')
      const listed = await client.request('GET', `/users/${fresh}/connections`, { token: server })
      expect(listed.body.data[0].status).toBe('pending')
      return listed
    },
  },
  'connections/refreshConnection.json': {
    status: 202,
    run: () =>
      client.request('POST', `/users/${user}/connections/${connection}/refresh`, { token: server }),
  },
  'connections/refreshConnections.json': {
    status: 202,
    run: async () => {
      const fresh = await client.createUser(server, 'refresh-all@example.com')
      const first = await client.connect(server, fresh, 'richard', 'tabsnotspaces')
      await client.waitForJob(server, first, isFinished)
      return client.request('POST', `/users/${fresh}/connections/refresh`, { token: server })
    },
  },
  'connections/updateConnection.json': {
    status: 202,
    run: () =>
      client.request('POST', `/users/${user}/connections/${connection}`, {
        token: browser,
        json: { password: 'whislter' },
      }),
  },
  'jobs/getJob.json': {
    status: 200,
    run: () => client.request('GET', `/jobs/${job}`, { token: browser }),
  },
  'jobs/getJobs.json': {
    status: 200,
    run: () =>
      client.request(
        'GET',
        `/users/${user}/jobs?filter=${encodeURIComponent(`job.id.eq('${job}')`)}`,
        { token: server },
      ),
  },
  'jobs/getJobsEmpty.json': {
    status: 200,
    run: async () =>
      client.request('GET', `/users/${await client.createUser(server)}/jobs`, { token: server }),
  },
  'jobs/postMfa.json': {
    status: 202,
    run: async () => {
      const fresh = await client.createUser(server, 'mfa@example.com')
      const mfaJob = await client.connect(browser, fresh, 'jared', 'django', 'AU00002')
      await client.waitForJob(browser, mfaJob, (j) =>
        j.steps.some((s) => s.title === 'mfa-challenge' && s.status === 'in-progress'),
      )
      return client.request('POST', `/jobs/${mfaJob}/mfa`, {
        token: browser,
        json: { 'mfa-response': ['1234'] },
      })
    },
  },
  'accounts/getAccount.json': {
    status: 200,
    run: async () => {
      const list = await client.request('GET', `/users/${user}/accounts`, { token: server })
      return client.request('GET', `/users/${user}/accounts/${list.body.data[0].id}`, {
        token: server,
      })
    },
  },
  'accounts/getAccounts.json': {
    status: 200,
    run: () => client.request('GET', `/users/${user}/accounts`, { token: server }),
  },
  'accounts/getAccountsEmpty.json': {
    status: 200,
    run: async () =>
      client.request('GET', `/users/${await client.createUser(server)}/accounts`, {
        token: server,
      }),
  },
}

describe('conformance with the Basiq v2.1 examples', () => {
  it('finds the examples folder', () => {
    // Set BASIQ_EXAMPLES_DIR when the shared reference material lives elsewhere.
    expect({ examplesDir, exists: existsSync(examplesDir) }).toMatchObject({ exists: true })
  })

  const files = existsSync(examplesDir)
    ? exampleFiles(examplesDir).map((f) => relative(examplesDir, f))
    : []

  it('has a scenario for every example file', () => {
    expect(files.length).toBeGreaterThan(20)
    expect(files.filter((f) => !(f in scenarios))).toEqual([])
  })

  it.each(files.filter((f) => f in scenarios))(
    '%s: the sandbox answers with the same shape',
    async (file) => {
      const example = JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as unknown
      const scenario = scenarios[file] as (typeof scenarios)[string]
      const response = await scenario.run()
      expect({ status: response.status, text: response.text }).toMatchObject({
        status: scenario.status,
      })
      expect(response.headers.get('content-type')).toBe('application/json')
      expect(shapeDiff(example, response.body)).toEqual([])
    },
  )

  it('compares every institution of the list with the example institution record (partial connectors may list no source)', async () => {
    const record = JSON.parse(
      readFileSync(join(examplesDir, 'institutions/getInstitution.json'), 'utf8'),
    ) as unknown
    const response = await client.request('GET', '/public/institutions')
    const problems = (response.body.data as unknown[]).flatMap((institution) => {
      // Institutions whose averages are unknown carry `averageDurationMs: null`, as the real API does.
      const nullStats =
        (institution as { stats: { averageDurationMs: unknown } }).stats.averageDurationMs === null
      const expected = nullStats
        ? { ...(record as object), stats: { averageDurationMs: null } }
        : record
      return shapeDiff(expected, institution, '', { allowEmptyArrays: true }).map(
        (p) => `${(institution as { id: string }).id}${p}`,
      )
    })
    expect(problems).toEqual([])
  })

  it('jobs in every state keep the example job shape (steps compared with a failure and an MFA step too)', async () => {
    const example = JSON.parse(readFileSync(join(examplesDir, 'jobs/getJob.json'), 'utf8')) as {
      steps: unknown[]
    }
    const fresh = await client.createUser(server, 'states@example.com')
    const failedJob = await client.connect(server, fresh, 'bighead', 'password')
    const failed = await client.waitForJob(server, failedJob, isFinished)
    const { steps: _steps, ...top } = example
    const { steps: _failedSteps, ...failedTop } = failed
    expect(shapeDiff(top, failedTop)).toEqual([])
    expect(failed.steps.every((s) => Object.keys(s).sort().join() === 'result,status,title')).toBe(
      true,
    )
  })
})

describe('the shape comparison itself', () => {
  it('reports missing keys, extra keys and type changes', () => {
    expect(shapeDiff({ a: 1, b: { c: 'x' } }, { a: '1', b: {}, d: true })).toEqual([
      '.a: expected number, got string',
      '.b.c: missing',
      '.d: not in the example',
    ])
    expect(shapeDiff({ list: [{ id: 'x' }] }, { list: [] })).toEqual([
      '.list: example has items, sandbox answered an empty array',
    ])
  })
})
