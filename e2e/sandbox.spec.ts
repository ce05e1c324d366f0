import { expect, test } from '@playwright/test'
import { sandboxUrl } from '../playwright.config.ts'

test.beforeEach(async ({ request }) => {
  await request.post(`${sandboxUrl}/__sandbox/reset`)
})

test('the demo reaches the Basiq sandbox on its own origin and lists the test banks', async ({
  page,
}) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'bankconnect demo' })).toBeVisible()
  const list = page.getByRole('region', { name: 'Sandbox test banks' }).getByRole('listitem')
  // Institutions of type "Test Bank" (HooliGov is a Government one and is filtered out by the query).
  await expect(list).toHaveText([
    /Hooli Bank.*AU00000/,
    /AU00001/,
    /Pied Piper.*AU00002/,
    /Nucleus.*AU00003/,
  ])
  // The logos are served by the sandbox itself: every one loads.
  const broken = await page
    .locator('img')
    .evaluateAll(
      (images) =>
        images.filter(
          (img) =>
            !(img as HTMLImageElement).complete || (img as HTMLImageElement).naturalWidth === 0,
        ).length,
    )
  expect(broken).toBe(0)
})

test('a cross-origin call with Basiq headers passes the CORS preflight and reads the error envelope', async ({
  page,
}) => {
  await page.goto('/')
  const answer = await page.evaluate(async (base) => {
    const response = await fetch(`${base}/institutions`, {
      headers: { authorization: 'Bearer not-a-real-token', 'basiq-version': '2.1' },
    })
    return { status: response.status, body: await response.json() }
  }, sandboxUrl)
  expect(answer.status).toBe(401)
  expect(answer.body).toMatchObject({
    type: 'list',
    data: [{ type: 'error', code: 'invalid-authorization-token' }],
  })
  expect(typeof answer.body.correlationId).toBe('string')
})

test('a 429 from the sandbox exposes Retry-After to browser code', async ({ page, request }) => {
  await page.goto('/')
  await expect(page.getByRole('listitem').first()).toBeVisible()
  const added = await request.post(`${sandboxUrl}/__sandbox/faults`, {
    data: { kind: 'rate-limit', method: 'GET', path: '/public/institutions', retryAfterSeconds: 7 },
  })
  expect(added.status()).toBe(201)
  const answer = await page.evaluate(async (base) => {
    const response = await fetch(`${base}/public/institutions`)
    return { status: response.status, retryAfter: response.headers.get('retry-after') }
  }, sandboxUrl)
  expect(answer).toEqual({ status: 429, retryAfter: '7' })
})
