/** Where a feature's data comes from, as the v2.1 `features` lists name it. */
export type SandboxSourceName = 'web' | 'open-banking' | 'pdf' | 'csv'

/** Institution kinds the v2.1 API reports in `institutionType`. */
export type SandboxInstitutionType =
  | 'Bank'
  | 'Bank (Foreign)'
  | 'Test Bank'
  | 'Credit Union'
  | 'Financial Services'
  | 'Superannuation'
  | 'Building Society'
  | 'Government'

/** Service kinds the v2.1 API reports in `serviceType`. */
export type SandboxServiceType =
  | 'Personal Banking'
  | 'Business Banking'
  | 'Card Access'
  | 'Test'
  | 'Superannuation'
  | 'Government Services'

/**
 * How a connection to the institution authenticates: `user` needs loginId + password, `token` a
 * userToken as well, `user-mfa` always asks an MFA challenge after the credentials verify, and
 * `user-mfa-intermittent` sometimes does.
 */
export type SandboxAuthorization = 'user' | 'token' | 'other' | 'user-mfa' | 'user-mfa-intermittent'

/** Connector maturity: `alpha` is partial, `beta` new, `live` mature. */
export type SandboxStage = 'live' | 'beta' | 'alpha'

/** Connector health. Every status can still be connected to; it only sets expectations. */
export type SandboxInstitutionStatus =
  | 'operational'
  | 'degraded-performance'
  | 'partial-outage'
  | 'major-outage'
  | 'under-maintenance'
  | 'under-improvement'

/** Which sources provide each account field. */
export interface SandboxAccountsFeatures {
  accountNo: SandboxSourceName[]
  name: SandboxSourceName[]
  currency: SandboxSourceName[]
  balance: SandboxSourceName[]
  availableFunds: SandboxSourceName[]
  lastUpdated: SandboxSourceName[]
  accountHolder: SandboxSourceName[]
  meta: SandboxSourceName[]
}

/** Which sources provide each transaction field. */
export interface SandboxTransactionsFeatures {
  status: SandboxSourceName[]
  description: SandboxSourceName[]
  date: SandboxSourceName[]
  amount: SandboxSourceName[]
  balance: SandboxSourceName[]
  class: SandboxSourceName[]
}

/** Which sources provide each identity field. */
export interface SandboxProfileFeatures {
  fullName: SandboxSourceName[]
  firstName: SandboxSourceName[]
  lastName: SandboxSourceName[]
  middleName: SandboxSourceName[]
  phoneNumbers: SandboxSourceName[]
  emailAddresses: SandboxSourceName[]
  physicalAddresses: SandboxSourceName[]
}

/** What data an institution's connector can retrieve, and through which source. */
export interface SandboxInstitutionFeatures {
  login: SandboxSourceName[]
  /** Present when the connector can answer an MFA challenge. */
  mfaChallenge?: SandboxSourceName[]
  accounts: SandboxAccountsFeatures
  transactions: SandboxTransactionsFeatures
  profile: SandboxProfileFeatures
}

/** Average job step durations over the last seven days, in milliseconds. */
export interface SandboxAverageDurations {
  verifyCredentials: number
  retrieveAccounts: number
  retrieveTransactions: number
  retrieveMeta: number
  /** The sum of the four steps. */
  total: number
}

/**
 * One institution exactly as `GET /institutions/{id}` returns it in Basiq v2.1. In {@link institutions}
 * the URLs are sandbox-relative paths; {@link withBaseUrl} makes them absolute for a given host.
 */
export interface SandboxInstitution {
  type: 'institution'
  /** Two capital letters and five digits: `AU00000`. */
  id: string
  name: string
  shortName: string
  institutionType: SandboxInstitutionType
  country: 'Australia' | 'New Zealand'
  serviceName: string
  serviceType: SandboxServiceType
  /** A string, `"1"` (biggest market impact) to `"4"`. */
  tier: '1' | '2' | '3' | '4'
  authorization: SandboxAuthorization
  stage: SandboxStage
  status: SandboxInstitutionStatus
  loginIdCaption: string
  passwordCaption: string
  /** Only for institutions that ask a third secret (e.g. a security number). */
  securityCodeCaption?: string
  /** Only for institutions whose login takes two ids (e.g. a customer id and a user id). */
  secondaryLoginIdCaption?: string
  /** Only for `authorization: "token"` institutions. */
  userTokenCaption?: string
  /** The institution's own page for recovering a forgotten password. */
  forgottenPasswordUrl?: string
  features: SandboxInstitutionFeatures
  /** `averageDurationMs` is `null` for institutions without enough recent jobs, as the real API does. */
  stats: { averageDurationMs: SandboxAverageDurations | null }
  logo: {
    type: 'image'
    colors: { primary: string }
    links: { square: string; full: string }
  }
  links: { self: string }
}

/** Path prefix under which the sandbox serves its self-made institution logos. */
export const SANDBOX_LOGO_PATH = '/__sandbox/logos/'

/** Ids of the documented sandbox test banks, which every sandbox catalogue starts with. */
export const TEST_INSTITUTION_IDS: readonly string[] = Object.freeze([
  'AU00000',
  'AU00001',
  'AU00002',
  'AU00003',
  'AU00004',
])

const INSTITUTION_ID = /^[A-Z]{2}[0-9]{5}$/

/**
 * The sandbox-relative paths of an institution's links and logos.
 * @throws {TypeError} when `id` is not two capital letters and five digits.
 */
export function institutionPaths(id: string): {
  self: string
  square: string
  full: string
} {
  if (typeof id !== 'string' || !INSTITUTION_ID.test(id)) {
    throw new TypeError(
      `Institution id must be two capital letters and five digits (e.g. "AU00000"), got ${JSON.stringify(id)}`,
    )
  }
  return {
    self: `/institutions/${id}`,
    square: `${SANDBOX_LOGO_PATH}${id}.svg`,
    full: `${SANDBOX_LOGO_PATH}${id}-full.svg`,
  }
}

/** Options shared by the catalogue builder and the stress generator. */
export interface FeatureOptions {
  /** Whether the connector answers MFA challenges (adds `features.mfaChallenge`). Default `true`. */
  mfa?: boolean
  /** An alpha connector misses some fields (empty source lists). Default `false`. */
  partial?: boolean
}

/**
 * The `features` block of a web-scraping connector, shaped like the Hooli example record.
 */
export function webFeatures(options: FeatureOptions = {}): SandboxInstitutionFeatures {
  const { mfa = true, partial = false } = options
  // Alpha connectors are documented as partially complete: fields they cannot read yet are empty lists.
  const features: SandboxInstitutionFeatures = {
    login: web(),
    accounts: {
      balance: web(),
      currency: web(),
      accountHolder: webUnless(partial),
      name: web(),
      accountNo: web(),
      availableFunds: webUnless(partial),
      lastUpdated: web(),
      meta: webUnless(partial),
    },
    profile: {
      emailAddresses: webUnless(partial),
      firstName: webUnless(partial),
      fullName: web(),
      lastName: webUnless(partial),
      middleName: [],
      phoneNumbers: webUnless(partial),
      physicalAddresses: [],
    },
    transactions: {
      class: webUnless(partial),
      amount: web(),
      balance: webUnless(partial),
      date: web(),
      description: web(),
      status: web(),
    },
  }
  if (mfa) features.mfaChallenge = web()
  return features
}

function web(): SandboxSourceName[] {
  return ['web']
}

function webUnless(missing: boolean): SandboxSourceName[] {
  return missing ? [] : ['web']
}

/** The four step averages; `total` is their sum, as in the Hooli example record. */
export function averageDurations(
  verifyCredentials: number,
  retrieveAccounts: number,
  retrieveTransactions: number,
  retrieveMeta: number,
): SandboxAverageDurations {
  return {
    verifyCredentials,
    retrieveAccounts,
    retrieveTransactions,
    retrieveMeta,
    total: verifyCredentials + retrieveAccounts + retrieveTransactions + retrieveMeta,
  }
}

const TEST_BANK_FEATURES = webFeatures()

function testBank(
  id: string,
  name: string,
  shortName: string,
  fields: Partial<SandboxInstitution>,
): SandboxInstitution {
  const paths = institutionPaths(id)
  return {
    authorization: 'user',
    country: 'Australia',
    type: 'institution',
    id,
    institutionType: 'Test Bank',
    loginIdCaption: 'Login',
    name,
    passwordCaption: 'Password',
    serviceName: 'Personal Online Banking',
    serviceType: 'Personal Banking',
    shortName,
    stage: 'live',
    tier: '4',
    features: structuredClone(TEST_BANK_FEATURES),
    links: { self: paths.self },
    logo: {
      type: 'image',
      colors: { primary: '#1A73E8' },
      links: { full: paths.full, square: paths.square },
    },
    stats: { averageDurationMs: averageDurations(8154, 3820, 7127, 12487) },
    status: 'operational',
    ...fields,
  }
}

/** The documented sandbox test banks (testing personas page), in id order. */
const testBanks: SandboxInstitution[] = [
  // The canonical example record, key for key.
  testBank('AU00000', 'Hooli Bank', 'Hooli', {}),
  testBank('AU00001', 'Basiq Test Bank', 'Basiq', {
    logo: {
      type: 'image',
      colors: { primary: '#0A2540' },
      links: { full: institutionPaths('AU00001').full, square: institutionPaths('AU00001').square },
    },
    stats: { averageDurationMs: averageDurations(6120, 3105, 6480, 9870) },
  }),
  testBank('AU00002', 'Pied Piper Bank', 'Pied Piper', {
    authorization: 'user-mfa',
    logo: {
      type: 'image',
      colors: { primary: '#2E7D32' },
      links: { full: institutionPaths('AU00002').full, square: institutionPaths('AU00002').square },
    },
    stats: { averageDurationMs: averageDurations(9360, 4012, 7544, 12980) },
  }),
  testBank('AU00003', 'Nucleus Bank', 'Nucleus', {
    authorization: 'user-mfa-intermittent',
    logo: {
      type: 'image',
      colors: { primary: '#6A1B9A' },
      links: { full: institutionPaths('AU00003').full, square: institutionPaths('AU00003').square },
    },
    stats: { averageDurationMs: averageDurations(8720, 3950, 7210, 12310) },
  }),
  testBank('AU00004', 'HooliGov Bank', 'HooliGov', {
    institutionType: 'Government',
    serviceName: 'Government Services',
    serviceType: 'Government Services',
    logo: {
      type: 'image',
      colors: { primary: '#00558C' },
      links: { full: institutionPaths('AU00004').full, square: institutionPaths('AU00004').square },
    },
    stats: { averageDurationMs: averageDurations(7480, 3410, 6890, 11020) },
  }),
]

/**
 * A small deterministic generator (mulberry32) of unsigned 32-bit integers, so catalogue stats and
 * stress catalogues are the same on every run without shipping tables of numbers.
 */
export function seededUint32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
}

/** {@link seededUint32} scaled to floats in `[0, 1)`. */
export function seededRandom(seed: number): () => number {
  const next = seededUint32(seed)
  return () => next() / 4294967296
}

/** A 32-bit FNV-1a hash, used to seed per-institution numbers from the id. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/**
 * Plausible step averages: credentials take 4–25 s, and the later steps scale loosely with them so
 * that a slow bank is slow throughout.
 */
export function plausibleDurations(random: () => number): SandboxAverageDurations {
  const verify = Math.round(4_000 + random() * 21_000)
  const pace = 0.6 + verify / 25_000
  return averageDurations(
    verify,
    Math.round((2_000 + random() * 5_000) * pace),
    Math.round((4_000 + random() * 12_000) * pace),
    Math.round((5_000 + random() * 10_000) * pace),
  )
}

interface RealSpec {
  id: string
  name: string
  shortName: string
  institutionType: SandboxInstitutionType
  tier: '1' | '2' | '3'
  /** `[loginIdCaption, passwordCaption, securityCodeCaption?]` */
  captions: [string, string, string?]
  /** The bank's own recovery page. */
  forgot: string
  /** Brand primary colour. */
  color: string
  serviceName?: string
  serviceType?: SandboxServiceType
  authorization?: SandboxAuthorization
  stage?: SandboxStage
  status?: SandboxInstitutionStatus
  secondaryLoginIdCaption?: string
  userTokenCaption?: string
  /** `true` when the real API would have no recent jobs to average. */
  noStats?: boolean
}

function real(spec: RealSpec): SandboxInstitution {
  const paths = institutionPaths(spec.id)
  const authorization = spec.authorization ?? 'user'
  const stage = spec.stage ?? 'live'
  const institution: SandboxInstitution = {
    authorization,
    country: spec.id.startsWith('NZ') ? 'New Zealand' : 'Australia',
    type: 'institution',
    id: spec.id,
    institutionType: spec.institutionType,
    loginIdCaption: spec.captions[0],
    name: spec.name,
    passwordCaption: spec.captions[1],
    serviceName: spec.serviceName ?? 'Personal Online Banking',
    serviceType: spec.serviceType ?? 'Personal Banking',
    shortName: spec.shortName,
    stage,
    tier: spec.tier,
    // A token login replaces the MFA step with a code the user types up front.
    features: webFeatures({ mfa: authorization !== 'token', partial: stage === 'alpha' }),
    links: { self: paths.self },
    logo: {
      type: 'image',
      colors: { primary: spec.color },
      links: { full: paths.full, square: paths.square },
    },
    stats: {
      averageDurationMs: spec.noStats
        ? null
        : plausibleDurations(seededRandom(hashString(spec.id))),
    },
    status: spec.status ?? 'operational',
    forgottenPasswordUrl: spec.forgot,
  }
  if (spec.captions[2] !== undefined) institution.securityCodeCaption = spec.captions[2]
  if (spec.secondaryLoginIdCaption !== undefined) {
    institution.secondaryLoginIdCaption = spec.secondaryLoginIdCaption
  }
  if (spec.userTokenCaption !== undefined) institution.userTokenCaption = spec.userTokenCaption
  return institution
}

const MEMBER: [string, string] = ['Member number', 'Password']
const ST_GEORGE_GROUP: [string, string, string] = [
  'Customer access number',
  'Password',
  'Security number',
]

/** Real Australian and New Zealand institutions, grouped by market size. */
const realInstitutions: SandboxInstitution[] = [
  // The big four and their business services.
  real({
    id: 'AU00101',
    name: 'Commonwealth Bank of Australia',
    shortName: 'CommBank',
    institutionType: 'Bank',
    tier: '1',
    captions: ['Client number', 'Password'],
    forgot: 'https://www.commbank.com.au/digital-banking/netbank/forgotten-password.html',
    color: '#FFCC00',
  }),
  real({
    id: 'AU00102',
    name: 'CommBank Business',
    shortName: 'CommBiz',
    institutionType: 'Bank',
    tier: '1',
    serviceName: 'Business Online Banking',
    serviceType: 'Business Banking',
    authorization: 'token',
    captions: ['Client ID', 'Password'],
    secondaryLoginIdCaption: 'User ID',
    userTokenCaption: 'NetCode',
    forgot: 'https://www.commbank.com.au/business/commbiz/forgotten-password.html',
    color: '#FFCC00',
  }),
  real({
    id: 'AU00201',
    name: 'Westpac Banking Corporation',
    shortName: 'Westpac',
    institutionType: 'Bank',
    tier: '1',
    captions: ['Customer number', 'Password'],
    forgot:
      'https://www.westpac.com.au/personal-banking/online-banking/support/forgotten-password/',
    color: '#D5002B',
  }),
  real({
    id: 'AU00202',
    name: 'Westpac Business',
    shortName: 'Westpac Business',
    institutionType: 'Bank',
    tier: '1',
    serviceName: 'Business Online Banking',
    serviceType: 'Business Banking',
    captions: ['Customer number', 'Password'],
    forgot:
      'https://www.westpac.com.au/business-banking/online-banking/support/forgotten-password/',
    color: '#D5002B',
  }),
  real({
    id: 'AU00301',
    name: 'National Australia Bank',
    shortName: 'NAB',
    institutionType: 'Bank',
    tier: '1',
    captions: ['NAB ID', 'Password'],
    forgot: 'https://www.nab.com.au/personal/internet-banking/forgotten-password',
    color: '#C20000',
  }),
  real({
    id: 'AU00302',
    name: 'NAB Connect',
    shortName: 'NAB Connect',
    institutionType: 'Bank',
    tier: '1',
    serviceName: 'Business Online Banking',
    serviceType: 'Business Banking',
    captions: ['User ID', 'Password'],
    secondaryLoginIdCaption: 'Customer ID',
    forgot: 'https://www.nab.com.au/business/online-banking/nab-connect/forgotten-password',
    color: '#C20000',
  }),
  real({
    id: 'AU00401',
    name: 'Australia and New Zealand Banking Group',
    shortName: 'ANZ',
    institutionType: 'Bank',
    tier: '1',
    captions: ['Customer Registration Number', 'Password'],
    forgot: 'https://www.anz.com.au/internet-banking/help/forgotten-password/',
    color: '#007DBA',
  }),
  real({
    id: 'NZ00101',
    name: 'ANZ Bank New Zealand',
    shortName: 'ANZ',
    institutionType: 'Bank',
    tier: '1',
    captions: ['Customer number', 'Password'],
    forgot: 'https://www.anz.co.nz/banking-with-anz/internet-banking/forgotten-password/',
    color: '#007DBA',
  }),
  real({
    id: 'NZ00102',
    name: 'ASB Bank',
    shortName: 'ASB',
    institutionType: 'Bank',
    tier: '1',
    authorization: 'user-mfa-intermittent',
    captions: ['Username', 'Password'],
    forgot: 'https://www.asb.co.nz/online-banking/forgotten-password.html',
    color: '#FFCC00',
  }),
  real({
    id: 'NZ00103',
    name: 'Bank of New Zealand',
    shortName: 'BNZ',
    institutionType: 'Bank',
    tier: '1',
    captions: ['Access number', 'Password'],
    forgot: 'https://www.bnz.co.nz/support/internet-banking/forgotten-password',
    color: '#0033A0',
  }),
  real({
    id: 'NZ00104',
    name: 'Westpac New Zealand',
    shortName: 'Westpac',
    institutionType: 'Bank',
    tier: '1',
    captions: ['Customer ID', 'Password'],
    forgot: 'https://www.westpac.co.nz/online-banking/help/forgotten-password/',
    color: '#D5002B',
  }),

  // Second-tier and regional banks.
  real({
    id: 'AU00501',
    name: 'St.George Bank',
    shortName: 'St.George',
    institutionType: 'Bank',
    tier: '2',
    captions: ST_GEORGE_GROUP,
    forgot:
      'https://www.stgeorge.com.au/personal/bank-accounts/internet-banking/forgotten-password',
    color: '#E30613',
  }),
  real({
    id: 'AU00502',
    name: 'Bank of Melbourne',
    shortName: 'Bank of Melbourne',
    institutionType: 'Bank',
    tier: '2',
    captions: ST_GEORGE_GROUP,
    forgot: 'https://www.bankofmelbourne.com.au/personal/internet-banking/forgotten-password',
    color: '#A6192E',
  }),
  real({
    id: 'AU00503',
    name: 'BankSA',
    shortName: 'BankSA',
    institutionType: 'Bank',
    tier: '2',
    captions: ST_GEORGE_GROUP,
    forgot: 'https://www.banksa.com.au/personal/internet-banking/forgotten-password',
    color: '#00529B',
  }),
  real({
    id: 'AU00504',
    name: 'Bank of Queensland',
    shortName: 'BOQ',
    institutionType: 'Bank',
    tier: '2',
    captions: ['User ID', 'Password'],
    forgot: 'https://www.boq.com.au/help-and-support/internet-banking/forgotten-password',
    color: '#5B2C86',
  }),
  real({
    id: 'AU00505',
    name: 'Bendigo Bank',
    shortName: 'Bendigo Bank',
    institutionType: 'Bank',
    tier: '2',
    captions: ['Access ID', 'Password'],
    forgot: 'https://www.bendigobank.com.au/support/e-banking/forgotten-password/',
    color: '#8B1D41',
  }),
  real({
    id: 'AU00506',
    name: 'Suncorp Bank',
    shortName: 'Suncorp',
    institutionType: 'Bank',
    tier: '2',
    authorization: 'user-mfa-intermittent',
    captions: ['Customer ID', 'Password'],
    forgot:
      'https://www.suncorp.com.au/banking/help-support/internet-banking/forgotten-password.html',
    color: '#00736A',
  }),
  real({
    id: 'AU00507',
    name: 'ING',
    shortName: 'ING',
    institutionType: 'Bank',
    tier: '2',
    authorization: 'user-mfa-intermittent',
    captions: ['Client number', 'Access code'],
    forgot: 'https://www.ing.com.au/help-and-support/online-banking/forgotten-access-code.html',
    color: '#FF6200',
  }),
  real({
    id: 'AU00508',
    name: 'Macquarie Bank',
    shortName: 'Macquarie',
    institutionType: 'Bank',
    tier: '2',
    authorization: 'user-mfa',
    captions: ['Macquarie ID', 'Password'],
    forgot: 'https://www.macquarie.com.au/help/personal/online-banking/forgotten-password.html',
    color: '#000000',
  }),
  real({
    id: 'AU00509',
    name: 'ubank',
    shortName: 'ubank',
    institutionType: 'Bank',
    tier: '2',
    captions: ['Username', 'Password'],
    forgot: 'https://www.ubank.com.au/help/app-and-online-banking/forgotten-password',
    color: '#3D1CBA',
  }),
  real({
    id: 'AU00510',
    name: '86 400',
    shortName: '86 400',
    institutionType: 'Bank',
    tier: '3',
    status: 'under-maintenance',
    captions: ['Username', 'Password'],
    forgot: 'https://www.86400.com.au/help/forgotten-password',
    color: '#16145A',
  }),
  real({
    id: 'AU00511',
    name: 'AMP Bank',
    shortName: 'AMP',
    institutionType: 'Bank',
    tier: '2',
    captions: ['Username', 'Password'],
    forgot: 'https://www.amp.com.au/banking/help/my-amp/forgotten-password',
    color: '#1F4E9D',
  }),
  real({
    id: 'AU00512',
    name: 'HSBC Bank Australia',
    shortName: 'HSBC',
    institutionType: 'Bank (Foreign)',
    tier: '2',
    authorization: 'token',
    captions: ['Username', 'Password'],
    userTokenCaption: 'Security code',
    forgot: 'https://www.hsbc.com.au/ways-to-bank/online/forgotten-password/',
    color: '#DB0011',
  }),
  real({
    id: 'AU00513',
    name: 'Citibank Australia',
    shortName: 'Citibank',
    institutionType: 'Bank (Foreign)',
    tier: '2',
    captions: ['Username', 'Password'],
    forgot: 'https://www.citibank.com.au/online-banking/forgotten-password.html',
    color: '#056DAE',
  }),
  real({
    id: 'AU00514',
    name: 'ME Bank',
    shortName: 'ME',
    institutionType: 'Bank',
    tier: '2',
    captions: ['Customer ID', 'Password'],
    forgot: 'https://www.mebank.com.au/support/internet-banking/forgotten-password/',
    color: '#E2004D',
  }),
  real({
    id: 'AU00515',
    name: 'Bankwest',
    shortName: 'Bankwest',
    institutionType: 'Bank',
    tier: '2',
    captions: ['PAN', 'Secure code'],
    forgot: 'https://www.bankwest.com.au/support/online-banking/forgotten-secure-code',
    color: '#F39200',
  }),
  real({
    id: 'AU00516',
    name: 'Virgin Money Australia',
    shortName: 'Virgin Money',
    institutionType: 'Bank',
    tier: '3',
    captions: ['Username', 'Password'],
    forgot: 'https://virginmoney.com.au/help/online-banking/forgotten-password',
    color: '#CC0000',
  }),
  real({
    id: 'AU00517',
    name: 'Rabobank Australia',
    shortName: 'Rabobank',
    institutionType: 'Bank (Foreign)',
    tier: '3',
    captions: ['Customer number', 'Password'],
    forgot: 'https://www.rabobank.com.au/online-banking/forgotten-password/',
    color: '#000099',
  }),
  real({
    id: 'AU00518',
    name: 'Judo Bank',
    shortName: 'Judo',
    institutionType: 'Bank',
    tier: '3',
    stage: 'beta',
    authorization: 'user-mfa',
    captions: ['Email address', 'Password'],
    forgot: 'https://www.judo.bank/online-banking/forgotten-password',
    color: '#00205B',
  }),
  real({
    id: 'AU00519',
    name: 'Up',
    shortName: 'Up',
    institutionType: 'Bank',
    tier: '3',
    stage: 'beta',
    authorization: 'token',
    captions: ['Email address', 'Password'],
    userTokenCaption: 'Personal access token',
    forgot: 'https://up.com.au/help/forgotten-password/',
    color: '#FF7A64',
  }),
  real({
    id: 'AU00520',
    name: 'Alex Bank',
    shortName: 'Alex',
    institutionType: 'Bank',
    tier: '3',
    stage: 'alpha',
    noStats: true,
    captions: ['Email address', 'Password'],
    forgot: 'https://www.alex.bank/help/forgotten-password',
    color: '#1B1B1B',
  }),
  real({
    id: 'AU00521',
    name: 'Auswide Bank',
    shortName: 'Auswide',
    institutionType: 'Bank',
    tier: '3',
    status: 'partial-outage',
    captions: MEMBER,
    forgot: 'https://www.auswidebank.com.au/help/internet-banking/forgotten-password',
    color: '#00A4E4',
  }),
  real({
    id: 'AU00522',
    name: 'MyState Bank',
    shortName: 'MyState',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.mystate.com.au/help/internet-banking/forgotten-password/',
    color: '#E85A24',
  }),
  real({
    id: 'AU00523',
    name: 'Bank of Sydney',
    shortName: 'Bank of Sydney',
    institutionType: 'Bank',
    tier: '3',
    captions: ['Customer number', 'Password'],
    forgot: 'https://www.banksyd.com.au/internet-banking/forgotten-password/',
    color: '#C8102E',
  }),
  real({
    id: 'AU00524',
    name: 'Hume Bank',
    shortName: 'Hume Bank',
    institutionType: 'Bank',
    tier: '3',
    status: 'degraded-performance',
    captions: MEMBER,
    forgot: 'https://www.humebank.com.au/help/internet-banking/forgotten-password',
    color: '#00457C',
  }),

  // Customer-owned banks, credit unions and building societies.
  real({
    id: 'AU00601',
    name: 'Heritage Bank',
    shortName: 'Heritage',
    institutionType: 'Bank',
    tier: '2',
    captions: ['Customer number', 'Password'],
    forgot: 'https://www.heritage.com.au/help/internet-banking/forgotten-password',
    color: '#00507A',
  }),
  real({
    id: 'AU00602',
    name: "People's Choice",
    shortName: "People's Choice",
    institutionType: 'Bank',
    tier: '2',
    captions: MEMBER,
    forgot: 'https://www.peopleschoice.com.au/help/internet-banking/forgotten-password',
    color: '#E6007E',
  }),
  real({
    id: 'AU00603',
    name: 'Beyond Bank Australia',
    shortName: 'Beyond Bank',
    institutionType: 'Bank',
    tier: '2',
    captions: MEMBER,
    forgot: 'https://www.beyondbank.com.au/help/internet-banking/forgotten-password.html',
    color: '#0E3C6E',
  }),
  real({
    id: 'AU00604',
    name: 'Great Southern Bank',
    shortName: 'Great Southern Bank',
    institutionType: 'Bank',
    tier: '2',
    captions: MEMBER,
    forgot: 'https://www.greatsouthernbank.com.au/help/internet-banking/forgotten-password',
    color: '#5F259F',
  }),
  real({
    id: 'AU00605',
    name: 'Newcastle Permanent Building Society',
    shortName: 'Newcastle Permanent',
    institutionType: 'Building Society',
    tier: '2',
    captions: ['Client number', 'Password'],
    forgot: 'https://www.newcastlepermanent.com.au/help/internet-banking/forgotten-password',
    color: '#003E7E',
  }),
  real({
    id: 'AU00606',
    name: 'IMB Bank',
    shortName: 'IMB',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.imb.com.au/help/internet-banking/forgotten-password',
    color: '#E2001A',
  }),
  real({
    id: 'AU00607',
    name: 'Teachers Mutual Bank',
    shortName: 'Teachers Mutual',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.tmbank.com.au/help/internet-banking/forgotten-password',
    color: '#3B1E6E',
  }),
  real({
    id: 'AU00608',
    name: 'Police Bank',
    shortName: 'Police Bank',
    institutionType: 'Bank',
    tier: '3',
    status: 'under-maintenance',
    captions: MEMBER,
    forgot: 'https://www.policebank.com.au/help/internet-banking/forgotten-password/',
    color: '#002F6C',
  }),
  real({
    id: 'AU00609',
    name: 'Australian Military Bank',
    shortName: 'Australian Military Bank',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.australianmilitarybank.com.au/help/internet-banking/forgotten-password',
    color: '#1C2B4A',
  }),
  real({
    id: 'AU00610',
    name: 'Defence Bank',
    shortName: 'Defence Bank',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.defencebank.com.au/help/internet-banking/forgotten-password/',
    color: '#005A46',
  }),
  real({
    id: 'AU00611',
    name: 'Greater Bank',
    shortName: 'Greater Bank',
    institutionType: 'Bank',
    tier: '3',
    captions: ['Customer number', 'Password'],
    forgot: 'https://www.greater.com.au/help/internet-banking/forgotten-password',
    color: '#00A9E0',
  }),
  real({
    id: 'AU00612',
    name: 'Bank Australia',
    shortName: 'Bank Australia',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.bankaust.com.au/help/internet-banking/forgotten-password',
    color: '#00A99D',
  }),
  real({
    id: 'AU00613',
    name: 'Bank First',
    shortName: 'Bank First',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.bankfirst.com.au/help/internet-banking/forgotten-password',
    color: '#00355F',
  }),
  real({
    id: 'AU00614',
    name: 'BCU Bank',
    shortName: 'BCU',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.bcu.com.au/help/internet-banking/forgotten-password',
    color: '#0085CA',
  }),
  real({
    id: 'AU00615',
    name: 'Community First Bank',
    shortName: 'Community First',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.communityfirst.com.au/help/internet-banking/forgotten-password',
    color: '#E35205',
  }),
  real({
    id: 'AU00616',
    name: 'Credit Union SA',
    shortName: 'Credit Union SA',
    institutionType: 'Credit Union',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.creditunionsa.com.au/help/internet-banking/forgotten-password',
    color: '#00A0DF',
  }),
  real({
    id: 'AU00617',
    name: 'Gateway Bank',
    shortName: 'Gateway',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.gatewaybank.com.au/help/internet-banking/forgotten-password',
    color: '#ED1C24',
  }),
  real({
    id: 'AU00618',
    name: 'G&C Mutual Bank',
    shortName: 'G&C Mutual',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.gcmutualbank.com.au/help/internet-banking/forgotten-password',
    color: '#00529C',
  }),
  real({
    id: 'AU00619',
    name: 'The Mutual Bank',
    shortName: 'The Mutual',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.themutual.com.au/help/internet-banking/forgotten-password',
    color: '#7A1F5C',
  }),
  real({
    id: 'AU00620',
    name: 'Northern Inland Credit Union',
    shortName: 'NICU',
    institutionType: 'Credit Union',
    tier: '3',
    status: 'major-outage',
    captions: MEMBER,
    forgot: 'https://www.nicu.com.au/help/internet-banking/forgotten-password',
    color: '#0067B1',
  }),
  real({
    id: 'AU00621',
    name: 'P&N Bank',
    shortName: 'P&N Bank',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.pnbank.com.au/help/internet-banking/forgotten-password',
    color: '#0057B8',
  }),
  real({
    id: 'AU00622',
    name: 'Qudos Bank',
    shortName: 'Qudos',
    institutionType: 'Bank',
    tier: '3',
    status: 'degraded-performance',
    captions: MEMBER,
    forgot: 'https://www.qudosbank.com.au/help/internet-banking/forgotten-password',
    color: '#D50032',
  }),
  real({
    id: 'AU00623',
    name: 'Queensland Country Bank',
    shortName: 'Queensland Country',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.queenslandcountry.bank/help/internet-banking/forgotten-password',
    color: '#00843D',
  }),
  real({
    id: 'AU00624',
    name: 'RACQ Bank',
    shortName: 'RACQ Bank',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.racq.com.au/bank/help/internet-banking/forgotten-password',
    color: '#003F87',
  }),
  real({
    id: 'AU00625',
    name: 'Regional Australia Bank',
    shortName: 'Regional Australia Bank',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.regionalaustraliabank.com.au/help/internet-banking/forgotten-password',
    color: '#00A19B',
  }),
  real({
    id: 'AU00626',
    name: 'Summerland Bank',
    shortName: 'Summerland',
    institutionType: 'Bank',
    tier: '3',
    stage: 'beta',
    captions: MEMBER,
    forgot: 'https://www.summerland.com.au/help/internet-banking/forgotten-password',
    color: '#F7941D',
  }),
  real({
    id: 'AU00627',
    name: 'Unity Bank',
    shortName: 'Unity Bank',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.unitybank.com.au/help/internet-banking/forgotten-password',
    color: '#002B49',
  }),
  real({
    id: 'AU00628',
    name: 'Family First Credit Union',
    shortName: 'Family First',
    institutionType: 'Credit Union',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.familyfirst.com.au/help/internet-banking/forgotten-password',
    color: '#E4032E',
  }),
  real({
    id: 'AU00629',
    name: 'Horizon Bank',
    shortName: 'Horizon',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.horizonbank.com.au/help/internet-banking/forgotten-password',
    color: '#F26522',
  }),
  real({
    id: 'AU00630',
    name: 'Laboratories Credit Union',
    shortName: 'LCU',
    institutionType: 'Credit Union',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.lcu.com.au/help/internet-banking/forgotten-password',
    color: '#00A3AD',
  }),
  real({
    id: 'AU00631',
    name: 'Warwick Credit Union',
    shortName: 'Warwick CU',
    institutionType: 'Credit Union',
    tier: '3',
    stage: 'alpha',
    noStats: true,
    captions: MEMBER,
    forgot: 'https://www.warwickcu.com.au/help/internet-banking/forgotten-password',
    color: '#003A70',
  }),
  real({
    id: 'AU00632',
    name: 'Coastline Bank',
    shortName: 'Coastline',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.coastline.com.au/help/internet-banking/forgotten-password',
    color: '#0077C8',
  }),
  real({
    id: 'AU00633',
    name: 'Central Murray Bank',
    shortName: 'Central Murray',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.centralmurray.com.au/help/internet-banking/forgotten-password',
    color: '#006B54',
  }),
  real({
    id: 'AU00634',
    name: 'First Option Bank',
    shortName: 'First Option',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.firstoption.com.au/help/internet-banking/forgotten-password',
    color: '#00AEEF',
  }),
  real({
    id: 'AU00635',
    name: 'Health Professionals Bank',
    shortName: 'HP Bank',
    institutionType: 'Bank',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.hpbank.com.au/help/internet-banking/forgotten-password',
    color: '#00857C',
  }),
  real({
    id: 'AU00636',
    name: 'Bank of us',
    shortName: 'Bank of us',
    institutionType: 'Bank',
    tier: '3',
    stage: 'alpha',
    captions: MEMBER,
    forgot: 'https://www.bankofus.com.au/help/internet-banking/forgotten-password',
    color: '#00B2A9',
  }),

  // Cards and superannuation.
  real({
    id: 'AU00701',
    name: 'Latitude Financial Services',
    shortName: 'Latitude',
    institutionType: 'Financial Services',
    tier: '2',
    serviceName: 'Card Services',
    serviceType: 'Card Access',
    captions: ['Username', 'Password'],
    forgot: 'https://www.latitudefinancial.com.au/help/forgotten-password/',
    color: '#0046AA',
  }),
  real({
    id: 'AU00702',
    name: 'American Express Australia',
    shortName: 'Amex',
    institutionType: 'Financial Services',
    tier: '2',
    serviceName: 'Card Services',
    serviceType: 'Card Access',
    captions: ['User ID', 'Password'],
    forgot: 'https://www.americanexpress.com/en-au/account/login/recover',
    color: '#006FCF',
  }),
  real({
    id: 'AU00703',
    name: 'AustralianSuper',
    shortName: 'AustralianSuper',
    institutionType: 'Superannuation',
    tier: '2',
    stage: 'beta',
    serviceName: 'Member Online',
    serviceType: 'Superannuation',
    captions: MEMBER,
    forgot: 'https://www.australiansuper.com/login/forgotten-password',
    color: '#FFB81C',
  }),

  // New Zealand beyond the big four.
  real({
    id: 'NZ00201',
    name: 'Kiwibank',
    shortName: 'Kiwibank',
    institutionType: 'Bank',
    tier: '2',
    authorization: 'user-mfa',
    captions: ['Access number', 'Password'],
    forgot: 'https://www.kiwibank.co.nz/contact-us/support/internet-banking/forgotten-password/',
    color: '#6CB33F',
  }),
  real({
    id: 'NZ00202',
    name: 'TSB Bank',
    shortName: 'TSB',
    institutionType: 'Bank',
    tier: '2',
    captions: ['Username', 'Password'],
    forgot: 'https://www.tsb.co.nz/help/internet-banking/forgotten-password',
    color: '#00A5B5',
  }),
  real({
    id: 'NZ00203',
    name: 'The Co-operative Bank',
    shortName: 'Co-operative Bank',
    institutionType: 'Bank',
    tier: '3',
    captions: ['Customer number', 'Password'],
    forgot: 'https://www.co-operativebank.co.nz/help/internet-banking/forgotten-password',
    color: '#F05A28',
  }),
  real({
    id: 'NZ00204',
    name: 'SBS Bank',
    shortName: 'SBS',
    institutionType: 'Bank',
    tier: '3',
    captions: ['Username', 'Password'],
    forgot: 'https://www.sbsbank.co.nz/help/internet-banking/forgotten-password',
    color: '#00467F',
  }),
  real({
    id: 'NZ00205',
    name: 'Heartland Bank',
    shortName: 'Heartland',
    institutionType: 'Bank',
    tier: '3',
    stage: 'beta',
    captions: ['Username', 'Password'],
    forgot: 'https://www.heartland.co.nz/help/online-banking/forgotten-password',
    color: '#00857C',
  }),
  real({
    id: 'NZ00206',
    name: 'Rabobank New Zealand',
    shortName: 'Rabobank',
    institutionType: 'Bank (Foreign)',
    tier: '3',
    authorization: 'token',
    captions: ['Customer number', 'Password'],
    userTokenCaption: 'Rabo Scanner response code',
    forgot: 'https://www.rabobank.co.nz/online-banking/forgotten-password/',
    color: '#000099',
  }),
  real({
    id: 'NZ00207',
    name: 'HSBC New Zealand',
    shortName: 'HSBC',
    institutionType: 'Bank (Foreign)',
    tier: '3',
    captions: ['Username', 'Password'],
    forgot: 'https://www.hsbc.co.nz/ways-to-bank/online/forgotten-password/',
    color: '#DB0011',
  }),
  real({
    id: 'NZ00208',
    name: 'Nelson Building Society',
    shortName: 'NBS',
    institutionType: 'Building Society',
    tier: '3',
    captions: ['Customer number', 'Password'],
    forgot: 'https://www.nbs.co.nz/help/internet-banking/forgotten-password',
    color: '#003F72',
  }),
  real({
    id: 'NZ00209',
    name: 'First Credit Union',
    shortName: 'First CU',
    institutionType: 'Credit Union',
    tier: '3',
    stage: 'alpha',
    status: 'under-improvement',
    noStats: true,
    captions: MEMBER,
    forgot: 'https://www.firstcu.co.nz/help/internet-banking/forgotten-password',
    color: '#E31837',
  }),
  real({
    id: 'NZ00210',
    name: 'NZCU Baywide',
    shortName: 'NZCU Baywide',
    institutionType: 'Credit Union',
    tier: '3',
    captions: MEMBER,
    forgot: 'https://www.nzcubaywide.co.nz/help/internet-banking/forgotten-password',
    color: '#00A1DE',
  }),
  real({
    id: 'NZ00211',
    name: 'Unity Credit Union',
    shortName: 'Unity',
    institutionType: 'Credit Union',
    tier: '3',
    noStats: true,
    captions: MEMBER,
    forgot: 'https://www.unity.co.nz/help/internet-banking/forgotten-password',
    color: '#4B2E83',
  }),
]

/**
 * The sandbox's institution catalogue: the five documented test banks first, then real Australian and
 * New Zealand institutions. Records are frozen and their URLs are sandbox-relative paths; call
 * {@link withBaseUrl} for a copy with absolute URLs.
 */
export const institutions: readonly SandboxInstitution[] = deepFreeze([
  ...testBanks,
  ...realInstitutions,
])

/**
 * A deep copy of `institution` whose `links.self` and logo links are absolute URLs on `baseUrl`
 * (e.g. `http://127.0.0.1:4010`). Paths that are already absolute are left as they are.
 * @throws {TypeError} when `baseUrl` is not an absolute http(s) URL.
 */
export function withBaseUrl(institution: SandboxInstitution, baseUrl: string): SandboxInstitution {
  const origin = normaliseBaseUrl(baseUrl)
  const copy = structuredClone(institution)
  copy.links.self = absolute(origin, copy.links.self)
  copy.logo.links.square = absolute(origin, copy.logo.links.square)
  copy.logo.links.full = absolute(origin, copy.logo.links.full)
  return copy
}

/**
 * Returns a function that gives {@link withBaseUrl} copies for one base URL, validating it once.
 * @throws {TypeError} when `baseUrl` is not an absolute http(s) URL.
 */
export function institutionLinks(baseUrl: string): (i: SandboxInstitution) => SandboxInstitution {
  normaliseBaseUrl(baseUrl)
  return (institution) => withBaseUrl(institution, baseUrl)
}

/** The catalogue record with this id, or `undefined`. */
export function findInstitution(
  id: string,
  catalogue: readonly SandboxInstitution[] = institutions,
): SandboxInstitution | undefined {
  return catalogue.find((institution) => institution.id === id)
}

function normaliseBaseUrl(baseUrl: string): string {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    throw new TypeError(
      `Sandbox base URL must be an absolute http(s) URL such as "http://127.0.0.1:4010", got ${JSON.stringify(baseUrl)}`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Sandbox base URL must use http or https, got ${JSON.stringify(baseUrl)}`)
  }
  // A base URL may carry a path prefix (the sandbox mounted under /basiq); keep it, minus the slash.
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function absolute(base: string, path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path
  return `${base}${path.startsWith('/') ? '' : '/'}${path}`
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}
