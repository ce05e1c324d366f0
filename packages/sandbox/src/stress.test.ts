import { describe, expect, test } from 'vitest'
import { institutions, withBaseUrl, type SandboxInstitution } from './catalogue.ts'
import { MAX_STRESS_INSTITUTIONS, stressInstitutions } from './stress.ts'

const hooli = institutions[0] as SandboxInstitution
const OPTIONAL_TOP_LEVEL = [
  'securityCodeCaption',
  'secondaryLoginIdCaption',
  'userTokenCaption',
  'forgottenPasswordUrl',
]

/** Top-level and nested keys of a record, with the documented optional ones removed. */
function requiredKeys(institution: SandboxInstitution): string {
  const { features, logo, links, stats, ...rest } = institution
  const top = Object.keys(rest).filter((key) => !OPTIONAL_TOP_LEVEL.includes(key))
  const featureKeys = Object.entries(features)
    .filter(([key]) => key !== 'mfaChallenge')
    .map(([key, value]) => (Array.isArray(value) ? key : `${key}{${Object.keys(value).sort()}}`))
  return JSON.stringify([
    top.sort(),
    featureKeys.sort(),
    Object.keys(logo).sort(),
    Object.keys(logo.links).sort(),
    Object.keys(links),
    // The real API answers null averages for some institutions; that is a documented value.
    stats.averageDurationMs === null ? 'nullable' : Object.keys(stats.averageDurationMs).sort(),
  ])
}

const catalogue = stressInstitutions(5_000)

describe('stressInstitutions', () => {
  test('makes exactly the requested number of institutions', () => {
    expect(catalogue).toHaveLength(5_000)
    expect(stressInstitutions(0)).toEqual([])
    expect(stressInstitutions(1)).toHaveLength(1)
  })

  test('ids are well formed, unique, and never collide with the real catalogue', () => {
    const all = stressInstitutions(MAX_STRESS_INSTITUTIONS, 3)
    const ids = all.map((i) => i.id)
    expect(new Set(ids).size).toBe(MAX_STRESS_INSTITUTIONS)
    const real = new Set(institutions.map((i) => i.id))
    const wrong = all.filter(
      (i) =>
        !/^(AU|NZ)9[0-9]{4}$/.test(i.id) ||
        real.has(i.id) ||
        i.country !== (i.id.startsWith('NZ') ? 'New Zealand' : 'Australia'),
    )
    expect(wrong.map((i) => `${i.id} ${i.country}`)).toEqual([])
  })

  test('the same seed gives the same catalogue; another seed a different one', () => {
    expect(stressInstitutions(500, 42)).toEqual(stressInstitutions(500, 42))
    expect(stressInstitutions(300)).toEqual(catalogue.slice(0, 300))
    const names = (list: SandboxInstitution[]) => list.map((i) => i.name)
    expect(names(stressInstitutions(500, 43))).not.toEqual(names(stressInstitutions(500, 42)))
    expect(names(stressInstitutions(50, 1.5))).not.toEqual(names(stressInstitutions(50, 1)))
  })

  test('is varied like a real catalogue: every status, stage, authorization, tier and country', () => {
    const set = <K extends keyof SandboxInstitution>(key: K) =>
      new Set(catalogue.map((i) => i[key]))
    expect(set('status')).toEqual(
      new Set([
        'operational',
        'degraded-performance',
        'partial-outage',
        'under-maintenance',
        'major-outage',
        'under-improvement',
      ]),
    )
    expect(set('stage')).toEqual(new Set(['live', 'beta', 'alpha']))
    expect(set('authorization')).toEqual(
      new Set(['user', 'user-mfa', 'user-mfa-intermittent', 'token']),
    )
    expect(set('tier')).toEqual(new Set(['2', '3', '4']))
    expect(set('country')).toEqual(new Set(['Australia', 'New Zealand']))
    expect(set('loginIdCaption').size).toBeGreaterThan(3)
    expect(set('institutionType').size).toBeGreaterThan(3)
    expect(new Set(catalogue.map((i) => i.logo.colors.primary)).size).toBeGreaterThan(1_000)

    const operational = catalogue.filter((i) => i.status === 'operational').length
    expect(operational / catalogue.length).toBeGreaterThan(0.7)
    const nz = catalogue.filter((i) => i.country === 'New Zealand').length
    expect(nz / catalogue.length).toBeGreaterThan(0.1)
    expect(nz / catalogue.length).toBeLessThan(0.3)
    expect(catalogue.some((i) => i.stats.averageDurationMs === null)).toBe(true)
  })

  test('names are plausible and unique, and some carry apostrophes or macrons', () => {
    const names = catalogue.map((i) => i.name)
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) {
      expect(name).toMatch(/(Credit Union|Bank|Building Society|Savings & Loans)( No\. \d+)?$/)
    }
    expect(names.some((name) => name.includes("'"))).toBe(true)
    expect(names.some((name) => /[āēīōū]/i.test(name))).toBe(true)
  })

  test('every record has the same keys as the real catalogue and consistent captions', () => {
    const expected = requiredKeys(hooli)
    const nullable = expected.replace(/\[[^[\]]*"total"[^[\]]*\]\]$/, '"nullable"]')
    expect(nullable).not.toBe(expected)
    // Collected rather than asserted one by one: 5,000 records × many expects is slow to report.
    const problems = catalogue.flatMap((institution) => {
      const found: string[] = []
      const problem = (what: string) => found.push(`${institution.id}: ${what}`)
      if (![expected, nullable].includes(requiredKeys(institution))) problem('keys differ')
      if (
        (institution.userTokenCaption !== undefined) !==
        (institution.authorization === 'token')
      ) {
        problem('userTokenCaption does not match authorization')
      }
      if (
        institution.authorization.startsWith('user-mfa') &&
        institution.features.mfaChallenge?.[0] !== 'web'
      ) {
        problem('MFA institution without features.mfaChallenge')
      }
      const averages = institution.stats.averageDurationMs
      if (
        averages &&
        (averages.verifyCredentials < 4_000 ||
          averages.verifyCredentials > 25_000 ||
          averages.total <= averages.verifyCredentials)
      ) {
        problem(`implausible stats ${JSON.stringify(averages)}`)
      }
      if (!/^#[0-9A-F]{6}$/.test(institution.logo.colors.primary)) problem('bad colour')
      return found
    })
    expect(problems).toEqual([])
  })

  test('links are sandbox-relative and password pages use a reserved domain', () => {
    for (const institution of catalogue.slice(0, 500)) {
      expect(institution.links.self).toBe(`/institutions/${institution.id}`)
      expect(institution.logo.links.square).toBe(`/__sandbox/logos/${institution.id}.svg`)
      expect(institution.logo.links.full).toBe(`/__sandbox/logos/${institution.id}-full.svg`)
      expect(new URL(institution.forgottenPasswordUrl ?? '').hostname).toMatch(
        /^www\.[a-z0-9-]+\.example$/,
      )
    }
    expect(
      withBaseUrl(catalogue[0] as SandboxInstitution, 'http://127.0.0.1:4010').links.self,
    ).toBe(`http://127.0.0.1:4010/institutions/${catalogue[0]?.id}`)
  })

  test('shared feature blocks cannot be edited through one record', () => {
    const [first] = catalogue
    expect(() => first?.features.login.push('csv')).toThrow(TypeError)
    expect(stressInstitutions(1)[0]?.features.login).toEqual(['web'])
  })

  test('rejects a size or seed it cannot honour, naming the value', () => {
    expect(() => stressInstitutions(-1)).toThrow(/integer from 0 to 20000, got -1/)
    expect(() => stressInstitutions(2.5)).toThrow(RangeError)
    expect(() => stressInstitutions(Number.NaN)).toThrow(RangeError)
    expect(() => stressInstitutions(MAX_STRESS_INSTITUTIONS + 1)).toThrow(RangeError)
    expect(() => stressInstitutions('5000' as unknown as number)).toThrow(RangeError)
    expect(() => stressInstitutions(10, Number.POSITIVE_INFINITY)).toThrow(/seed.*Infinity/)
  })
})
