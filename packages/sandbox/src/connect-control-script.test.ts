// @vitest-environment jsdom
// The control is browser code: the page is jsdom, its `fetch` the sandbox in process.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualClock } from './clock.ts'
import type { ManualClock } from './clock.ts'
import { CONNECT_CONTROL_PATH, connectControlScript } from './connect-control-script.ts'
import type { BasiqConnectConfig } from './connect-control-script.ts'
import { createSandbox } from './create-sandbox.ts'
import type { Sandbox } from './create-sandbox.ts'

const BASE = 'http://basiq.sandbox.test'

type Fetch = (input: string, init?: RequestInit) => Promise<Response>

interface Page {
  document: Document
  sandbox: Sandbox
  clock: ManualClock
  userId: string
  clientToken: string
  events: Array<{ type: string; detail: unknown }>
  errors: unknown[][]
  fetch: ReturnType<typeof vi.fn<Fetch>>
  BasiqConnect(config: Partial<BasiqConnectConfig>): void
}

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

/**
 * A fresh page that ran `script` (by default the one the sandbox serves) with `fetch` wired to a
 * new sandbox. `tokenVersion` is the `basiq-version` the CLIENT token was asked for.
 */
async function openPage(options: { script?: string; tokenVersion?: string } = {}): Promise<Page> {
  const clock = createManualClock(Date.parse('2026-03-02T09:00:00Z'))
  const sandbox = createSandbox({ clock, seed: 7, baseUrl: BASE, speed: 10 })
  // Replacing the body detaches the previous page's container, which retires its control.
  document.body.innerHTML = '<div id="host"></div>'
  const fetch = vi.fn<Fetch>((input, init) => sandbox.fetch(new Request(input, init)))
  vi.stubGlobal('fetch', fetch)
  const errors: unknown[][] = []
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args)
  })
  const events: Array<{ type: string; detail: unknown }> = []
  for (const eventType of ['jobCreated', 'basiqConnectMounted']) {
    const listener = (event: Event) => {
      events.push({ type: eventType, detail: (event as CustomEvent).detail })
    }
    window.addEventListener(eventType, listener)
    cleanups.push(() => window.removeEventListener(eventType, listener))
  }
  const script =
    options.script ??
    (await (await sandbox.fetch(new Request(`${BASE}${CONNECT_CONTROL_PATH}`))).text())
  // Indirect eval runs the text as a classic script in the global scope, as a <script> would.
  // oxlint-disable-next-line no-eval -- running the served script is the point of this test
  const evaluate = eval
  evaluate(script)
  const global = window as unknown as { BasiqConnect?: (config: unknown) => void }
  const BasiqConnect = global.BasiqConnect
  cleanups.push(() => {
    delete global.BasiqConnect
  })
  if (typeof BasiqConnect !== 'function') throw new Error('the script defined no BasiqConnect')

  const server = sandbox.mintToken({ scope: 'SERVER_ACCESS' })
  const created = await sandbox.fetch(
    new Request(`${BASE}/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'gavin@hooli.com' }),
    }),
  )
  const userId = ((await created.json()) as { id: string }).id
  const clientToken = sandbox.mintToken({
    scope: 'CLIENT_ACCESS',
    version: options.tokenVersion ?? '2.1',
  })
  return {
    document,
    sandbox,
    clock,
    userId,
    clientToken,
    events,
    errors,
    fetch,
    BasiqConnect: (config) => BasiqConnect(config),
  }
}

/** Lets the page's timers and requests run, moving the sandbox clock along, until `check` holds. */
async function until(page: Page, check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (check()) return
    await page.clock.advance(100)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`timed out waiting for ${what}; page shows: ${page.document.body.textContent}`)
}

function heading(page: Page): string {
  return page.document.querySelector('#host h2')?.textContent ?? ''
}

function buttonNamed(page: Page, name: string): HTMLButtonElement {
  const found = [...page.document.querySelectorAll<HTMLButtonElement>('#host button')].find(
    (button) => button.textContent === name,
  )
  if (!found) throw new Error(`no button "${name}" in: ${page.document.body.textContent}`)
  return found
}

function fieldLabelled(page: Page, label: string): HTMLInputElement {
  const labelNode = [...page.document.querySelectorAll('#host label')].find(
    (node) => node.textContent === label,
  )
  const input = labelNode ? page.document.getElementById(labelNode.getAttribute('for') ?? '') : null
  if (!input) throw new Error(`no field labelled "${label}" in: ${page.document.body.textContent}`)
  return input as HTMLInputElement
}

function type(page: Page, label: string, value: string): void {
  const input = fieldLabelled(page, label)
  input.value = value
  input.dispatchEvent(new Event('input', { bubbles: true }))
}

function bankNames(page: Page): string[] {
  return [...page.document.querySelectorAll('#host ul button')].map((b) => b.textContent ?? '')
}

async function mountAndPick(page: Page, bank: string, config: Partial<BasiqConnectConfig> = {}) {
  page.BasiqConnect({
    containerId: 'host',
    token: page.clientToken,
    userID: page.userId,
    ...config,
  })
  await until(page, () => bankNames(page).length > 0, 'the bank list')
  type(page, 'Search Banks', bank)
  buttonNamed(page, bankNames(page).find((name) => name.includes(bank)) ?? bank).click()
}

describe('the fake BasiqConnect control the sandbox serves', () => {
  it('is served as JavaScript that defines the global BasiqConnect bound to the sandbox', async () => {
    const sandbox = createSandbox({ baseUrl: BASE, seed: 1 })
    const response = await sandbox.fetch(new Request(`${BASE}${CONNECT_CONTROL_PATH}`))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/javascript/)
    const text = await response.text()
    expect(text).toContain(JSON.stringify(BASE))
    expect(text).toBe(connectControlScript({ baseUrl: BASE }))
    await openPage({ script: text })
    expect(typeof (window as unknown as { BasiqConnect?: unknown }).BasiqConnect).toBe('function')
    const post = await sandbox.fetch(
      new Request(`${BASE}${CONNECT_CONTROL_PATH}`, { method: 'POST' }),
    )
    expect(post.status).toBe(405)
  })

  it('reports a missing container exactly as the real control does, and renders nothing', async () => {
    const page = await openPage()
    page.BasiqConnect({ containerId: 'nowhere', token: page.clientToken, userID: page.userId })
    expect(page.errors).toEqual([
      ["BASIQ CONNECT CONTROL ERROR: Provided container node doesn't exist."],
    ])
    page.BasiqConnect(undefined as never)
    expect(page.errors).toHaveLength(2)
    expect(page.document.getElementById('host')?.childElementCount).toBe(0)
  })

  it('connects with a sandbox persona: mounted event, bank list, form, jobCreated {id, link}, success', async () => {
    const page = await openPage()
    page.BasiqConnect({ containerId: 'host', token: page.clientToken, userID: page.userId })
    await until(page, () => page.events.some((e) => e.type === 'basiqConnectMounted'), 'mounted')
    expect(page.events[0]).toEqual({ type: 'basiqConnectMounted', detail: null })

    await until(page, () => bankNames(page).length > 0, 'the bank list')
    expect(heading(page)).toBe('Select your bank')
    expect(bankNames(page)).toContain('Hooli Bank')
    type(page, 'Search Banks', 'hooli')
    expect(bankNames(page).every((name) => name.toUpperCase().includes('HOOLI'))).toBe(true)
    buttonNamed(page, 'Hooli Bank').click()

    expect(heading(page)).toBe('Hooli Bank')
    buttonNamed(page, 'Connect').click()
    expect(page.document.querySelector('#host [role="alert"]')?.textContent).toBe(
      'You must provide Login',
    )
    type(page, 'Login', 'gavinBelson')
    type(page, 'Password', 'hooli2016')
    buttonNamed(page, 'Connect').click()

    await until(page, () => page.events.some((e) => e.type === 'jobCreated'), 'jobCreated')
    const created = page.events.filter((e) => e.type === 'jobCreated')
    expect(created).toHaveLength(1)
    const detail = created[0]?.detail as { id: string; link: string }
    expect(Object.keys(detail).sort()).toEqual(['id', 'link'])
    expect(detail.link).toBe(`${BASE}/jobs/${detail.id}`)
    expect(page.sandbox.engine.requireJob(detail.id).userId).toBe(page.userId)

    await until(page, () => heading(page) === 'Success', 'the success page')
    expect(page.document.querySelector('#host [role="status"]')?.textContent).toBe(
      'Your data has been successfully submitted.',
    )
  })

  it('shows the bank’s failure on the credentials page (bighead: account locked)', async () => {
    const page = await openPage()
    await mountAndPick(page, 'Hooli Bank')
    type(page, 'Login', 'bighead')
    type(page, 'Password', 'password')
    buttonNamed(page, 'Connect').click()
    await until(
      page,
      () =>
        page.document.querySelector('#host [role="alert"]')?.textContent === 'Account is locked',
      'the failure',
    )
    expect(heading(page)).toBe('Hooli Bank')
  })

  it('asks the bank’s MFA questions and sends the answers (Pied Piper, jared)', async () => {
    const page = await openPage()
    await mountAndPick(page, 'Pied Piper')
    type(page, 'Login', 'jared')
    type(page, 'Password', 'django')
    buttonNamed(page, 'Connect').click()
    await until(
      page,
      () => page.document.querySelector('#host label')?.textContent === 'OTP Password',
      'the MFA page',
    )
    expect(page.document.body.textContent).toContain('Please enter the code sent to your mobile.')
    type(page, 'OTP Password', '1234')
    buttonNamed(page, 'Submit').click()
    await until(page, () => heading(page) === 'Success', 'the success page')
  })

  it('refuses a token that is not a Basiq token, or a user the token cannot see', async () => {
    const page = await openPage()
    page.BasiqConnect({ containerId: 'host', token: 'not-a-jwt', userID: page.userId })
    await until(page, () => heading(page) === 'Authorization failed', 'the refusal')
    page.BasiqConnect({ containerId: 'host', token: page.clientToken, userID: 'no-such-user' })
    await until(
      page,
      () =>
        heading(page) === 'Authorization failed' &&
        /does not exist/.test(page.document.body.textContent ?? ''),
      'the refusal for an unknown user',
    )
    page.BasiqConnect({ containerId: 'host', connectLinkId: 'abc' })
    await until(
      page,
      () => /connectLinkId/.test(page.document.body.textContent ?? ''),
      'the connectLinkId explanation',
    )
    expect(heading(page)).toBe('Authorization failed')
    expect(page.events.filter((event) => event.type === 'jobCreated')).toEqual([])
  })

  it('applies the real control’s filters: version, region, test banks', async () => {
    const v21 = await openPage()
    v21.BasiqConnect({ containerId: 'host', token: v21.clientToken, userID: v21.userId })
    await until(v21, () => bankNames(v21).length > 0, 'banks')
    expect(bankNames(v21)).toContain('Pied Piper Bank')

    const v20 = await openPage({ tokenVersion: '2.0' })
    v20.BasiqConnect({
      containerId: 'host',
      token: v20.clientToken,
      userID: v20.userId,
      hideTestBanks: true,
      regionOfInstitutions: 'Australia',
    })
    await until(v20, () => bankNames(v20).length > 0, 'banks')
    type(v20, 'Search Banks', '')
    const names = bankNames(v20)
    // A 2.0 token lists only banks that take a plain login, and hideTestBanks drops AU00000/AU00001.
    expect(names).not.toContain('Pied Piper Bank')
    expect(names).not.toContain('Hooli Bank')
    const listed = v20.sandbox.engine
      .listInstitutions([])
      .filter((institution) => names.includes(institution.name))
    expect(listed.length).toBeGreaterThan(0)
    expect(listed.every((institution) => institution.country === 'Australia')).toBe(true)
    expect(listed.every((institution) => institution.authorization === 'user')).toBe(true)
  })

  it('a second call into the same container replaces the first, which stops its work', async () => {
    const page = await openPage()
    page.BasiqConnect({ containerId: 'host', token: page.clientToken, userID: page.userId })
    page.BasiqConnect({
      containerId: 'host',
      token: page.clientToken,
      userID: page.userId,
      companyName: 'Pied Piper Inc',
    })
    await until(page, () => bankNames(page).length > 0, 'banks')
    expect(page.document.querySelectorAll('#host .basiq-connect')).toHaveLength(1)
    expect(heading(page)).toBe('Connect your bank to Pied Piper Inc')
    // The retired instance stopped after its token check: one bank list request in all.
    const listRequests = page.fetch.mock.calls.filter(([url]) =>
      String(url).includes('/public/institutions'),
    )
    expect(listRequests).toHaveLength(1)
  })
})
