import { describe, expect, it } from 'vitest'
import {
  defaultMessages,
  formatCountdown,
  formatDuration,
  humanise,
  mergeMessages,
  recoveryText,
  stepText,
} from './messages.ts'

describe('messages', () => {
  it('says durations the way people do', () => {
    expect(formatDuration(8_154, 'en-AU')).toBe('8 seconds')
    expect(formatDuration(1_000, 'en-AU')).toBe('1 second')
    expect(formatDuration(200, 'en-AU')).toBe('1 second')
    expect(formatDuration(12_487, 'en-AU')).toBe('10 seconds')
    expect(formatDuration(43_000, 'en-AU')).toBe('45 seconds')
    expect(formatDuration(10 * 60_000, 'en-AU')).toBe('10 minutes')
    expect(formatDuration(Number.NaN, 'en-AU')).toBe('1 second')
  })

  it('shows countdowns as mm:ss and never below zero', () => {
    expect(formatCountdown(360_000)).toBe('06:00')
    expect(formatCountdown(119_001)).toBe('02:00')
    expect(formatCountdown(59_000)).toBe('00:59')
    expect(formatCountdown(-5)).toBe('00:00')
    expect(formatCountdown(3_661_000)).toBe('1:01:01')
  })

  it('overrides one key at a time and ignores undefined overrides', () => {
    const merged = mergeMessages({ 'eta.overdue': 'Hang tight', 'eta.retrying': undefined })
    expect(merged['eta.overdue']).toBe('Hang tight')
    expect(merged['eta.retrying']).toBe(defaultMessages['eta.retrying'])
    expect(mergeMessages(undefined)).toBe(defaultMessages)
    expect(() => mergeMessages('nope' as never)).toThrow(/messages must be an object/)
  })

  it('has a text for every recovery, and a generic one for keys it does not know', () => {
    const kinds = [
      'invalid-credentials',
      'user-action-required',
      'institution-down',
      'service-unavailable',
      'paused',
      'mfa-failed',
      'mfa-expired',
      'rate-limited',
      'transport',
      'session-expired',
      'timeout',
      'unknown',
    ]
    const texts = kinds.map((kind) =>
      recoveryText(defaultMessages, { messageKey: `recovery.${kind}`, retryAfterMs: undefined }),
    )
    expect(new Set(texts).size).toBe(kinds.length)
    expect(
      recoveryText(defaultMessages, { messageKey: 'recovery.brand-new', retryAfterMs: undefined }),
    ).toBe(defaultMessages['recovery.unknown'])
  })

  it('counts accounts with the right plural', () => {
    expect(defaultMessages['background.ready']({ count: 1, locale: 'en-AU' })).toBe(
      '1 account ready',
    )
    expect(defaultMessages['background.ready']({ count: 4, locale: 'en-AU' })).toBe(
      '4 accounts ready',
    )
    expect(defaultMessages['background.ready']({ count: 1200, locale: 'en-AU' })).toBe(
      '1,200 accounts ready',
    )
  })

  it('titles unknown steps readably', () => {
    expect(stepText(defaultMessages, 'retrieve-accounts')).toBe('Retrieving your accounts')
    expect(stepText(defaultMessages, 'retrieve-widgets')).toBe('Retrieve widgets')
    expect(stepText(defaultMessages, 'status.pending')).toBe('Status pending')
    expect(humanise('verifyIdentity_now')).toBe('Verify identity now')
    expect(humanise('---')).toBe('Step')
  })
})
