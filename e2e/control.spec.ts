import { expect, test } from '@playwright/test'
import type { APIRequestContext, Page } from '@playwright/test'
import { sandboxUrl } from '../playwright.config.ts'

// BasiqConnectControl against the fake control exactly as `pnpm sandbox` serves it, in Chromium,
// on the harness page of the demo app (React StrictMode).

const API_KEY = 'bankconnect-sandbox-api-key'
const CONTROL_SCRIPT = 'script[src$="/__sandbox/connect-control.js"]'

/** What the app's server would do: a Basiq user and a CLIENT_ACCESS token for the browser. */
async function sandboxSession(request: APIRequestContext) {
  const token = async (form: Record<string, string>) => {
    const response = await request.post(`${sandboxUrl}/token`, {
      headers: { authorization: `Basic ${API_KEY}`, 'basiq-version': '2.1' },
      form,
    })
    expect(response.status()).toBe(200)
    return ((await response.json()) as { access_token: string }).access_token
  }
  const server = await token({ scope: 'SERVER_ACCESS' })
  const user = await request.post(`${sandboxUrl}/users`, {
    headers: { authorization: `Bearer ${server}` },
    data: { email: 'e2e@bankconnect.test' },
  })
  expect(user.status()).toBe(201)
  return {
    userId: ((await user.json()) as { id: string }).id,
    token: await token({ scope: 'CLIENT_ACCESS' }),
  }
}

/**
 * Opens the harness with a fresh user and token, and counts the window listeners of the control's
 * two events that are in place.
 */
async function openHarness(page: Page, request: APIRequestContext, query = ''): Promise<void> {
  const session = await sandboxSession(request)
  await page.addInitScript(
    (config) => {
      const counts: Record<string, number> = {}
      const add = window.addEventListener
      const remove = window.removeEventListener
      window.addEventListener = function (
        this: Window,
        ...args: Parameters<Window['addEventListener']>
      ) {
        counts[args[0]] = (counts[args[0]] ?? 0) + 1
        return add.apply(this, args)
      } as Window['addEventListener']
      window.removeEventListener = function (
        this: Window,
        ...args: Parameters<Window['removeEventListener']>
      ) {
        counts[args[0]] = (counts[args[0]] ?? 0) - 1
        return remove.apply(this, args)
      } as Window['removeEventListener']
      Object.assign(window, { bankconnectE2E: config, bankconnectListenerCounts: counts })
    },
    { ...session, apiUrl: sandboxUrl },
  )
  await page.goto(`/src/e2e-harness.html?harness=control${query}`)
}

function listeners(page: Page, type: string): Promise<number> {
  return page.evaluate(
    (name) =>
      (window as unknown as { bankconnectListenerCounts: Record<string, number> })
        .bankconnectListenerCounts[name] ?? 0,
    type,
  )
}

async function connect(page: Page, step: number, loginId: string, password: string) {
  const region = page.getByRole('region', { name: `Bank step ${step}` })
  await region.getByRole('button', { name: 'Hooli Bank' }).click()
  await region.getByLabel('Login').fill(loginId)
  await region.getByLabel('Password').fill(password)
  await region.getByRole('button', { name: 'Connect' }).click()
}

function jobsOf(page: Page, step: number) {
  return page.getByRole('list', { name: `Jobs of bank step ${step}` }).getByRole('listitem')
}

test.beforeEach(async ({ request }) => {
  await request.post(`${sandboxUrl}/__sandbox/reset`)
})

test('jobCreated → useJob → release, with one script, one mount and one listener under StrictMode', async ({
  page,
  request,
}) => {
  await openHarness(page, request)
  await connect(page, 1, 'gavinBelson', 'hooli2016')
  await expect(jobsOf(page, 1)).toHaveCount(1)
  await expect(jobsOf(page, 1)).toHaveText(/^job [\w-]+: (released|complete)$/, {
    timeout: 20_000,
  })
  // The control's own screen moved on too: the fake polls the job like the real one.
  await expect(page.getByRole('heading', { name: 'Success' })).toBeVisible({ timeout: 20_000 })
  await expect(page.getByText('Control mounted 1 time.')).toBeVisible()
  await expect(page.locator(CONTROL_SCRIPT)).toHaveCount(1)
  expect(await listeners(page, 'jobCreated')).toBe(1)
  expect(await listeners(page, 'basiqConnectMounted')).toBe(1)
})

test('after the bank step unmounts, a later jobCreated does nothing', async ({ page, request }) => {
  await openHarness(page, request)
  await expect(page.getByRole('button', { name: 'Hooli Bank' })).toBeVisible()
  await page.getByRole('button', { name: 'Close the bank step' }).click()
  expect(await listeners(page, 'jobCreated')).toBe(0)
  expect(await listeners(page, 'basiqConnectMounted')).toBe(0)
  await page.evaluate(() => {
    window.dispatchEvent(
      new CustomEvent('jobCreated', { detail: { id: 'late-job', link: 'late' } }),
    )
  })
  await page.waitForTimeout(300)
  await expect(jobsOf(page, 1)).toHaveCount(0)
})

test('two controls do not receive each other’s events, and the second one warns', async ({
  page,
  request,
}) => {
  const warnings: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text())
  })
  await openHarness(page, request, '&controls=2')
  await connect(page, 1, 'gavinBelson', 'hooli2016')
  await expect(jobsOf(page, 1)).toHaveCount(1)
  await connect(page, 2, 'Whistler', 'ShowBox')
  await expect(jobsOf(page, 2)).toHaveCount(1)
  await expect(jobsOf(page, 1)).toHaveCount(1)
  const [first, second] = [await jobsOf(page, 1).textContent(), await jobsOf(page, 2).textContent()]
  expect(first?.split(':')[0]).not.toBe(second?.split(':')[0])
  expect(
    warnings.some((text) => /^BasiqConnectControl: 2 controls are mounted at once/.test(text)),
  ).toBe(true)
  await expect(page.locator(CONTROL_SCRIPT)).toHaveCount(1)
})

test('a script that fails to load shows the error, and Try again loads it anew', async ({
  page,
  request,
}) => {
  const missing = `${sandboxUrl}/__sandbox/missing-control.js`
  await openHarness(page, request, `&src=${encodeURIComponent(missing)}`)
  const alert = page.getByRole('alert')
  await expect(alert).toHaveText(/We couldn’t load the bank connection screen\./)
  const retried = page.waitForRequest(missing)
  await alert.getByRole('button', { name: 'Try again' }).click()
  await retried
  await expect(page.getByRole('alert')).toHaveText(/We couldn’t load the bank connection screen\./)
  await expect(page.locator(`script[src="${missing}"]`)).toHaveCount(1)
})
