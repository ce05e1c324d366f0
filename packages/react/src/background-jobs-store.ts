import { createStore } from 'zustand/vanilla'
import type { StoreApi } from 'zustand/vanilla'

/** A job that released the user and goes on syncing: its id and when it was released. */
export interface BackgroundJob {
  /** Basiq job id. */
  jobId: string
  /** When the job released the user (ms since the epoch). */
  releasedAt: number
}

/** State and actions of the background-jobs store. */
export interface BackgroundJobsState {
  /** Released jobs still followed, oldest first. */
  jobs: readonly BackgroundJob[]
  /** Starts following a released job; a job already followed keeps its first `releasedAt`. */
  add(jobId: string, releasedAt?: number): void
  /** Stops following a job (the user saw its outcome). */
  dismiss(jobId: string): void
  /** Stops following every job. */
  clear(): void
}

/** A vanilla zustand store of {@link BackgroundJobsState}. */
export type BackgroundJobsStore = StoreApi<BackgroundJobsState>

/** The part of the Web Storage API the store uses (`sessionStorage` fits). */
export type BackgroundJobsStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** Options of {@link createBackgroundJobsStore}. */
export interface BackgroundJobsStoreOptions {
  /**
   * Where the job ids are kept across reloads. Default: none (memory only); the provider passes
   * `sessionStorage`. Only `[{ jobId, releasedAt }]` is ever written.
   */
  storage?: BackgroundJobsStorage | null
  /** Storage key. Default {@link BACKGROUND_JOBS_STORAGE_KEY}. */
  key?: string
  /** Clock (ms since the epoch). Default `Date.now`. */
  now?: () => number
  /** Most jobs kept; the oldest go first. Default `20`. */
  limit?: number
}

/** Default storage key of the background-jobs store. */
export const BACKGROUND_JOBS_STORAGE_KEY = 'bankconnect:background-jobs'

const DEFAULT_LIMIT = 20
const MAX_ID_LENGTH = 256

/**
 * Creates the store of released jobs that keep syncing after the user moved on. It holds job ids
 * and release times only (never credentials, answers or job data), and restores them from
 * `storage` so that a reload resumes following them. Unreadable or tampered storage is ignored,
 * never thrown; a storage that refuses writes (quota, private mode) leaves the store in memory.
 */
export function createBackgroundJobsStore(
  options: BackgroundJobsStoreOptions = {},
): BackgroundJobsStore {
  const storage = options.storage ?? undefined
  const key = options.key ?? BACKGROUND_JOBS_STORAGE_KEY
  if (typeof key !== 'string' || key === '') {
    throw new TypeError('createBackgroundJobsStore: key must be a non-empty string')
  }
  const now = options.now ?? Date.now
  const limit = options.limit ?? DEFAULT_LIMIT
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError('createBackgroundJobsStore: limit must be a whole number ≥ 1')
  }

  const store = createStore<BackgroundJobsState>()((set, get) => ({
    jobs: readStored(storage, key, limit),
    add(jobId, releasedAt) {
      if (!isJobId(jobId)) {
        throw new TypeError(`BackgroundJobs.add: not a job id: ${JSON.stringify(String(jobId))}`)
      }
      if (get().jobs.some((job) => job.jobId === jobId)) return
      const at = typeof releasedAt === 'number' && Number.isFinite(releasedAt) ? releasedAt : now()
      set({ jobs: [...get().jobs, { jobId, releasedAt: at }].slice(-limit) })
    },
    dismiss(jobId) {
      const jobs = get().jobs.filter((job) => job.jobId !== jobId)
      if (jobs.length !== get().jobs.length) set({ jobs })
    },
    clear() {
      if (get().jobs.length > 0) set({ jobs: [] })
    },
  }))

  if (storage) {
    store.subscribe((state, previous) => {
      if (state.jobs !== previous.jobs) writeStored(storage, key, state.jobs)
    })
  }
  return store
}

function readStored(
  storage: BackgroundJobsStorage | undefined,
  key: string,
  limit: number,
): BackgroundJob[] {
  if (!storage) return []
  let text: string | null
  try {
    text = storage.getItem(key)
  } catch {
    return []
  }
  if (typeof text !== 'string' || text === '') return []
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return []
  }
  if (!Array.isArray(parsed)) return []
  const jobs: BackgroundJob[] = []
  for (const item of parsed) {
    if (typeof item !== 'object' || item === null) continue
    const { jobId, releasedAt } = item as Record<string, unknown>
    if (!isJobId(jobId) || typeof releasedAt !== 'number' || !Number.isFinite(releasedAt)) continue
    if (jobs.some((job) => job.jobId === jobId)) continue
    jobs.push({ jobId, releasedAt })
  }
  return jobs.slice(-limit)
}

function writeStored(
  storage: BackgroundJobsStorage,
  key: string,
  jobs: readonly BackgroundJob[],
): void {
  try {
    if (jobs.length === 0) storage.removeItem(key)
    // Rebuilt field by field so that nothing but the id and the time can ever reach storage.
    else
      storage.setItem(
        key,
        JSON.stringify(jobs.map((job) => ({ jobId: job.jobId, releasedAt: job.releasedAt }))),
      )
  } catch {
    // Storage full or disabled: following the jobs still works for this page's lifetime.
  }
}

function isJobId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_ID_LENGTH &&
    // oxlint-disable-next-line no-control-regex -- control characters are exactly what is refused
    !/[/\\?#%\s\u0000-\u001f\u007f]/.test(value)
  )
}
