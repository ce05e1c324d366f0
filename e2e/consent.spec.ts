import { expect, test } from '@playwright/test'
import type { APIRequestContext, Page } from '@playwright/test'
import { sandboxUrl } from '../playwright.config.ts'

// The v3 path end to end: the harness page sends the user to the sandbox's hosted consent page,
// which creates the connections and redirects back with ?jobIds=…&state=…; useConsentRedirect
// checks the state, cleans the address and hands every job to useJob.

const API_KEY = 'bankconnect-sandbox-api-key'
const STATE_KEY = 'bankconnect:consent-state'

/** What the app's server would do for v3: a user and a CLIENT_ACCESS token bound to that user. */
async function consentSession(request: APIRequestContext) {
  const token = async (version: string, form: Record<string, string>) => {
    const response = await request.post(`${sandboxUrl}/token`, {
      headers: { authorization: `Basic ${API_KEY}`, 'basiq-version': version },
      form,
    })
    expect(response.status()).toBe(200)
    return ((await response.json()) as { access_token: string }).access_token
  }
  const server = await token('2.1', { scope: 'SERVER_ACCESS' })
  const user = await request.post(`${sandboxUrl}/users`, {
    headers: { authorization: `Bearer ${server}` },
    data: { email: 'e2e-consent@bankconnect.test' },
  })
  expect(user.status()).toBe(201)
  const userId = ((await user.json()) as { id: string }).id
  return { userId, server, token: await token('3.0', { scope: 'CLIENT_ACCESS', userId }) }
}

async function openHarness(page: Page, session: { userId: string; token: string }) {
  await page.addInitScript(
    (config) => {
      Object.assign(window, { bankconnectE2E: config })
    },
    { userId: session.userId, token: session.token, apiUrl: sandboxUrl },
  )
  await page.goto('/src/e2e-harness.html?harness=consent')
}

async function logIn(page: Page, loginId: string, password: string) {
  await page.getByRole('button', { name: 'Hooli Bank' }).click()
  await expect(page.getByRole('heading', { name: 'Log in to Hooli' })).toBeVisible()
  await page.getByLabel('Login').fill(loginId)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Connect' }).click()
  await expect(page.getByRole('heading', { name: 'Bank connected' })).toBeVisible()
}

test.beforeEach(async ({ request }) => {
  await request.post(`${sandboxUrl}/__sandbox/reset`)
})

test('two banks connected in the consent page come back as two jobs, each followed by useJob', async ({
  page,
  request,
}) => {
  const session = await consentSession(request)
  await openHarness(page, session)
  await expect(page.getByText('Consent: idle')).toBeVisible()
  await page.getByRole('button', { name: 'Connect with Basiq Consent' }).click()

  await expect(page).toHaveURL(new RegExp(`^${sandboxUrl}/consent/home\\?`))
  const sent = new URL(page.url())
  expect(sent.searchParams.get('token')).toBe(session.token)
  const state = sent.searchParams.get('state') ?? ''
  expect(state).toMatch(/^[\w-]{32}$/)
  await expect(page.getByRole('heading', { name: 'Choose your bank' })).toBeVisible()
  await logIn(page, 'gavinBelson', 'hooli2016')
  await page.getByRole('button', { name: 'Connect another bank' }).click()
  await logIn(page, 'Whistler', 'ShowBox')
  const returned = page.waitForRequest((r) => r.url().includes('jobIds='))
  await page.getByRole('button', { name: 'Finish' }).click()

  const back = new URL((await returned).url())
  expect(back.searchParams.get('state')).toBe(state)
  expect(back.searchParams.get('jobIds')?.split(',')).toHaveLength(2)
  await expect(page.getByText('Consent: returned')).toBeVisible()
  const jobs = page.getByRole('list', { name: 'Consent jobs' }).getByRole('listitem')
  await expect(jobs).toHaveCount(2)
  for (const [index, jobId] of (back.searchParams.get('jobIds')?.split(',') ?? []).entries()) {
    await expect(jobs.nth(index)).toHaveText(new RegExp(`^job ${jobId}: (released|complete)$`), {
      timeout: 20_000,
    })
  }
  // The address bar is clean: the harness's own parameter stays.
  expect(new URL(page.url()).search).toBe('?harness=consent')
  expect(await page.evaluate((key) => sessionStorage.getItem(key), STATE_KEY)).toBeNull()
})

test('a return whose state was not sent is refused: no job is followed and the address is cleaned', async ({
  page,
  request,
}) => {
  const session = await consentSession(request)
  const created = await request.post(`${sandboxUrl}/users/${session.userId}/connections`, {
    headers: { authorization: `Bearer ${session.server}` },
    data: { loginId: 'gavinBelson', password: 'hooli2016', institution: { id: 'AU00000' } },
  })
  const jobId = ((await created.json()) as { id: string }).id
  await openHarness(page, session)
  // The user started a consent in this tab (a state is kept), then a forged link brings them back.
  await page.getByRole('button', { name: 'Connect with Basiq Consent' }).click()
  await expect(page.getByRole('heading', { name: 'Choose your bank' })).toBeVisible()
  const jobPolls: string[] = []
  page.on('request', (r) => {
    if (r.url().includes('/jobs/')) jobPolls.push(r.url())
  })
  await page.goto(`/src/e2e-harness.html?harness=consent&jobIds=${jobId}&state=forged`)

  await expect(page.getByText('Consent: refused')).toBeVisible()
  await expect(page.getByRole('alert')).toHaveText(
    /We couldn’t confirm that this bank connection was started here/,
  )
  await expect(page.getByRole('list', { name: 'Consent jobs' }).getByRole('listitem')).toHaveCount(
    0,
  )
  expect(new URL(page.url()).search).toBe('?harness=consent')
  await page.waitForTimeout(500)
  expect(jobPolls).toEqual([])
})

test('the consent page never redirects to another site', async ({ page, request }) => {
  const session = await consentSession(request)
  const response = await page.goto(
    `${sandboxUrl}/consent/home?${new URLSearchParams({
      token: session.token,
      state: 's',
      redirect: 'https://evil.example/steal',
    })}`,
  )
  expect(response?.status()).toBe(400)
  await expect(page.getByText(/The redirect URL is not allowed/)).toBeVisible()
  expect(new URL(page.url()).origin).toBe(sandboxUrl)
})
