import { describe, expect, test } from 'vitest'
import { buildInstitutionFilter, formatFilterClause } from './filter.ts'
import type { InstitutionFilter } from './filter.ts'

describe('buildInstitutionFilter', () => {
  test('the documented example', () => {
    expect(buildInstitutionFilter({ stage: 'live', tier: ['1', '2'] })).toBe(
      "institution.tier.in('1','2'),institution.stage.eq('live')",
    )
  })

  test('values, arrays and operator objects combine with AND in a fixed field order', () => {
    expect(
      buildInstitutionFilter({
        stage: { ne: 'alpha' },
        tier: ['1', '2'],
        country: 'Australia',
        authorization: { in: ['user', 'user-mfa'], ne: 'token' },
        institutionType: { eq: 'Bank' },
        serviceType: 'Personal Banking',
      }),
    ).toBe(
      [
        "institution.country.eq('Australia')",
        "institution.tier.in('1','2')",
        "institution.authorization.in('user','user-mfa')",
        "institution.authorization.ne('token')",
        "institution.serviceType.eq('Personal Banking')",
        "institution.institutionType.eq('Bank')",
        "institution.stage.ne('alpha')",
      ].join(','),
    )
  })

  test('an empty filter is an empty string; undefined fields are ignored', () => {
    expect(buildInstitutionFilter({})).toBe('')
    expect(buildInstitutionFilter({ tier: undefined, stage: { eq: undefined } })).toBe('')
  })

  test.each<[string, unknown, RegExp]>([
    ['an unknown field', { colour: 'red' }, /Unknown institution filter field "colour"/],
    [
      'in on a field that only has eq/ne',
      { stage: ['live', 'beta'] },
      /institution\.stage does not support "in"/,
    ],
    ['an unknown operator', { tier: { gt: '1' } }, /unknown operator "gt"/],
    ['an empty in list', { tier: [] }, /institution\.tier\.in needs at least one value/],
    ['a quote in a value', { country: "New Zealand')" }, /cannot contain a single quote/],
    ['a number instead of a string', { tier: 1 }, /expected a string, an array or/],
    ['a non-object filter', 'tier=1', /must be an object/],
  ])('%s → a TypeError that says what is wrong', (_name, filter, message) => {
    expect(() => buildInstitutionFilter(filter as InstitutionFilter)).toThrow(message)
    expect(() => buildInstitutionFilter(filter as InstitutionFilter)).toThrow(TypeError)
  })
})

describe('formatFilterClause', () => {
  test('formats one clause', () => {
    expect(formatFilterClause('connection.id', 'eq', 'c-1')).toBe("connection.id.eq('c-1')")
    expect(formatFilterClause('institution.id', 'in', ['AU00000', 'AU00002'])).toBe(
      "institution.id.in('AU00000','AU00002')",
    )
  })

  test('eq and ne take exactly one value', () => {
    expect(() => formatFilterClause('a.b', 'eq', ['1', '2'])).toThrow(/exactly one value/)
  })
})
