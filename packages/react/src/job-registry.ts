/**
 * What one provider remembers about a job beyond the React Query cache: facts that must survive a
 * watcher's unmount and remount (when it first heard of the job, when the MFA challenge appeared),
 * the inputs of the polling schedule that the query state does not carry, and which one-off
 * notifications already went out. One registry per provider, never per module, so two providers
 * (two tabs of a test, two apps on a page) never share state.
 */
export interface JobEntry {
  /** When this provider first asked for the job (ms since the epoch). */
  firstSeenAt: number | undefined
  /**
   * When this provider created the job (its `POST` answered), if it did. Only then is the job's age
   * known before the first poll, so the first request can wait for the schedule instead of going
   * out at once (see `fetchJob`).
   */
  createdAt: number | undefined
  /** Failed polls in a row; reset by a successful one. */
  consecutiveFailures: number
  /** When the schedule gave up (time limit); cleared by `retry()`. */
  stoppedAt: number | undefined
  /** When `retry()` last restarted polling, so the time limit counts from there. */
  restartedAt: number | undefined
  /** How many times polling was restarted; part of the "already notified" keys. */
  attempt: number
  /** When an MFA challenge was first seen, keyed by the challenge, for its expiry countdown. */
  mfaSeenAt: Map<string, number>
  /** When an MFA answer was accepted by `POST /jobs/{id}/mfa`; cleared when the job moves on. */
  mfaAnsweredAt: number | undefined
  /** Institution id known for this job (from the caller or the job), for its statistics. */
  institutionId: string | undefined
  /** When a pause seen on this job lifts (ms since the epoch), so the schedule restarts there. */
  resumeAt: number | undefined
}

/** The per-provider registry of {@link JobEntry} values and one-off keys. */
export interface JobRegistry {
  /** The entry of a job, created on first use (not during render: use `peek` there). */
  entry(jobId: string): JobEntry
  /**
   * Records that this provider just created the job (a connection, an update or a refresh it posted),
   * with the institution when known, so its first poll follows the schedule.
   */
  noteCreated(jobId: string, details?: { at?: number; institutionId?: string }): void
  /** The entry of a job if there is one; never creates it, so it is safe during render. */
  peek(jobId: string): JobEntry | undefined
  /** `true` the first time `key` is passed, `false` ever after (notifications, log lines). */
  once(key: string): boolean
  /** Subscribes to {@link JobRegistry.touch} calls; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void
  /** Tells subscribers that an entry changed in a way a render should reflect. */
  touch(): void
  /** A number that changes on every {@link JobRegistry.touch}, for `useSyncExternalStore`. */
  version(): number
}

/** Creates an empty {@link JobRegistry}. */
export function createJobRegistry(): JobRegistry {
  const entries = new Map<string, JobEntry>()
  const seen = new Set<string>()
  const listeners = new Set<() => void>()
  let version = 0
  function entryOf(jobId: string): JobEntry {
    let entry = entries.get(jobId)
    if (entry === undefined) {
      entry = {
        firstSeenAt: undefined,
        createdAt: undefined,
        consecutiveFailures: 0,
        stoppedAt: undefined,
        restartedAt: undefined,
        attempt: 0,
        mfaSeenAt: new Map(),
        mfaAnsweredAt: undefined,
        institutionId: undefined,
        resumeAt: undefined,
      }
      entries.set(jobId, entry)
    }
    return entry
  }
  return {
    entry: entryOf,
    noteCreated(jobId, details) {
      const entry = entryOf(jobId)
      entry.createdAt = details?.at ?? Date.now()
      entry.firstSeenAt ??= entry.createdAt
      if (details?.institutionId !== undefined) entry.institutionId = details.institutionId
    },
    peek(jobId) {
      return entries.get(jobId)
    },
    once(key) {
      if (seen.has(key)) return false
      seen.add(key)
      return true
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    touch() {
      version += 1
      for (const listener of [...listeners]) listener()
    },
    version: () => version,
  }
}
