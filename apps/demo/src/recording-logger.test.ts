import { describe, expect, it, vi } from 'vitest'
import { createRecordingLogger } from './recording-logger.ts'

type Print = (...args: unknown[]) => void

function printer() {
  return { error: vi.fn<Print>(), warn: vi.fn<Print>(), info: vi.fn<Print>() }
}

describe('createRecordingLogger', () => {
  it('keeps every call with its level, oldest first, in one array', () => {
    const logger = createRecordingLogger()
    const calls = logger.calls
    logger.error({ type: 'job-failed', jobId: 'j1', code: 'account-locked' })
    logger.info({ type: 'job-released', jobId: 'j2' })
    logger.warn({ type: 'poll-failed', jobId: 'j2' })

    expect(logger.calls).toBe(calls)
    expect(calls).toEqual([
      { level: 'error', event: { type: 'job-failed', jobId: 'j1', code: 'account-locked' } },
      { level: 'info', event: { type: 'job-released', jobId: 'j2' } },
      { level: 'warn', event: { type: 'poll-failed', jobId: 'j2' } },
    ])
  })

  it('records a copy, so the caller changing its event later does not rewrite history', () => {
    const logger = createRecordingLogger()
    const event = { type: 'job-failed', jobId: 'j1' }
    logger.error(event)
    event.jobId = 'changed'
    expect(logger.calls[0]?.event.jobId).toBe('j1')
  })

  it('prints nothing unless asked', () => {
    const out = printer()
    const logger = createRecordingLogger({ printer: out })
    logger.error({ type: 'job-failed' })
    expect(out.error).not.toHaveBeenCalled()
  })

  it('when printing, prints each call at its own level with the event', () => {
    const out = printer()
    const logger = createRecordingLogger({ print: true, printer: out })
    const failed = { type: 'job-failed', jobId: 'j1' }
    logger.error(failed)
    logger.warn({ type: 'poll-failed' })
    logger.info({ type: 'job-complete' })

    expect(out.error).toHaveBeenCalledExactlyOnceWith('bankconnect error: job-failed', failed)
    expect(out.warn).toHaveBeenCalledExactlyOnceWith('bankconnect warn: poll-failed', {
      type: 'poll-failed',
    })
    expect(out.info).toHaveBeenCalledExactlyOnceWith('bankconnect info: job-complete', {
      type: 'job-complete',
    })
  })
})
