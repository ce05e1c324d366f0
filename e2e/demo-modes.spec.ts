import { expect, test, type Page } from '@playwright/test'
import {
  connectInControl,
  currentStep,
  expectNoAxeViolations,
  expectProfileStep,
  expectSyncComplete,
  signUp,
} from './demo-page.ts'
import { demoUrl, sandboxUrl } from '../playwright.config.ts'

// The demo's two other ways to a bank, through the demo itself: Basiq's connect control (the sandbox
// serves a drop-in fake of it) and Basiq's hosted consent page (the sandbox serves one too). Each
// path ends where the picker's does: released to the profile step while the accounts sync.
//
// No sandbox reset between tests (it would revoke the tokens the demo server holds); each test
// signs up a user of its own.

/** On the demo's connect screen: hands over to the sandbox's consent page. */
async function continueToConsentPage(page: Page): Promise<void> {
  await page.getByRole('radio', { name: 'Continue on Basiq’s site' }).check()
  await expectNoAxeViolations(page)
  await page.getByRole('button', { name: 'Continue to Basiq' }).click()
  await expect(page).toHaveURL(new RegExp(`^${sandboxUrl}/consent/home\\?`))
  await expect(page.getByRole('heading', { name: 'Choose your bank', level: 1 })).toBeVisible()
}

/** On the consent page: connects Hooli with a login, then finishes back to the demo. */
async function connectOnConsentPage(page: Page, loginId: string, password: string) {
  await expectNoAxeViolations(page)
  await page.getByRole('button', { name: 'Hooli Bank' }).click()
  await expect(page.getByRole('heading', { name: 'Log in to Hooli', level: 1 })).toBeVisible()
  await expectNoAxeViolations(page)
  await page.getByLabel('Login', { exact: true }).fill(loginId)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Bank connected', level: 1 })).toBeVisible()
  await expectNoAxeViolations(page)
  const back = page.waitForRequest(
    (request) => request.isNavigationRequest() && request.url().includes('jobIds='),
  )
  await page.getByRole('button', { name: 'Finish' }).click()
  return new URL((await back).url())
}

/** Profile → summary, where the connected bank is listed. */
async function finishOnboarding(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { name: 'You’re all set', level: 1 })).toBeVisible()
  await expect(currentStep(page)).toHaveText(/Done/)
  const banks = page.getByRole('region', { name: 'Your banks' })
  await expect(banks.getByText('Hooli', { exact: true })).toBeVisible({ timeout: 15_000 })
  await expectNoAxeViolations(page)
}

test.describe('Basiq’s connect control', () => {
  test('a sandbox persona connects through the control, is released to the profile step, and the sync completes', async ({
    page,
  }) => {
    test.setTimeout(90_000)
    await signUp(page)
    await page.getByRole('radio', { name: 'Basiq’s connect window' }).check()
    await connectInControl(page, 'gavinBelson', 'hooli2016')

    await expectProfileStep(page)
    await expectNoAxeViolations(page)
    await expectSyncComplete(page)
    await expectNoAxeViolations(page)
    await finishOnboarding(page)
  })

  test('a locked account shows Basiq’s reason, and re-entering the login through the control gets the user through', async ({
    page,
  }) => {
    test.setTimeout(90_000)
    await signUp(page)
    await page.getByRole('radio', { name: 'Basiq’s connect window' }).check()
    await connectInControl(page, 'bighead', 'password')

    const alert = page.getByRole('alert').filter({ hasText: 'Account is locked' })
    await expect(alert).toBeVisible({ timeout: 20_000 })
    await expect(page.getByRole('heading', { name: 'We couldn’t connect your bank' })).toBeVisible()
    await expectNoAxeViolations(page)
    await alert.getByRole('button', { name: 'Re-enter your login details' }).click()

    // Back to the control, which starts over; the right login goes through.
    await connectInControl(page, 'gavinBelson', 'hooli2016')
    await expectProfileStep(page)
    await expectSyncComplete(page)
    await expectNoAxeViolations(page)
  })
})

test.describe('Basiq’s hosted consent page', () => {
  test('the user connects a bank on the consent page, comes back with the job ids, and is released to the profile step', async ({
    page,
  }) => {
    test.setTimeout(90_000)
    await signUp(page)
    await continueToConsentPage(page)
    const sent = new URL(page.url())
    const state = sent.searchParams.get('state')
    expect(state).toMatch(/^[\w-]{32}$/)
    expect(new URL(sent.searchParams.get('redirect') ?? '').origin).toBe(demoUrl)

    const back = await connectOnConsentPage(page, 'gavinBelson', 'hooli2016')
    expect(back.searchParams.get('state')).toBe(state)
    expect(back.searchParams.get('jobIds')?.split(',')).toHaveLength(1)

    await expectProfileStep(page)
    // The demo's address no longer carries the job ids or the state once they were taken in.
    expect(new URL(page.url()).search).toBe('')
    await expectNoAxeViolations(page)
    await expectSyncComplete(page)
    await expectNoAxeViolations(page)
    await finishOnboarding(page)
  })

  test('a locked account connected on the consent page is explained back in the demo, which offers the consent page again', async ({
    page,
  }) => {
    test.setTimeout(90_000)
    await signUp(page)
    await continueToConsentPage(page)
    await connectOnConsentPage(page, 'bighead', 'password')

    const alert = page.getByRole('alert').filter({ hasText: 'Account is locked' })
    await expect(alert).toBeVisible({ timeout: 20_000 })
    await expectNoAxeViolations(page)
    await alert.getByRole('button', { name: 'Re-enter your login details' }).click()

    // Still in consent mode: the way back to the bank is Basiq's page again.
    await expect(page.getByRole('radio', { name: 'Continue on Basiq’s site' })).toBeChecked()
    await page.getByRole('button', { name: 'Continue to Basiq' }).click()
    await expect(page.getByRole('heading', { name: 'Choose your bank', level: 1 })).toBeVisible()
    await connectOnConsentPage(page, 'gavinBelson', 'hooli2016')
    await expectProfileStep(page)
    await expectSyncComplete(page)
    await expectNoAxeViolations(page)
  })
})
