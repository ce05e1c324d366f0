import * as v from 'valibot'
import { BasiqParseError } from './errors.ts'
import type { BasiqRequestInfo } from './errors.ts'

// Every object schema here is a `looseObject`: keys the schema does not know are kept in the
// parsed value (untyped). Basiq adds fields over time and a caller may want one before this kit
// types it; dropping them would force a second, unparsed request path. Types below describe only
// the known keys.

/**
 * A string union that still accepts any other string, so a value Basiq adds later type-checks and
 * parses instead of crashing; editors still suggest the known values.
 */
export type OpenUnion<Known extends string> = Known | (string & {})

/** Institution health as Basiq reports it in `status` (known values, any string accepted). */
export const institutionStatuses = [
  'operational',
  'degraded-performance',
  'partial-outage',
  'major-outage',
  'under-maintenance',
  'under-improvement',
] as const
/** Institution health; see {@link institutionStatuses}. Unknown values are kept as strings. */
export type InstitutionStatus = OpenUnion<(typeof institutionStatuses)[number]>
/** Maturity of an institution's connector: `live` (mature), `beta` (new), `alpha` (partial). */
export type InstitutionStage = OpenUnion<'live' | 'beta' | 'alpha'>
/**
 * What a connection needs: `user` login + password; `token` a user token; `user-mfa` always an
 * MFA step after credentials; `user-mfa-intermittent` sometimes one.
 */
export type InstitutionAuthorization = OpenUnion<
  'user' | 'token' | 'other' | 'user-mfa' | 'user-mfa-intermittent'
>
/** Kind of institution, e.g. `'Bank'`, `'Credit Union'`, `'Test Bank'`. */
export type InstitutionType = OpenUnion<
  | 'Bank'
  | 'Bank (Foreign)'
  | 'Test Bank'
  | 'Credit Union'
  | 'Financial Services'
  | 'Superannuation'
  | 'Building Society'
  | 'Government'
>
/** Which online service the connection logs in to, e.g. `'Personal Banking'`. */
export type InstitutionServiceType = OpenUnion<
  | 'Personal Banking'
  | 'Business Banking'
  | 'Card Access'
  | 'Test'
  | 'Superannuation'
  | 'Government Services'
>
/** Market-impact tier as a string (`'1'` = biggest). Compare as strings, not numbers. */
export type InstitutionTier = OpenUnion<'1' | '2' | '3' | '4'>
/** Where a feature's data comes from. */
export type SourceName = OpenUnion<'web' | 'open-banking' | 'pdf' | 'csv'>
/** Step names of a Basiq job, known values; see {@link StepTitle}. */
export const stepTitles = [
  'verify-credentials',
  'mfa-challenge',
  'retrieve-accounts',
  'retrieve-transactions',
  'retrieve-statements',
  'create-report',
] as const
/** Title of a job step. Unknown titles are kept as strings. */
export type StepTitle = OpenUnion<(typeof stepTitles)[number]>
/** Status values of a job step, known values; see {@link StepStatus}. */
export const stepStatuses = ['pending', 'in-progress', 'success', 'failed'] as const
/** Status of a job step. An unknown status (e.g. `'skipped'`) is kept as a string. */
export type StepStatus = OpenUnion<(typeof stepStatuses)[number]>
/** Failure codes a job step may carry (known values; Basiq adds codes over time). */
export type JobErrorCode = OpenUnion<
  | 'invalid-credentials'
  | 'account-not-accessible-requires-user-action'
  | 'service-unavailable'
  | 'authorization-failed'
  | 'user-action-required'
  | 'system-unavailable'
  | 'maintenance'
  | 'connector-error'
  | 'institution-not-found'
  | 'institution-not-available'
  | 'institution-disabled'
  | 'invalid-connection'
  | 'unknown-error'
  | 'job-timed-out'
>
/** MFA challenge kinds. */
export type MfaMethod = OpenUnion<'token' | 'security-questions'>
/** Connection status: `pending` until credentials verify, `active`, `invalid` (needs new password). */
export type ConnectionStatus = OpenUnion<'pending' | 'active' | 'invalid' | 'pre-init'>

/** A link to another resource: `{ self }` (absolute URL). */
export interface ResourceLinks {
  /** URL of the resource itself. */
  self: string
}

/** Which data an institution supports, per source. */
export interface InstitutionFeatures {
  /** Sources a login can use. */
  login: SourceName[]
  /** Sources that can present an MFA challenge. */
  mfaChallenge?: SourceName[]
  /** Account fields and their sources, e.g. `{ balance: ['web'] }`. */
  accounts?: Record<string, SourceName[]>
  /** Transaction fields and their sources. */
  transactions?: Record<string, SourceName[]>
  /** Profile fields and their sources. */
  profile?: Record<string, SourceName[]>
}

/** Average job-step durations over the past 7 days, in milliseconds. */
export interface InstitutionDurations {
  /** Average `verify-credentials` duration. */
  verifyCredentials?: number
  /** Average `retrieve-accounts` duration. */
  retrieveAccounts?: number
  /** Average `retrieve-transactions` duration. */
  retrieveTransactions?: number
  /** Average metadata retrieval duration. */
  retrieveMeta?: number
  /** Average total job duration. */
  total?: number
}

/** A bank or other institution a user can connect to (`GET /institutions/{id}`). */
export interface Institution {
  /** Always `'institution'`. */
  type: 'institution'
  /** Basiq id, e.g. `'AU00000'`. */
  id: string
  /** Full name, e.g. `'Hooli Bank'`. */
  name: string
  /** Short name, e.g. `'Hooli'`. */
  shortName: string
  /** Kind of institution. */
  institutionType: InstitutionType
  /** `'Australia'` or `'New Zealand'` (any string accepted). */
  country: string
  /** Online service name, e.g. `'Personal Online Banking'`. */
  serviceName: string
  /** Online service type. */
  serviceType: InstitutionServiceType
  /** Market-impact tier, a string. */
  tier: InstitutionTier
  /** What a connection needs (credentials, token, MFA). */
  authorization: InstitutionAuthorization
  /** Connector maturity. */
  stage: InstitutionStage
  /** Current health. */
  status: InstitutionStatus
  /** Label of the login id field, e.g. `'Login'`. */
  loginIdCaption?: string
  /** Label of the password field. */
  passwordCaption?: string
  /** Label of the security code field; present only when the bank needs one. */
  securityCodeCaption?: string
  /** Label of the secondary login id field; present only when the bank needs one. */
  secondaryLoginIdCaption?: string
  /** Label of the user token field (for `authorization: 'token'`). */
  userTokenCaption?: string
  /** The bank's own "forgot password" page. */
  forgottenPasswordUrl?: string
  /** Supported data, per source. */
  features: InstitutionFeatures
  /** Performance statistics. */
  stats: {
    /** Average durations; `null` when Basiq has no recent jobs to average. */
    averageDurationMs: InstitutionDurations | null
  }
  /** Logo images. */
  logo: {
    /** Always `'image'`. */
    type: string
    /** Brand colours, when known. */
    colors?: { primary?: string } | null
    /** Logo URLs (SVG). */
    links: { square: string; full: string }
  }
  /** `{ self }`. */
  links: ResourceLinks
}

/** `GET /institutions` and `GET /public/institutions`. */
export interface InstitutionList {
  /** Always `'list'`. */
  type: 'list'
  /** Number of institutions; the length of `data` when Basiq omits it. */
  totalCount: number
  /** The institutions. */
  data: Institution[]
  /** `{ self }`. */
  links: ResourceLinks
}

/** A reference to another resource: `{ type, id, links: { self } }`. */
export interface ResourceRef<Type extends string = string> {
  /** Resource type, e.g. `'institution'`. */
  type: Type
  /** Resource id. */
  id: string
  /** `{ self }`; may be absent on some embedded references. */
  links?: ResourceLinks
}

/** The 202 answer of an asynchronous call (create/update/refresh connection, MFA). */
export interface JobStub {
  /** Always `'job'`. */
  type: 'job'
  /** Job id; poll `GET /jobs/{id}`. */
  id: string
  /** `{ self }`: the job URL. */
  links: ResourceLinks
}

/** A step result pointing to the created or updated resource (relative URL). */
export interface LinkResult {
  /** Discriminant. */
  type: 'link'
  /** Relative URL, e.g. `'/users/{u}/connections/{c}'`. */
  url: string
}

/** The bank asks the user for an MFA answer (`mfa-challenge` step in progress). */
export interface MfaResult {
  /** Discriminant. */
  type: 'mfa'
  /** `'token'` (one-time code) or `'security-questions'`. */
  method: MfaMethod
  /** Instructions to show; `''` when Basiq sent none. */
  description: string
  /** One prompt per answer the user must give, in order. */
  input: string[]
  /** How long the challenge stays open, in milliseconds. */
  expiryMs: number
  /** `{ response }`: where answers are posted (`/jobs/{id}/mfa`). */
  links: { response: string }
}

/**
 * A failed step's error. Basiq sends it without a `type`; the parser adds `type: 'error'` so the
 * union discriminates, and reads `details` (spelled so in parts of the spec) into `detail`.
 */
export interface ErrorResult {
  /** Discriminant added by the parser. */
  type: 'error'
  /** Failure code, e.g. `'invalid-credentials'`. */
  code: JobErrorCode
  /** Short title; `''` when Basiq sent none. */
  title: string
  /** Explanation to pass on to the user; `''` when Basiq sent none. */
  detail: string
}

/**
 * The job is held back because the same credentials are already being connected (Basiq's
 * 6-minute duplicate-credentials pause), as the bankconnect sandbox represents it.
 */
export interface PauseResult {
  /** Discriminant. */
  type: 'pause'
  /** Why the job is paused. */
  code: string
  /** Short title. */
  title: string
  /** Explanation; `''` when none was sent. */
  detail: string
  /** When the job resumes (ISO 8601). */
  resumeAt: string
}

/** A result this kit does not recognise, kept verbatim rather than rejected. */
export interface UnknownResult {
  /** Discriminant added by the parser. */
  type: 'unknown'
  /** The result exactly as received. */
  raw: unknown
}

/** What a job step produced, discriminated by `type`. */
export type StepResult = LinkResult | MfaResult | ErrorResult | PauseResult | UnknownResult

/** One step of a job. */
export interface JobStep {
  /** Step name, e.g. `'verify-credentials'`. */
  title: StepTitle
  /** Step status, e.g. `'in-progress'`. */
  status: StepStatus
  /** Outcome so far; `null` while there is none. */
  result: StepResult | null
}

/** `GET /jobs/{id}`: an asynchronous operation and its steps. */
export interface Job {
  /** Always `'job'`. */
  type: 'job'
  /** Job id. */
  id: string
  /** Creation time (ISO 8601). */
  created: string
  /** Last update time (ISO 8601). */
  updated: string
  /** `'connection'` or `'report'` (newer API versions only). */
  jobType?: OpenUnion<'connection' | 'report'>
  /** Overall status (newer API versions, report jobs only). */
  status?: string
  /** Institution of the job (present on items of `GET /users/{id}/jobs`). */
  institution?: ResourceRef
  /** The steps, in order. */
  steps: JobStep[]
  /** `self`: the job URL; `source`: the connection URL (absent for statement jobs). */
  links?: { self: string; source?: string }
}

/** `GET /users/{id}/jobs` (Basiq only lists jobs younger than 7 days). */
export interface JobList {
  /** Always `'list'`. */
  type: 'list'
  /** Number of jobs; the length of `data` when Basiq omits it. */
  size: number
  /** The jobs. */
  data: Job[]
  /** `{ self }`, when sent. */
  links?: ResourceLinks
}

/** An account held with an institution. */
export interface Account {
  /** Always `'account'`. */
  type: 'account'
  /** Account id. */
  id: string
  /** Account number as the bank formats it. */
  accountNo: string
  /** Account name. */
  name: string
  /** ISO 4217 currency, e.g. `'AUD'`. */
  currency: string
  /** Product class, e.g. `{ type: 'transaction', product: 'Hooli Transaction' }`. */
  class: { type: string; product: string }
  /** Balance as a decimal string; `null` when unknown. */
  balance: string | null
  /** Available funds as a decimal string; `null` when unknown. */
  availableFunds: string | null
  /** Last update time (ISO 8601). */
  lastUpdated: string
  /** `'available'` or `'unavailable'`. */
  status: OpenUnion<'available' | 'unavailable'>
  /** Date ranges the transactions cover. */
  transactionIntervals?: { from: string; to: string }[]
  /** Institution id, e.g. `'AU00000'` (absent on accounts embedded in a connection). */
  institution?: string
  /** Account holder name as the bank returns it; `null` when not available. */
  accountHolder?: string | null
  /** Id of the connection the account came from. */
  connection?: string
  /** `self`, `transactions`, and (sometimes) `institution` URLs. */
  links: {
    self: string
    transactions?: string
    institution?: string
    connection?: string | null
  }
}

/** `GET /users/{id}/accounts`. */
export interface AccountList {
  /** Always `'list'`. */
  type: 'list'
  /** The accounts. */
  data: Account[]
  /** `{ self }`, when sent. */
  links?: ResourceLinks
}

/** Profile of the account holder as read from the bank. */
export interface ConnectionProfile {
  /** Full name. */
  fullName?: string
  /** First name. */
  firstName?: string
  /** Last name. */
  lastName?: string
  /** Middle name. */
  middleName?: string
  /** Phone numbers. */
  phoneNumbers?: string[]
  /** Email addresses. */
  emailAddresses?: string[]
  /** Postal addresses, as Basiq sends them. */
  physicalAddresses?: Record<string, unknown>[]
}

/** `GET /users/{u}/connections/{c}`: the link between a user and an institution login. */
export interface Connection {
  /** Always `'connection'`. */
  type: 'connection'
  /** Connection id. */
  id: string
  /** Status (SERVER_ACCESS tokens only; absent with CLIENT_ACCESS). */
  status?: ConnectionStatus
  /** Creation time (ISO 8601; SERVER_ACCESS only). */
  createdDate?: string
  /** When the connection last fetched data (ISO 8601; SERVER_ACCESS only). */
  lastUsed?: string
  /** Whether the bank asks for MFA on this connection (an extra job step). */
  mfaEnabled?: boolean
  /** `'web'` or `'openbanking'` (newer API versions). */
  method?: string
  /** The institution. */
  institution: ResourceRef
  /** Account holder profile, when retrieved. */
  profile?: ConnectionProfile
  /** Accounts of this connection, when embedded. */
  accounts?: { type: string; data: Account[] }
  /** Related URLs. */
  links: {
    self: string
    user?: string
    accounts?: string
    transactions?: string
    institution?: string
  }
}

/** `GET /users/{id}/connections`. */
export interface ConnectionList {
  /** Always `'list'`. */
  type: 'list'
  /** The connections. */
  data: Connection[]
  /** `{ self }`, when sent. */
  links?: ResourceLinks
}

/** A Basiq user (`POST /users`, `GET /users/{id}`). */
export interface User {
  /** Always `'user'`. */
  type: 'user'
  /** User id. */
  id: string
  /** Email, when set. */
  email?: string
  /** Mobile number in international format, when set. */
  mobile?: string
  /** Name, when set (often `''`). */
  name?: string
  /** References to the user's accounts (`GET /users/{id}` only). */
  accounts?: { type: string; count?: number; data: ResourceRef[] }
  /** References to the user's connections (`GET /users/{id}` only). */
  connections?: { type: string; count?: number; data: ResourceRef[] }
  /** `self` and related URLs. */
  links: {
    self: string
    accounts?: string
    connections?: string
    transactions?: string
    auth_link?: string | null
  }
}

/** A bank transaction. */
export interface Transaction {
  /** Always `'transaction'`. */
  type: 'transaction'
  /** Transaction id (pending transactions get new ids on refresh). */
  id: string
  /** `'pending'` or `'posted'`. */
  status: OpenUnion<'pending' | 'posted'>
  /** Description as the bank sent it. */
  description: string
  /** Amount as a decimal string; outgoing funds are negative. */
  amount: string
  /** Account id. */
  account: string
  /** Balance after the transaction, as a decimal string; `null` when unknown. */
  balance: string | null
  /** `'debit'` or `'credit'`. */
  direction: OpenUnion<'debit' | 'credit'>
  /** Transaction class, e.g. `'payment'`. */
  class: string
  /** Institution id. */
  institution: string
  /** Connection id. */
  connection: string
  /** When the user made the transaction (ISO 8601), when the bank says. */
  transactionDate?: string | null
  /** When it was posted (ISO 8601); `null` while pending. */
  postDate: string | null
  /** Sub-class, when known. */
  subClass?: { title: string; code: string } | null
  /** `self` and related URLs. */
  links: {
    self: string
    account?: string
    institution?: string
    connection?: string | null
  }
}

/** `GET /users/{id}/transactions`. */
export interface TransactionList {
  /** Always `'list'`. */
  type: 'list'
  /** Number of transactions in this page. */
  count?: number
  /** Total size. */
  size?: number
  /** The transactions. */
  data: Transaction[]
  /** `self`, and `next` when there is another page. */
  links?: { self: string; next?: string }
}

/** A token answer: from `POST /token`, or from the app's token endpoint. */
export interface TokenResponse {
  /** The bearer token. */
  access_token: string
  /** `'Bearer'`, when sent. */
  token_type?: string
  /** Lifetime in seconds (Basiq: 3600). */
  expires_in: number
}

/** The Basiq error envelope of a non-2xx answer. */
export interface BasiqErrorEnvelope {
  /** Always `'list'`. */
  type: 'list'
  /** Id to quote to Basiq support. */
  correlationId?: string
  /** The errors. */
  data: {
    type: 'error'
    code: string
    title: string
    detail?: string
    source?: { pointer?: string; parameter?: string } | null
  }[]
}

/** A valibot schema whose output is `Output`, for {@link parseResource}. */
export type ResourceSchema<Output> = v.GenericSchema<unknown, Output>

function openString<Known extends string>() {
  return v.pipe(
    v.string(),
    v.transform((value): OpenUnion<Known> => value),
  )
}

// `type` fields: a missing one is filled in, a wrong one means we got some other resource.
function typeTag<const Tag extends string>(tag: Tag) {
  return v.optional(v.literal(tag), tag)
}

const sources = v.array(openString<SourceName>())
const sourceRecord = v.record(v.string(), sources)
const links = v.looseObject({ self: v.string() })

const resourceRef = v.looseObject({
  type: v.string(),
  id: v.string(),
  links: v.optional(links),
})

/** Schema of {@link Institution}. */
export const InstitutionSchema: ResourceSchema<Institution> = v.looseObject({
  type: typeTag('institution'),
  id: v.string(),
  name: v.string(),
  shortName: v.string(),
  institutionType: openString<InstitutionType>(),
  country: v.string(),
  serviceName: v.string(),
  serviceType: openString<InstitutionServiceType>(),
  tier: openString<InstitutionTier>(),
  authorization: openString<InstitutionAuthorization>(),
  stage: openString<InstitutionStage>(),
  status: openString<InstitutionStatus>(),
  loginIdCaption: v.optional(v.string()),
  passwordCaption: v.optional(v.string()),
  securityCodeCaption: v.optional(v.string()),
  secondaryLoginIdCaption: v.optional(v.string()),
  userTokenCaption: v.optional(v.string()),
  forgottenPasswordUrl: v.optional(v.string()),
  features: v.looseObject({
    login: sources,
    mfaChallenge: v.optional(sources),
    accounts: v.optional(sourceRecord),
    transactions: v.optional(sourceRecord),
    profile: v.optional(sourceRecord),
  }),
  stats: v.looseObject({
    averageDurationMs: v.nullish(
      v.looseObject({
        verifyCredentials: v.optional(v.number()),
        retrieveAccounts: v.optional(v.number()),
        retrieveTransactions: v.optional(v.number()),
        retrieveMeta: v.optional(v.number()),
        total: v.optional(v.number()),
      }),
      null,
    ),
  }),
  logo: v.looseObject({
    type: v.string(),
    colors: v.nullish(v.looseObject({ primary: v.optional(v.string()) })),
    links: v.looseObject({ square: v.string(), full: v.string() }),
  }),
  links,
})

/** Schema of {@link InstitutionList}. */
export const InstitutionListSchema: ResourceSchema<InstitutionList> = v.pipe(
  v.looseObject({
    type: typeTag('list'),
    totalCount: v.optional(v.number()),
    data: v.array(InstitutionSchema),
    links,
  }),
  v.transform((list) => ({ ...list, totalCount: list.totalCount ?? list.data.length })),
)

/** Schema of {@link JobStub}. */
export const JobStubSchema: ResourceSchema<JobStub> = v.looseObject({
  type: typeTag('job'),
  id: v.string(),
  links,
})

const LinkResultSchema = v.looseObject({ type: v.literal('link'), url: v.string() })

const MfaResultSchema = v.looseObject({
  type: v.literal('mfa'),
  method: openString<MfaMethod>(),
  description: v.optional(v.string(), ''),
  input: v.array(v.string()),
  expiryMs: v.number(),
  links: v.looseObject({ response: v.string() }),
})

const PauseResultSchema = v.looseObject({
  type: v.literal('pause'),
  code: v.string(),
  title: v.string(),
  detail: v.optional(v.string(), ''),
  resumeAt: v.string(),
})

const ErrorResultSchema = v.pipe(
  v.looseObject({
    type: v.optional(v.literal('error')),
    code: openString<JobErrorCode>(),
    title: v.optional(v.string(), ''),
    detail: v.optional(v.string()),
    details: v.optional(v.string()),
  }),
  v.transform(({ details, ...rest }): ErrorResult => {
    return { ...rest, type: 'error', detail: rest.detail ?? details ?? '' }
  }),
)

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// A result that names a shape we know must match it (a half-formed MFA challenge is a broken
// answer, not something to silently ignore); anything else is kept as `unknown`.
function resultSchemaFor(input: unknown): ResourceSchema<StepResult> | undefined {
  if (!isRecord(input)) return undefined
  switch (input.type) {
    case 'link':
      return LinkResultSchema
    case 'mfa':
      return MfaResultSchema
    case 'pause':
      return PauseResultSchema
    case 'error':
      return ErrorResultSchema
    case undefined:
      return 'code' in input ? ErrorResultSchema : undefined
    default:
      return undefined
  }
}

/** Schema of {@link StepResult} (also accepts `null` / missing → `null`). */
export const StepResultSchema: ResourceSchema<StepResult | null> = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }): StepResult | null => {
    const input = dataset.value
    if (input === null || input === undefined) return null
    const schema = resultSchemaFor(input)
    if (!schema) return { type: 'unknown', raw: input }
    const parsed = v.safeParse(schema, input)
    if (parsed.success) return parsed.output
    for (const issue of parsed.issues) {
      addIssue({
        message: issue.message,
        input: issue.input,
        expected: issue.expected ?? undefined,
        received: issue.received,
        path: issue.path,
      })
    }
    return NEVER
  }),
)

/** Schema of {@link JobStep}: a step without a title or status is malformed. */
export const JobStepSchema: ResourceSchema<JobStep> = v.looseObject({
  title: openString<StepTitle>(),
  status: openString<StepStatus>(),
  result: v.optional(StepResultSchema, null),
})

/** Schema of {@link Job}: `steps` must be an array of well-formed steps. */
export const JobSchema: ResourceSchema<Job> = v.looseObject({
  type: typeTag('job'),
  id: v.string(),
  created: v.string(),
  updated: v.string(),
  jobType: v.optional(openString<'connection' | 'report'>()),
  status: v.optional(v.string()),
  institution: v.optional(resourceRef),
  steps: v.array(JobStepSchema),
  links: v.optional(v.looseObject({ self: v.string(), source: v.optional(v.string()) })),
})

/** Schema of {@link JobList}. */
export const JobListSchema: ResourceSchema<JobList> = v.pipe(
  v.looseObject({
    type: typeTag('list'),
    size: v.optional(v.number()),
    data: v.array(JobSchema),
    links: v.optional(links),
  }),
  v.transform((list) => ({ ...list, size: list.size ?? list.data.length })),
)

/** Schema of {@link Account}. */
export const AccountSchema: ResourceSchema<Account> = v.looseObject({
  type: typeTag('account'),
  id: v.string(),
  accountNo: v.string(),
  name: v.string(),
  currency: v.string(),
  class: v.looseObject({ type: v.string(), product: v.string() }),
  balance: v.nullable(v.string()),
  availableFunds: v.nullable(v.string()),
  lastUpdated: v.string(),
  status: openString<'available' | 'unavailable'>(),
  transactionIntervals: v.optional(v.array(v.looseObject({ from: v.string(), to: v.string() }))),
  institution: v.optional(v.string()),
  accountHolder: v.nullish(v.string()),
  connection: v.optional(v.string()),
  links: v.looseObject({
    self: v.string(),
    transactions: v.optional(v.string()),
    institution: v.optional(v.string()),
    connection: v.nullish(v.string()),
  }),
})

/** Schema of {@link AccountList}. */
export const AccountListSchema: ResourceSchema<AccountList> = v.looseObject({
  type: typeTag('list'),
  data: v.array(AccountSchema),
  links: v.optional(links),
})

/** Schema of {@link Connection}. */
export const ConnectionSchema: ResourceSchema<Connection> = v.looseObject({
  type: typeTag('connection'),
  id: v.string(),
  status: v.optional(openString<ConnectionStatus>()),
  createdDate: v.optional(v.string()),
  lastUsed: v.optional(v.string()),
  mfaEnabled: v.optional(v.boolean()),
  method: v.optional(v.string()),
  institution: resourceRef,
  profile: v.optional(
    v.looseObject({
      fullName: v.optional(v.string()),
      firstName: v.optional(v.string()),
      lastName: v.optional(v.string()),
      middleName: v.optional(v.string()),
      phoneNumbers: v.optional(v.array(v.string())),
      emailAddresses: v.optional(v.array(v.string())),
      physicalAddresses: v.optional(v.array(v.record(v.string(), v.unknown()))),
    }),
  ),
  accounts: v.optional(v.looseObject({ type: v.string(), data: v.array(AccountSchema) })),
  links: v.looseObject({
    self: v.string(),
    user: v.optional(v.string()),
    accounts: v.optional(v.string()),
    transactions: v.optional(v.string()),
    institution: v.optional(v.string()),
  }),
})

/** Schema of {@link ConnectionList}. */
export const ConnectionListSchema: ResourceSchema<ConnectionList> = v.looseObject({
  type: typeTag('list'),
  data: v.array(ConnectionSchema),
  links: v.optional(links),
})

const refList = v.looseObject({
  type: v.string(),
  count: v.optional(v.number()),
  data: v.array(resourceRef),
})

/** Schema of {@link User}. */
export const UserSchema: ResourceSchema<User> = v.looseObject({
  type: typeTag('user'),
  id: v.string(),
  email: v.optional(v.string()),
  mobile: v.optional(v.string()),
  name: v.optional(v.string()),
  accounts: v.optional(refList),
  connections: v.optional(refList),
  links: v.looseObject({
    self: v.string(),
    accounts: v.optional(v.string()),
    connections: v.optional(v.string()),
    transactions: v.optional(v.string()),
    auth_link: v.nullish(v.string()),
  }),
})

/** Schema of {@link Transaction}. */
export const TransactionSchema: ResourceSchema<Transaction> = v.looseObject({
  type: typeTag('transaction'),
  id: v.string(),
  status: openString<'pending' | 'posted'>(),
  description: v.string(),
  amount: v.string(),
  account: v.string(),
  balance: v.nullable(v.string()),
  direction: openString<'debit' | 'credit'>(),
  class: v.string(),
  institution: v.string(),
  connection: v.string(),
  transactionDate: v.nullish(v.string()),
  postDate: v.nullable(v.string()),
  subClass: v.nullish(v.looseObject({ title: v.string(), code: v.string() })),
  links: v.looseObject({
    self: v.string(),
    account: v.optional(v.string()),
    institution: v.optional(v.string()),
    connection: v.nullish(v.string()),
  }),
})

/** Schema of {@link TransactionList}. */
export const TransactionListSchema: ResourceSchema<TransactionList> = v.looseObject({
  type: typeTag('list'),
  count: v.optional(v.number()),
  size: v.optional(v.number()),
  data: v.array(TransactionSchema),
  links: v.optional(v.looseObject({ self: v.string(), next: v.optional(v.string()) })),
})

/** Schema of {@link TokenResponse}: `expires_in` must be a positive number of seconds. */
export const TokenResponseSchema: ResourceSchema<TokenResponse> = v.looseObject({
  access_token: v.pipe(v.string(), v.minLength(1, 'Expected a non-empty string')),
  token_type: v.optional(v.string()),
  expires_in: v.pipe(v.number(), v.gtValue(0, 'Expected a positive number')),
})

/** Schema of {@link BasiqErrorEnvelope}. */
export const BasiqErrorEnvelopeSchema: ResourceSchema<BasiqErrorEnvelope> = v.looseObject({
  type: typeTag('list'),
  correlationId: v.optional(v.string()),
  data: v.array(
    v.looseObject({
      type: typeTag('error'),
      code: v.string(),
      title: v.string(),
      detail: v.optional(v.string()),
      source: v.nullish(
        v.looseObject({ pointer: v.optional(v.string()), parameter: v.optional(v.string()) }),
      ),
    }),
  ),
})

/** Options of {@link parseResource}. */
export interface ParseResourceOptions {
  /** What is being parsed, for the error message. Default `'response body'`. */
  what?: string
  /** HTTP status the body came with, kept on the error. */
  status?: number
  /** Correlation id of the answer, kept on the error. */
  correlationId?: string | undefined
  /** The request the body answered, named in the error message. */
  request?: BasiqRequestInfo
}

/**
 * Checks `input` against `schema` and returns the parsed value. Any mismatch throws a
 * {@link BasiqParseError} listing each wrong path and what was expected there (never the value
 * itself, which may be sensitive); no other error type escapes.
 */
export function parseResource<Output>(
  schema: ResourceSchema<Output>,
  input: unknown,
  options: ParseResourceOptions = {},
): Output {
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  throw new BasiqParseError({
    what: options.what ?? 'response body',
    issues: result.issues.map(describeIssue),
    status: options.status,
    correlationId: options.correlationId,
    request: options.request,
  })
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  let path = '$'
  for (const item of issue.path ?? []) {
    path += typeof item.key === 'number' ? `[${item.key}]` : `.${String(item.key)}`
  }
  // valibot reports a missing key with the key name as `expected`, which reads oddly.
  if (issue.input === undefined) return `${path}: missing`
  const got =
    issue.input === null ? 'null' : Array.isArray(issue.input) ? 'array' : typeof issue.input
  if (issue.type === 'min_length' || issue.type === 'gt_value') return `${path}: ${issue.message}`
  return `${path}: expected ${issue.expected ?? 'a valid value'}, got ${got}`
}
