import { institutions as sandboxCatalogue, stressInstitutions } from '@bankconnect/sandbox'
import {
  array,
  assert,
  constantFrom,
  oneof,
  property,
  sample,
  shuffledSubarray,
  string,
} from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  compareInstitutions,
  createInstitutionIndex,
  defaultInstitutionAliases,
  foldText,
  institutionMatchKinds,
  withinOneEdit,
} from './institution-search.ts'
import type { Institution } from './schemas.ts'

// The sandbox's catalogue is Basiq-shaped with real AU/NZ names; the core types are the API's.
const catalogue = sandboxCatalogue as unknown as readonly Institution[]
const index = createInstitutionIndex(catalogue)

const firstName = (query: string) => index.search(query)[0]?.name
const names = (query: string, count: number) =>
  index
    .search(query)
    .slice(0, count)
    .map((institution) => institution.name)

describe('ranking table', () => {
  test.each([
    ['cba', 'Commonwealth Bank of Australia'],
    ['CBA', 'Commonwealth Bank of Australia'],
    ['commbank', 'Commonwealth Bank of Australia'],
    ['CommBank', 'Commonwealth Bank of Australia'],
    ['comm bank', 'Commonwealth Bank of Australia'],
    ['netbank', 'Commonwealth Bank of Australia'],
    ['nab', 'National Australia Bank'],
    ['NAB', 'National Australia Bank'],
    ['st george', 'St.George Bank'],
    ['stgeorge', 'St.George Bank'],
    ['St.George', 'St.George Bank'],
    ['ST. GEORGE', 'St.George Bank'],
    ['saint george', 'St.George Bank'],
    ['westpak', 'Westpac Banking Corporation'],
    ['wetspac', 'Westpac Banking Corporation'],
    ['comonwealth', 'Commonwealth Bank of Australia'],
    ['bank of melb', 'Bank of Melbourne'],
    ['bom', 'Bank of Melbourne'],
    ['boq', 'Bank of Queensland'],
    ['bank sa', 'BankSA'],
    ['banksa', 'BankSA'],
    ['ing', 'ING'],
    ['ing direct', 'ING'],
    ['ubank', 'ubank'],
    ['u bank', 'ubank'],
    ['peoples choice', "People's Choice"],
    ['CUA', 'Great Southern Bank'],
    ['kiwi bank', 'Kiwibank'],
    ['hooli', 'Hooli Bank'],
  ])('%j ranks %j first', (query, expected) => {
    expect(firstName(query)).toBe(expected)
  })

  test('"commbank" puts CommBank first, then its business service', () => {
    expect(names('commbank', 2)).toEqual(['Commonwealth Bank of Australia', 'CommBank Business'])
  })

  test('"nab" puts NAB first, then NAB Connect', () => {
    expect(names('nab', 2)).toEqual(['National Australia Bank', 'NAB Connect'])
  })

  test('"anz" finds both ANZ banks before anything else', () => {
    expect(new Set(names('anz', 2))).toEqual(
      new Set(['Australia and New Zealand Banking Group', 'ANZ Bank New Zealand']),
    )
  })

  test('"westpak" finds every Westpac through one typo', () => {
    const results = index.match('westpak')
    expect(results.slice(0, 3).map((result) => result.institution.name)).toEqual([
      'Westpac Banking Corporation',
      'Westpac Business',
      'Westpac New Zealand',
    ])
    expect(results.every((result) => result.kind === 'typo')).toBe(true)
  })

  test('"bank of": names that start with it (popular first), then names that contain it as words', () => {
    const results = index.match('bank of')
    const prefixes = results.filter((result) => result.kind === 'prefix')
    expect(prefixes.map((result) => result.institution.name)).toEqual([
      'Bank of New Zealand',
      'Bank of Melbourne',
      'Bank of Queensland',
      'Bank of Sydney',
      'Bank of us',
    ])
    expect(results[prefixes.length]).toEqual({
      institution: expect.objectContaining({ name: 'Commonwealth Bank of Australia' }),
      kind: 'word-start',
    })
  })

  test('exact beats prefix beats word start beats substring', () => {
    expect(index.match('bank').map((result) => result.kind)).toContain('word-start')
    const kinds = index.match('bank').map((result) => institutionMatchKinds.indexOf(result.kind))
    expect(kinds).toEqual([...kinds].sort((a, b) => a - b))
    expect(index.match('pac')[0]).toMatchObject({
      institution: { shortName: 'Westpac' },
      kind: 'substring',
    })
  })

  test('one letter (or digit): the name itself, names starting with it, words starting with it, then names holding it', () => {
    const make = (id: string, name: string) =>
      ({ id, tier: '1', name, shortName: '' }) as Institution
    const small = createInstitutionIndex(
      [
        make('holds', 'Westpac'),
        make('word', 'Bank of Perth'),
        make('starts', 'Police Bank'),
        make('none', 'ANZ'),
        make('whole', 'P'),
        make('digit', 'Bank 86 400'),
      ],
      { aliases: {} },
    )
    expect(small.match('p').map((result) => [result.institution.id, result.kind])).toEqual([
      ['whole', 'exact'],
      ['starts', 'prefix'],
      ['word', 'word-start'],
      ['holds', 'substring'],
    ])
    expect(small.match('P')).toEqual(small.match('p'))
    expect(small.match('8').map((result) => [result.institution.id, result.kind])).toEqual([
      ['digit', 'word-start'],
    ])
    expect(small.match('0').map((result) => [result.institution.id, result.kind])).toEqual([
      ['digit', 'substring'],
    ])
  })

  test('words in any order count as word starts', () => {
    expect(index.match('queensland bank')[0]).toEqual({
      institution: expect.objectContaining({ name: 'Bank of Queensland' }),
      kind: 'word-start',
    })
  })

  test('typos are forgiven only on words of five letters or more', () => {
    expect(index.search('nub').map((institution) => institution.shortName)).not.toContain('NAB')
    expect(index.search('anx')).toEqual([])
    expect(index.search('westpak')).not.toEqual([])
    expect(firstName('hoolli')).toBe('Hooli Bank')
  })

  test('a query that matches nothing returns nothing', () => {
    expect(index.search('zzzzzz qqqq')).toEqual([])
  })
})

describe('folding', () => {
  test.each([
    ['St.George', 'st george'],
    ['  ST  GEORGE ', 'st george'],
    ['st-george', 'st george'],
    ["People's Choice", 'peoples choice'],
    ['People’s Choice', 'peoples choice'],
    ['Ōtaki', 'otaki'],
    ['Manawatū', 'manawatu'],
    ['Crédit Agricole', 'credit agricole'],
    ['P&N Bank', 'p n bank'],
    ['', ''],
  ])('%j folds to %j', (text, folded) => {
    expect(foldText(text)).toBe(folded)
  })

  test('non-strings fold to the empty string', () => {
    expect(foldText(undefined as unknown as string)).toBe('')
    expect(foldText(42 as unknown as string)).toBe('')
  })

  test('accents do not matter on either side', () => {
    const stress = createInstitutionIndex(stressInstitutions(2_000) as unknown as Institution[])
    const withMacron = stress.search('Ōtaki')
    expect(withMacron.length).toBeGreaterThan(0)
    expect(stress.search('otaki')).toEqual(withMacron)
    expect(withMacron.every((institution) => institution.name.startsWith('Ōtaki'))).toBe(true)
    expect(stress.search('manawatu')[0]?.name).toMatch(/^Manawatū /)
  })
})

describe('empty query and order', () => {
  test('an empty query lists popular (tier 1) banks first, then by tier and name', () => {
    const all = index.search('')
    expect(all).toHaveLength(catalogue.length)
    const tiers = all.map((institution) => institution.tier)
    expect(tiers.slice(0, tiers.lastIndexOf('1') + 1).every((tier) => tier === '1')).toBe(true)
    expect(tiers).toEqual([...tiers].sort())
    expect(index.search('   ')).toEqual(all)
  })

  test('the order does not depend on the order of the input', () => {
    const shuffled = sample(shuffledSubarray([...catalogue], { minLength: catalogue.length }), 3)
    for (const order of shuffled) {
      const other = createInstitutionIndex(order)
      for (const query of ['', 'bank', 'westpak', 'cba', 'b']) {
        expect(other.search(query).map((institution) => institution.id)).toEqual(
          index.search(query).map((institution) => institution.id),
        )
      }
    }
  })

  test('compareInstitutions sorts tier "1" first and unknown tiers last', () => {
    const make = (id: string, tier: string, name: string) => ({ id, tier, name }) as Institution
    const sorted = [
      make('A', 'x', 'Alpha'),
      make('B', '2', 'Bravo'),
      make('C', '1', 'charlie'),
      make('D', '1', 'Bravo'),
    ].sort(compareInstitutions)
    expect(sorted.map((institution) => institution.id)).toEqual(['D', 'C', 'B', 'A'])
  })

  test('limit caps the results without changing their order', () => {
    expect(index.search('bank', { limit: 3 })).toEqual(index.search('bank').slice(0, 3))
    expect(index.search('', { limit: 0 })).toEqual([])
    expect(() => index.search('bank', { limit: -1 })).toThrow(RangeError)
  })

  test('a limited search of a query does not cut short the next, unlimited one (and back)', () => {
    const fresh = createInstitutionIndex(catalogue)
    const all = index.search('b')
    expect(all.length).toBeGreaterThan(3)
    expect(fresh.search('b', { limit: 3 })).toEqual(all.slice(0, 3))
    expect(fresh.search('b')).toEqual(all)
    expect(fresh.search('b', { limit: 2 })).toEqual(all.slice(0, 2))
  })
})

describe('properties', () => {
  test('every result appears once, and results are grouped by match kind, best first', () => {
    const stress = createInstitutionIndex([
      ...catalogue,
      ...(stressInstitutions(500) as unknown as Institution[]),
    ])
    assert(
      property(string({ maxLength: 12 }), (query) => {
        const results = stress.match(query)
        const ids = results.map((result) => result.institution.id)
        expect(new Set(ids).size).toBe(ids.length)
        const ranks = results.map((result) => institutionMatchKinds.indexOf(result.kind))
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
      }),
      { numRuns: 200 },
    )
  })

  test('within a match kind (but alias), results keep the catalogue order; search lists what match ranks', () => {
    const stress = createInstitutionIndex([
      ...catalogue,
      ...(stressInstitutions(500) as unknown as Institution[]),
    ])
    const place = new Map(stress.institutions.map((institution, at) => [institution, at]))
    const queries = constantFrom('b', 'n', 'ba', 'co', 'bank of', 'westpak', 'cba', 'st g', 'ō')
    assert(
      property(oneof(queries, string({ maxLength: 6 })), (query) => {
        const results = stress.match(query)
        for (let at = 1; at < results.length; at++) {
          const [before, after] = [results[at - 1], results[at]]
          // A whole alias ranks above an alias the query only starts: both are `alias`.
          if (before?.kind !== after?.kind || after?.kind === 'alias') continue
          expect(place.get(before!.institution)).toBeLessThan(
            place.get(after!.institution) as number,
          )
        }
        expect(stress.search(query)).toEqual(results.map((result) => result.institution))
      }),
      { numRuns: 200 },
    )
  })

  test('results never depend on earlier searches: typing, erasing and retyping match a fresh index', () => {
    const catalogueWithStress = [
      ...catalogue,
      ...(stressInstitutions(100) as unknown as Institution[]),
    ]
    const typing = createInstitutionIndex(catalogueWithStress)
    const lowerNames = catalogueWithStress.map((institution) => institution.name.toLowerCase())
    const text = oneof(
      string({ maxLength: 14 }),
      constantFrom(
        ...lowerNames,
        'westpak',
        'comonwealth bank',
        'st george',
        'riverina comm',
        'cba',
      ),
    )
    assert(
      property(text, text, (first, second) => {
        // Type the first query, erase it, type the second: every step, Backspace included, is a
        // search the index may have seen before (or forgotten again).
        const steps: string[] = []
        for (let end = 0; end <= first.length; end++) steps.push(first.slice(0, end))
        for (let end = first.length - 1; end >= 0; end--) steps.push(first.slice(0, end))
        for (let end = 1; end <= second.length; end++) steps.push(second.slice(0, end))
        for (const step of steps) {
          expect(typing.match(step)).toEqual(
            createInstitutionIndex(catalogueWithStress).match(step),
          )
        }
      }),
      { numRuns: 20 },
    )
  }, 30_000)

  test('a short one-word query ranks each bank by where it appears in its names, as documented', () => {
    // An independent reading of the rules: exact, prefix, word start, or inside a single word.
    // (Below five letters and in one word, no typo or word-by-word rule applies, and aliases only
    // add banks that no name matches.)
    const stress = [...catalogue, ...(stressInstitutions(800) as unknown as Institution[])]
    const stressIndex = createInstitutionIndex(stress)
    // The name kinds are the first four, best first.
    const SUBSTRING_RANK = institutionMatchKinds.indexOf('substring')
    const expectedKind = (institution: Institution, query: string) => {
      let best = -1
      for (const text of [institution.shortName, institution.name]) {
        const words = foldText(text).split(' ').filter(Boolean)
        const compact = words.join('')
        const starts = words.map((_, at) => words.slice(0, at).join('').length)
        for (let at = compact.indexOf(query); at >= 0; at = compact.indexOf(query, at + 1)) {
          const word = starts.findLastIndex((start) => start <= at)
          const wordEnd = starts[word + 1] ?? compact.length
          const rank =
            at === 0
              ? query === compact
                ? 0
                : 1
              : starts.includes(at)
                ? 2
                : at + query.length <= wordEnd
                  ? 3
                  : -1
          if (rank >= 0 && (best < 0 || rank < best)) best = rank
        }
      }
      return best < 0 ? undefined : institutionMatchKinds[best]
    }
    const letter = constantFrom(...'abcdefghiklmnoprstuwy')
    const query = oneof(
      array(letter, { minLength: 1, maxLength: 4 }).map((letters) => letters.join('')),
      constantFrom(
        'ba',
        'co',
        'cu',
        'ank',
        'ban',
        'ty',
        'ld',
        'st',
        'ra',
        'nab',
        'anz',
        'ing',
        'me',
      ),
    )
    assert(
      property(query, (text) => {
        const ranked = stressIndex
          .match(text)
          .filter((result) => institutionMatchKinds.indexOf(result.kind) <= SUBSTRING_RANK)
          .map((result) => `${result.institution.id} ${result.kind}`)
        const expected = stress.flatMap((institution) => {
          const kind = expectedKind(institution, text)
          return kind === undefined ? [] : [`${institution.id} ${kind}`]
        })
        expect(ranked.sort()).toEqual(expected.sort())
      }),
      { numRuns: 60 },
    )
  }, 30_000)

  test('changing a returned list does not change the next search for the same text', () => {
    // The same text again is answered from the remembered search (or, empty, the catalogue).
    for (const query of ['', 'bank', 'westpak']) {
      const results = index.search(query)
      const expected = results.map((institution) => institution.id)
      results.reverse()
      results.length = 1
      expect(index.search(query).map((institution) => institution.id)).toEqual(expected)
      const matches = index.match(query)
      matches.pop()
      expect(index.match(query)).toHaveLength(expected.length)
    }
  })

  test('typing more never brings back a bank that a prefix-only query had ruled out', () => {
    // A shortName query grows letter by letter: the bank it names stays in the results throughout.
    for (const institution of catalogue) {
      const text = foldText(institution.shortName)
      for (let end = 1; end <= text.length; end++) {
        const ids = index.search(text.slice(0, end)).map((result) => result.id)
        expect(ids).toContain(institution.id)
      }
    }
  })
})

describe('aliases', () => {
  test('the default table names only banks that exist in the catalogue', () => {
    const folded = new Set(
      catalogue.flatMap((institution) => [
        foldText(institution.name).replaceAll(' ', ''),
        foldText(institution.shortName).replaceAll(' ', ''),
      ]),
    )
    const unknown = Object.keys(defaultInstitutionAliases).filter(
      (key) => !folded.has(foldText(key).replaceAll(' ', '')),
    )
    expect(unknown).toEqual([])
  })

  test('custom aliases replace the defaults', () => {
    const custom = createInstitutionIndex(catalogue, { aliases: { Hooli: ['Gavin’s bank'] } })
    expect(custom.search('gavins bank')[0]?.name).toBe('Hooli Bank')
    expect(custom.search('cba')).toEqual([])
  })

  test('an alias matches from its start once two letters are typed', () => {
    expect(index.match('n')).not.toContainEqual(
      expect.objectContaining({ kind: 'alias', institution: expect.anything() }),
    )
    expect(index.match('netb')[0]).toMatchObject({
      kind: 'alias',
      institution: { shortName: 'CommBank' },
    })
  })
})

describe('bad input', () => {
  test('a name with a word hundreds of letters long still ranks matches inside it', () => {
    const word = `q${'a'.repeat(10)}w${'a'.repeat(200)}`
    const bank = { ...catalogue[0], id: 'LONG', name: `${word} Bank`, shortName: '' } as Institution
    const longIndex = createInstitutionIndex([bank])
    // Found 200 letters before the end of its word, and only there.
    expect(longIndex.match('aw')).toEqual([{ institution: bank, kind: 'substring' }])
    // From inside the long word into the next one: not a match.
    expect(longIndex.match('aaab')).toEqual([])
    expect(longIndex.match('bank')).toEqual([{ institution: bank, kind: 'word-start' }])
  })

  test('a non-array catalogue is a clear TypeError', () => {
    expect(() => createInstitutionIndex(null as unknown as Institution[])).toThrow(
      /expected an array of institutions/,
    )
  })

  test('records without an id or name are skipped, not fatal', () => {
    const broken = [null, 7, { id: 'X1' }, { name: 'No id' }] as unknown as Institution[]
    const mixed = createInstitutionIndex([...broken, ...catalogue.slice(0, 3)])
    expect(mixed.institutions).toHaveLength(3)
    expect(mixed.search('hooli')[0]?.id).toBe('AU00000')
  })

  test('non-string queries count as empty', () => {
    expect(index.search(undefined as unknown as string)).toEqual(index.search(''))
    expect(index.search({} as unknown as string)).toEqual(index.search(''))
  })

  test('a malformed alias table is a clear TypeError', () => {
    expect(() =>
      createInstitutionIndex(catalogue, {
        aliases: { Hooli: 'HB' } as unknown as Record<string, string[]>,
      }),
    ).toThrow(/aliases\["Hooli"\] must be an array/)
  })
})

describe('withinOneEdit (bounded Damerau–Levenshtein)', () => {
  test.each([
    ['westpac', 'westpac', true],
    ['westpak', 'westpac', true],
    ['wetspac', 'westpac', true],
    ['westpa', 'westpac', true],
    ['westpacc', 'westpac', true],
    ['xwestpac', 'westpac', true],
    ['wstpak', 'westpac', false],
    ['estpak', 'westpac', false],
    ['westpac', 'westpac bank', false],
    ['', 'a', true],
    ['ab', 'ba', true],
    ['abc', 'cab', false],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected)
    expect(withinOneEdit(b, a)).toBe(expected)
  })

  test('compares against a prefix of the second string when given its length', () => {
    expect(withinOneEdit('comonw', 'commonwealth', 7)).toBe(true)
    expect(withinOneEdit('comonw', 'commonwealth', 3)).toBe(false)
  })
})
