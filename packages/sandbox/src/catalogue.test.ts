import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import {
  SANDBOX_LOGO_PATH,
  TEST_INSTITUTION_IDS,
  findInstitution,
  institutionLinks,
  institutionPaths,
  institutions,
  withBaseUrl,
  type SandboxInstitution,
} from './catalogue.ts'

// Basiq's canonical v2.1 record, from the copy of the published examples kept beside the tests.
const examplePath = fileURLToPath(
  new URL('./__fixtures__/basiq-v2.1-examples/institutions/getInstitution.json', import.meta.url),
)

function readExample(): Record<string, unknown> {
  if (!existsSync(examplePath)) {
    throw new Error(`The example Institution record is missing: expected it at ${examplePath}`)
  }
  return JSON.parse(readFileSync(examplePath, 'utf8')) as Record<string, unknown>
}

const example = readExample()

/** Keys the spec marks optional, which the example record happens to leave out (or keep). */
const OPTIONAL_KEYS = new Set([
  'securityCodeCaption',
  'secondaryLoginIdCaption',
  'userTokenCaption',
  'forgottenPasswordUrl',
  'features.mfaChallenge',
  'logo.colors',
])

/** Where the real API sometimes answers `null` instead of the example's object. */
const NULLABLE = new Set(['stats.averageDurationMs'])

/**
 * Every way `actual` differs in shape from `expected`: missing or extra keys and different value
 * types, recursively, with dotted paths. Array elements must all have the example elements' type.
 */
function shapeDifferences(actual: unknown, expected: unknown, path = ''): string[] {
  const at = path || '(record)'
  if (actual === null && NULLABLE.has(path)) return []
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}: expected an array, got ${typeof actual}`]
    const elementTypes = new Set(expected.map((element) => typeof element))
    return actual
      .filter((element) => !elementTypes.has(typeof element))
      .map((element) => `${at}: element ${JSON.stringify(element)} is not ${[...elementTypes]}`)
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${at}: expected an object, got ${JSON.stringify(actual)}`]
    }
    const differences: string[] = []
    const expectedObject = expected as Record<string, unknown>
    const actualObject = actual as Record<string, unknown>
    const key = (name: string): string => (path ? `${path}.${name}` : name)
    for (const name of Object.keys(expectedObject)) {
      if (!(name in actualObject)) {
        if (!OPTIONAL_KEYS.has(key(name))) differences.push(`${key(name)}: missing`)
        continue
      }
      differences.push(...shapeDifferences(actualObject[name], expectedObject[name], key(name)))
    }
    for (const name of Object.keys(actualObject)) {
      if (!(name in expectedObject) && !OPTIONAL_KEYS.has(key(name))) {
        differences.push(`${key(name)}: not a key of the example record`)
      }
    }
    return differences
  }
  return typeof actual === typeof expected
    ? []
    : [`${at}: expected ${typeof expected}, got ${JSON.stringify(actual)}`]
}

const byId = (id: string): SandboxInstitution => {
  const institution = findInstitution(id)
  if (!institution) throw new Error(`${id} is not in the catalogue`)
  return institution
}
const nonTest = institutions.filter((i) => !TEST_INSTITUTION_IDS.includes(i.id))

/**
 * `id: problem` for every institution that fails `check`, so one assertion reports them all and names
 * the records at fault.
 */
function problems(
  list: readonly SandboxInstitution[],
  check: (institution: SandboxInstitution) => (string | false | undefined)[],
): string[] {
  return list.flatMap((institution) =>
    check(institution)
      .filter((problem): problem is string => typeof problem === 'string')
      .map((problem) => `${institution.id}: ${problem}`),
  )
}

describe('catalogue records', () => {
  test('the shape checker notices a wrong type, a missing key and an extra key', () => {
    const broken = structuredClone(byId('AU00000')) as unknown as Record<string, unknown>
    broken.tier = 4
    delete broken.name
    broken.colour = 'red'
    expect(shapeDifferences(broken, example)).toEqual([
      'name: missing',
      'tier: expected string, got 4',
      'colour: not a key of the example record',
    ])
  })

  test('every record has the key set and value types of the example record', () => {
    const differences = institutions.flatMap((institution) =>
      shapeDifferences(institution, example).map((difference) => `${institution.id} ${difference}`),
    )
    expect(differences).toEqual([])
  })

  test('optional keys, when present, hold the documented value types', () => {
    const found = problems(institutions, (i) => [
      !/^#[0-9A-F]{6}$/.test(i.logo.colors.primary) && `colour ${i.logo.colors.primary}`,
      ...[i.securityCodeCaption, i.secondaryLoginIdCaption, i.userTokenCaption].map(
        (caption) => caption !== undefined && !caption.trim() && 'blank caption',
      ),
      i.forgottenPasswordUrl !== undefined &&
        !i.forgottenPasswordUrl.startsWith('https://') &&
        `forgottenPasswordUrl ${i.forgottenPasswordUrl}`,
      i.features.mfaChallenge !== undefined &&
        JSON.stringify(i.features.mfaChallenge) !== '["web"]' &&
        'mfaChallenge sources',
    ])
    expect(found).toEqual([])
  })

  test('ids are unique, well formed and match the country', () => {
    const ids = institutions.map((i) => i.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const institution of institutions) {
      expect(institution.id).toMatch(/^[A-Z]{2}[0-9]{5}$/)
      expect(institution.country).toBe(
        institution.id.startsWith('NZ') ? 'New Zealand' : 'Australia',
      )
    }
  })

  test('tier is a string from "1" to "4"', () => {
    const found = problems(institutions, (i) => [
      !['1', '2', '3', '4'].includes(i.tier) && `tier ${JSON.stringify(i.tier)}`,
    ])
    expect(found).toEqual([])
  })

  test('links and logos point at the sandbox itself, as relative paths', () => {
    for (const institution of institutions) {
      expect(institution.links.self).toBe(`/institutions/${institution.id}`)
      expect(institution.logo.links.square).toBe(`${SANDBOX_LOGO_PATH}${institution.id}.svg`)
      expect(institution.logo.links.full).toBe(`${SANDBOX_LOGO_PATH}${institution.id}-full.svg`)
      expect(institution.logo.type).toBe('image')
    }
    // The only absolute URLs are the banks' own password pages.
    const text = JSON.stringify(institutions, (key, value: unknown) =>
      key === 'forgottenPasswordUrl' ? undefined : value,
    )
    expect(text).not.toMatch(/https?:|cloudfront|basiq\.io/)
  })

  test('stats are plausible, the total is the sum of the steps, and a few are null', () => {
    const nulls = institutions.filter((i) => i.stats.averageDurationMs === null)
    expect(nulls.length).toBeGreaterThanOrEqual(2)
    expect(nulls.map((i) => i.id)).not.toContain('AU00000')
    const found = problems(institutions, ({ stats: { averageDurationMs: averages } }) => [
      averages !== null &&
        (averages.verifyCredentials < 4_000 || averages.verifyCredentials > 25_000) &&
        `verifyCredentials ${averages.verifyCredentials}`,
      averages !== null &&
        averages.total !==
          averages.verifyCredentials +
            averages.retrieveAccounts +
            averages.retrieveTransactions +
            averages.retrieveMeta &&
        `total ${averages.total} is not the sum of the steps`,
    ])
    expect(found).toEqual([])
  })

  test('records are frozen, so one request cannot change the catalogue for the next', () => {
    const hooli = byId('AU00000')
    expect(() => {
      ;(hooli as { status: string }).status = 'major-outage'
    }).toThrow(TypeError)
    expect(() => {
      hooli.logo.links.square = 'https://elsewhere.example/logo.svg'
    }).toThrow(TypeError)
    expect(byId('AU00000').status).toBe('operational')
  })
})

describe('test banks', () => {
  test('Hooli is the example record, with sandbox links and a brand colour', () => {
    const { links, logo, ...rest } = structuredClone(byId('AU00000'))
    const {
      links: exampleLinks,
      logo: exampleLogo,
      ...exampleRest
    } = example as {
      links: { self: string }
      logo: { type: string; links: { square: string; full: string } }
    }
    expect(rest).toEqual(exampleRest)
    expect(logo.type).toBe(exampleLogo.type)
    // Same resource, same file names; only the host differs.
    expect(exampleLinks.self.endsWith(links.self)).toBe(true)
    expect(exampleLogo.links.square.endsWith(logo.links.square.split('/').at(-1) ?? '-')).toBe(true)
    expect(exampleLogo.links.full.endsWith(logo.links.full.split('/').at(-1) ?? '-')).toBe(true)
  })

  test('the five documented test banks come first, operational and live', () => {
    expect(institutions.slice(0, 5).map((i) => i.id)).toEqual([...TEST_INSTITUTION_IDS])
    expect(
      TEST_INSTITUTION_IDS.map((id) => {
        const { status, stage, country } = byId(id)
        return { id, status, stage, country }
      }),
    ).toEqual(
      TEST_INSTITUTION_IDS.map((id) => ({
        id,
        status: 'operational',
        stage: 'live',
        country: 'Australia',
      })),
    )
  })

  test('each test bank has its documented name and behaviour', () => {
    expect(byId('AU00000')).toMatchObject({
      name: 'Hooli Bank',
      shortName: 'Hooli',
      institutionType: 'Test Bank',
      tier: '4',
      authorization: 'user',
      stats: {
        averageDurationMs: {
          verifyCredentials: 8154,
          retrieveAccounts: 3820,
          retrieveTransactions: 7127,
          retrieveMeta: 12487,
          total: 31588,
        },
      },
    })
    expect(byId('AU00001').institutionType).toBe('Test Bank')
    expect(byId('AU00002')).toMatchObject({
      name: 'Pied Piper Bank',
      institutionType: 'Test Bank',
      authorization: 'user-mfa',
      features: { mfaChallenge: ['web'] },
    })
    expect(byId('AU00003')).toMatchObject({
      name: 'Nucleus Bank',
      institutionType: 'Test Bank',
      authorization: 'user-mfa-intermittent',
      features: { mfaChallenge: ['web'] },
    })
    expect(byId('AU00004')).toMatchObject({
      name: 'HooliGov Bank',
      institutionType: 'Government',
      serviceType: 'Government Services',
    })
  })
})

describe('real institutions', () => {
  test('at least 60 across Australia and New Zealand', () => {
    expect(nonTest.length).toBeGreaterThanOrEqual(60)
    expect(nonTest.filter((i) => i.country === 'Australia').length).toBeGreaterThanOrEqual(45)
    expect(nonTest.filter((i) => i.country === 'New Zealand').length).toBeGreaterThanOrEqual(10)
    expect(nonTest.some((i) => i.institutionType === 'Test Bank')).toBe(false)
  })

  test('the institutions onboarding users ask for by name are all there', () => {
    const names = nonTest.map((i) => `${i.country}: ${i.name} / ${i.shortName}`)
    const wanted: [string, RegExp][] = [
      ['Australia', /Commonwealth Bank/],
      ['Australia', /Westpac/],
      ['Australia', /National Australia Bank/],
      ['Australia', /Australia and New Zealand Banking/],
      ['Australia', /St\.George/],
      ['Australia', /Bank of Melbourne/],
      ['Australia', /BankSA/],
      ['Australia', /BOQ/],
      ['Australia', /Bendigo Bank/],
      ['Australia', /Suncorp/],
      ['Australia', /ING/],
      ['Australia', /Macquarie/],
      ['Australia', /ubank/i],
      ['Australia', /AMP/],
      ['Australia', /HSBC/],
      ['Australia', /Citibank/],
      ['Australia', /ME Bank/],
      ['Australia', /Bankwest/],
      ['Australia', /Heritage/],
      ['Australia', /People's Choice/],
      ['Australia', /Beyond Bank/],
      ['Australia', /Great Southern Bank/],
      ['Australia', /Newcastle Permanent/],
      ['Australia', /IMB/],
      ['Australia', /Teachers Mutual/],
      ['Australia', /Police Bank/],
      ['Australia', /Australian Military Bank/],
      ['Australia', /Defence Bank/],
      ['Australia', /Greater Bank/],
      ['Australia', /Bank Australia/],
      ['Australia', /Hume Bank/],
      ['Australia', /Auswide/],
      ['Australia', /MyState/],
      ['Australia', /Rabobank/],
      ['Australia', /Judo/],
      ['Australia', /: Up \//],
      ['Australia', /86 400/],
      ['Australia', /Virgin Money/],
      ['New Zealand', /ASB/],
      ['New Zealand', /ANZ/],
      ['New Zealand', /BNZ|Bank of New Zealand/],
      ['New Zealand', /Westpac/],
      ['New Zealand', /Kiwibank/],
      ['New Zealand', /TSB/],
      ['New Zealand', /Co-operative Bank/],
      ['New Zealand', /SBS/],
      ['New Zealand', /Heartland/],
      ['New Zealand', /Rabobank/],
    ]
    const missing = wanted
      .filter(([country, name]) => !names.some((n) => n.startsWith(country) && name.test(n)))
      .map(([country, name]) => `${country} ${name}`)
    expect(missing).toEqual([])
  })

  test('names keep their real punctuation', () => {
    expect(nonTest.map((i) => i.shortName)).toEqual(
      expect.arrayContaining(['St.George', "People's Choice", 'G&C Mutual', '86 400']),
    )
  })

  test('captions are the ones each bank shows on its own login page', () => {
    const captions = (id: string) => {
      const i = byId(id)
      return [i.loginIdCaption, i.passwordCaption, i.securityCodeCaption]
    }
    const byShortName = (shortName: string, country = 'Australia') => {
      const found = nonTest.find((i) => i.shortName === shortName && i.country === country)
      if (!found) throw new Error(`${shortName} (${country}) is not in the catalogue`)
      return found.id
    }
    expect(captions(byShortName('CommBank'))).toEqual(['Client number', 'Password', undefined])
    expect(captions(byShortName('Westpac'))).toEqual(['Customer number', 'Password', undefined])
    expect(captions(byShortName('NAB'))).toEqual(['NAB ID', 'Password', undefined])
    expect(captions(byShortName('ANZ'))).toEqual([
      'Customer Registration Number',
      'Password',
      undefined,
    ])
    expect(captions(byShortName('St.George'))).toEqual([
      'Customer access number',
      'Password',
      'Security number',
    ])
    expect(nonTest.filter((i) => i.secondaryLoginIdCaption !== undefined).length).toBeGreaterThan(0)
  })

  test('token institutions, and only they, ask for a user token and skip the MFA step', () => {
    const tokens = institutions.filter((i) => i.authorization === 'token')
    expect(tokens.length).toBeGreaterThanOrEqual(3)
    const found = problems(institutions, (i) => [
      (i.userTokenCaption !== undefined) !== (i.authorization === 'token') &&
        `userTokenCaption with authorization ${i.authorization}`,
      i.authorization.startsWith('user-mfa') &&
        i.features.mfaChallenge === undefined &&
        `${i.authorization} without features.mfaChallenge`,
    ])
    expect(found).toEqual([])
  })

  test('tier 1 is the big four and their New Zealand arms, all operational and live', () => {
    const tierOne = nonTest.filter((i) => i.tier === '1')
    expect(new Set(tierOne.map((i) => `${i.country}: ${i.shortName.split(' ')[0]}`))).toEqual(
      new Set([
        'Australia: CommBank',
        'Australia: CommBiz',
        'Australia: Westpac',
        'Australia: NAB',
        'Australia: ANZ',
        'New Zealand: ANZ',
        'New Zealand: ASB',
        'New Zealand: BNZ',
        'New Zealand: Westpac',
      ]),
    )
    for (const institution of tierOne) {
      expect([institution.id, institution.status, institution.stage]).toEqual([
        institution.id,
        'operational',
        'live',
      ])
    }
    const found = problems(nonTest, (i) => [
      !['1', '2', '3'].includes(i.tier) && `tier ${i.tier} is for test banks`,
    ])
    expect(found).toEqual([])
  })

  test('business banking services are separate institutions', () => {
    const business = nonTest.filter((i) => i.serviceType === 'Business Banking')
    expect(business.length).toBeGreaterThanOrEqual(2)
    expect(business.map((i) => i.name)).toContain('CommBank Business')
    for (const institution of business) {
      expect(institution.serviceName).toBe('Business Online Banking')
    }
  })

  test('every real institution links to a password page on its own https domain', () => {
    const found = problems(nonTest, (i) => {
      const url = URL.parse(i.forgottenPasswordUrl ?? '')
      return [
        url?.protocol !== 'https:' && `forgottenPasswordUrl ${i.forgottenPasswordUrl}`,
        !/\.(com\.au|co\.nz|bank|com)$/.test(url?.hostname ?? '') && `host ${url?.hostname}`,
        /basiq|cloudfront/.test(url?.hostname ?? '') && `host ${url?.hostname}`,
      ]
    })
    expect(found).toEqual([])
  })
})

describe('catalogue coverage', () => {
  const values = <K extends keyof SandboxInstitution>(key: K) =>
    new Set(institutions.map((i) => i[key]))

  test('covers every status, stage and authorization the kit must handle', () => {
    expect(values('status')).toEqual(
      new Set([
        'operational',
        'degraded-performance',
        'partial-outage',
        'under-maintenance',
        'major-outage',
        'under-improvement',
      ]),
    )
    expect(values('stage')).toEqual(new Set(['live', 'beta', 'alpha']))
    expect(values('authorization')).toEqual(
      new Set(['user', 'user-mfa', 'user-mfa-intermittent', 'token']),
    )
  })

  test('most institutions are operational and live', () => {
    const healthy = institutions.filter((i) => i.status === 'operational' && i.stage === 'live')
    expect(healthy.length / institutions.length).toBeGreaterThan(0.75)
  })

  test('alpha connectors leave some fields unsupported', () => {
    const alpha = institutions.filter((i) => i.stage === 'alpha')
    expect(alpha.length).toBeGreaterThan(0)
    const found = problems(alpha, ({ features: { accounts } }) => [
      accounts.availableFunds.length > 0 && 'availableFunds supported',
      accounts.accountNo[0] !== 'web' && 'accountNo unsupported',
    ])
    expect(found).toEqual([])
  })
})

describe('withBaseUrl', () => {
  test('makes links and logos absolute on the given host, leaving the catalogue alone', () => {
    const hooli = withBaseUrl(byId('AU00000'), 'http://127.0.0.1:4010')
    expect(hooli.links.self).toBe('http://127.0.0.1:4010/institutions/AU00000')
    expect(hooli.logo.links).toEqual({
      square: 'http://127.0.0.1:4010/__sandbox/logos/AU00000.svg',
      full: 'http://127.0.0.1:4010/__sandbox/logos/AU00000-full.svg',
    })
    expect(byId('AU00000').links.self).toBe('/institutions/AU00000')
    // The copy is the caller's to change.
    hooli.status = 'major-outage'
    expect(byId('AU00000').status).toBe('operational')
  })

  test('keeps a path prefix and ignores a trailing slash', () => {
    expect(withBaseUrl(byId('AU00002'), 'https://sandbox.test/basiq/').links.self).toBe(
      'https://sandbox.test/basiq/institutions/AU00002',
    )
    expect(withBaseUrl(byId('AU00002'), 'http://localhost:4010/').logo.links.full).toBe(
      'http://localhost:4010/__sandbox/logos/AU00002-full.svg',
    )
  })

  test('rejects a base URL that is not absolute http(s) with a message naming the value', () => {
    expect(() => withBaseUrl(byId('AU00000'), '/relative')).toThrow(
      /absolute http\(s\) URL.*"\/relative"/,
    )
    expect(() => withBaseUrl(byId('AU00000'), 'ftp://127.0.0.1')).toThrow(TypeError)
    expect(() => institutionLinks('')).toThrow(TypeError)
  })

  test('institutionLinks maps the whole catalogue for one host', () => {
    const absolute = institutions.map(institutionLinks('http://127.0.0.1:4010'))
    expect(absolute).toHaveLength(institutions.length)
    for (const institution of absolute) {
      expect(institution.links.self.startsWith('http://127.0.0.1:4010/institutions/')).toBe(true)
      expect(institution.logo.links.square.startsWith('http://127.0.0.1:4010/__sandbox/')).toBe(
        true,
      )
    }
  })
})

describe('lookups', () => {
  test('findInstitution finds by id and answers undefined for an unknown one', () => {
    expect(findInstitution('AU00003')?.name).toBe('Nucleus Bank')
    expect(findInstitution('AU99999')).toBeUndefined()
    expect(findInstitution('AU00000', [])).toBeUndefined()
  })

  test('institutionPaths rejects an id that is not two letters and five digits', () => {
    expect(institutionPaths('NZ00101').self).toBe('/institutions/NZ00101')
    expect(() => institutionPaths('AU0000')).toThrow(
      /two capital letters and five digits.*"AU0000"/,
    )
    expect(() => institutionPaths('../etc')).toThrow(TypeError)
  })
})
