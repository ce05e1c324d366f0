/**
 * Wire shapes of the v2.1 resources, built to match the canned examples key for key (see the
 * conformance tests). URLs in `links` are absolute on the sandbox base URL; job step URLs are
 * relative, as Basiq's are.
 */
import type { AccountRecord, TransactionRecord } from './account-data.ts'
import { formatCents } from './account-data.ts'
import type { JobStep } from './job-state.ts'
import { isoSeconds } from './job-state.ts'
import type { FailingStep, PersonaProfile, StepFailure } from './personas.ts'

/** A user as the engine stores it. */
export interface UserRecord {
  id: string
  email: string
  mobile: string
  firstName: string
  lastName: string
  createdAt: number
}

/** A connection as the engine stores it. Credentials are kept only as a hash. */
export interface ConnectionRecord {
  id: string
  userId: string
  institutionId: string
  createdAt: number
  lastUsedAt: number
  status: 'pending' | 'active' | 'invalid'
  /** When `status` last changed (ms); later transitions win. */
  statusAt: number
  /** The login id (not secret; needed to re-resolve the persona on a password update). */
  loginId: string
  /** Hash of institution + loginId + password (+ security code); never the password itself. */
  credentialHash: string
  /** The matched persona's login id, or `null` when the credentials match no persona. */
  personaLoginId: string | null
  /** Set once verify-credentials has succeeded. */
  profile: PersonaProfile | null
  accountsRetrieved: boolean
  transactionsRetrieved: boolean
  /** How the next refresh job fails (armed by the `fail-next-refresh` control), or `null`. */
  nextRefreshFailure: { step: FailingStep; error: StepFailure } | null
}

/** `{type: "job", id, links: {self}}`: the 202 answer to every asynchronous operation. */
export interface JobStub {
  type: 'job'
  id: string
  links: { self: string }
}

/** Absolute and relative URL builders for one base URL. */
export interface UrlBuilder {
  base: string
  user(userId: string): string
  connection(userId: string, connectionId: string): string
  institution(institutionId: string): string
  job(jobId: string): string
}

/** Creates URL builders for a base URL such as `http://127.0.0.1:4010` (no trailing slash). */
export function urlBuilder(base: string): UrlBuilder {
  return {
    base,
    user: (userId) => `${base}/users/${userId}`,
    connection: (userId, connectionId) => `${base}/users/${userId}/connections/${connectionId}`,
    institution: (institutionId) => `${base}/institutions/${institutionId}`,
    job: (jobId) => `${base}/jobs/${jobId}`,
  }
}

/** Relative link to a user's accounts of one institution (job step result, connection links). */
export function accountsPath(userId: string, institutionId: string): string {
  return `/users/${userId}/accounts?filter=institution.id.eq('${institutionId}')`
}

/** Relative link to a user's transactions of one institution. */
export function transactionsPath(userId: string, institutionId: string): string {
  return `/users/${userId}/transactions?filter=institution.id.eq('${institutionId}')`
}

/** The 202 job stub. */
export function jobStub(urls: UrlBuilder, jobId: string): JobStub {
  return { type: 'job', id: jobId, links: { self: urls.job(jobId) } }
}

/** `POST /users` and `POST /users/{id}` answer. */
export function userSummary(urls: UrlBuilder, user: UserRecord) {
  return {
    type: 'user',
    id: user.id,
    email: user.email,
    mobile: user.mobile,
    links: { self: urls.user(user.id) },
  }
}

/** `GET /users/{id}` answer. */
export function userResource(
  urls: UrlBuilder,
  user: UserRecord,
  accounts: readonly AccountRecord[],
  connections: readonly ConnectionRecord[],
) {
  const self = urls.user(user.id)
  return {
    type: 'user',
    id: user.id,
    email: user.email,
    mobile: user.mobile,
    name: [user.firstName, user.lastName].filter(Boolean).join(' '),
    accounts: {
      type: 'list',
      count: accounts.length,
      data: accounts.map((a) => ({
        type: 'account',
        id: a.id,
        links: { self: `${self}/accounts/${a.id}` },
      })),
    },
    connections: {
      type: 'list',
      count: connections.length,
      data: connections.map((c) => ({
        type: 'connection',
        id: c.id,
        links: { self: urls.connection(user.id, c.id) },
      })),
    },
    links: {
      accounts: `${self}/accounts`,
      auth_link: null,
      connections: `${self}/connections`,
      self,
      transactions: `${self}/transactions`,
    },
  }
}

function institutionRef(urls: UrlBuilder, institutionId: string) {
  return {
    type: 'institution',
    id: institutionId,
    links: { self: urls.institution(institutionId) },
  }
}

/** One item of `GET /users/{id}/connections`. */
export function connectionSummary(urls: UrlBuilder, connection: ConnectionRecord) {
  const base = urls.base
  return {
    type: 'connection',
    id: connection.id,
    status: connection.status,
    createdDate: isoSeconds(connection.createdAt),
    lastUsed: isoSeconds(connection.lastUsedAt),
    institution: institutionRef(urls, connection.institutionId),
    links: {
      self: urls.connection(connection.userId, connection.id),
      accounts: `${base}${accountsPath(connection.userId, connection.institutionId)}`,
      transactions: `${base}${transactionsPath(connection.userId, connection.institutionId)}`,
      institution: urls.institution(connection.institutionId),
    },
  }
}

function profileResource(profile: PersonaProfile) {
  return {
    fullName: [profile.firstName, profile.middleName, profile.lastName].filter(Boolean).join(' '),
    firstName: profile.firstName,
    lastName: profile.lastName,
    middleName: profile.middleName,
    phoneNumbers: [profile.phone],
    emailAddresses: [profile.email],
    physicalAddresses: [
      {
        addressLine1: profile.address.addressLine1,
        addressLine2: null,
        addressLine3: null,
        postcode: profile.address.postcode,
        city: profile.address.city,
        state: profile.address.state,
        country: 'Australia',
        countryCode: 'AU',
        formattedAddress: profile.address.formattedAddress,
      },
    ],
  }
}

function accountLinks(urls: UrlBuilder, account: AccountRecord) {
  const self = `${urls.user(account.userId)}/accounts/${account.id}`
  return {
    self,
    transactions: `${urls.user(account.userId)}/transactions?filter=account.id.eq('${account.id}')`,
  }
}

function accountCore(urls: UrlBuilder, account: AccountRecord) {
  return {
    type: 'account',
    id: account.id,
    accountNo: account.accountNo,
    name: account.name,
    currency: account.currency,
    class: { type: account.kind, product: account.product },
    balance: formatCents(account.balanceCents),
    availableFunds: formatCents(account.availableCents),
    lastUpdated: isoSeconds(account.lastUpdated),
  }
}

/** `GET /users/{u}/connections/{c}` answer (profile once credentials are verified). */
export function connectionResource(
  urls: UrlBuilder,
  connection: ConnectionRecord,
  accounts: readonly AccountRecord[],
) {
  const base = urls.base
  return {
    type: 'connection',
    id: connection.id,
    status: connection.status,
    lastUsed: isoSeconds(connection.lastUsedAt),
    createdDate: isoSeconds(connection.createdAt),
    ...(connection.profile ? { profile: profileResource(connection.profile) } : {}),
    institution: institutionRef(urls, connection.institutionId),
    accounts: {
      type: 'list',
      data: accounts.map((a) => ({
        ...accountCore(urls, a),
        status: 'available',
        links: accountLinks(urls, a),
      })),
    },
    links: {
      self: urls.connection(connection.userId, connection.id),
      user: urls.user(connection.userId),
      accounts: `${base}${accountsPath(connection.userId, connection.institutionId)}`,
      transactions: `${base}${transactionsPath(connection.userId, connection.institutionId)}`,
    },
  }
}

/** `GET /users/{u}/accounts/{a}` answer and the items of the accounts list. */
export function accountResource(urls: UrlBuilder, account: AccountRecord) {
  return {
    ...accountCore(urls, account),
    transactionIntervals: [{ from: account.interval.from, to: account.interval.to }],
    institution: account.institutionId,
    accountHolder: account.accountHolder,
    connection: account.connectionId,
    status: 'available',
    links: {
      ...accountLinks(urls, account),
      // The v2.1 API sends null here (the spec calls it "always null"); kept for fidelity.
      connection: null,
      institution: urls.institution(account.institutionId),
    },
  }
}

/** One transaction (v2.1 `TransactionData`; `enrich` is null because the sandbox does not enrich). */
export function transactionResource(
  urls: UrlBuilder,
  userId: string,
  transaction: TransactionRecord,
) {
  return {
    type: 'transaction',
    id: transaction.id,
    status: transaction.status,
    description: transaction.description,
    amount: formatCents(transaction.amountCents),
    account: transaction.accountId,
    balance: formatCents(transaction.balanceCents),
    direction: transaction.direction,
    class: transaction.class,
    institution: transaction.institutionId,
    connection: transaction.connectionId,
    subClass: transaction.subClass,
    transactionDate: transaction.transactionDate,
    postDate: transaction.postDate,
    enrich: null,
    links: {
      self: `${urls.user(userId)}/transactions/${transaction.id}`,
      account: `${urls.user(userId)}/accounts/${transaction.accountId}`,
      institution: urls.institution(transaction.institutionId),
      connection: null,
    },
  }
}

/** `GET /jobs/{id}` answer; list items (`GET /users/{id}/jobs`) also carry `institution`. */
export function jobResource(
  urls: UrlBuilder,
  job: {
    id: string
    userId: string
    connectionId: string
    institutionId: string
    createdAt: number
  },
  steps: readonly JobStep[],
  updatedAt: number,
  withInstitution: boolean,
) {
  return {
    type: 'job',
    id: job.id,
    created: isoSeconds(job.createdAt),
    updated: isoSeconds(updatedAt),
    ...(withInstitution ? { institution: institutionRef(urls, job.institutionId) } : {}),
    steps: steps.map((s) => ({ title: s.title, status: s.status, result: s.result })),
    links: { self: urls.job(job.id), source: urls.connection(job.userId, job.connectionId) },
  }
}
