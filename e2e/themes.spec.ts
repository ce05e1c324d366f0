// The opt-in theme, seen as a user sees it: screenshots of the main connection steps in each theme,
// each step rendered under a strict Content Security Policy, and the OS preferences the theme
// follows.
//
// The stories are built once (`pnpm build:storybook`) and served by a tiny static server started
// here, with a CSP that allows no inline style: `style-src 'self'` plus the hashes of the two
// `<style>` blocks Storybook's own iframe.html carries (and likewise for its inline scripts). A
// style attribute or an injected `<style>` from the kit would be a violation, and fails the test.
//
// Re-baselining (after a Chromium or font upgrade, or a deliberate visual change):
//   pnpm exec playwright test e2e/themes.spec.ts --update-snapshots
// then look at every changed PNG in e2e/themes.spec.ts-snapshots/ before committing it.
import { expect, test, type Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve } from 'node:path'

const STATIC_DIR = resolve(import.meta.dirname, '..', 'storybook-static')
/** Where stories send their Basiq requests; the page's MSW worker answers them. */
const STORY_SANDBOX_ORIGIN = 'https://basiq-sandbox.test'
const THEMES = ['light', 'dark', 'koala'] as const
/** Hides the ticking countdowns while a screenshot is taken. */
const SCREENSHOT_CSS = resolve(import.meta.dirname, 'screenshot.css')

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
}

function hashes(html: string, tag: 'style' | 'script'): string[] {
  const pattern = new RegExp(`<${tag}(?![^>]*\\bsrc=)[^>]*>([\\s\\S]*?)</${tag}>`, 'g')
  return [...html.matchAll(pattern)]
    .map((match) => match[1] ?? '')
    .filter((body) => body.trim() !== '')
    .map((body) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`)
}

/** The policy: nothing inline but Storybook's own fixed blocks, named by their hashes. */
async function contentSecurityPolicy(): Promise<string> {
  const html = await readFile(join(STATIC_DIR, 'iframe.html'), 'utf8')
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes(html, 'script').join(' ')}`,
    `style-src 'self' 'report-sample' ${hashes(html, 'style').join(' ')}`,
    `img-src 'self' data: ${STORY_SANDBOX_ORIGIN}`,
    "font-src 'self' data:",
    `connect-src 'self' ${STORY_SANDBOX_ORIGIN}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ')
}

function serveStatic(policy: string): Promise<Server> {
  const server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
      const file = normalize(join(STATIC_DIR, path === '/' ? 'index.html' : path))
      if (!file.startsWith(STATIC_DIR) || !(await stat(file).catch(() => null))?.isFile()) {
        response.writeHead(404).end()
        return
      }
      response.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': policy,
        'cache-control': 'no-store',
      })
      response.end(await readFile(file))
    })()
  })
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)))
}

let server: Server
let origin: string

test.beforeAll(async () => {
  test.setTimeout(180_000)
  execFileSync('pnpm', ['build:storybook'], { stdio: 'pipe' })
  server = await serveStatic(await contentSecurityPolicy())
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

test.afterAll(async () => {
  await new Promise((done) => server?.close(done))
})

/**
 * Inline styles Storybook's own tooling adds to every story page (the highlight addon's menu and the
 * a11y addon's colour-vision filters), recognised by the start of the blocked text. They are not
 * the kit's, and a product page has neither.
 */
const STORYBOOK_TOOLING = ['#storybook-highlights-menu', 'position:absolute;width:0;height:0;overf']

/** Every CSP violation the page reports, except Storybook's own tooling. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = []
  await page.exposeFunction('bankconnectReportViolation', (directive: string, sample: string) => {
    if (STORYBOOK_TOOLING.some((prefix) => sample.trim().startsWith(prefix))) return
    violations.push(`${directive} blocked: ${sample}`)
  })
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (
        window as unknown as { bankconnectReportViolation(d: string, s: string): void }
      ).bankconnectReportViolation
      report(event.violatedDirective, event.sample || event.blockedURI)
    })
  })
  return violations
}

async function openStory(page: Page, id: string, theme?: string): Promise<void> {
  const globals = theme === undefined ? '' : `&globals=theme:${theme}`
  await page.goto(`${origin}/iframe.html?id=${id}&viewMode=story${globals}`)
}

/** Waits for every image in the story to have loaded (logos come through the MSW worker). */
async function imagesLoaded(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page
        .locator('#storybook-root img')
        .evaluateAll((images) => images.every((image) => (image as HTMLImageElement).complete)),
    )
    .toBe(true)
}

/** The status line of the job screens (the live region repeats it for screen readers). */
function phaseLine(page: Page) {
  return page.locator('[data-slot="job-progress-phase"]')
}

/** One screenshot per theme of a step, once `ready` says the story shows it. */
interface Shot {
  name: string
  story: (theme: (typeof THEMES)[number]) => { id: string; theme?: string }
  ready: (page: Page) => Promise<void>
  /** Parts whose content is data rather than design (ids), masked; countdowns are hidden. */
  mask?: string[]
}

/** The heading of a ConnectFlow step, once the story's play has reached it. */
function flowStep(page: Page, title: string) {
  return page.locator('[data-slot="connect-flow-heading"]').filter({ hasText: title })
}

const GALLERY_STORY = { light: 'light', dark: 'dark', koala: 'koala-brand' } as const

const SHOTS: Shot[] = [
  {
    // A finished connection, a failure with its actions, and the bank's one-time code.
    name: 'job-screens',
    story: (theme) => ({ id: `theming-themes--${GALLERY_STORY[theme]}` }),
    ready: async (page) => {
      // After the release the kit looks again at its background pace, so "complete" can take a while.
      await expect(phaseLine(page).getByText('All done: your accounts are connected')).toBeVisible({
        timeout: 45_000,
      })
      await expect(page.getByRole('alert')).toBeVisible({ timeout: 10_000 })
      await expect(page.getByLabel('OTP Password')).toBeVisible({ timeout: 10_000 })
    },
  },
  {
    name: 'verifying',
    story: (theme) => ({ id: 'job-jobprogress--verifying', theme }),
    ready: async (page) => {
      await expect(page.getByText('Usually takes about 8 seconds')).toBeVisible({
        timeout: 10_000,
      })
      await expect(page.locator('[data-slot="job-step"][data-state="in-progress"]')).toBeVisible({
        timeout: 15_000,
      })
    },
  },
  {
    name: 'paused',
    story: (theme) => ({ id: 'job-jobprogress--paused', theme }),
    ready: async (page) => {
      await expect(phaseLine(page)).toHaveText('Your connection is paused', { timeout: 10_000 })
      await expect(page.getByText(/^Resuming in/)).toBeVisible()
    },
  },
  {
    name: 'bank-picker',
    story: (theme) => ({ id: 'picker-bankpicker--stages-marked', theme }),
    ready: async (page) => {
      await expect(page.getByRole('option', { name: 'Alex Early access' })).toBeVisible({
        timeout: 15_000,
      })
      await expect(page.getByRole('combobox')).toHaveValue('alex')
      await imagesLoaded(page)
    },
  },
  {
    name: 'credentials-bank-down',
    story: (theme) => ({ id: 'picker-credentialsform--bank-down', theme }),
    ready: async (page) => {
      await expect(page.getByRole('alert')).toContainText('can’t connect to it right now')
      await imagesLoaded(page)
    },
  },
  {
    // ConnectFlow's steps, each where its story's play leaves it: Hooli chosen in the picker,
    // bighead's locked account with its actions, and gavinBelson released.
    name: 'flow-credentials',
    story: (theme) => ({ id: 'connect-connectflow--bank-chosen', theme }),
    ready: async (page) => {
      await expect(flowStep(page, 'Connect Hooli')).toBeFocused({ timeout: 15_000 })
      await expect(page.getByRole('form', { name: 'Log in to Hooli' })).toBeVisible()
      await imagesLoaded(page)
    },
  },
  {
    name: 'flow-failed',
    story: (theme) => ({ id: 'connect-connectflow--account-locked', theme }),
    ready: async (page) => {
      await expect(flowStep(page, 'We couldn’t connect to Hooli')).toBeFocused({
        timeout: 20_000,
      })
      const alert = page.getByRole('alert')
      await expect(alert).toContainText('Account is locked')
      await expect(alert.getByRole('button', { name: 'Re-enter your login details' })).toBeVisible()
      await imagesLoaded(page)
    },
    mask: ['[data-slot="job-progress-reference"]'],
  },
  {
    name: 'flow-released',
    story: (theme) => ({ id: 'connect-connectflow--happy-path', theme }),
    ready: async (page) => {
      await expect(flowStep(page, 'Hooli is connected')).toBeFocused({ timeout: 20_000 })
      await expect(page.getByRole('button', { name: 'Connect another bank' })).toBeVisible()
    },
  },
]

test.describe('under a strict CSP', () => {
  // The stylesheet is the same file whatever the theme, so one theme per step is enough here.
  for (const shot of SHOTS) {
    test(`${shot.name} renders with no CSP violation`, async ({ page }) => {
      test.setTimeout(60_000)
      const violations = await watchViolations(page)
      const { id, theme } = shot.story('dark')
      await openStory(page, id, theme)
      await shot.ready(page)
      await expect(page.locator('.bc-story')).toHaveAttribute('data-bc-theme', 'dark')
      expect(violations).toEqual([])
    })
  }
})

test.describe('screenshots', () => {
  // Playwright freezes animations and hides the ticking countdowns with styles of its own,
  // which the strict CSP above would refuse; these pages are served the same but not enforced.
  test.use({ bypassCSP: true })

  for (const shot of SHOTS) {
    for (const theme of THEMES) {
      test(`${shot.name} in the ${theme} theme`, async ({ page }) => {
        test.setTimeout(60_000)
        const { id, theme: global } = shot.story(theme)
        await openStory(page, id, global)
        await shot.ready(page)
        const canvas = page.locator('.bc-story')
        await expect(canvas).toHaveAttribute('data-bc-theme', theme)
        await expect(canvas).toHaveScreenshot(`${shot.name}-${theme}.png`, {
          animations: 'disabled',
          caret: 'hide',
          // Ticking countdowns keep their place but are not drawn: a mask box drawn from the
          // element's position can land off the text when the layout settles late.
          stylePath: SCREENSHOT_CSS,
          mask: (shot.mask ?? []).map((selector) => page.locator(selector)),
        })
      })
    }
  }
})

test('without data-bc-theme, prefers-color-scheme: dark picks the dark theme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await openStory(page, 'job-jobprogress--verifying', 'system')
  const root = page.locator('[data-slot="job-progress"]')
  await expect(root).toBeVisible({ timeout: 10_000 })
  await expect(page.locator('.bc-story')).not.toHaveAttribute('data-bc-theme')
  await expect(root).toHaveCSS('background-color', 'rgb(22, 25, 29)')
  // An explicit theme wins over the OS.
  await openStory(page, 'job-jobprogress--verifying', 'light')
  await expect(page.locator('[data-slot="job-progress"]')).toHaveCSS(
    'background-color',
    'rgb(255, 255, 255)',
  )
})

test('prefers-reduced-motion: reduce stops the spinner and the transitions', async ({ page }) => {
  const step = page.locator('[data-slot="job-step"][data-state="in-progress"]')
  const spinner = () =>
    step.evaluate((element) => getComputedStyle(element, '::before').animationName)
  await openStory(page, 'job-jobprogress--verifying', 'light')
  await expect(step).toBeVisible({ timeout: 10_000 })
  expect(await spinner()).toBe('bc-spin')

  await page.emulateMedia({ reducedMotion: 'reduce' })
  await openStory(page, 'job-jobprogress--verifying', 'light')
  await expect(step).toBeVisible({ timeout: 10_000 })
  expect(await spinner()).toBe('none')
  const transitions = await page
    .locator('#storybook-root [data-slot="job-progress"]')
    .evaluate((root) => getComputedStyle(root).getPropertyValue('--bc-motion-duration').trim())
  expect(transitions).toBe('0s')
})

test('the CSP really forbids inline styles here (the check can fail)', async ({ page }) => {
  const violations = await watchViolations(page)
  await openStory(page, 'job-jobprogress--verifying', 'light')
  await expect(page.locator('[data-slot="job-progress"]')).toBeVisible({ timeout: 10_000 })
  await page.evaluate(() => {
    const style = document.createElement('style')
    style.textContent = '[data-slot="job-progress"] { outline: 1px solid red }'
    document.head.append(style)
  })
  await expect.poll(() => violations.length).toBeGreaterThan(0)
  expect(violations.join('\n')).toMatch(/style-src/)
})
