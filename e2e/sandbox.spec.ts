import { expect, test } from '@playwright/test'
import { sandboxUrl } from '../playwright.config.ts'

test.beforeEach(async ({ request }) => {
  await request.post(`${sandboxUrl}/__sandbox/reset`)
})

test('a page on the demo origin reads the public institutions and loads their logos from the sandbox', async ({
  page,
}) => {
  await page.goto('/')
  const answer = await page.evaluate(async (base) => {
    const response = await fetch(
      `${base}/public/institutions?filter=${encodeURIComponent("institution.institutionType.eq('Test Bank')")}`,
    )
    const list = (await response.json()) as {
      data: Array<{ id: string; name: string; logo: { links: { square: string } } }>
    }
    const logos = await Promise.all(
      list.data.map(
        (institution) =>
          new Promise<boolean>((resolve) => {
            const image = new Image()
            image.onload = () => resolve(image.naturalWidth > 0)
            image.onerror = () => resolve(false)
            image.src = institution.logo.links.square
          }),
      ),
    )
    return { status: response.status, ids: list.data.map((i) => i.id), logos }
  }, sandboxUrl)
  expect(answer.status).toBe(200)
  // Institutions of type "Test Bank" (HooliGov is a Government one).
  expect(answer.ids).toEqual(['AU00000', 'AU00001', 'AU00002', 'AU00003'])
  expect(answer.logos).toEqual([true, true, true, true])
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
