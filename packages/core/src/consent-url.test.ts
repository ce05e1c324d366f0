import { describe, expect, it } from 'vitest'
import {
  CONSENT_UI_URL,
  buildConsentUrl,
  consentStatesMatch,
  createConsentState,
  readConsentReturn,
  removeConsentParams,
} from './consent-url.ts'

describe('buildConsentUrl', () => {
  it('builds Basiq’s Consent UI URL with the documented parameters', () => {
    expect(buildConsentUrl({ token: 'abc.def.ghi' })).toBe(
      'https://consent.basiq.io/home?token=abc.def.ghi',
    )
    const url = new URL(
      buildConsentUrl({
        token: 'abc.def.ghi',
        action: 'connect',
        state: 'a b&c',
        institutionId: 'AU00000',
      }),
    )
    expect(`${url.origin}${url.pathname}`).toBe(`${CONSENT_UI_URL}/home`)
    expect(Object.fromEntries(url.searchParams)).toEqual({
      token: 'abc.def.ghi',
      action: 'connect',
      state: 'a b&c',
      institutionId: 'AU00000',
    })
    expect(
      new URL(
        buildConsentUrl({ token: 't', connectionId: 'c-1', action: 'reauthorise' }),
      ).searchParams.get('connectionId'),
    ).toBe('c-1')
  })

  it('points at another Consent UI (the sandbox’s) and passes its redirect', () => {
    const url = new URL(
      buildConsentUrl({
        token: 't',
        baseUrl: 'http://127.0.0.1:4010/consent/',
        redirect: 'http://127.0.0.1:5173/back?x=1',
      }),
    )
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:4010/consent/home')
    expect(url.searchParams.get('redirect')).toBe('http://127.0.0.1:5173/back?x=1')
  })

  it('refuses bad input with a message that names the problem', () => {
    expect(() => buildConsentUrl({ token: '' })).toThrow(/token must be/)
    expect(() => buildConsentUrl(undefined as never)).toThrow(/expected an options object/)
    expect(() => buildConsentUrl({ token: 't', action: 'delete' as never })).toThrow(
      /action must be one of null, connect, manage, extend, update, reauthorise/,
    )
    expect(() => buildConsentUrl({ token: 't', state: 'x'.repeat(513) })).toThrow(/state must be/)
    expect(() => buildConsentUrl({ token: 't', institutionId: 'hooli' })).toThrow(/AU00000/)
    expect(() => buildConsentUrl({ token: 't', connectionId: 'a/b' })).toThrow(/connectionId/)
    expect(() => buildConsentUrl({ token: 't', baseUrl: 'consent.basiq.io' })).toThrow(/baseUrl/)
    expect(() => buildConsentUrl({ token: 't', redirect: 'javascript:alert(1)' })).toThrow(
      /redirect/,
    )
  })
})

describe('readConsentReturn', () => {
  it('reads every job id, trimmed and de-duplicated, when the state matches', () => {
    expect(
      readConsentReturn('?jobIds=a1, b2,,a1&jobId=c3&state=s1&step=bank', { expectedState: 's1' }),
    ).toEqual({ status: 'returned', jobIds: ['a1', 'b2', 'c3'] })
    expect(readConsentReturn('jobIds=a1%2Cb2&state=s1', { expectedState: 's1' }).jobIds).toEqual([
      'a1',
      'b2',
    ])
    // The user closed the Consent UI without connecting a bank.
    expect(readConsentReturn('jobIds=&state=s1', { expectedState: 's1' })).toEqual({
      status: 'returned',
      jobIds: [],
    })
  })

  it('is idle without Consent UI results, whatever else the address carries', () => {
    expect(readConsentReturn('', { expectedState: 's1' })).toEqual({ status: 'idle', jobIds: [] })
    expect(readConsentReturn('?state=oauth&code=1', { expectedState: undefined }).status).toBe(
      'idle',
    )
  })

  it('refuses a wrong, missing or unasked-for state and hands no job on', () => {
    const mismatch = readConsentReturn('jobIds=a1&state=forged', { expectedState: 's1' })
    expect(mismatch).toMatchObject({ status: 'refused', jobIds: [] })
    expect(mismatch.error?.code).toBe('state-mismatch')
    expect(readConsentReturn('jobIds=a1', { expectedState: 's1' }).error?.code).toBe(
      'state-missing',
    )
    expect(readConsentReturn('jobIds=a1&state=s1', { expectedState: undefined }).error?.code).toBe(
      'unexpected-return',
    )
    expect(readConsentReturn('jobIds=a1', { expectedState: null })).toEqual({
      status: 'returned',
      jobIds: ['a1'],
    })
  })

  it('refuses job ids that are not Basiq ids', () => {
    const result = readConsentReturn('jobIds=a1,<script>&state=s1', { expectedState: 's1' })
    expect(result.status).toBe('refused')
    expect(result.error?.code).toBe('invalid-job-id')
    expect(result.jobIds).toEqual([])
  })
})

describe('consent helpers', () => {
  it('compares states exactly', () => {
    expect(consentStatesMatch('abc', 'abc')).toBe(true)
    expect(consentStatesMatch('abc', 'abd')).toBe(false)
    expect(consentStatesMatch('abc', 'abcd')).toBe(false)
    expect(consentStatesMatch('', 'a')).toBe(false)
    expect(consentStatesMatch(undefined as never, 'a')).toBe(false)
  })

  it('removes only the Consent UI’s parameters, keeping the others as written and the hash', () => {
    expect(
      removeConsentParams(
        'http://app.test/onboarding?step=bank&jobIds=a,b&q=a,b%20c&state=s&jobId=c#top',
      ),
    ).toBe('/onboarding?step=bank&q=a,b%20c#top')
    expect(removeConsentParams('http://app.test/done?jobIds=a&state=s')).toBe('/done')
    expect(removeConsentParams('/plain')).toBe('/plain')
  })

  it('makes random, URL-safe states', () => {
    const states = new Set(Array.from({ length: 50 }, () => createConsentState()))
    expect(states.size).toBe(50)
    for (const state of states) expect(state).toMatch(/^[A-Za-z0-9_-]{32}$/)
  })
})
