import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock } from './clock.ts'
import { DEFAULT_SANDBOX_API_KEY, createSandbox } from './create-sandbox.ts'
import { setupSandboxServer } from './msw-node.ts'

// A host nothing listens on: only MSW can answer it.
const sandbox = createSandbox({
  clock: createManualClock(),
  seed: 9,
  baseUrl: 'http://basiq.sandbox.test',
})
const mswServer = setupSandboxServer(sandbox)

beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }))
afterAll(() => mswServer.close())

describe('sandboxHandlers through msw/node', () => {
  it('answers global fetch with the sandbox, errors included', async () => {
    const token = await fetch('http://basiq.sandbox.test/token', {
      method: 'POST',
      headers: {
        authorization: `Basic ${DEFAULT_SANDBOX_API_KEY}`,
        'basiq-version': '2.1',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'scope=CLIENT_ACCESS',
    })
    expect(token.status).toBe(200)
    const { access_token: accessToken } = (await token.json()) as { access_token: string }
    const institution = await fetch('http://basiq.sandbox.test/institutions/AU00000', {
      headers: { authorization: `Bearer ${accessToken}` },
    })
    expect(((await institution.json()) as { shortName: string }).shortName).toBe('Hooli')
    const denied = await fetch('http://basiq.sandbox.test/users/x/jobs', {
      headers: { authorization: `Bearer ${accessToken}` },
    })
    expect(denied.status).toBe(403)
  })

  it('turns the drop fault into a network error', async () => {
    sandbox.faults.add({ kind: 'drop', path: '/public/institutions' })
    await expect(fetch('http://basiq.sandbox.test/public/institutions')).rejects.toBeInstanceOf(
      TypeError,
    )
    expect((await fetch('http://basiq.sandbox.test/public/institutions')).status).toBe(200)
  })
})
