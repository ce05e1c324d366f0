import { AxeBuilder } from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

// What the end-to-end specs of the demo (e2e/demo*.spec.ts) do on its pages, in one place so the
// specs read as the user's story. Not a spec itself: Playwright only collects e2e/*.spec.ts.

/** The demo's themes, as its theme switcher offers them. */
export const DEMO_THEMES = ['light', 'dark', 'koala'] as const

/** One of {@link DEMO_THEMES}. */
export type DemoTheme = (typeof DEMO_THEMES)[number]

/** Fails with the list of axe violations on the page as it is now (best practices included). */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([])
}

/** Picks a theme in the header's switcher. */
export async function chooseTheme(page: Page, theme: DemoTheme): Promise<void> {
  await page.getByRole('combobox', { name: 'Theme' }).selectOption(theme)
  await expect(page.locator('[data-slot="demo"]')).toHaveAttribute('data-bc-theme', theme)
}

/** Opens the demo signed out and checks the sign-up screen is shown. */
export async function openSignUp(page: Page): Promise<void> {
  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'Open your Koala Money account' })).toBeVisible()
}

/**
 * Signs a new user up and waits for the connect screen. Checks the sign-up screen with axe first.
 * Each test signs up a user of its own: the sandbox is never reset under the demo's server.
 */
export async function signUp(
  page: Page,
  options: { email?: string; open?: boolean } = {},
): Promise<void> {
  const { email = `user-${Date.now()}@example.test`, open = true } = options
  if (open) await openSignUp(page)
  await expectNoAxeViolations(page)
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(
    page.getByRole('heading', { name: 'Link the account your salary is paid into', level: 1 }),
  ).toBeVisible()
}

/** Picker mode: finds a bank by name and picks the first match. */
export async function chooseBank(page: Page, query: string, name: RegExp): Promise<void> {
  const search = page.getByRole('combobox', { name: 'Find your bank' })
  await search.fill(query)
  await page.getByRole('option', { name }).first().click()
}

/** Picker mode: fills the credentials form and submits it. */
export async function logIn(page: Page, loginId: string, password: string): Promise<void> {
  await page.getByLabel('Login', { exact: true }).fill(loginId)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
}

/** The control's own screens and fields (the fake keeps the real control's wording). */
export async function connectInControl(
  page: Page,
  loginId: string,
  password: string,
): Promise<void> {
  const control = page.locator('[data-slot="basiq-connect-control"]')
  await expect(control.getByRole('heading', { name: 'Select your bank' })).toBeVisible({
    timeout: 15_000,
  })
  await expectNoAxeViolations(page)
  await control.getByRole('button', { name: 'Hooli Bank' }).click()
  await expect(control.getByRole('heading', { name: 'Hooli Bank' })).toBeVisible()
  await expectNoAxeViolations(page)
  await control.getByLabel('Login', { exact: true }).fill(loginId)
  await control.getByLabel('Password', { exact: true }).fill(password)
  await control.getByRole('button', { name: 'Connect', exact: true }).click()
}

/** The step indicator's current step. */
export function currentStep(page: Page) {
  return page.getByRole('list', { name: 'Your progress' }).locator('[aria-current="step"]')
}

/** Waits for the release to the profile step (verification can take a few seconds). */
export async function expectProfileStep(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Tell us about you', level: 1 })).toBeVisible({
    timeout: 20_000,
  })
  await expect(currentStep(page)).toHaveText(/Profile/)
}

/** Waits for the background sync banner to say the accounts are in. */
export async function expectSyncComplete(page: Page): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: /^\d+ accounts? ready$/ })).toBeVisible({
    timeout: 30_000,
  })
}
