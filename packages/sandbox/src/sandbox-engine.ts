import type { AccountRecord, TransactionRecord } from './account-data.ts'
import { generateAccounts, generateTransactions } from './account-data.ts'
import type { SandboxInstitution } from './catalogue.ts'
import { withBaseUrl } from './catalogue.ts'
import type { Clock } from './clock.ts'
import type { FilterClause } from './filter-expression.ts'
import { applyFilter } from './filter-expression.ts'
import type { JobLinks, JobPlan, JobState, MfaAnswer, PlannedStep } from './job-state.ts'
import { computeJobState } from './job-state.ts'
import type { FailingStep, MfaChallenge, Persona, StepFailure } from './personas.ts'
import {
  defaultMfaChallenge,
  findPersona,
  findPersonaByLoginId,
  invalidCredentialsFailure,
  requiresUserActionFailure,
  serviceUnavailableFailure,
} from './personas.ts'
import type { Random } from './random.ts'
import { hashString } from './random.ts'
import type {
  AgeConnectionOptions,
  BreakCode,
  BreakConnectionOptions,
  CreateConnectionInput,
  UpdateConnectionInput,
  UserInput,
} from './request-bodies.ts'
import type { ConnectionRecord, JobStub, UrlBuilder, UserRecord } from './resources.ts'
import {
  accountResource,
  accountsPath,
  connectionResource,
  connectionSummary,
  jobResource,
  jobStub,
  transactionResource,
  transactionsPath,
  urlBuilder,
  userResource,
  userSummary,
} from './resources.ts'
import { SandboxError, errorTitles, notFound, notValid } from './sandbox-error.ts'

/** How a job came about. */
export type JobKind = 'create' | 'update' | 'refresh'

/** A job as the engine stores it: its plan and the events that happened to it. */
export interface JobRecord {
  id: string
  kind: JobKind
  userId: string
  connectionId: string
  institutionId: string
  createdAt: number
  credentialHash: string
  plan: JobPlan
  mfaAnswer: MfaAnswer | null
  /** Indices of finished steps whose side effects (connection status, data) were applied. */
  applied: Set<number>
  done: boolean
}

/** Settings of the engine; `createSandbox` fills them from `SandboxOptions`. */
export interface SandboxEngineOptions {
  clock: Clock
  random: Random
  /** Absolute base URL, no trailing slash. */
  baseUrl: string
  speed: number
  pauseMs: number
  /** How long an MFA challenge waits for its answer. */
  mfaExpiryMs: number
  /** The catalogue with sandbox-relative links. */
  institutions: readonly SandboxInstitution[]
  /** Live connections the sandbox accepts before 403 `too-many-sandbox-connections`. */
  connectionLimit: number
}

/** A step failure a job is made to have, overriding what the persona would do. */
interface ForcedFailure {
  step: FailingStep
  error: StepFailure
}

/** What `breakConnection` answers: the connection now, and the failed job it recorded (if any). */
export interface BreakConnectionResult {
  /** The connection as `GET /users/{u}/connections` lists it. */
  connection: ReturnType<typeof connectionSummary>
  /** `invalidate`: the background refresh job that failed, as `GET /users/{u}/jobs` lists it. */
  job: ReturnType<typeof jobResource> | null
}

const breakFailures: Record<BreakCode, ForcedFailure> = {
  'invalid-credentials': { step: 'verify-credentials', error: invalidCredentialsFailure },
  // The bank's popup or new terms show up once logged in, as for the `erlich` persona.
  'account-not-accessible-requires-user-action': {
    step: 'retrieve-accounts',
    error: requiresUserActionFailure,
  },
  'service-unavailable': { step: 'verify-credentials', error: serviceUnavailableFailure },
}

/** MFA answer window, as Basiq's examples show it. */
export const mfaExpiryMs = 120_000
/** Jobs older than this are not listed by `GET /users/{id}/jobs` (Basiq keeps 7 days). */
export const jobListWindowMs = 7 * 86_400_000

const defaultDurations = { verify: 8_000, accounts: 4_000, transactions: 7_000 }
const queueDelayMs = 300
const mfaProcessingMs = 1_500
const minimumStepMs = 20
const durationSigma = 0.3

const institutionFields: Record<string, keyof SandboxInstitution> = {
  'institution.id': 'id',
  'institution.country': 'country',
  'institution.tier': 'tier',
  'institution.authorization': 'authorization',
  'institution.serviceType': 'serviceType',
  'institution.institutionType': 'institutionType',
  'institution.stage': 'stage',
  'institution.status': 'status',
}

/**
 * The stateful simulator behind the HTTP app: users, connections, jobs and their data. Job state
 * is derived from the clock whenever it is read (no timers); side effects of finished steps
 * (connection status, accounts, `lastUsed`) are applied by `settle()` at the step's own finish time,
 * which every public method calls first.
 */
export class SandboxEngine {
  readonly urls: UrlBuilder
  private readonly options: SandboxEngineOptions
  private readonly ids: Random
  private readonly catalogue: ReadonlyMap<string, SandboxInstitution>
  private absoluteCatalogue: SandboxInstitution[] | null = null
  private users = new Map<string, UserRecord>()
  private connections = new Map<string, ConnectionRecord>()
  private jobs = new Map<string, JobRecord>()
  private accounts = new Map<string, AccountRecord>()
  private transactions = new Map<string, TransactionRecord[]>()

  constructor(options: SandboxEngineOptions) {
    this.options = options
    this.urls = urlBuilder(options.baseUrl)
    this.ids = options.random.fork('ids')
    this.catalogue = new Map(options.institutions.map((i) => [i.id, i]))
  }

  /** Forgets every user, connection, job and account. Ids keep counting (they never repeat). */
  reset(): void {
    this.users.clear()
    this.connections.clear()
    this.jobs.clear()
    this.accounts.clear()
    this.transactions.clear()
  }

  private now(): number {
    return this.options.clock.now()
  }

  // ── institutions ────────────────────────────────────────────────────────────────────────────

  /** The catalogue with absolute links, filtered. */
  listInstitutions(clauses: readonly FilterClause[]): SandboxInstitution[] {
    if (!this.absoluteCatalogue) {
      this.absoluteCatalogue = this.options.institutions.map((i) => this.served(i))
    }
    return applyFilter(this.absoluteCatalogue, clauses, (institution, field) => {
      const key = institutionFields[field]
      const value = key ? institution[key] : undefined
      return typeof value === 'string' ? value : undefined
    })
  }

  /** One institution with absolute links; 404 when unknown. */
  getInstitution(id: string): SandboxInstitution {
    const institution = this.catalogue.get(id)
    if (!institution) throw notFound('Requested institution does not exist.')
    return this.served(institution)
  }

  /**
   * The record as the API serves it: absolute links, and `stats` that describe this sandbox's own
   * jobs, so at `speed` 10 the averages are a tenth of the catalogue's and a client that paces its
   * polls by them (as the kit does) polls as it would against Basiq.
   */
  private served(institution: SandboxInstitution): SandboxInstitution {
    const copy = withBaseUrl(institution, this.options.baseUrl)
    const averages = copy.stats.averageDurationMs
    const speed = this.options.speed
    if (averages !== null && speed !== 1) {
      const verifyCredentials = Math.round(averages.verifyCredentials / speed)
      const retrieveAccounts = Math.round(averages.retrieveAccounts / speed)
      const retrieveTransactions = Math.round(averages.retrieveTransactions / speed)
      const retrieveMeta = Math.round(averages.retrieveMeta / speed)
      copy.stats.averageDurationMs = {
        verifyCredentials,
        retrieveAccounts,
        retrieveTransactions,
        retrieveMeta,
        total: verifyCredentials + retrieveAccounts + retrieveTransactions + retrieveMeta,
      }
    }
    return copy
  }

  /** The catalogue record (relative links), or `undefined`. */
  findInstitution(id: string): SandboxInstitution | undefined {
    return this.catalogue.get(id)
  }

  // ── users ───────────────────────────────────────────────────────────────────────────────────

  /** Creates a user (the route validated the body). */
  createUser(input: UserInput): ReturnType<typeof userSummary> {
    const user: UserRecord = {
      id: this.ids.uuid(),
      email: input.email ?? '',
      mobile: input.mobile ?? '',
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      createdAt: this.now(),
    }
    this.users.set(user.id, user)
    return userSummary(this.urls, user)
  }

  /** The stored user; 404 `Requested user does not exist.` otherwise. */
  requireUser(userId: string): UserRecord {
    const user = this.users.get(userId)
    if (!user) throw notFound('Requested user does not exist.')
    return user
  }

  /** `GET /users/{id}`. */
  getUser(userId: string): ReturnType<typeof userResource> {
    this.settle()
    const user = this.requireUser(userId)
    return userResource(this.urls, user, this.userAccounts(userId), this.userConnections(userId))
  }

  /** `POST /users/{id}`: changes the given fields. */
  updateUser(userId: string, input: UserInput): ReturnType<typeof userSummary> {
    const user = this.requireUser(userId)
    if (input.email !== undefined) user.email = input.email
    if (input.mobile !== undefined) user.mobile = input.mobile
    if (input.firstName !== undefined) user.firstName = input.firstName
    if (input.lastName !== undefined) user.lastName = input.lastName
    return userSummary(this.urls, user)
  }

  /** `DELETE /users/{id}`: the user and everything of theirs. */
  deleteUser(userId: string): void {
    this.requireUser(userId)
    this.users.delete(userId)
    for (const [id, c] of this.connections) if (c.userId === userId) this.connections.delete(id)
    for (const [id, j] of this.jobs) if (j.userId === userId) this.jobs.delete(id)
    for (const [id, a] of this.accounts) {
      if (a.userId === userId) {
        this.accounts.delete(id)
        this.transactions.delete(id)
      }
    }
  }

  // ── connections ─────────────────────────────────────────────────────────────────────────────

  private userConnections(userId: string): ConnectionRecord[] {
    return [...this.connections.values()].filter((c) => c.userId === userId)
  }

  private requireConnection(userId: string, connectionId: string): ConnectionRecord {
    this.requireUser(userId)
    const connection = this.connections.get(connectionId)
    if (!connection || connection.userId !== userId)
      throw notFound('Requested connection does not exist.')
    return connection
  }

  private credentialHash(
    institutionId: string,
    loginId: string,
    password: string,
    securityCode?: string,
  ): string {
    // Two independent 32-bit hashes: collisions are negligible for a simulator and the password is
    // never stored, logged or echoed.
    const text = `${institutionId}\u0000${loginId}\u0000${password}\u0000${securityCode ?? ''}`
    return `${hashString(text, 1).toString(16)}${hashString(text, 2).toString(16)}`
  }

  /** `POST /users/{id}/connections` → the new job's stub. */
  createConnection(userId: string, input: CreateConnectionInput): JobStub {
    this.settle()
    this.requireUser(userId)
    const institution = this.catalogue.get(input.institutionId)
    if (!institution) {
      throw notValid('Requested institution does not exist.', {
        pointer: 'connection/institution/id',
        parameter: 'id',
      })
    }
    if (this.connections.size >= this.options.connectionLimit) {
      throw new SandboxError(403, {
        code: 'too-many-sandbox-connections',
        title: errorTitles['too-many-sandbox-connections'],
        detail: 'Limit reached for sandbox connections.',
      })
    }
    const now = this.now()
    const persona = findPersona(input.loginId, input.password)
    const connection: ConnectionRecord = {
      id: this.ids.uuid(),
      userId,
      institutionId: institution.id,
      createdAt: now,
      lastUsedAt: now,
      status: 'pending',
      statusAt: now,
      loginId: input.loginId,
      credentialHash: this.credentialHash(
        institution.id,
        input.loginId,
        input.password,
        input.securityCode,
      ),
      personaLoginId: persona ? persona.loginId : null,
      profile: null,
      accountsRetrieved: false,
      transactionsRetrieved: false,
      nextRefreshFailure: null,
    }
    this.connections.set(connection.id, connection)
    const job = this.startJob('create', connection, persona ?? null, institution)
    return jobStub(this.urls, job.id)
  }

  /** `POST /users/{u}/connections/{c}`: new credentials → a new job that verifies them. */
  updateConnection(userId: string, connectionId: string, input: UpdateConnectionInput): JobStub {
    this.settle()
    const connection = this.requireConnection(userId, connectionId)
    const institution = this.catalogue.get(connection.institutionId)
    if (!institution) throw notFound('Requested institution does not exist.')
    const persona = findPersona(connection.loginId, input.password)
    const now = this.now()
    connection.credentialHash = this.credentialHash(
      institution.id,
      connection.loginId,
      input.password,
      input.securityCode,
    )
    connection.personaLoginId = persona ? persona.loginId : null
    connection.status = 'pending'
    connection.statusAt = now
    const job = this.startJob('update', connection, persona ?? null, institution)
    return jobStub(this.urls, job.id)
  }

  /**
   * `POST /users/{u}/connections/{c}/refresh`: the job already queued or running for this
   * connection (`reused: true`, answered with 200) or a new one (202).
   */
  refreshConnection(userId: string, connectionId: string): { job: JobStub; reused: boolean } {
    this.settle()
    const connection = this.requireConnection(userId, connectionId)
    const running = this.runningJobFor(connection.id)
    if (running) return { job: jobStub(this.urls, running.id), reused: true }
    if (connection.status === 'invalid') {
      throw notValid(
        'Cannot refresh an invalid connection: its credentials were rejected. Update the connection with new credentials first.',
      )
    }
    const institution = this.catalogue.get(connection.institutionId)
    if (!institution) throw notFound('Requested institution does not exist.')
    const persona = connection.personaLoginId ? findPersonaByLogin(connection.personaLoginId) : null
    const failure = connection.nextRefreshFailure ?? undefined
    connection.nextRefreshFailure = null
    const job = this.startJob('refresh', connection, persona, institution, failure)
    return { job: jobStub(this.urls, job.id), reused: false }
  }

  /** `POST /users/{u}/connections/refresh`: one job per connection that can be refreshed. */
  refreshAllConnections(userId: string): JobStub[] {
    this.settle()
    this.requireUser(userId)
    const stubs: JobStub[] = []
    for (const connection of this.userConnections(userId)) {
      if (connection.status === 'invalid') continue
      stubs.push(this.refreshConnection(userId, connection.id).job)
    }
    return stubs
  }

  /** `DELETE /users/{u}/connections/{c}`: the connection goes; its accounts stay on the user (as Basiq does). */
  deleteConnection(userId: string, connectionId: string): void {
    this.settle()
    this.requireConnection(userId, connectionId)
    this.connections.delete(connectionId)
  }

  /** `GET /users/{u}/connections`. */
  listConnections(userId: string, clauses: readonly FilterClause[]) {
    this.settle()
    this.requireUser(userId)
    const items = applyFilter(this.userConnections(userId), clauses, (c, field) => {
      if (field === 'connection.id' || field === 'id') return c.id
      if (field === 'connection.status' || field === 'status') return c.status
      if (field === 'institution.id') return c.institutionId
      return undefined
    })
    return {
      type: 'list',
      data: items.map((c) => connectionSummary(this.urls, c)),
      links: { self: `${this.urls.user(userId)}/connections` },
    }
  }

  /** `GET /users/{u}/connections/{c}`. */
  getConnection(userId: string, connectionId: string) {
    this.settle()
    const connection = this.requireConnection(userId, connectionId)
    const accounts = [...this.accounts.values()].filter((a) => a.connectionId === connection.id)
    return connectionResource(this.urls, connection, accounts)
  }

  // ── jobs ────────────────────────────────────────────────────────────────────────────────────

  private links(
    job: Pick<JobRecord, 'id' | 'userId' | 'connectionId' | 'institutionId'>,
  ): JobLinks {
    return {
      connectionPath: `/users/${job.userId}/connections/${job.connectionId}`,
      accountsPath: accountsPath(job.userId, job.institutionId),
      transactionsPath: transactionsPath(job.userId, job.institutionId),
      mfaResponseUrl: `${this.urls.job(job.id)}/mfa`,
    }
  }

  private stateOf(job: JobRecord, now = this.now()): JobState {
    return computeJobState(job.plan, job.mfaAnswer, now, this.links(job))
  }

  private runningJobFor(connectionId: string): JobRecord | undefined {
    const now = this.now()
    return [...this.jobs.values()]
      .reverse()
      .find(
        (job) => job.connectionId === connectionId && this.stateOf(job, now).finishedAt === null,
      )
  }

  private stepDuration(random: Random, meanMs: number, institution: SandboxInstitution): number {
    // Degraded banks are slow; the sandbox doubles their step times.
    const slowdown = institution.status === 'degraded-performance' ? 2 : 1
    const drawn = random.logNormal(meanMs * slowdown, durationSigma)
    return Math.max(minimumStepMs, Math.round(drawn / this.options.speed))
  }

  private needsMfa(random: Random, institution: SandboxInstitution): boolean {
    const coin = random.next()
    if (institution.authorization === 'user-mfa') return true
    if (institution.authorization === 'user-mfa-intermittent') return coin < 0.5
    return false
  }

  private startJob(
    kind: JobKind,
    connection: ConnectionRecord,
    persona: Persona | null,
    institution: SandboxInstitution,
    forced?: ForcedFailure,
  ): JobRecord {
    const now = this.now()
    const id = this.ids.uuid()
    const random = this.options.random.fork(`job:${id}`)
    const withMfa = this.needsMfa(random, institution)
    const stats = institution.stats.averageDurationMs
    const speed = this.options.speed

    let verifyFailure: StepFailure | undefined
    let accountsFailure: StepFailure | undefined
    if (institution.status === 'major-outage') verifyFailure = serviceUnavailableFailure
    else if (!persona) verifyFailure = invalidCredentialsFailure
    else if (persona.failure?.step === 'verify-credentials') verifyFailure = persona.failure.error
    else if (persona.failure?.step === 'retrieve-accounts') accountsFailure = persona.failure.error
    if (forced?.step === 'verify-credentials') verifyFailure = forced.error
    else if (forced?.step === 'retrieve-accounts' && !verifyFailure) accountsFailure = forced.error

    const steps: PlannedStep[] = [
      {
        title: 'verify-credentials',
        durationMs: this.stepDuration(
          random,
          stats?.verifyCredentials ?? defaultDurations.verify,
          institution,
        ),
        ...(verifyFailure ? { failure: verifyFailure } : {}),
      },
    ]
    const challenge: MfaChallenge | null = withMfa ? (persona?.mfa ?? defaultMfaChallenge) : null
    if (challenge) {
      steps.push({
        title: 'mfa-challenge',
        durationMs: Math.max(minimumStepMs, Math.round(mfaProcessingMs / speed)),
      })
    }
    steps.push(
      {
        title: 'retrieve-accounts',
        durationMs: this.stepDuration(
          random,
          stats?.retrieveAccounts ?? defaultDurations.accounts,
          institution,
        ),
        ...(accountsFailure ? { failure: accountsFailure } : {}),
      },
      {
        title: 'retrieve-transactions',
        durationMs: this.stepDuration(
          random,
          stats?.retrieveTransactions ?? defaultDurations.transactions,
          institution,
        ),
      },
    )

    // Basiq pauses a connection attempt for six minutes when the same credentials are already in
    // use by a job in progress, to avoid locking the bank account.
    const duplicate =
      kind !== 'refresh' &&
      [...this.jobs.values()].some(
        (other) =>
          other.credentialHash === connection.credentialHash &&
          this.stateOf(other, now).finishedAt === null,
      )
    const pausedUntil = duplicate ? now + this.options.pauseMs : null
    const plan: JobPlan = {
      createdAt: now,
      pausedUntil,
      runStartAt: (pausedUntil ?? now) + Math.round(queueDelayMs / speed),
      steps,
      mfa: challenge,
      mfaExpiryMs: this.options.mfaExpiryMs,
    }
    const job: JobRecord = {
      id,
      kind,
      userId: connection.userId,
      connectionId: connection.id,
      institutionId: institution.id,
      createdAt: now,
      credentialHash: connection.credentialHash,
      plan,
      mfaAnswer: null,
      applied: new Set(),
      done: false,
    }
    this.jobs.set(id, job)
    return job
  }

  /** The stored job; 404 otherwise. */
  requireJob(jobId: string): JobRecord {
    const job = this.jobs.get(jobId)
    if (!job) throw notFound('Requested job does not exist.')
    return job
  }

  /** `GET /jobs/{id}`. */
  getJob(jobId: string) {
    this.settle()
    const job = this.requireJob(jobId)
    const state = this.stateOf(job)
    return jobResource(this.urls, job, state.steps, state.updatedAt, false)
  }

  /** `GET /users/{id}/jobs`: jobs of the last 7 days, newest first. */
  listUserJobs(userId: string, clauses: readonly FilterClause[]) {
    this.settle()
    this.requireUser(userId)
    const now = this.now()
    // Newest first by creation time: a backdated or aged job is not necessarily the last stored.
    const recent = [...this.jobs.values()]
      .filter((job) => job.userId === userId && now - job.createdAt < jobListWindowMs)
      .reverse()
      .sort((a, b) => b.createdAt - a.createdAt)
    const items = applyFilter(recent, clauses, (job, field) => {
      if (field === 'connection.id') return job.connectionId
      if (field === 'institution.id') return job.institutionId
      if (field === 'job.id') return job.id
      return undefined
    })
    return {
      type: 'list',
      size: items.length,
      data: items.map((job) => {
        const state = this.stateOf(job, now)
        return jobResource(this.urls, job, state.steps, state.updatedAt, true)
      }),
      links: { self: `${this.urls.user(userId)}/jobs` },
    }
  }

  /**
   * `POST /jobs/{id}/mfa`. Only a job whose `mfa-challenge` step is waiting takes an answer; the
   * answer is checked now and the step resolves after a short processing time.
   */
  submitMfa(jobId: string, answers: readonly string[]): JobStub {
    this.settle()
    const job = this.requireJob(jobId)
    const state = this.stateOf(job)
    if (!state.awaitingMfa || !job.plan.mfa) {
      throw notValid('This job is not waiting for a multi-factor authentication response.', {
        pointer: 'mfa-response',
        parameter: 'mfa-response',
      })
    }
    const expected = job.plan.mfa.answer
    if (answers.length !== expected.length) {
      throw notValid(
        `mfa-response must have ${expected.length} answer${expected.length === 1 ? '' : 's'}, one per input of the challenge.`,
        { pointer: 'mfa-response', parameter: 'mfa-response' },
      )
    }
    const caseInsensitive = job.plan.mfa.method === 'security-questions'
    const normalise = (s: string) => (caseInsensitive ? s.trim().toLowerCase() : s.trim())
    const accepted = expected.every(
      (answer, i) => normalise(answer) === normalise(answers[i] ?? ''),
    )
    job.mfaAnswer = { at: this.now(), accepted }
    return jobStub(this.urls, job.id)
  }

  /** The state of a job now (for tests and tools). */
  jobState(jobId: string): JobState {
    return this.stateOf(this.requireJob(jobId))
  }

  // ── accounts and transactions ───────────────────────────────────────────────────────────────

  private userAccounts(userId: string): AccountRecord[] {
    return [...this.accounts.values()].filter((a) => a.userId === userId)
  }

  /** `GET /users/{u}/accounts`. */
  listAccounts(userId: string, clauses: readonly FilterClause[]) {
    this.settle()
    this.requireUser(userId)
    const items = applyFilter(this.userAccounts(userId), clauses, (a, field) => {
      if (field === 'institution.id') return a.institutionId
      if (field === 'connection.id') return a.connectionId
      if (field === 'account.id') return a.id
      return undefined
    })
    return {
      type: 'list',
      data: items.map((a) => accountResource(this.urls, a)),
      links: { self: `${this.urls.user(userId)}/accounts` },
    }
  }

  /** `GET /users/{u}/accounts/{a}`. */
  getAccount(userId: string, accountId: string) {
    this.settle()
    this.requireUser(userId)
    const account = this.accounts.get(accountId)
    if (!account || account.userId !== userId) throw notFound('Requested account does not exist.')
    return accountResource(this.urls, account)
  }

  /** `GET /users/{u}/transactions` with `limit` (≤ 500) and an opaque `next` cursor. */
  listTransactions(
    userId: string,
    clauses: readonly FilterClause[],
    limit: number,
    offset: number,
    filterText: string | null = null,
  ) {
    this.settle()
    this.requireUser(userId)
    const all: TransactionRecord[] = []
    for (const account of this.userAccounts(userId))
      all.push(...(this.transactions.get(account.id) ?? []))
    const items = applyFilter(all, clauses, (t, field) => {
      switch (field) {
        case 'account.id':
          return t.accountId
        case 'institution.id':
          return t.institutionId
        case 'connection.id':
          return t.connectionId
        case 'transaction.status':
          return t.status
        case 'transaction.direction':
          return t.direction
        case 'transaction.class':
          return t.class
        case 'transaction.postDate':
          return t.postDate
        default:
          return undefined
      }
    })
    const page = items.slice(offset, offset + limit)
    const self = `${this.urls.user(userId)}/transactions`
    const links: { self: string; next?: string } = { self }
    if (offset + limit < items.length) {
      // The next page keeps the filter, so following `next` pages through the same selection.
      const query = new URLSearchParams({ next: String(offset + limit), limit: String(limit) })
      if (filterText !== null) query.set('filter', filterText)
      links.next = `${self}?${query.toString()}`
    }
    return {
      type: 'list',
      count: page.length,
      size: items.length,
      data: page.map((t) => transactionResource(this.urls, userId, t)),
      links,
    }
  }

  /** `GET /users/{u}/transactions/{t}`. */
  getTransaction(userId: string, transactionId: string) {
    this.settle()
    this.requireUser(userId)
    for (const account of this.userAccounts(userId)) {
      const hit = (this.transactions.get(account.id) ?? []).find((t) => t.id === transactionId)
      if (hit) return transactionResource(this.urls, userId, hit)
    }
    throw notFound('Requested transaction does not exist.')
  }

  // ── control (`/__sandbox/connections/…`) ──────────────────────────────────────────────────────

  private controlledConnection(connectionId: string): ConnectionRecord {
    const connection = this.connections.get(connectionId)
    if (!connection) throw notFound('Requested connection does not exist.')
    const running = this.runningJobFor(connection.id)
    if (running) {
      // Rewriting the history of a connection mid-job would make the job contradict itself.
      throw new SandboxError(409, {
        code: 'job-in-progress',
        title: 'Job in progress',
        detail: `Connection ${connection.id} has job ${running.id} in progress; advance the clock until it finishes first.`,
      })
    }
    return connection
  }

  /**
   * Makes a connection fail later, as a live one does when the user changes their password or the
   * bank asks them to accept new terms (`POST /__sandbox/connections/{id}/break`):
   * - `invalidate`: a background refresh job that failed verify-credentials with
   *   `invalid-credentials` is recorded (finishing now) and the connection becomes `invalid`, so
   *   refreshing it is a 400 until an Update Connection with the persona's password verifies it
   *   again (any other password fails verify-credentials, as for a new connection).
   * - `fail-next-refresh`: the next refresh job fails with `code` (default
   *   `account-not-accessible-requires-user-action` on retrieve-accounts; `service-unavailable` and
   *   `invalid-credentials` on verify-credentials); later refreshes work again.
   *
   * `lastUsedHoursAgo` ages the connection first (see {@link ageConnection}). 404 for an unknown
   * connection, 409 while one of its jobs runs.
   */
  breakConnection(connectionId: string, options: BreakConnectionOptions): BreakConnectionResult {
    this.settle()
    const connection = this.controlledConnection(connectionId)
    if (options.lastUsedHoursAgo !== undefined) {
      this.ageConnection(connectionId, { lastUsedHoursAgo: options.lastUsedHoursAgo })
    }
    if (options.mode === 'fail-next-refresh') {
      connection.nextRefreshFailure =
        breakFailures[options.code ?? 'account-not-accessible-requires-user-action']
      return { connection: connectionSummary(this.urls, connection), job: null }
    }
    const institution = this.catalogue.get(connection.institutionId)
    if (!institution) throw notFound('Requested institution does not exist.')
    connection.nextRefreshFailure = null
    const job = this.startJob(
      'refresh',
      connection,
      null,
      institution,
      breakFailures['invalid-credentials'],
    )
    // Backdate the job so that it has just failed: the break is observable at once.
    const now = this.now()
    const failedAt = job.plan.runStartAt + (job.plan.steps[0]?.durationMs ?? 0)
    this.shiftJob(job, now - failedAt)
    this.settle()
    const state = this.stateOf(job, now)
    return {
      connection: connectionSummary(this.urls, connection),
      job: jobResource(this.urls, job, state.steps, state.updatedAt, true),
    }
  }

  /**
   * Moves a connection's whole history back in time so that `lastUsed` is `lastUsedHoursAgo` hours
   * before now (`POST /__sandbox/connections/{id}/age`): creation, status change, its jobs and its
   * accounts' `lastUpdated` move by the same amount, so the jobs list stays consistent with
   * `lastUsed` (and jobs older than 7 days drop out of it). Only moves backwards: a
   * `lastUsedHoursAgo` more recent than the current `lastUsed` is a 400. 404 for an unknown
   * connection, 409 while one of its jobs runs.
   */
  ageConnection(connectionId: string, options: AgeConnectionOptions) {
    this.settle()
    const connection = this.controlledConnection(connectionId)
    const now = this.now()
    const target = now - Math.round(options.lastUsedHoursAgo * 3_600_000)
    const shiftMs = target - connection.lastUsedAt
    if (shiftMs > 0) {
      const current = (now - connection.lastUsedAt) / 3_600_000
      throw notValid(
        `"lastUsedHoursAgo" can only move lastUsed back; it is already ${current.toFixed(3)} hours ago.`,
        { parameter: 'lastUsedHoursAgo' },
      )
    }
    connection.createdAt += shiftMs
    connection.lastUsedAt += shiftMs
    connection.statusAt += shiftMs
    for (const job of this.jobs.values()) {
      if (job.connectionId === connection.id) this.shiftJob(job, shiftMs)
    }
    for (const account of this.accounts.values()) {
      if (account.connectionId === connection.id) account.lastUpdated += shiftMs
    }
    return connectionSummary(this.urls, connection)
  }

  private shiftJob(job: JobRecord, shiftMs: number): void {
    job.createdAt += shiftMs
    job.plan.createdAt += shiftMs
    job.plan.runStartAt += shiftMs
    if (job.plan.pausedUntil !== null) job.plan.pausedUntil += shiftMs
    if (job.mfaAnswer) job.mfaAnswer = { ...job.mfaAnswer, at: job.mfaAnswer.at + shiftMs }
  }

  // ── time ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Applies the side effects of every step that has finished by now, each at its own finish time:
   * connection status, profile, accounts, transactions and `lastUsed`. Idempotent.
   */
  settle(): void {
    const now = this.now()
    for (const job of this.jobs.values()) {
      if (job.done) continue
      const state = this.stateOf(job, now)
      const connection = this.connections.get(job.connectionId)
      state.steps.forEach((step, index) => {
        if (job.applied.has(index)) return
        if (step.status !== 'success' && step.status !== 'failed') return
        job.applied.add(index)
        if (connection)
          this.applyStep(connection, step.title, step.status, step.result, step.changedAt)
      })
      if (state.finishedAt !== null) {
        job.done = true
        // Only a job that fetched the data moves `lastUsed`: Basiq's advice after a failure
        // (user action in the bank, a bank that is down) is to refresh again soon, which a
        // `lastUsed` check would otherwise hold back for a day.
        const complete = state.steps.every((step) => step.status === 'success')
        if (connection && complete) {
          connection.lastUsedAt = Math.max(connection.lastUsedAt, state.finishedAt)
        }
      }
    }
  }

  private applyStep(
    connection: ConnectionRecord,
    title: string,
    status: 'success' | 'failed',
    result: unknown,
    at: number,
  ): void {
    const persona = connection.personaLoginId ? findPersonaByLogin(connection.personaLoginId) : null
    if (title === 'verify-credentials') {
      if (at < connection.statusAt) return
      if (status === 'success') {
        connection.status = 'active'
        connection.statusAt = at
        if (persona) connection.profile = persona.profile
      } else if ((result as StepFailure | null)?.code === 'invalid-credentials') {
        connection.status = 'invalid'
        connection.statusAt = at
      }
      return
    }
    if (title === 'retrieve-accounts' && status === 'success' && persona) {
      if (!connection.accountsRetrieved) {
        const institution = this.catalogue.get(connection.institutionId)
        if (!institution) return
        const generated = generateAccounts({
          random: this.options.random.fork(`accounts:${connection.id}`),
          persona,
          institution,
          userId: connection.userId,
          connectionId: connection.id,
          at,
        })
        for (const account of generated) this.accounts.set(account.id, account)
        connection.accountsRetrieved = true
      } else {
        for (const account of this.accounts.values()) {
          if (account.connectionId === connection.id)
            account.lastUpdated = Math.max(account.lastUpdated, at)
        }
      }
      return
    }
    if (
      title === 'retrieve-transactions' &&
      status === 'success' &&
      !connection.transactionsRetrieved
    ) {
      for (const account of this.accounts.values()) {
        if (account.connectionId !== connection.id) continue
        const list = generateTransactions(
          account,
          this.options.random.fork(`transactions:${account.id}`),
          at,
        )
        this.transactions.set(account.id, list)
        const dates = list.map((t) => t.transactionDate.slice(0, 10)).sort()
        if (dates.length > 0)
          account.interval = { from: dates[0] as string, to: dates[dates.length - 1] as string }
      }
      connection.transactionsRetrieved = true
    }
  }

  /** Counts for tools and tests. */
  stats(): { users: number; connections: number; jobs: number; accounts: number } {
    return {
      users: this.users.size,
      connections: this.connections.size,
      jobs: this.jobs.size,
      accounts: this.accounts.size,
    }
  }
}

function findPersonaByLogin(loginId: string): Persona | null {
  // The password is not stored, so a connection remembers which persona its credentials matched.
  return findPersonaByLoginId(loginId) ?? null
}
