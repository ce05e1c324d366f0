import { describe, expect, it } from 'vitest'
import { BACKGROUND_JOBS_STORAGE_KEY, createBackgroundJobsStore } from './background-jobs-store.ts'
import type { BackgroundJobsStorage } from './background-jobs-store.ts'

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial))
  const storage: BackgroundJobsStorage = {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => {
      data.set(key, value)
    },
    removeItem: (key) => {
      data.delete(key)
    },
  }
  return { storage, data }
}

describe('createBackgroundJobsStore', () => {
  it('keeps released job ids in order, once each, and forgets dismissed ones', () => {
    let now = 1_000
    const store = createBackgroundJobsStore({ now: () => now })
    store.getState().add('job-a')
    now = 2_000
    store.getState().add('job-b')
    store.getState().add('job-a')
    expect(store.getState().jobs).toEqual([
      { jobId: 'job-a', releasedAt: 1_000 },
      { jobId: 'job-b', releasedAt: 2_000 },
    ])
    store.getState().dismiss('job-a')
    expect(store.getState().jobs.map((job) => job.jobId)).toEqual(['job-b'])
    store.getState().clear()
    expect(store.getState().jobs).toEqual([])
  })

  it('persists ids and times only, and restores them in a new store', () => {
    const { storage, data } = memoryStorage()
    const store = createBackgroundJobsStore({ storage, key: 'k' })
    store.getState().add('job-a', 5)
    expect(JSON.parse(data.get('k') ?? 'null')).toEqual([{ jobId: 'job-a', releasedAt: 5 }])
    const restored = createBackgroundJobsStore({ storage, key: 'k' })
    expect(restored.getState().jobs).toEqual([{ jobId: 'job-a', releasedAt: 5 }])
    restored.getState().dismiss('job-a')
    expect(data.has('k')).toBe(false)
  })

  it('ignores corrupt or tampered storage instead of failing', () => {
    const key = BACKGROUND_JOBS_STORAGE_KEY
    for (const text of ['{not json', '42', '{"jobId":"a"}', 'null', '']) {
      const { storage } = memoryStorage({ [key]: text })
      expect(createBackgroundJobsStore({ storage }).getState().jobs).toEqual([])
    }
    const { storage } = memoryStorage({
      [key]: JSON.stringify([
        { jobId: 'good', releasedAt: 1, password: 'hunter2' },
        { jobId: '../../etc', releasedAt: 2 },
        { jobId: 'no-time' },
        { jobId: 'good', releasedAt: 3 },
        'junk',
        null,
      ]),
    })
    const store = createBackgroundJobsStore({ storage })
    expect(store.getState().jobs).toEqual([{ jobId: 'good', releasedAt: 1 }])
  })

  it('works in memory when storage throws', () => {
    const storage: BackgroundJobsStorage = {
      getItem: () => {
        throw new Error('SecurityError')
      },
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
      removeItem: () => {
        throw new Error('SecurityError')
      },
    }
    const store = createBackgroundJobsStore({ storage })
    store.getState().add('job-a', 1)
    expect(store.getState().jobs).toEqual([{ jobId: 'job-a', releasedAt: 1 }])
  })

  it('keeps at most `limit` jobs, dropping the oldest', () => {
    const store = createBackgroundJobsStore({ limit: 2 })
    store.getState().add('a', 1)
    store.getState().add('b', 2)
    store.getState().add('c', 3)
    expect(store.getState().jobs.map((job) => job.jobId)).toEqual(['b', 'c'])
  })

  it('refuses what is not a job id, with a clear error', () => {
    const store = createBackgroundJobsStore()
    expect(() => store.getState().add('a/b')).toThrow(/not a job id/)
    expect(() => store.getState().add('')).toThrow(TypeError)
    expect(() => createBackgroundJobsStore({ limit: 0 })).toThrow(/limit/)
  })
})
