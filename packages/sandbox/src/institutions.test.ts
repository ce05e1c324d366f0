import { beforeEach, describe, expect, it } from 'vitest'
import type { SandboxInstitution } from './catalogue.ts'
import { institutions } from './catalogue.ts'
import { createManualClock } from './clock.ts'
import type { ManualClock } from './clock.ts'
import { createSandbox } from './create-sandbox.ts'
import type { Sandbox } from './create-sandbox.ts'
import { testClient } from './test-client.ts'

let clock: ManualClock
let sandbox: Sandbox
let client: ReturnType<typeof testClient>
let token: string

beforeEach(async () => {
  clock = createManualClock()
  sandbox = createSandbox({ clock, seed: 5, baseUrl: 'http://sandbox.test:4010' })
  client = testClient(sandbox, clock)
  token = await client.token('CLIENT_ACCESS')
})

async function ids(filter: string, encode = true): Promise<string[]> {
  const query = encode ? encodeURIComponent(filter) : filter
  const response = await client.request('GET', `/institutions?filter=${query}`, { token })
  expect({ status: response.status, text: response.text }).toMatchObject({ status: 200 })
  expect(response.body.totalCount).toBe(response.body.data.length)
  return response.body.data.map((i: { id: string }) => i.id)
}

type Prop = 'country' | 'tier' | 'authorization' | 'serviceType' | 'institutionType' | 'stage'
const props: Prop[] = [
  'country',
  'tier',
  'authorization',
  'serviceType',
  'institutionType',
  'stage',
]

function distinctValues(prop: Prop): string[] {
  return [...new Set(institutions.map((i) => i[prop] as string))]
}

const expected = (keep: (i: SandboxInstitution) => boolean) =>
  institutions.filter(keep).map((i) => i.id)

describe('GET /institutions', () => {
  it('lists the whole catalogue with absolute self and logo links on the sandbox', async () => {
    const response = await client.request('GET', '/institutions', { token })
    expect(response.body).toMatchObject({
      type: 'list',
      totalCount: institutions.length,
      links: { self: 'http://sandbox.test:4010/institutions' },
    })
    const hooli = response.body.data[0]
    expect(hooli).toMatchObject({
      id: 'AU00000',
      links: { self: 'http://sandbox.test:4010/institutions/AU00000' },
      logo: {
        links: {
          square: 'http://sandbox.test:4010/__sandbox/logos/AU00000.svg',
          full: 'http://sandbox.test:4010/__sandbox/logos/AU00000-full.svg',
        },
      },
    })
  })

  it('serves the logos it links to as SVG', async () => {
    const response = await client.request('GET', '/__sandbox/logos/AU00002-full.svg')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/svg+xml')
    expect(response.text).toContain('<svg')
    expect((await client.request('GET', '/__sandbox/logos/AU09999.svg')).status).toBe(404)
  })

  it('GET /institutions/{id} answers the record; an unknown id is a 404, a malformed one a 400', async () => {
    const one = await client.request('GET', '/institutions/AU00002', { token })
    expect(one.body).toMatchObject({
      id: 'AU00002',
      shortName: 'Pied Piper',
      authorization: 'user-mfa',
    })
    const missing = await client.request('GET', '/institutions/AU09999', { token })
    expect(missing.status).toBe(404)
    expect(missing.body.data[0]).toMatchObject({
      code: 'resource-not-found',
      title: 'Requested resource is not found',
      detail: 'Requested institution does not exist.',
    })
    expect((await client.request('GET', '/institutions/hooli', { token })).status).toBe(400)
  })

  it('adds a generated stress catalogue after the real one', async () => {
    const big = createSandbox({ clock, seed: 5, stressInstitutions: 5000 })
    const bigClient = testClient(big, clock)
    const response = await bigClient.request('GET', '/public/institutions')
    expect(response.body.totalCount).toBe(institutions.length + 5000)
    expect(new Set(response.body.data.map((i: { id: string }) => i.id)).size).toBe(
      institutions.length + 5000,
    )
  })
})

describe('filter= grammar', () => {
  it.each(props)('eq, ne and in on institution.%s agree with the catalogue', async (prop) => {
    const values = distinctValues(prop)
    const [first = '', second = first] = values
    expect(await ids(`institution.${prop}.eq('${first}')`)).toEqual(
      expected((i) => i[prop] === first),
    )
    expect(await ids(`institution.${prop}.ne('${first}')`)).toEqual(
      expected((i) => i[prop] !== first),
    )
    expect(await ids(`institution.${prop}.in('${first}','${second}')`)).toEqual(
      expected((i) => i[prop] === first || i[prop] === second),
    )
  })

  it('ANDs comma-separated statements (the spec example)', async () => {
    const result = await ids("institution.stage.eq('live'),institution.tier.in('1','2')")
    expect(result).toEqual(
      expected((i) => i.stage === 'live' && (i.tier === '1' || i.tier === '2')),
    )
    expect(result.length).toBeGreaterThan(0)
  })

  it('accepts the filter URL-encoded or with spaces and raw quotes, same result', async () => {
    const filter =
      "institution.serviceType.eq('Personal Banking'),institution.country.eq('New Zealand')"
    const encoded = await ids(filter)
    const raw = await ids(filter.replace(/ /g, '+'), false)
    expect(raw).toEqual(encoded)
    expect(encoded).toEqual(
      expected((i) => i.serviceType === 'Personal Banking' && i.country === 'New Zealand'),
    )
  })

  it('works on /public/institutions too', async () => {
    const response = await client.request(
      'GET',
      `/public/institutions?filter=${encodeURIComponent("institution.institutionType.eq('Test Bank')")}`,
    )
    expect(response.body.data.map((i: { id: string }) => i.id)).toEqual(
      expected((i) => i.institutionType === 'Test Bank'),
    )
  })

  it.each([
    ['an unknown property', "institution.colour.eq('red')"],
    ['an unknown operator', "institution.tier.gt('1')"],
    ['a value outside the documented set', "institution.tier.eq('5')"],
    ['an unquoted value', 'institution.tier.eq(1)'],
    ['unbalanced parentheses', "institution.tier.eq('1'"],
    ['two values for eq', "institution.tier.eq('1','2')"],
    ['garbage', 'drop table'],
  ])('rejects %s with 400 parameter-not-valid', async (_what, filter) => {
    const response = await client.request(
      'GET',
      `/institutions?filter=${encodeURIComponent(filter)}`,
      { token },
    )
    expect(response.status).toBe(400)
    expect(response.body.data[0]).toMatchObject({
      code: 'parameter-not-valid',
      source: { parameter: 'filter' },
    })
  })
})
