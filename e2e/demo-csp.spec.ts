// The demo as a product team ships it: a production build (Vite), served by Vite's preview server
// with a strict Content Security Policy that allows no inline script or style at all, and the
// onboarding flow run through it in our picker and in Basiq's connect control. Any inline style the
// kit (or the demo) set, any `<style>` it injected or any script it evaluated would be a violation,
// reported by the page and failing the test. The policy allows exactly what the flow needs: the
// page's own origin, and the Basiq API (the sandbox here) for requests, logos and the control's
// script.
import { expect, test, type Page } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build, preview, type InlineConfig, type PreviewServer } from 'vite'
import {
  chooseBank,
  chooseTheme,
  connectInControl,
  currentStep,
  expectProfileStep,
  logIn,
  signUp,
} from './demo-page.ts'
import { sandboxUrl } from '../playwright.config.ts'

const DEMO_ROOT = resolve(import.meta.dirname, '..', 'apps', 'demo')

const POLICY = [
  "default-src 'self'",
  `script-src 'self' ${sandboxUrl}`,
  "style-src 'self'",
  `img-src 'self' data: ${sandboxUrl}`,
  `connect-src 'self' ${sandboxUrl}`,
  "font-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ')

let outDir: string
let server: PreviewServer
let origin: string
const basiqUrlBefore = process.env.BASIQ_API_URL

test.beforeAll(async () => {
  test.setTimeout(180_000)
  // The demo's config reads the Basiq address from the environment when it loads.
  process.env.BASIQ_API_URL = sandboxUrl
  outDir = mkdtempSync(join(tmpdir(), 'bankconnect-demo-csp-'))
  const config: InlineConfig = {
    root: DEMO_ROOT,
    configFile: join(DEMO_ROOT, 'vite.config.ts'),
    configLoader: 'runner',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  }
  await build(config)
  server = await preview({
    ...config,
    preview: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      headers: { 'content-security-policy': POLICY },
    },
  })
  const url = server.resolvedUrls?.local[0]
  if (!url) throw new Error('the demo preview server did not report its address')
  origin = url.replace(/\/$/, '')
})

test.afterAll(async () => {
  if (basiqUrlBefore === undefined) delete process.env.BASIQ_API_URL
  else process.env.BASIQ_API_URL = basiqUrlBefore
  await server?.close()
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

/** Every CSP violation the page reports, as `directive blocked: sample`. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = []
  await page.exposeFunction('bankconnectReportViolation', (directive: string, sample: string) => {
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

/** Opens the built demo and proves the policy is in force: an inline style is refused. */
async function openUnderPolicy(page: Page): Promise<string[]> {
  const violations = await watchViolations(page)
  const response = await page.goto(origin)
  expect(response?.headers()['content-security-policy']).toBe(POLICY)
  await expect(page.getByRole('heading', { name: 'Open your Koala Money account' })).toBeVisible()
  const colour = await page.evaluate(() => {
    const probe = document.createElement('p')
    probe.setAttribute('style', 'color: rgb(255, 0, 0)')
    document.body.append(probe)
    const seen = getComputedStyle(probe).color
    probe.remove()
    return seen
  })
  expect(colour).not.toBe('rgb(255, 0, 0)')
  await expect.poll(() => violations.length).toBe(1)
  expect(violations[0]).toMatch(/^style-src-attr blocked/)
  violations.length = 0
  return violations
}

test.describe('the production build under a strict CSP', () => {
  test('our picker: sign up, connect a bank, released to the profile step, the summary lists it', async ({
    page,
  }) => {
    test.setTimeout(90_000)
    const violations = await openUnderPolicy(page)
    await signUp(page, { open: false })
    await chooseBank(page, 'hooli', /Hooli/)
    await expect(page.getByRole('form', { name: 'Log in to Hooli' })).toBeVisible()
    // Logos come from the Basiq API's origin and must load.
    await expect
      .poll(() =>
        page
          .locator('[data-slot="connect-flow"] img')
          .evaluateAll((images) =>
            images.every((image) => (image as HTMLImageElement).naturalWidth > 0),
          ),
      )
      .toBe(true)
    await logIn(page, 'gavinBelson', 'hooli2016')
    await expectProfileStep(page)
    for (const theme of ['dark', 'koala'] as const) await chooseTheme(page, theme)
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect(currentStep(page)).toHaveText(/Done/)
    const banks = page.getByRole('region', { name: 'Your banks' })
    await expect(banks.getByText('Hooli', { exact: true })).toBeVisible({ timeout: 15_000 })
    expect(violations).toEqual([])
  })

  test('Basiq’s connect control: its script loads from the Basiq origin and the user is released', async ({
    page,
  }) => {
    test.setTimeout(90_000)
    const violations = await openUnderPolicy(page)
    await signUp(page, { open: false })
    await page.getByRole('radio', { name: 'Basiq’s connect window' }).check()
    await connectInControl(page, 'gavinBelson', 'hooli2016')
    await expectProfileStep(page)
    expect(violations).toEqual([])
  })
})
