import type { Institution } from './schemas.ts'

/**
 * How well an institution matched a query, best first. The order is the ranking: every `exact`
 * match comes before every `prefix` match, and so on.
 * - `exact`: the query is the whole short name or name (`nab`, `st george`, `stgeorge`);
 * - `prefix`: a name starts with the query (`commonw`, `bank of melb`);
 * - `word-start`: a later word starts with the query, or every query word starts a word
 *   (`melbourne`, `queensland bank`);
 * - `substring`: the query appears inside a word of a name (`pac` in Westpac);
 * - `alias`: the query is a name people use for the bank (`cba`, `bom`), or the start of one
 *   (whole aliases first);
 * - `typo`: every query word matches a word with at most one typo; only words of five or more
 *   letters may have a typo (`westpak`).
 */
export type InstitutionMatchKind =
  'exact' | 'prefix' | 'word-start' | 'substring' | 'alias' | 'typo'

/** The kinds of {@link InstitutionMatchKind}, best first. */
export const institutionMatchKinds: readonly InstitutionMatchKind[] = [
  'exact',
  'prefix',
  'word-start',
  'substring',
  'alias',
  'typo',
]

/** One search result with the reason it matched. */
export interface InstitutionMatch {
  /** The institution. */
  institution: Institution
  /** How it matched; see {@link InstitutionMatchKind}. */
  kind: InstitutionMatchKind
}

/** Options of {@link InstitutionIndex.search}. */
export interface InstitutionSearchOptions {
  /** Most results to return. Default: all of them. */
  limit?: number
}

/** A search index over one catalogue; see {@link createInstitutionIndex}. */
export interface InstitutionIndex {
  /**
   * The institutions matching `query`, best match first (see {@link InstitutionMatchKind}); ties
   * keep the catalogue order of {@link compareInstitutions} (tier 1 first, then by name). An empty
   * or blank query returns the whole catalogue in that order, popular banks first (each a
   * `'prefix'` match). Non-string queries count as empty.
   */
  search(query: string, options?: InstitutionSearchOptions): Institution[]
  /** Like {@link InstitutionIndex.search}, with the kind of each match. */
  match(query: string, options?: InstitutionSearchOptions): InstitutionMatch[]
  /** Every indexed institution, in catalogue order. */
  readonly institutions: readonly Institution[]
}

/** Options of {@link createInstitutionIndex}. */
export interface InstitutionIndexOptions {
  /**
   * Other names people use for institutions, keyed by an institution's `name` or `shortName`
   * (case, accents and punctuation do not matter). Default {@link defaultInstitutionAliases};
   * pass `{ ...defaultInstitutionAliases, 'My Bank': ['MB'] }` to extend it, or `{}` for none.
   */
  aliases?: Readonly<Record<string, readonly string[]>>
}

/**
 * What Australians and New Zealanders type for their banks, beyond the names Basiq reports:
 * abbreviations (CBA, BOM, GSB), former names (CUA → Great Southern Bank, Members Equity → ME
 * Bank), parent and sibling brands, and spellings Basiq does not use (Saint George, Kiwi Bank).
 * Keys are institution names or short names; `St.George`, `st george` and `stgeorge` are the same
 * key. Spelling variants that only differ in spaces or punctuation need no entry: folding already
 * makes `Bank SA` find `BankSA`.
 */
export const defaultInstitutionAliases: Readonly<Record<string, readonly string[]>> = Object.freeze(
  {
    'Commonwealth Bank of Australia': ['CBA', 'Commonwealth Bank', 'NetBank', 'Comm Bank'],
    CommBiz: ['CBA Business', 'Commonwealth Business', 'CommBank Business'],
    'National Australia Bank': ['National Bank', 'National Australia'],
    'NAB Connect': ['NAB Business'],
    'Australia and New Zealand Banking Group': ['ANZ Bank', 'ANZ Plus', 'ANZ Australia'],
    'ANZ Bank New Zealand': ['ANZ NZ'],
    'Westpac Banking Corporation': ['WBC', 'Westpac Bank'],
    'Westpac New Zealand': ['Westpac NZ'],
    'St.George Bank': ['Saint George', 'StG', 'SGB'],
    'Bank of Melbourne': ['BOM', 'BankMelb', 'Melbourne'],
    BankSA: ['Bank of South Australia', 'BSA'],
    'Bank of Queensland': ['BankQ', 'Queensland Bank'],
    ING: ['ING Direct', 'ING Bank', 'ING Australia'],
    ubank: ['UBank', 'U Bank'],
    'Bendigo Bank': ['Bendigo and Adelaide Bank', 'Adelaide Bank', 'BEN'],
    'Macquarie Bank': ['MQG', 'Macquarie Group'],
    'ME Bank': ['Members Equity', 'Members Equity Bank', 'MEB'],
    Bankwest: ['Bank of Western Australia', 'BWA'],
    'Great Southern Bank': ['GSB', 'CUA', 'Credit Union Australia'],
    'Newcastle Permanent Building Society': ['NPBS', 'Newcastle Permanent Bank'],
    "People's Choice": ['PCCU', "People's Choice Credit Union"],
    'Teachers Mutual Bank': ['TMB'],
    'Health Professionals Bank': ['HPB'],
    'Australian Military Bank': ['AMB', 'ADCU'],
    'Defence Bank': ['DefCU', 'Defence Force Credit Union'],
    'IMB Bank': ['Illawarra Mutual Building Society'],
    'Queensland Country Bank': ['QCB', 'Queensland Country Credit Union'],
    'P&N Bank': ['Police and Nurses', 'PN Bank'],
    'Regional Australia Bank': ['RAB'],
    'Virgin Money Australia': ['Virgin'],
    'American Express Australia': ['American Express', 'AmEx'],
    'Citibank Australia': ['Citi'],
    'HSBC Bank Australia': ['HSBC Australia'],
    'Bank of New Zealand': ['Bank NZ'],
    'ASB Bank': ['Auckland Savings Bank'],
    Kiwibank: ['Kiwi Bank', 'Kiwi'],
    'The Co-operative Bank': ['Co-op Bank', 'Coop Bank', 'Cooperative Bank'],
    'Nelson Building Society': ['Nelson'],
  },
)

/**
 * Folds text for matching: lower case, accents removed (`Ōtaki` → `otaki`), apostrophes dropped
 * (`People's` → `peoples`), and every other run of non-alphanumerics turned into one space, so
 * `St.George`, `St George` and `st-george` all fold to `st george`. Non-strings fold to `''`.
 */
export function foldText(text: string): string {
  if (typeof text !== 'string') return ''
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

/**
 * The catalogue order: tier `'1'` first (the biggest banks), then `'2'`…`'4'`, then any other
 * tier; within a tier by name (accent- and case-insensitive), then by id so the order is total.
 */
export function compareInstitutions(a: Institution, b: Institution): number {
  return tierRank(a) - tierRank(b) || collator.compare(a.name, b.name) || compareIds(a, b)
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true })

function compareIds(a: Institution, b: Institution): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function tierRank(institution: Institution): number {
  const tier = Number.parseInt(String(institution.tier), 10)
  return Number.isInteger(tier) && tier > 0 ? tier : Number.MAX_SAFE_INTEGER
}

/** A name prepared once per catalogue, so a keystroke only does string scans. */
interface PreparedName {
  /** Folded text without spaces: `st.george bank` → `stgeorgebank`. */
  compact: string
  /** Index in `compact` at which each word starts (always includes 0 when non-empty). */
  starts: number[]
}

interface Entry {
  institution: Institution
  names: PreparedName[]
  /** Every folded word of every name, deduplicated, as ids into the index's vocabulary. */
  words: number[]
  /** Compact folded aliases. */
  aliases: string[]
}

interface PreparedQuery {
  compact: string
  /** The folded words. */
  words: string[]
  /**
   * Per query word, which vocabulary words it starts (1) or matches with one typo (2). Banks share
   * few distinct words (a 5,000-bank catalogue has a few hundred), so checking the vocabulary once
   * per keystroke is far cheaper than checking every bank's words.
   */
  marks: Uint8Array[]
  /** Whether any word is long enough for typo tolerance. */
  typoWords: boolean
  /** Whether every word starts some vocabulary word (else no bank can match word by word). */
  allStart: boolean
  /** Whether every word starts, or is one typo from, some vocabulary word. */
  allTypo: boolean
}

const STARTS = 1
const TYPO = 2
const TYPO_MIN_LENGTH = 5
// Internal ranks, best first; a whole alias outranks an alias the query only starts.
const RANK_KINDS: readonly InstitutionMatchKind[] = [
  'exact',
  'prefix',
  'word-start',
  'substring',
  'alias',
  'alias',
  'typo',
]

/**
 * Builds a search index over a catalogue. Names, words and aliases are folded once here; each
 * search is then a scan of precomputed strings without regular expressions or sorting, cheap
 * enough to run on every keystroke over 5,000 institutions. A query that extends the previous one
 * (the next keystroke) only rescans what the previous one matched; results never depend on that
 * (the index remembers one search, nothing else). Records that are not objects with a string `id`
 * and `name` are skipped rather than breaking the index.
 *
 * @param institutions the catalogue (e.g. `GET /institutions` data).
 * @throws {TypeError} when `institutions` is not an array.
 */
export function createInstitutionIndex(
  institutions: readonly Institution[],
  options: InstitutionIndexOptions = {},
): InstitutionIndex {
  if (!Array.isArray(institutions)) {
    throw new TypeError('createInstitutionIndex: expected an array of institutions')
  }
  const aliasTable = prepareAliases(options?.aliases ?? defaultInstitutionAliases)
  const valid = institutions.filter(isInstitutionLike)
  const ordered = [...valid].sort(compareInstitutions)
  const vocabulary = new Map<string, number>()
  const entries = ordered.map((institution) => prepareEntry(institution, aliasTable, vocabulary))
  const words = [...vocabulary.keys()]
  const catalogue: readonly Institution[] = Object.freeze(ordered)

  // The last search and every entry it matched, in catalogue order. Typing one more letter only
  // ever narrows a search (see `narrows`), so the next keystroke scans these instead of the whole
  // catalogue.
  let previous: { query: PreparedQuery; matched: Entry[] } | undefined

  /** Every matching entry, bucketed by rank; `undefined` for an empty query. */
  function rank(query: unknown): Entry[][] | undefined {
    const prepared = prepareQuery(query, words)
    if (prepared === undefined) {
      previous = undefined
      return undefined
    }
    const candidates =
      previous !== undefined && narrows(previous.query, prepared) ? previous.matched : entries
    // One bucket per rank, filled in catalogue order: concatenating them is already the ranking.
    const buckets: Entry[][] = RANK_KINDS.map(() => [])
    const matched: Entry[] = []
    for (const entry of candidates) {
      const kind = rankEntry(entry, prepared)
      if (kind >= 0) {
        buckets[kind]?.push(entry)
        matched.push(entry)
      }
    }
    previous = { query: prepared, matched }
    return buckets
  }

  return {
    institutions: catalogue,
    match(query, searchOptions) {
      const limit = readLimit(searchOptions?.limit)
      const buckets = rank(query)
      // The empty string is a prefix of every name.
      if (buckets === undefined) {
        return catalogue.slice(0, limit).map((institution) => ({ institution, kind: 'prefix' }))
      }
      const results: InstitutionMatch[] = []
      buckets.forEach((bucket, index) => {
        const kind = RANK_KINDS[index] as InstitutionMatchKind
        for (const entry of bucket) {
          if (results.length >= limit) return
          results.push({ institution: entry.institution, kind })
        }
      })
      return results
    },
    search(query, searchOptions) {
      const limit = readLimit(searchOptions?.limit)
      const buckets = rank(query)
      if (buckets === undefined) return catalogue.slice(0, limit)
      const results: Institution[] = []
      for (const bucket of buckets) {
        for (const entry of bucket) {
          if (results.length >= limit) return results
          results.push(entry.institution)
        }
      }
      return results
    },
  }
}

function readLimit(limit: number | undefined): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY
  if (typeof limit !== 'number' || Number.isNaN(limit) || limit < 0) {
    throw new RangeError(
      `InstitutionIndex.search: limit must be a number ≥ 0, got ${String(limit)}`,
    )
  }
  return Math.floor(limit)
}

function isInstitutionLike(value: unknown): value is Institution {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Partial<Institution>
  return typeof record.id === 'string' && typeof record.name === 'string'
}

function prepareName(text: unknown): PreparedName | undefined {
  const folded = foldText(typeof text === 'string' ? text : '')
  if (folded === '') return undefined
  const starts: number[] = []
  let compact = ''
  for (const word of folded.split(' ')) {
    starts.push(compact.length)
    compact += word
  }
  return { compact, starts }
}

function prepareEntry(
  institution: Institution,
  aliasTable: Map<string, string[]>,
  vocabulary: Map<string, number>,
): Entry {
  const names: PreparedName[] = []
  const words = new Set<number>()
  const aliases = new Set<string>()
  for (const text of [institution.shortName, institution.name]) {
    const prepared = prepareName(text)
    if (prepared === undefined || names.some((name) => name.compact === prepared.compact)) continue
    names.push(prepared)
    for (const word of foldText(text).split(' ')) {
      let id = vocabulary.get(word)
      if (id === undefined) {
        id = vocabulary.size
        vocabulary.set(word, id)
      }
      words.add(id)
    }
    for (const alias of aliasTable.get(prepared.compact) ?? []) aliases.add(alias)
  }
  return { institution, names, words: [...words], aliases: [...aliases] }
}

function prepareAliases(table: Readonly<Record<string, readonly string[]>>): Map<string, string[]> {
  if (typeof table !== 'object' || table === null) {
    throw new TypeError('createInstitutionIndex: aliases must be an object of name → alias list')
  }
  const map = new Map<string, string[]>()
  for (const [name, list] of Object.entries(table)) {
    if (!Array.isArray(list)) {
      throw new TypeError(
        `createInstitutionIndex: aliases[${JSON.stringify(name)}] must be an array of strings`,
      )
    }
    const key = compactOf(name)
    if (key === '') continue
    const compacted = list.map(compactOf).filter((alias) => alias !== '')
    map.set(key, [...(map.get(key) ?? []), ...compacted])
  }
  return map
}

function compactOf(text: unknown): string {
  return foldText(typeof text === 'string' ? text : '').replaceAll(' ', '')
}

function prepareQuery(query: unknown, vocabulary: readonly string[]): PreparedQuery | undefined {
  const folded = foldText(typeof query === 'string' ? query : '')
  if (folded === '') return undefined
  const words = folded.split(' ')
  const marks = words.map((word) => {
    const mark = new Uint8Array(vocabulary.length)
    const typos = word.length >= TYPO_MIN_LENGTH
    vocabulary.forEach((candidate, id) => {
      if (candidate.startsWith(word)) mark[id] = STARTS
      else if (typos && prefixWithinOneEdit(word, candidate)) mark[id] = TYPO
    })
    return mark
  })
  return {
    compact: words.join(''),
    words,
    marks,
    typoWords: words.some((word) => word.length >= TYPO_MIN_LENGTH),
    allStart: marks.every((mark) => mark.includes(STARTS)),
    allTypo: marks.every((mark) => mark.some((value) => value !== 0)),
  }
}

/**
 * Whether every match of `next` is also a match of `before`, so `next` may search only what
 * `before` found: `next` extends `before` (same words, the last one longer, maybe more words), the
 * old text is long enough for aliases (two letters), and every word of `next` that may have a typo
 * extends a word of `before` that already could (a word reaching five letters starts allowing
 * typos, which can match banks the shorter word did not).
 */
function narrows(before: PreparedQuery, next: PreparedQuery): boolean {
  if (before.compact.length < 2 || before.words.length > next.words.length) return false
  const last = before.words.length - 1
  for (let index = 0; index < next.words.length; index++) {
    const word = next.words[index] as string
    const old = before.words[index]
    if (index < last && old !== word) return false
    if (index === last && !word.startsWith(old as string)) return false
    if (word.length >= TYPO_MIN_LENGTH && (old === undefined || old.length < TYPO_MIN_LENGTH)) {
      return false
    }
  }
  return true
}

/** The index in `RANK_KINDS` of the entry's best match, or -1. */
function rankEntry(entry: Entry, query: PreparedQuery): number {
  let best = -1
  for (const name of entry.names) {
    const kind = rankName(name, query.compact)
    if (kind === 0) return 0
    if (kind >= 0 && (best < 0 || kind < best)) best = kind
  }
  if (best >= 0 && best <= 2) return best
  // "queensland bank": each word starts a word of the names, in any order.
  if (
    query.marks.length > 1 &&
    query.allStart &&
    everyWordMarked(entry.words, query.marks, STARTS)
  ) {
    return 2
  }
  if (best === 3) return 3
  let aliasRank = -1
  for (const alias of entry.aliases) {
    if (alias === query.compact) return 4
    // A one-letter query is a prefix of too many aliases to mean anything.
    if (query.compact.length >= 2 && alias.startsWith(query.compact)) aliasRank = 5
  }
  if (aliasRank >= 0) return aliasRank
  if (query.typoWords && query.allTypo && everyWordMarked(entry.words, query.marks, TYPO)) return 6
  return -1
}

/** Whether every query word marks one of the entry's words with at least `level` (1 or 2). */
function everyWordMarked(words: readonly number[], marks: readonly Uint8Array[], level: number) {
  for (const mark of marks) {
    let found = false
    for (const id of words) {
      const value = mark[id] as number
      if (value !== 0 && value <= level) {
        found = true
        break
      }
    }
    if (!found) return false
  }
  return true
}

/**
 * 0 exact, 1 prefix, 2 word start, 3 substring, -1 none. A match from a word start may run across
 * words ("stgeorge", "bankofmelb"); one inside a word may not, or "cba" would find "westpa(c ba)nking".
 */
function rankName(name: PreparedName, compact: string): number {
  const text = name.compact
  let at = text.indexOf(compact)
  if (at < 0) return -1
  if (at === 0) return compact.length === text.length ? 0 : 1
  const starts = name.starts
  let word = wordAt(starts, at)
  // A later occurrence may start a word even when the first one does not.
  for (let index = word + 1; index < starts.length; index++) {
    if (text.startsWith(compact, starts[index])) return 2
  }
  if (starts[word] === at) return 2
  while (at >= 0) {
    while (word + 1 < starts.length && (starts[word + 1] as number) <= at) word++
    if (at + compact.length <= (starts[word + 1] ?? text.length)) return 3
    at = text.indexOf(compact, at + 1)
  }
  return -1
}

/** Index of the word containing position `at` of a compact name. */
function wordAt(starts: readonly number[], at: number): number {
  let word = 0
  while (word + 1 < starts.length && (starts[word + 1] as number) <= at) word++
  return word
}

/**
 * Whether `word` is at most one edit (insertion, deletion, substitution or transposition of two
 * neighbours) away from `candidate` or from a prefix of it, so a typo is forgiven while the user
 * is still typing ("comonw" → "commonwealth").
 */
function prefixWithinOneEdit(word: string, candidate: string): boolean {
  const length = word.length
  for (let end = length - 1; end <= length + 1; end++) {
    if (end > candidate.length) break
    if (withinOneEdit(word, candidate, end)) return true
  }
  return false
}

/**
 * Bounded Damerau–Levenshtein: is `a` within one edit of `b.slice(0, bLength)`? Linear time, no
 * allocation: it walks both strings to the first difference and compares what is left.
 */
export function withinOneEdit(a: string, b: string, bLength: number = b.length): boolean {
  const aLength = a.length
  const diff = aLength - bLength
  if (diff > 1 || diff < -1) return false
  let i = 0
  while (i < aLength && i < bLength && a.charCodeAt(i) === b.charCodeAt(i)) i++
  if (i === aLength || i === bLength) return true
  if (diff === 0) {
    // Substitution, or a transposition of a[i] and a[i + 1].
    if (restEqual(a, i + 1, b, i + 1, bLength)) return true
    return (
      i + 1 < aLength &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      restEqual(a, i + 2, b, i + 2, bLength)
    )
  }
  // One extra character in the longer string at i.
  return diff > 0 ? restEqual(a, i + 1, b, i, bLength) : restEqual(a, i, b, i + 1, bLength)
}

function restEqual(a: string, ai: number, b: string, bi: number, bLength: number): boolean {
  if (a.length - ai !== bLength - bi) return false
  for (; ai < a.length; ai++, bi++) if (a.charCodeAt(ai) !== b.charCodeAt(bi)) return false
  return true
}
