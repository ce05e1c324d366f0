import { MALFORMED_JOB_CODE, interpretJob } from './interpret-job.ts'
import type { JobInterpretation } from './interpret-job.ts'
import type { Connection, Job } from './schemas.ts'

/**
 * Why {@link refreshGuard} refuses a refresh:
 * - `job-running`: a job for this connection is queued or running; Basiq would answer the refresh
 *   with that same job (HTTP 200), so follow `runningJobId` instead;
 * - `too-soon`: the connection was refreshed less than the policy's minimum interval ago
 *   (`lastUsed`, or the latest job of the connection that completed);
 * - `connection-invalid`: Basiq rejected the stored credentials (the user changed their password,
 *   the account is locked); only Update Connection with new credentials helps, a refresh is a 400;
 * - `daily-limit`: an open-banking connection has had its refreshes for the rolling day (Basiq
 *   allows 20);
 * - `connection-not-ready`: the connection is not active yet (`pending` until its credentials are
 *   verified, or a status this kit cannot refresh), or the value is not a readable connection.
 */
export type RefreshRefusal =
  'job-running' | 'too-soon' | 'connection-invalid' | 'daily-limit' | 'connection-not-ready'

/** Default minimum time between two refreshes of one connection: 24 hours (Basiq: once a day). */
export const DEFAULT_REFRESH_INTERVAL_MS = 24 * 3_600_000

/** The shortest `minIntervalMs` {@link refreshGuard} accepts: 1 hour; shorter values are raised to it. */
export const MIN_REFRESH_INTERVAL_MS = 3_600_000

/** Refreshes Basiq allows an open-banking connection per day. */
export const OPEN_BANKING_DAILY_REFRESH_LIMIT = 20

const DAY_MS = 86_400_000

/** How strict {@link refreshGuard} is; every field is optional. */
export interface RefreshPolicy {
  /**
   * Minimum time between two refreshes of a connection, in milliseconds. Default
   * {@link DEFAULT_REFRESH_INTERVAL_MS} (24 h). Values below {@link MIN_REFRESH_INTERVAL_MS} (1 h)
   * are raised to 1 h; a value that is not a finite number means the default.
   */
  minIntervalMs?: number
  /**
   * Refreshes an open-banking connection may have in a rolling 24 hours (jobs of the connection
   * created in that time, whatever their outcome). Default {@link OPEN_BANKING_DAILY_REFRESH_LIMIT}
   * (20). Fractions are rounded down; a negative or non-finite value means the default.
   */
  openBankingDailyLimit?: number
  /**
   * Whether the connection is an open-banking one. Default: detected from `connection.method`
   * (`'openbanking'` / `'open-banking'`, sent by newer API versions) or, without a method, from
   * `connection.institution.features.login` containing `'open-banking'` when the institution is
   * embedded. Set it when you know better (v2.1 connections carry no method).
   */
  openBanking?: boolean
}

/** What {@link refreshGuard} decided. */
export interface RefreshDecision {
  /** `true` when a refresh may be requested now. */
  allowed: boolean
  /** Why not; `undefined` when allowed. */
  reason: RefreshRefusal | undefined
  /**
   * The earliest time a refresh will be allowed if nothing else happens. `undefined` when allowed
   * now, when only new credentials help (`connection-invalid`), and when no time can be given: a
   * job still running (ask again once it has finished), a connection not ready, an unreadable
   * `now`, or a daily limit of 0.
   */
  nextAllowedAt: Date | undefined
  /** The running job to follow instead (newest first), when `reason` is `job-running`. */
  runningJobId?: string
}

interface ConnectionJob {
  id: string | undefined
  interpretation: JobInterpretation
  createdMs: number | undefined
  updatedMs: number | undefined
  finished: boolean
}

/**
 * Decides whether a connection may be refreshed now, following Basiq's advice: refresh ad hoc
 * sparingly (refreshes load the bank's website and can get the user locked out), check when the
 * connection was last refreshed first (`connection.lastUsed` or the user's jobs), never refresh a
 * connection that is not active, and never in bulk. Pure and total: it never throws, whatever it is
 * given.
 *
 * Checks, in order (the first that applies wins):
 * 1. `connection` without a usable `id` → `connection-not-ready`.
 * 2. A job of this connection (matched through its verify-credentials link or `links.source`) is
 *    pending, verifying, waiting for MFA, paused or released but still syncing → `job-running`,
 *    with `runningJobId`. Failed and completed jobs never block here.
 * 3. `status` `invalid` → `connection-invalid`. Without a `status` (CLIENT_ACCESS reads), the
 *    latest finished job of the connection decides: a verify-credentials failure with
 *    `invalid-credentials` means invalid.
 * 4. Any status other than `active` (`pending`, `pre-init`, …) → `connection-not-ready`.
 * 5. An unreadable `now` → `too-soon`, without `nextAllowedAt`.
 * 6. The last refresh (the later of `lastUsed` and the `updated` time of the latest completed job
 *    of the connection) less than `minIntervalMs` ago → `too-soon` until `last + minIntervalMs`
 *    (exactly `minIntervalMs` later is allowed). A last refresh in the future (clock skew) counts
 *    as recent.
 * 7. Open banking with `openBankingDailyLimit` or more jobs of the connection created in the last
 *    24 h → `daily-limit` until enough of them are older than 24 h. When 6 and 7 both refuse,
 *    the one that lasts longer is reported.
 *
 * Unreadable input is not evidence: a `lastUsed` that is not an ISO 8601 date is ignored (the jobs still
 * count, as Basiq calls them the complete view), a completed job whose `updated` does not parse
 * counts at its `created`, jobs that are not valid jobs or belong to other connections are ignored,
 * and `jobs` that is not an array counts as no jobs.
 *
 * @param connection the connection (`GET /users/{u}/connections/{c}`), parsed or raw JSON.
 * @param jobs the user's jobs (`GET /users/{u}/jobs`, Basiq keeps 7 days); other connections'
 *   jobs may be included.
 * @param now the current time, a `Date` or milliseconds since the epoch.
 * @param policy `{ minIntervalMs, openBankingDailyLimit, openBanking }`; defaults 24 h, 20, detected.
 */
export function refreshGuard(
  connection: Connection,
  jobs: readonly Job[],
  now: Date | number,
  policy?: RefreshPolicy,
): RefreshDecision {
  try {
    return decide(connection, jobs, now, policy)
  } catch {
    // Only reachable through hostile values (throwing getters); refusing is the safe answer.
    return refuse('connection-not-ready', undefined)
  }
}

function decide(
  connection: unknown,
  jobs: unknown,
  now: unknown,
  policy: unknown,
): RefreshDecision {
  if (!isRecord(connection)) return refuse('connection-not-ready', undefined)
  const connectionId = nonEmptyText(connection.id)
  if (connectionId === undefined) return refuse('connection-not-ready', undefined)
  const own = jobsOf(connectionId, jobs)

  const running = newestFirst(own.filter((job) => !job.finished))[0]
  if (running) {
    const decision = refuse('job-running', undefined)
    if (running.id !== undefined) decision.runningJobId = running.id
    return decision
  }

  const status = connection.status
  if (status === 'invalid') return refuse('connection-invalid', undefined)
  if (status === undefined && latestFinishedIsInvalid(own)) {
    return refuse('connection-invalid', undefined)
  }
  if (status !== undefined && status !== 'active') return refuse('connection-not-ready', undefined)

  const nowMs = timeOf(now)
  if (nowMs === undefined) return refuse('too-soon', undefined)
  const rules = readPolicy(policy)

  const refusals: { reason: RefreshRefusal; at: number | undefined }[] = []
  const lastRefresh = lastRefreshOf(connection, own)
  if (lastRefresh !== undefined && nowMs - lastRefresh < rules.minIntervalMs) {
    refusals.push({ reason: 'too-soon', at: lastRefresh + rules.minIntervalMs })
  }
  if (rules.openBanking ?? isOpenBanking(connection)) {
    const daily = dailyLimitUntil(own, nowMs, rules.dailyLimit)
    if (daily.refused) refusals.push({ reason: 'daily-limit', at: daily.until })
  }
  if (refusals.length === 0) return { allowed: true, reason: undefined, nextAllowedAt: undefined }
  // No time helps a refusal without `at` (a daily limit of 0), so it outlasts any other.
  const longest = refusals.reduce((a, b) =>
    a.at === undefined || (b.at !== undefined && a.at >= b.at) ? a : b,
  )
  return refuse(longest.reason, longest.at)
}

function refuse(reason: RefreshRefusal, at: number | undefined): RefreshDecision {
  return { allowed: false, reason, nextAllowedAt: at === undefined ? undefined : new Date(at) }
}

function readPolicy(policy: unknown): {
  minIntervalMs: number
  dailyLimit: number
  openBanking: boolean | undefined
} {
  const p = isRecord(policy) ? policy : {}
  const interval =
    typeof p.minIntervalMs === 'number' && Number.isFinite(p.minIntervalMs)
      ? Math.max(MIN_REFRESH_INTERVAL_MS, p.minIntervalMs)
      : DEFAULT_REFRESH_INTERVAL_MS
  const limit =
    typeof p.openBankingDailyLimit === 'number' &&
    Number.isFinite(p.openBankingDailyLimit) &&
    p.openBankingDailyLimit >= 0
      ? Math.floor(p.openBankingDailyLimit)
      : OPEN_BANKING_DAILY_REFRESH_LIMIT
  const openBanking = typeof p.openBanking === 'boolean' ? p.openBanking : undefined
  return { minIntervalMs: interval, dailyLimit: limit, openBanking }
}

function jobsOf(connectionId: string, jobs: unknown): ConnectionJob[] {
  if (!Array.isArray(jobs)) return []
  const own: ConnectionJob[] = []
  for (const job of jobs as unknown[]) {
    const interpretation = interpretJob(job)
    // A value that is not a job cannot say whether it runs or when it ran.
    if (interpretation.error?.code === MALFORMED_JOB_CODE) continue
    if (interpretation.connectionId !== connectionId || !isRecord(job)) continue
    own.push({
      id: nonEmptyText(job.id),
      interpretation,
      createdMs: timeOf(job.created),
      updatedMs: timeOf(job.updated),
      finished: interpretation.phase === 'complete' || interpretation.phase === 'failed',
    })
  }
  return own
}

// Newest created first; jobs without a readable `created` keep their list order (Basiq lists
// newest first) after the dated ones.
function newestFirst(jobs: readonly ConnectionJob[]): ConnectionJob[] {
  return [...jobs].sort((a, b) => {
    if (a.createdMs === undefined || b.createdMs === undefined) {
      return (a.createdMs === undefined ? 1 : 0) - (b.createdMs === undefined ? 1 : 0)
    }
    return b.createdMs - a.createdMs
  })
}

function latestFinishedIsInvalid(jobs: readonly ConnectionJob[]): boolean {
  const latest = newestFirst(jobs.filter((job) => job.finished))[0]?.interpretation
  return (
    latest?.phase === 'failed' &&
    latest.failedStep?.title === 'verify-credentials' &&
    latest.error?.code === 'invalid-credentials'
  )
}

function lastRefreshOf(
  connection: Record<string, unknown>,
  jobs: readonly ConnectionJob[],
): number | undefined {
  let last = timeOf(connection.lastUsed)
  for (const job of jobs) {
    if (job.interpretation.phase !== 'complete') continue
    const at = job.updatedMs ?? job.createdMs
    if (at !== undefined && (last === undefined || at > last)) last = at
  }
  return last
}

function dailyLimitUntil(
  jobs: readonly ConnectionJob[],
  nowMs: number,
  limit: number,
): { refused: boolean; until: number | undefined } {
  // "In the last 24 h" excludes a job created exactly 24 h ago, so the refusal ends at the moment
  // the oldest counted job turns 24 h old.
  const created = jobs
    .map((job) => job.createdMs)
    .filter((at): at is number => at !== undefined && at > nowMs - DAY_MS)
    .sort((a, b) => a - b)
  if (created.length < limit) return { refused: false, until: undefined }
  const leaving = created[created.length - limit]
  return { refused: true, until: leaving === undefined ? undefined : leaving + DAY_MS }
}

function isOpenBanking(connection: Record<string, unknown>): boolean {
  const method = nonEmptyText(connection.method)
  if (method !== undefined) return method.toLowerCase().replace(/[-_\s]/g, '') === 'openbanking'
  const institution = isRecord(connection.institution) ? connection.institution : {}
  const features = isRecord(institution.features) ? institution.features : {}
  return Array.isArray(features.login) && features.login.includes('open-banking')
}

function timeOf(value: unknown): number | undefined {
  let ms: number
  if (value instanceof Date) ms = value.getTime()
  else if (typeof value === 'number') ms = value
  // Basiq sends RFC 3339; `Date.parse` alone would also read strings such as "5" as a date.
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) ms = Date.parse(value)
  else return undefined
  return Number.isFinite(ms) ? ms : undefined
}

function nonEmptyText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
