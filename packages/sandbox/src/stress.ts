import {
  SANDBOX_LOGO_PATH,
  averageDurations,
  hashString,
  seededUint32,
  webFeatures,
  type SandboxAuthorization,
  type SandboxAverageDurations,
  type SandboxInstitution,
  type SandboxInstitutionFeatures,
  type SandboxInstitutionStatus,
  type SandboxInstitutionType,
  type SandboxStage,
} from './catalogue.ts'

/**
 * Generated ids use the top of each country's range (`AU90000`–`AU99999`, `NZ90000`–`NZ99999`),
 * which the real catalogue keeps clear of.
 */
const FIRST_STRESS_NUMBER = 90_000
const IDS_PER_COUNTRY = 10_000

/** The most institutions {@link stressInstitutions} can make before its id ranges run out. */
export const MAX_STRESS_INSTITUTIONS = IDS_PER_COUNTRY * 2

/** Seed {@link stressInstitutions} uses when none is given. */
export const DEFAULT_STRESS_SEED = 20_240_601

const AU_PLACES = [
  'Riverina',
  'Gippsland',
  'Hunter Valley',
  'Illawarra',
  'Mallee',
  'Wimmera',
  'Barossa',
  'Pilbara',
  'Kimberley',
  'Gascoyne',
  'Atherton Tablelands',
  'Darling Downs',
  'Fleurieu',
  'Limestone Coast',
  'Eyre Peninsula',
  'Goulburn Valley',
  'Central Highlands',
  'Sunraysia',
  'Bellarine',
  'Mornington',
  'Yarra Ranges',
  'Blue Mountains',
  'Southern Highlands',
  'New England',
  'Northern Rivers',
  'Mid North Coast',
  'Central West',
  'Monaro',
  'Snowy Mountains',
  'Murrumbidgee',
  'Capricornia',
  'Wide Bay',
  'Whitsunday',
  'Burdekin',
  'Sunshine Coast',
  'Gold Coast',
  'Scenic Rim',
  'Lockyer Valley',
  'Wheatbelt',
  'Great Southern',
  'Peel',
  'Goldfields',
  'Top End',
  'Arnhem',
  'Alice Springs',
  'Huon Valley',
  'Tamar Valley',
  'North West Coast',
  'Derwent',
  'Clare Valley',
]

// NZ place names keep their macrons and apostrophes: the picker must search and render them.
const NZ_PLACES = [
  'Waikato',
  'Canterbury',
  'Otago',
  'Southland',
  'Taranaki',
  "Hawke's Bay",
  'Manawatū',
  'Whanganui',
  'Ōtaki',
  'Tairāwhiti',
  'Northland',
  'Bay of Plenty',
  'Marlborough',
  'Tasman',
  'West Coast',
  'Wairarapa',
  'Kāpiti',
  'Rotorua',
  'Taupō',
  'Whakatāne',
]

const QUALIFIERS = [
  'Community',
  'Farmers',
  'Teachers',
  'Nurses',
  'Miners',
  'Rail Workers',
  'Police & Emergency',
  'District',
  'Regional',
  'Heritage',
  'Pioneer',
  'Coastal',
  'Citizens',
  'Mutual',
  'Growers',
  'Co-operative',
  '',
]

interface Kind {
  suffix: string
  short: string
  institutionType: SandboxInstitutionType
}

const KINDS: Kind[] = [
  { suffix: 'Credit Union', short: 'CU', institutionType: 'Credit Union' },
  { suffix: 'Bank', short: 'Bank', institutionType: 'Bank' },
  { suffix: 'Mutual Bank', short: 'Mutual', institutionType: 'Bank' },
  { suffix: 'Building Society', short: 'BS', institutionType: 'Building Society' },
  { suffix: 'Savings & Loans', short: 'S&L', institutionType: 'Financial Services' },
]

const CAPTIONS: [string, string][] = [
  ['Member number', 'Password'],
  ['Customer number', 'Password'],
  ['Username', 'Password'],
  ['Access ID', 'Password'],
  ['Client number', 'Access code'],
]

// Weighted (in percent) so a stress catalogue looks like the real one: mostly healthy, mostly live.
const STATUSES = percentTable<SandboxInstitutionStatus>([
  ['operational', 80],
  ['degraded-performance', 6],
  ['partial-outage', 4],
  ['under-maintenance', 5],
  ['major-outage', 2],
  ['under-improvement', 3],
])
const STAGES = percentTable<SandboxStage>([
  ['live', 80],
  ['beta', 14],
  ['alpha', 6],
])
const AUTHORIZATIONS = percentTable<SandboxAuthorization>([
  ['user', 70],
  ['user-mfa', 12],
  ['user-mfa-intermittent', 12],
  ['token', 6],
])
const TIERS = percentTable<'2' | '3' | '4'>([
  ['2', 10],
  ['3', 70],
  ['4', 20],
])

/** A 100-entry lookup, so a weighted pick is one index instead of a loop. */
function percentTable<T>(entries: [T, number][]): readonly T[] {
  const table: T[] = []
  for (const [value, percent] of entries) for (let i = 0; i < percent; i++) table.push(value)
  if (table.length !== 100)
    throw new Error(`percent weights must add up to 100, got ${table.length}`)
  return table
}

// Thousands of records share four frozen feature blocks: generation stays fast and light, and a
// caller that tries to edit one shared block gets a TypeError instead of silently editing them all.
const FEATURES_WITH_MFA = freezeFeatures(webFeatures({ mfa: true }))
const FEATURES_WITH_MFA_PARTIAL = freezeFeatures(webFeatures({ mfa: true, partial: true }))
const FEATURES_TOKEN = freezeFeatures(webFeatures({ mfa: false }))
const FEATURES_TOKEN_PARTIAL = freezeFeatures(webFeatures({ mfa: false, partial: true }))

function freezeFeatures(features: SandboxInstitutionFeatures): SandboxInstitutionFeatures {
  for (const value of Object.values(features)) {
    if (!Array.isArray(value))
      for (const list of Object.values(value as object)) Object.freeze(list)
    Object.freeze(value)
  }
  return Object.freeze(features)
}

/**
 * A generated catalogue of `count` plausible institutions for picker stress tests, e.g. "Riverina
 * Community Credit Union". Ids never collide with the real catalogue (`AU90000`+ and `NZ90000`+,
 * roughly four Australian for each New Zealand one), and the same `seed` always gives the same
 * catalogue. URLs are sandbox-relative, like the real catalogue's. Records with the same
 * authorization and stage share one frozen `features` object.
 * @param count how many institutions, an integer from 0 to {@link MAX_STRESS_INSTITUTIONS}.
 * @param seed any finite number; default {@link DEFAULT_STRESS_SEED}.
 * @throws {RangeError} when `count` or `seed` is out of range.
 */
export function stressInstitutions(
  count: number,
  seed: number = DEFAULT_STRESS_SEED,
): SandboxInstitution[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_STRESS_INSTITUTIONS) {
    throw new RangeError(
      `Stress catalogue size must be an integer from 0 to ${MAX_STRESS_INSTITUTIONS}, got ${String(count)}`,
    )
  }
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new RangeError(`Stress catalogue seed must be a finite number, got ${String(seed)}`)
  }
  // Hashing the seed's text keeps 1 and 1.5 (or 2^32 + 1) apart.
  const next = seededUint32(hashString(String(seed)))
  const result: SandboxInstitution[] = new Array(count)
  const seenNames = new Map<string, number>()
  let nextAu = 0
  let nextNz = 0
  for (let i = 0; i < count; i++) {
    // Each 32-bit draw is sliced into several independent small choices: a 5,000-bank catalogue
    // then costs a handful of draws per bank instead of one per field.
    const who = next()
    const how = next()
    const health = next()
    const looks = next()
    const pace = next()
    const slowness = next()

    // Keep NZ near a fifth of the catalogue but spill into the other range once one is full.
    const wantsNz = who % 5 === 0
    const nz = (wantsNz && nextNz < IDS_PER_COUNTRY) || nextAu >= IDS_PER_COUNTRY
    const id = `${nz ? 'NZ' : 'AU'}${FIRST_STRESS_NUMBER + (nz ? nextNz++ : nextAu++)}`

    const places = nz ? NZ_PLACES : AU_PLACES
    const place = places[(who >>> 3) % places.length] as string
    const qualifier = QUALIFIERS[(who >>> 11) % QUALIFIERS.length] as string
    const kind = KINDS[(who >>> 17) % KINDS.length] as Kind
    const [loginIdCaption, passwordCaption] = CAPTIONS[(who >>> 21) % CAPTIONS.length] as [
      string,
      string,
    ]
    const business = (who >>> 25) % 10 === 0

    let name = qualifier ? `${place} ${qualifier} ${kind.suffix}` : `${place} ${kind.suffix}`
    // Real catalogues have no two institutions with one name; number the repeats like a branch.
    const repeats = seenNames.get(name) ?? 0
    seenNames.set(name, repeats + 1)
    if (repeats > 0) name = `${name} No. ${repeats + 1}`

    const authorization = AUTHORIZATIONS[how % 100] as SandboxAuthorization
    const stage = STAGES[(how >>> 8) % 100] as SandboxStage
    const partial = stage === 'alpha'
    const features =
      authorization === 'token'
        ? partial
          ? FEATURES_TOKEN_PARTIAL
          : FEATURES_TOKEN
        : partial
          ? FEATURES_WITH_MFA_PARTIAL
          : FEATURES_WITH_MFA
    // The same paths institutionPaths() gives, built inline: the id is well formed by construction.
    const logoBase = `${SANDBOX_LOGO_PATH}${id}`

    const institution: SandboxInstitution = {
      authorization,
      country: nz ? 'New Zealand' : 'Australia',
      type: 'institution',
      id,
      institutionType: kind.institutionType,
      loginIdCaption,
      name,
      passwordCaption,
      serviceName: business ? 'Business Online Banking' : 'Personal Online Banking',
      serviceType: business ? 'Business Banking' : 'Personal Banking',
      shortName: `${place} ${kind.short}`,
      stage,
      tier: TIERS[(how >>> 16) % 100] as '2' | '3' | '4',
      features,
      links: { self: `/institutions/${id}` },
      logo: {
        type: 'image',
        colors: { primary: brandColour(looks) },
        links: { full: `${logoBase}-full.svg`, square: `${logoBase}.svg` },
      },
      stats: {
        averageDurationMs: health % 25 === 0 ? null : durations(pace, slowness),
      },
      status: STATUSES[(health >>> 5) % 100] as SandboxInstitutionStatus,
      // Made-up institutions get a reserved domain so no link ever reaches a real site.
      forgottenPasswordUrl: `https://www.${slug(place)}-${slug(kind.short)}.example/forgotten-password`,
    }
    if (authorization === 'token') institution.userTokenCaption = 'Security token'
    if ((health >>> 12) % 12 === 0) institution.securityCodeCaption = 'Security number'
    if (business) institution.secondaryLoginIdCaption = 'User ID'
    result[i] = institution
  }
  return result
}

/** Step averages from two draws, in the same ranges as the real catalogue's. */
function durations(pace: number, slowness: number): SandboxAverageDurations {
  const verify = 4_000 + ((pace & 0xffff) % 21_001)
  const scale = 0.6 + verify / 25_000
  return averageDurations(
    verify,
    Math.round((2_000 + ((pace >>> 16) % 5_001)) * scale),
    Math.round((4_000 + ((slowness & 0xffff) % 12_001)) * scale),
    Math.round((5_000 + ((slowness >>> 16) % 10_001)) * scale),
  )
}

const slugs = new Map<string, string>()

function slug(text: string): string {
  let result = slugs.get(text)
  if (result === undefined) {
    // Strip accents before dropping the rest, so "Ōtaki" becomes "otaki" rather than "taki".
    result = text
      .normalize('NFD')
      .replace(/[^A-Za-z0-9]/g, '')
      .toLowerCase()
    slugs.set(text, result)
  }
  return result
}

/** A saturated brand-like colour as `#RRGGBB` from one 32-bit draw. */
function brandColour(bits: number): string {
  const hue = (bits % 360) / 60
  const saturation = 0.55 + ((bits >>> 9) % 41) / 100
  const lightness = 0.25 + ((bits >>> 16) % 41) / 100
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation
  const x = chroma * (1 - Math.abs((hue % 2) - 1))
  const m = lightness - chroma / 2
  const sector = Math.floor(hue)
  const r = sector === 0 || sector === 5 ? chroma : sector === 1 || sector === 4 ? x : 0
  const g = sector === 1 || sector === 2 ? chroma : sector === 0 || sector === 3 ? x : 0
  const b = sector === 3 || sector === 4 ? chroma : sector === 2 || sector === 5 ? x : 0
  const rgb = (byte(r + m) << 16) | (byte(g + m) << 8) | byte(b + m)
  return `#${rgb.toString(16).toUpperCase().padStart(6, '0')}`
}

function byte(channel: number): number {
  return Math.min(255, Math.max(0, Math.round(channel * 255)))
}
