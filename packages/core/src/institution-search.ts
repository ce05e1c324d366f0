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

/** One institution as the index sees it; its institution is `ordered` at the same position. */
interface Entry {
  names: PreparedName[]
  /** Every folded word of every name, deduplicated, as ids into the index's vocabulary. */
  words: number[]
  /** Compact folded aliases. */
  aliases: string[]
}

/**
 * Every compact name of the catalogue in one string, each followed by a line break (which no
 * query contains, so no match runs from one name into the next), with where each name starts and
 * whose it is. One native `indexOf` loop over this string finds every name that contains a query,
 * instead of a loop over every institution.
 */
interface NameText {
  text: string
  /** Per name (in text order): the offset in `text` at which it starts. */
  starts: Int32Array
  /** Per name: the index in the entries of the institution it names. */
  owners: Int32Array
  /** Per name: its word starts and length. */
  names: PreparedName[]
  /**
   * Per character of `text`: {@link WORD_START_BIT} where a word starts, plus how many characters
   * are left in its word (at most {@link FAR_FROM_WORD_END}). A match found in the text is ranked
   * from these alone, without reaching for its name's object: a short query matches thousands of
   * names, and reaching that many objects spread over memory is the slow part of a scan.
   */
  shape: Uint8Array
  /**
   * Per name, for one-letter queries (which nearly every name contains, so a text scan would stop
   * at every other character): the letter it starts with, as a {@link letterBit}…
   */
  firsts: Uint8Array
  /** …the letters its words start with, as bit sets (bits 0–31, then 32–35)… */
  wordInitials: [Int32Array, Int32Array]
  /** …and every letter it has. */
  letters: [Int32Array, Int32Array]
}

/** For each vocabulary word, the indexes of the entries that have it, ascending (CSR layout). */
interface Postings {
  /** Where each word's list starts in `entries`; word `w`'s list ends at `offsets[w + 1]`. */
  offsets: Int32Array
  entries: Int32Array
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
  /**
   * The query word whose marked vocabulary words are held by the fewest institutions: a bank
   * that matches word by word has one of them, so only those banks need checking.
   */
  narrowest: number
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
const NO_MATCH = -1
const EXACT = 0
const PREFIX = 1
const WORD_START = 2
const SUBSTRING = 3
const WHOLE_ALIAS = 4
const ALIAS_START = 5
const TYPO_RANK = 6
/** In a name text's shape: a word starts here. */
const WORD_START_BIT = 0x80
/** In a name text's shape: the most characters left in a word it counts (and "this many or more"). */
const FAR_FROM_WORD_END = 0x7f
// Recent searches kept whole, so Backspace (or typing a query again) costs a lookup.
const RECENT_SEARCHES = 16
// Below this share of the catalogue, a query that extends the last one checks the names the last
// one found one by one; above it, one scan of all the names is cheaper.
const NARROW_SHARE = 1 / 4

/** One search, as remembered. */
interface Searched {
  /** The query's compact text. */
  compact: string
  /** The matching entries' positions, best first: by rank, then in catalogue order. */
  order: Int32Array
  /** Where each rank's run starts in `order` (one more than there are ranks: the end). */
  bounds: Int32Array
  /** The entries with a name match (exact to substring), ascending. */
  named: Int32Array
}

/**
 * Builds a search index over a catalogue. Names, words and aliases are folded once here, and the
 * names laid end to end in one string; a search is then a native substring scan of that string
 * plus a look at the few institutions that share a word with the query, without regular
 * expressions or sorting: well under a millisecond for 5,000 institutions, cheap enough for every
 * keystroke. A query that extends the last one (the next keystroke) only rechecks the names the
 * last one found, and the last few searches are remembered whole (so Backspace is a lookup);
 * results never depend on either. Records that are not objects with a string `id` and `name` are
 * skipped rather than breaking the index.
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
  const nameText = prepareNameText(entries)
  const postings = preparePostings(entries, words.length)
  const withAliases = entries.flatMap((entry, position) => (entry.aliases.length ? [position] : []))
  // Frozen for callers; `ordered` stays unfrozen because slicing a frozen array is far slower.
  const catalogue: readonly Institution[] = Object.freeze([...ordered])
  // Reused by every search: the best rank found so far per entry.
  const ranks = new Int8Array(entries.length)
  // Reused by every search: the entries its name matches found, in the order found.
  const found = new Int32Array(entries.length)
  const recent = new Map<string, Searched>()
  let last: Searched | undefined

  /** The search for `query`; `undefined` for an empty query. */
  function rank(query: unknown): Searched | undefined {
    const folded = foldText(typeof query === 'string' ? query : '')
    if (folded === '') return undefined
    const remembered = recent.get(folded)
    if (remembered !== undefined) {
      // Most recently used last, so the oldest is the first to go.
      recent.delete(folded)
      recent.set(folded, remembered)
      last = remembered
      return remembered
    }
    const prepared = prepareQuery(folded, words, postings)
    const { compact } = prepared
    ranks.fill(NO_MATCH)
    // A name holding the longer query holds the shorter one at the same place, with a match as
    // good, so the longer query's name matches are among the shorter one's.
    const named =
      compact.length === 1 && letterBit(compact.charCodeAt(0)) !== NOT_A_LETTER
        ? rankLetter(nameText, compact, ranks, found)
        : last !== undefined &&
            compact.startsWith(last.compact) &&
            last.named.length < entries.length * NARROW_SHARE
          ? rankNamesOf(entries, last.named, compact, ranks, found)
          : rankNames(nameText, compact, ranks, found)
    // Entries matched only by words or aliases: few, so sorted into the name matches' order.
    const others: number[] = []
    rankByWords(entries, postings, prepared, ranks, others)
    rankAliases(entries, withAliases, compact, ranks, others)
    others.sort((a, b) => a - b)
    last = { compact, ...orderByRank(named, others, ranks), named }
    recent.set(folded, last)
    if (recent.size > RECENT_SEARCHES) recent.delete(recent.keys().next().value as string)
    return last
  }

  return {
    institutions: catalogue,
    match(query, searchOptions) {
      const limit = readLimit(searchOptions?.limit)
      const searched = rank(query)
      // The empty string is a prefix of every name.
      if (searched === undefined) {
        return ordered.slice(0, limit).map((institution) => ({ institution, kind: 'prefix' }))
      }
      const { order, bounds } = searched
      const results: InstitutionMatch[] = []
      let rankOfAt = 0
      for (let at = 0; at < order.length && results.length < limit; at++) {
        while ((bounds[rankOfAt + 1] as number) <= at) rankOfAt++
        results.push({
          institution: ordered[order[at] as number] as Institution,
          kind: RANK_KINDS[rankOfAt] as InstitutionMatchKind,
        })
      }
      return results
    },
    search(query, searchOptions) {
      const limit = readLimit(searchOptions?.limit)
      const searched = rank(query)
      if (searched === undefined) return ordered.slice(0, limit)
      // Built afresh each time, even for a remembered search: filling the list costs about what
      // copying a kept one would, without a second list of thousands for every new query.
      const { order } = searched
      // Sized up front: a one-letter query matches thousands of banks, and growing a list by
      // pushing costs more than filling one.
      const results = new Array<Institution>(Math.min(order.length, limit))
      // Read from the catalogue's own array (an entry's position is its institution's there), not
      // from each entry: thousands of scattered objects cost more to reach than one packed list.
      for (let filled = 0; filled < results.length; filled++) {
        results[filled] = ordered[order[filled] as number] as Institution
      }
      return results
    },
  }
}

/**
 * The ranking of one search: the entries in `named` and `others` (each ascending, none in both)
 * ordered by their rank in `ranks`, each rank's run in catalogue order. A counting sort over the
 * few ranks: one pass to count, one to place.
 */
function orderByRank(
  named: Int32Array,
  others: readonly number[],
  ranks: Int8Array,
): { order: Int32Array; bounds: Int32Array } {
  const bounds = new Int32Array(RANK_KINDS.length + 1)
  // Indexed loops here and in the other per-keystroke scans: a `for…of` over thousands of
  // positions allocates an iterator result per step until the engine optimizes the loop, and the
  // garbage collections that causes land on later keystrokes.
  for (let at = 0; at < named.length; at++) {
    const run = (ranks[named[at] as number] as number) + 1
    bounds[run] = (bounds[run] as number) + 1
  }
  for (let at = 0; at < others.length; at++) {
    const run = (ranks[others[at] as number] as number) + 1
    bounds[run] = (bounds[run] as number) + 1
  }
  for (let rank = 0; rank < RANK_KINDS.length; rank++) {
    bounds[rank + 1] = (bounds[rank + 1] as number) + (bounds[rank] as number)
  }
  const next = bounds.slice(0, RANK_KINDS.length)
  const order = new Int32Array(named.length + others.length)
  // Both lists are ascending: merged, every rank's run fills in catalogue order.
  let other = 0
  const place = (position: number): void => {
    const rank = ranks[position] as number
    order[next[rank] as number] = position
    next[rank] = (next[rank] as number) + 1
  }
  for (let at = 0; at < named.length; at++) {
    const position = named[at] as number
    while (other < others.length && (others[other] as number) < position) {
      place(others[other++] as number)
    }
    place(position)
  }
  while (other < others.length) place(others[other++] as number)
  return { order, bounds }
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
  return { names, words: [...words], aliases: [...aliases] }
}

function prepareNameText(entries: readonly Entry[]): NameText {
  const parts: string[] = []
  const starts: number[] = []
  const owners: number[] = []
  const names: PreparedName[] = []
  let offset = 0
  entries.forEach((entry, position) => {
    for (const name of entry.names) {
      parts.push(name.compact)
      starts.push(offset)
      owners.push(position)
      names.push(name)
      offset += name.compact.length + 1
    }
  })
  const firsts = new Uint8Array(names.length)
  const wordInitials: [Int32Array, Int32Array] = [
    new Int32Array(names.length),
    new Int32Array(names.length),
  ]
  const letters: [Int32Array, Int32Array] = [
    new Int32Array(names.length),
    new Int32Array(names.length),
  ]
  const text = parts.length ? `${parts.join('\n')}\n` : ''
  const shape = new Uint8Array(text.length)
  names.forEach((name, index) => {
    const base = starts[index] as number
    name.starts.forEach((start, word) => {
      const end = name.starts[word + 1] ?? name.compact.length
      shape[base + start] = WORD_START_BIT
      for (let at = start; at < end; at++) {
        shape[base + at] = (shape[base + at] as number) | Math.min(end - at, FAR_FROM_WORD_END)
      }
    })
    firsts[index] = letterBit(name.compact.charCodeAt(0))
    for (const start of name.starts) addLetter(wordInitials, index, name.compact.charCodeAt(start))
    for (let at = 0; at < name.compact.length; at++) {
      addLetter(letters, index, name.compact.charCodeAt(at))
    }
  })
  return {
    text,
    shape,
    starts: Int32Array.from(starts),
    owners: Int32Array.from(owners),
    names,
    firsts,
    wordInitials,
    letters,
  }
}

/** What {@link letterBit} gives a character that is neither a letter nor a digit. */
const NOT_A_LETTER = 255

/** The bit of a folded character: `a`–`z` are 0–25, `0`–`9` are 26–35. */
function letterBit(code: number): number {
  if (code >= 97 && code <= 122) return code - 97
  if (code >= 48 && code <= 57) return code - 48 + 26
  return NOT_A_LETTER
}

function addLetter(sets: [Int32Array, Int32Array], index: number, code: number): void {
  const bit = letterBit(code)
  if (bit === NOT_A_LETTER) return
  const set = sets[bit < 32 ? 0 : 1]
  set[index] = (set[index] as number) | (1 << (bit & 31))
}

function preparePostings(entries: readonly Entry[], vocabularySize: number): Postings {
  const offsets = new Int32Array(vocabularySize + 1)
  for (const entry of entries) {
    for (const id of entry.words) offsets[id + 1] = (offsets[id + 1] as number) + 1
  }
  for (let id = 0; id < vocabularySize; id++) {
    offsets[id + 1] = (offsets[id + 1] as number) + (offsets[id] as number)
  }
  const list = new Int32Array(offsets[vocabularySize] as number)
  const next = offsets.slice(0, vocabularySize)
  entries.forEach((entry, position) => {
    for (const id of entry.words) {
      const at = next[id] as number
      list[at] = position
      next[id] = at + 1
    }
  })
  return { offsets, entries: list }
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

/** Prepares a folded, non-empty query against the index's vocabulary. */
function prepareQuery(
  folded: string,
  vocabulary: readonly string[],
  postings: Postings,
): PreparedQuery {
  const words = folded.split(' ')
  let narrowest = 0
  let fewest = Number.POSITIVE_INFINITY
  const marks = words.map((word, index) => {
    const mark = new Uint8Array(vocabulary.length)
    const typos = word.length >= TYPO_MIN_LENGTH
    let holders = 0
    vocabulary.forEach((candidate, id) => {
      if (candidate.startsWith(word)) mark[id] = STARTS
      else if (typos && prefixWithinOneEdit(word, candidate)) mark[id] = TYPO
      else return
      holders += (postings.offsets[id + 1] as number) - (postings.offsets[id] as number)
    })
    if (holders < fewest) {
      fewest = holders
      narrowest = index
    }
    return mark
  })
  return {
    compact: words.join(''),
    words,
    marks,
    typoWords: words.some((word) => word.length >= TYPO_MIN_LENGTH),
    allStart: marks.every((mark) => mark.includes(STARTS)),
    allTypo: marks.every((mark) => mark.some((value) => value !== 0)),
    narrowest,
  }
}

/**
 * Gives the entry at `position` the match `rank` if it is better than the one it has, and notes
 * the entry in `found` the first time it is ranked.
 */
function keepBest(ranks: Int8Array, position: number, rank: number, found: number[]): void {
  const best = ranks[position] as number
  if (best === NO_MATCH) found.push(position)
  if (best === NO_MATCH || rank < best) ranks[position] = rank
}

/**
 * Ranks every name that contains `compact` (exact, prefix, word start or substring) into `ranks`
 * (all unranked), keeping each entry's best; returns the entries it ranked, ascending.
 */
function rankNames(
  names: NameText,
  compact: string,
  ranks: Int8Array,
  found: Int32Array,
): Int32Array {
  const { text, starts, owners } = names
  const last = starts.length - 1
  let count = 0
  let name = 0
  for (let at = text.indexOf(compact); at >= 0; at = text.indexOf(compact, at + 1)) {
    // Matches come in text order, so the name holding each one is found by walking forward.
    while (name < last && (starts[name + 1] as number) <= at) name++
    const rank = rankInText(names, name, at, compact)
    if (rank !== NO_MATCH) count = keepBestIn(ranks, owners[name] as number, rank, found, count)
  }
  return found.slice(0, count)
}

/**
 * {@link rankNames} for a one-letter query, from the letter sets: a name that starts with the
 * letter is a prefix (or exact) match, one with a word that starts with it a word start, one that
 * has it anywhere a substring (one letter cannot run across words).
 */
function rankLetter(
  names: NameText,
  compact: string,
  ranks: Int8Array,
  found: Int32Array,
): Int32Array {
  const bit = letterBit(compact.charCodeAt(0))
  const half = bit < 32 ? 0 : 1
  const mask = 1 << (bit & 31)
  const { firsts, owners } = names
  const initials = names.wordInitials[half]
  const letters = names.letters[half]
  let count = 0
  for (let name = 0; name < firsts.length; name++) {
    let rank: number
    if (firsts[name] === bit) rank = rankInText(names, name, names.starts[name] as number, compact)
    else if (((initials[name] as number) & mask) !== 0) rank = WORD_START
    else if (((letters[name] as number) & mask) !== 0) rank = SUBSTRING
    else continue
    count = keepBestIn(ranks, owners[name] as number, rank, found, count)
  }
  return found.slice(0, count)
}

/**
 * {@link keepBest} into a typed list: notes the entry at `found[count]` the first time it is
 * ranked, and returns the new count. Every caller goes through the entries in catalogue order (an
 * entry's names sit next to each other), so `found` comes out ascending.
 */
function keepBestIn(
  ranks: Int8Array,
  position: number,
  rank: number,
  found: Int32Array,
  count: number,
): number {
  const best = ranks[position] as number
  if (best === NO_MATCH) {
    ranks[position] = rank
    found[count] = position
    return count + 1
  }
  if (rank < best) ranks[position] = rank
  return count
}

/** Like {@link rankNames}, looking only at the names of the entries at `positions` (ascending). */
function rankNamesOf(
  entries: readonly Entry[],
  positions: Int32Array,
  compact: string,
  ranks: Int8Array,
  found: Int32Array,
): Int32Array {
  let count = 0
  for (let index = 0; index < positions.length; index++) {
    const position = positions[index] as number
    const names = (entries[position] as Entry).names
    for (let which = 0; which < names.length; which++) {
      const name = names[which] as PreparedName
      for (
        let at = name.compact.indexOf(compact);
        at >= 0;
        at = name.compact.indexOf(compact, at + 1)
      ) {
        const rank = rankAt(name, at, compact)
        if (rank !== NO_MATCH) count = keepBestIn(ranks, position, rank, found, count)
      }
    }
  }
  return found.slice(0, count)
}

/**
 * {@link rankAt} for `compact` found at `at` in the name text, inside name number `name`, read
 * from the text's shape (the name's object is only reached for a word too long to be shaped).
 */
function rankInText(names: NameText, name: number, at: number, compact: string): number {
  const start = names.starts[name] as number
  if (at === start) {
    // Each name is followed by a line break.
    const end =
      name + 1 < names.starts.length
        ? (names.starts[name + 1] as number) - 1
        : names.text.length - 1
    return compact.length === end - start ? EXACT : PREFIX
  }
  const shape = names.shape[at] as number
  if (shape & WORD_START_BIT) return WORD_START
  const left = shape & FAR_FROM_WORD_END
  if (left === FAR_FROM_WORD_END) {
    return rankAt(names.names[name] as PreparedName, at - start, compact)
  }
  return compact.length <= left ? SUBSTRING : NO_MATCH
}

/**
 * The rank of `compact` found at `offset` of a name: 0 exact, 1 prefix, 2 word start, 3 inside a
 * word, or no match. A match from a word start may run across words ("stgeorge", "bankofmelb");
 * one inside a word may not, or "cba" would find "westpa(c ba)nking".
 */
function rankAt(name: PreparedName, offset: number, compact: string): number {
  if (offset === 0) return compact.length === name.compact.length ? EXACT : PREFIX
  const starts = name.starts
  let word = 0
  while (word + 1 < starts.length && (starts[word + 1] as number) <= offset) word++
  if (starts[word] === offset) return WORD_START
  const wordEnd = starts[word + 1] ?? name.compact.length
  return offset + compact.length <= wordEnd ? SUBSTRING : NO_MATCH
}

/**
 * Word-by-word matches: a query of several words, each starting a word of the bank's names in
 * any order ("queensland bank"), ranks as a word start; a query whose every word starts a word or
 * is one typo from one ("westpak") ranks as a typo. Either way the bank holds a word that the
 * narrowest query word marks, so only those banks are checked.
 */
function rankByWords(
  entries: readonly Entry[],
  postings: Postings,
  query: PreparedQuery,
  ranks: Int8Array,
  others: number[],
): void {
  const byStarts = query.marks.length > 1 && query.allStart
  const byTypo = query.typoWords && query.allTypo
  if (!byStarts && !byTypo) return
  const mark = query.marks[query.narrowest] as Uint8Array
  const { offsets, entries: holders } = postings
  for (let word = 0; word < mark.length; word++) {
    if (mark[word] === 0) continue
    for (let at = offsets[word] as number; at < (offsets[word + 1] as number); at++) {
      const position = holders[at] as number
      const best = ranks[position] as number
      if (best !== NO_MATCH && best <= WORD_START) continue
      const words = (entries[position] as Entry).words
      let rank = NO_MATCH
      if (byStarts && everyWordMarked(words, query.marks, STARTS)) rank = WORD_START
      else if (byTypo && best === NO_MATCH && everyWordMarked(words, query.marks, TYPO)) {
        rank = TYPO_RANK
      }
      if (rank !== NO_MATCH) keepBest(ranks, position, rank, others)
    }
  }
}

/** Aliases: the whole alias, or (from two letters) its start; below every name match. */
function rankAliases(
  entries: readonly Entry[],
  withAliases: readonly number[],
  compact: string,
  ranks: Int8Array,
  others: number[],
): void {
  for (let index = 0; index < withAliases.length; index++) {
    const position = withAliases[index] as number
    const best = ranks[position] as number
    if (best !== NO_MATCH && best <= WHOLE_ALIAS) continue
    let rank = NO_MATCH
    const aliases = (entries[position] as Entry).aliases
    for (let which = 0; which < aliases.length; which++) {
      const alias = aliases[which] as string
      if (alias === compact) {
        rank = WHOLE_ALIAS
        break
      }
      // A one-letter query is a prefix of too many aliases to mean anything.
      if (compact.length >= 2 && alias.startsWith(compact)) rank = ALIAS_START
    }
    if (rank !== NO_MATCH) keepBest(ranks, position, rank, others)
  }
}

/** Whether every query word marks one of the entry's words with at least `level` (1 or 2). */
function everyWordMarked(words: readonly number[], marks: readonly Uint8Array[], level: number) {
  for (let which = 0; which < marks.length; which++) {
    const mark = marks[which] as Uint8Array
    let found = false
    for (let at = 0; at < words.length; at++) {
      const value = mark[words[at] as number] as number
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
