// The demo's main screens as a user sees them, pictured once each (light theme), and the page shell
// in every theme: screenshots of the sign-up screen, and axe on every screen of the whole flow.
//
// Each picture is taken in a settled state, with animations stopped, the caret hidden, the mouse
// away from anything hoverable, and whatever the clock changes masked (countdowns, "last updated"
// and "checked" times, support references with job ids). The email is fixed so the header is too.
//
// Re-baselining (after a Chromium or font upgrade, or a deliberate visual change):
//   pnpm exec playwright test e2e/demo-screens.spec.ts --update-snapshots
// then look at every changed PNG in e2e/demo-screens.spec.ts-snapshots/ before committing it.
import { expect, test, type Page, type Route } from '@playwright/test'
import {
  DEMO_THEMES,
  chooseBank,
  chooseTheme,
  expectNoAxeViolations,
  expectProfileStep,
  expectSyncComplete,
  logIn,
  openSignUp,
  signUp,
  type DemoTheme,
} from './demo-page.ts'
import { sandboxUrl } from '../playwright.config.ts'

test.use({ viewport: { width: 1280, height: 800 } })

const EMAIL = 'alex.citizen@example.test'

/** Waits until every image on the page has loaded (bank logos come from the sandbox). */
async function imagesLoaded(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page
        .locator('img')
        .evaluateAll((images) => images.every((image) => (image as HTMLImageElement).complete)),
    )
    .toBe(true)
}

/** A full-page picture of the screen as it is now, compared with its baseline. */
async function expectScreen(page: Page, name: string): Promise<void> {
  // The last click leaves the mouse over whatever now sits there; a hover colour is not the design.
  await page.mouse.move(0, 0)
  await expect(page).toHaveScreenshot(`${name}.png`, {
    fullPage: true,
    animations: 'disabled',
    caret: 'hide',
    mask: [
      page.locator('[data-slot$="countdown"]'),
      page.locator('[data-slot="connection-health"] [data-slot="last-updated"]'),
      page.locator('[data-slot="connection-health"] [data-slot="checked-at"]'),
      page.locator('[data-slot="job-progress-reference"]'),
    ],
  })
}

/**
 * Holds every job poll the page makes until `release()`. At the test sandbox's pace a login is
 * verified within a second, so without this the verifying screen is gone before it can be pictured;
 * held, it stays as the user sees it while Basiq works. The requests are real and go on unchanged.
 */
async function holdJobPolls(page: Page): Promise<{ release: () => Promise<void> }> {
  const held: Route[] = []
  let holding = true
  await page.route(`${sandboxUrl}/jobs/*`, async (route) => {
    if (holding) held.push(route)
    else await route.continue()
  })
  return {
    async release() {
      holding = false
      await Promise.all(held.splice(0).map((route) => route.continue()))
    },
  }
}

/**
 * The whole onboarding in one theme, with axe on every screen; `pictures` also takes the screens'
 * pictures.
 */
async function walkThrough(page: Page, theme: DemoTheme, pictures: boolean): Promise<void> {
  await openSignUp(page)
  await chooseTheme(page, theme)
  await expectNoAxeViolations(page)
  await expectScreen(page, theme === 'light' ? 'sign-up' : `sign-up-${theme}`)

  await signUp(page, { email: EMAIL, open: false })
  const banks = page.getByRole('region', { name: 'Connect your bank' }).getByRole('option')
  await expect(banks.first()).toBeVisible({ timeout: 15_000 })
  await imagesLoaded(page)
  await expectNoAxeViolations(page)
  if (pictures) await expectScreen(page, 'connect')

  await chooseBank(page, 'hooli', /Hooli/)
  await expect(page.getByRole('heading', { name: 'Connect Hooli', level: 2 })).toBeVisible()
  await imagesLoaded(page)
  await expectNoAxeViolations(page)
  if (pictures) await expectScreen(page, 'credentials')

  const polls = await holdJobPolls(page)
  await logIn(page, 'gavinBelson', 'hooli2016')
  await expect(page.getByRole('heading', { name: 'Connecting to Hooli', level: 2 })).toBeVisible()
  // The sandbox's own estimate is a second at its pace: past it, the screen settles on "longer".
  await expect(page.getByText('Taking longer than usual')).toBeVisible()
  await expectNoAxeViolations(page)
  if (pictures) await expectScreen(page, 'verifying')
  await polls.release()

  await expectProfileStep(page)
  await expectSyncComplete(page)
  await expectNoAxeViolations(page)
  if (pictures) await expectScreen(page, 'profile')

  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { name: 'You’re all set', level: 1 })).toBeVisible()
  const health = page.getByRole('region', { name: 'Your banks' })
  await expect(health.getByText('Up to date')).toBeVisible({ timeout: 15_000 })
  await expect(health.locator('[data-slot="checked-at"]')).toBeVisible()
  await expectNoAxeViolations(page)
  if (pictures) await expectScreen(page, 'summary')
}

test('each main screen of the onboarding looks as designed', async ({ page }) => {
  test.setTimeout(120_000)
  await walkThrough(page, 'light', true)
})

for (const theme of DEMO_THEMES.filter((name) => name !== 'light')) {
  test(`the page shell follows the ${theme} theme and every screen passes axe in it`, async ({
    page,
  }) => {
    test.setTimeout(120_000)
    await walkThrough(page, theme, false)
  })
}
