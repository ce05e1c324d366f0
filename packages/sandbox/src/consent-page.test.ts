// @vitest-environment jsdom
// jsdom's DOMParser reads the pages the way a browser would.
import { beforeEach, describe, expect, it } from 'vitest'
import { createManualClock } from './clock.ts'
import type { ManualClock } from './clock.ts'
import { CONSENT_PAGE_PATH, isAllowedConsentRedirect } from './consent-page.ts'
import { createSandbox } from './create-sandbox.ts'
import type { Sandbox } from './create-sandbox.ts'
import { testClient } from './test-client.ts'

const BASE = 'http://basiq.sandbox.test'
const APP = 'http://127.0.0.1:5173/onboarding?step=bank#top'

let clock: ManualClock
let sandbox: Sandbox
let client: ReturnType<typeof testClient>
let userId: string
let consentToken: string

beforeEach(async () => {
  clock = createManualClock(Date.parse('2026-03-02T09:00:00Z'))
  sandbox = createSandbox({ clock, seed: 3, baseUrl: BASE })
  client = testClient(sandbox, clock)
  userId = await client.createUser(await client.token())
  consentToken = await v3ClientToken(userId)
})

/** What the app's server does before sending the user to the Consent UI. */
async function v3ClientToken(forUser: string): Promise<string> {
  const response = await client.request('POST', '/token', {
    headers: { authorization: `Basic ${sandbox.apiKey}`, 'basiq-version': '3.0' },
    form: { scope: 'CLIENT_ACCESS', userId: forUser },
  })
  expect(response.status).toBe(200)
  return response.body.access_token as string
}

interface Page {
  status: number
  headers: Headers
  document: Document
  url: string
}

async function get(params: Record<string, string>): Promise<Page> {
  const url = `${BASE}${CONSENT_PAGE_PATH}?${new URLSearchParams(params)}`
  const response = await client.request('GET', url)
  return { status: response.status, headers: response.headers, document: parse(response.text), url }
}

function parse(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html')
}

function consentParams(extra: Record<string, string> = {}): Record<string, string> {
  return { token: consentToken, state: 's7-Xy', redirect: APP, ...extra }
}

/**
 * Submits the form that holds the button named `button`, as a browser would: its inputs (with
 * `values` typed into the visible ones) and the button's own name/value. Returns the answer.
 */
async function submit(
  page: Page,
  button: string,
  values: Record<string, string> = {},
): Promise<{ status: number; location: string | null; page: Page }> {
  const target = [...page.document.querySelectorAll('button')].find(
    (node) => node.textContent === button,
  )
  const form = target?.closest('form')
  if (!target || !form)
    throw new Error(`no button "${button}" in: ${page.document.body.textContent}`)
  const fields = new URLSearchParams()
  for (const input of form.querySelectorAll('input')) {
    fields.set(input.name, values[input.name] ?? input.value)
  }
  if (target.name) fields.set(target.name, target.value)
  const method = (form.getAttribute('method') ?? 'get').toUpperCase()
  const action = new URL(form.getAttribute('action') ?? '', page.url).href
  const response =
    method === 'GET'
      ? await client.request('GET', `${action}?${fields}`)
      : await client.request('POST', action, { form: Object.fromEntries(fields) })
  return {
    status: response.status,
    location: response.headers.get('location'),
    page: {
      status: response.status,
      headers: response.headers,
      document: parse(response.text),
      url: method === 'GET' ? `${action}?${fields}` : action,
    },
  }
}

function text(page: Page): string {
  return page.document.body.textContent?.replace(/\s+/g, ' ') ?? ''
}

describe('the sandbox consent page', () => {
  it('connects two banks and returns to the app with every jobId and the state', async () => {
    const picker = await get(consentParams())
    expect(picker.status).toBe(200)
    expect(picker.headers.get('content-type')).toMatch(/^text\/html/)
    expect(picker.headers.get('referrer-policy')).toBe('no-referrer')
    const csp = picker.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("form-action 'self' http://127.0.0.1:5173")
    expect(picker.document.querySelectorAll('script')).toHaveLength(0)
    expect(picker.document.querySelectorAll('[style]')).toHaveLength(0)

    const hooli = await submit(picker, 'Hooli Bank')
    expect(hooli.page.document.querySelector('h1')?.textContent).toBe('Log in to Hooli')
    const first = await submit(hooli.page, 'Connect', {
      loginId: 'gavinBelson',
      password: 'hooli2016',
    })
    expect(first.status).toBe(200)
    expect(text(first.page)).toContain('Your Hooli Bank login was sent.')

    const again = await submit(first.page, 'Connect another bank')
    expect(text(again.page)).toContain('1 bank connected so far.')
    const searched = await submit(again.page, 'Search', { q: 'pied' })
    const piedPiper = await submit(searched.page, 'Pied Piper Bank')
    const second = await submit(piedPiper.page, 'Connect', { loginId: 'jared', password: 'django' })
    expect(second.status).toBe(200)

    const done = await submit(second.page, 'Finish')
    expect(done.status).toBe(303)
    const back = new URL(done.location ?? '')
    expect(`${back.origin}${back.pathname}${back.hash}`).toBe(
      'http://127.0.0.1:5173/onboarding#top',
    )
    expect(back.searchParams.get('step')).toBe('bank')
    expect(back.searchParams.get('state')).toBe('s7-Xy')
    // Comma-separated as Basiq writes them, one per connection, in order.
    expect(back.search).toMatch(/[?&]jobIds=[\w-]+,[\w-]+(&|$)/)
    const jobIds = back.searchParams.get('jobIds')?.split(',') ?? []
    expect(jobIds).toHaveLength(2)
    const banks = jobIds.map((id) => {
      const job = sandbox.engine.requireJob(id)
      expect(job.userId).toBe(userId)
      return job.institutionId
    })
    expect(banks).toEqual(['AU00000', 'AU00002'])
  })

  it('goes straight to the login of institutionId, and back with an empty jobIds on Cancel', async () => {
    const login = await get(consentParams({ institutionId: 'AU00000' }))
    expect(login.document.querySelector('h1')?.textContent).toBe('Log in to Hooli')
    const labels = [...login.document.querySelectorAll('label')].map((l) => l.textContent)
    expect(labels).toEqual(['Login', 'Password'])
    const back = await submit(
      await submit(login, 'Choose another bank').then((r) => r.page),
      'Cancel',
    )
    expect(back.status).toBe(303)
    expect(back.location).toBe('http://127.0.0.1:5173/onboarding?step=bank&jobIds=&state=s7-Xy#top')
  })

  it('shows Basiq’s validation message and keeps the login id, never the password', async () => {
    const login = await get(consentParams({ institutionId: 'AU00000' }))
    const refused = await submit(login, 'Connect', { loginId: 'gavinBelson', password: '' })
    expect(refused.status).toBe(400)
    expect(refused.page.document.querySelector('[role="alert"]')?.textContent).toBe(
      'Password parameter is required.',
    )
    expect(refused.page.document.querySelector<HTMLInputElement>('#loginId')?.value).toBe(
      'gavinBelson',
    )
    expect(refused.page.document.querySelector<HTMLInputElement>('#password')?.value).toBe('')
  })

  it('updates an existing connection’s password when given connectionId', async () => {
    const jobId = await client.connect(await client.token(), userId, 'gavinBelson', 'hooli2016')
    const connectionId = sandbox.engine.requireJob(jobId).connectionId
    const page = await get(consentParams({ connectionId }))
    const labels = [...page.document.querySelectorAll('label')].map((l) => l.textContent)
    expect(labels).toEqual(['Password'])
    const sent = await submit(page, 'Connect', { password: 'hooli2016' })
    const done = await submit(sent.page, 'Finish')
    const ids = new URL(done.location ?? '').searchParams.get('jobIds')?.split(',') ?? []
    expect(ids).toHaveLength(1)
    expect(ids[0]).not.toBe(jobId)
    expect(sandbox.engine.requireJob(ids[0] ?? '').connectionId).toBe(connectionId)

    const unknown = await get(consentParams({ connectionId: 'no-such-connection' }))
    expect(unknown.status).toBe(404)
  })

  it('never redirects anywhere but a loopback, localhost or .test address', async () => {
    for (const redirect of [
      'https://evil.example/',
      'http://localhost.evil.example/',
      'javascript:alert(1)',
      'http://user:secret@127.0.0.1/',
      '//127.0.0.1/',
      '',
    ]) {
      const page = await get(consentParams({ redirect }))
      expect(`${redirect} → ${page.status}`).toBe(`${redirect} → 400`)
      expect(page.headers.get('location')).toBeNull()
      expect(text(page)).toMatch(/redirect/i)
    }
    // A forged finish post is refused the same way.
    const forged = await client.request('POST', `${BASE}${CONSENT_PAGE_PATH}`, {
      form: { ...consentParams({ redirect: 'https://evil.example/' }), step: 'finish' },
    })
    expect(forged.status).toBe(400)
    expect(forged.headers.get('location')).toBeNull()

    expect(isAllowedConsentRedirect('http://localhost:3000/cb')).toBe(true)
    expect(isAllowedConsentRedirect('http://127.0.0.1:5173/')).toBe(true)
    expect(isAllowedConsentRedirect('http://[::1]:8080/')).toBe(true)
    expect(isAllowedConsentRedirect('https://app.bankconnect.test/return?x=1')).toBe(true)
    expect(isAllowedConsentRedirect('https://app.example.com/')).toBe(false)
    expect(isAllowedConsentRedirect('ftp://127.0.0.1/')).toBe(false)
  })

  it('takes only a version 3.0 CLIENT_ACCESS token bound to an existing user', async () => {
    const expect401 = async (token: string) => {
      const page = await get(consentParams({ token }))
      expect(page.status).toBe(401)
    }
    await expect401('')
    await expect401('not.a.token')

    for (const token of [
      await client.token('SERVER_ACCESS'),
      await client.token('CLIENT_ACCESS'), // 2.1, not bound to a user
    ]) {
      const page = await get(consentParams({ token }))
      expect(page.status).toBe(403)
      expect(text(page)).toContain('version 3.0 CLIENT_ACCESS token bound to a user')
    }

    await clock.advance(3601_000)
    const expired = await get(consentParams())
    expect(expired.status).toBe(403)
    expect(text(expired)).toContain('The token has expired.')
  })

  it('refuses jobIds that are not the token user’s, malformed state and unknown actions', async () => {
    const otherUser = await client.createUser(await client.token(), 'other@hooli.com')
    const othersJob = await client.connect(await client.token(), otherUser, 'jared', 'django')
    const foreign = await get(consentParams({ jobIds: othersJob }))
    expect(foreign.status).toBe(403)
    const unknown = await get(consentParams({ jobIds: 'nope' }))
    expect(unknown.status).toBe(400)
    const badState = await get(consentParams({ state: 'x'.repeat(513) }))
    expect(badState.status).toBe(400)
    const badAction = await get(consentParams({ action: 'delete-everything' }))
    expect(badAction.status).toBe(400)

    const manage = await get(consentParams({ action: 'manage' }))
    expect(manage.status).toBe(200)
    expect(text(manage)).toContain('does not simulate action=manage')
    const back = await submit(manage, 'Return')
    expect(new URL(back.location ?? '').searchParams.get('state')).toBe('s7-Xy')
  })

  it('escapes everything it echoes', async () => {
    const state = '"><script>alert(1)</script>'
    const page = await get(consentParams({ state, q: '<img src=x onerror=alert(1)>' }))
    expect(page.status).toBe(200)
    expect(page.document.querySelectorAll('script, img')).toHaveLength(0)
    const carried = page.document.querySelector<HTMLInputElement>('input[name="state"]')
    expect(carried?.value).toBe(state)
  })

  it('serves its stylesheet and answers unknown consent paths and methods with an HTML error', async () => {
    const css = await client.request('GET', '/consent/consent.css')
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toMatch(/^text\/css/)
    const missing = await client.request('GET', '/consent/elsewhere')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/)
    const put = await client.request(
      'PUT',
      `${CONSENT_PAGE_PATH}?${new URLSearchParams(consentParams())}`,
    )
    expect(put.status).toBe(405)
    const json = await client.request('POST', CONSENT_PAGE_PATH, { json: consentParams() })
    expect(json.status).toBe(415)
  })
})
