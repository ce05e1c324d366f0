import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_SANDBOX_API_KEY, createSandbox } from './create-sandbox.ts'
import type { SandboxServer } from './server.ts'
import { serveSandbox } from './server.ts'

let running: SandboxServer | undefined

afterEach(async () => {
  await running?.close()
  running = undefined
})

describe('serveSandbox (node:http adapter)', () => {
  it('serves the sandbox over real HTTP: token, JSON bodies, status codes, CORS headers', async () => {
    const sandbox = createSandbox({ seed: 1 })
    running = await serveSandbox(sandbox, { port: 0 })
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const tokenResponse = await fetch(`${running.url}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${DEFAULT_SANDBOX_API_KEY}`,
        'basiq-version': '2.1',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'scope=SERVER_ACCESS',
    })
    expect(tokenResponse.status).toBe(200)
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string }

    const user = await fetch(`${running.url}/users`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        origin: 'http://localhost:5173',
      },
      body: JSON.stringify({ email: 'gavin@hooli.com' }),
    })
    expect(user.status).toBe(201)
    expect(user.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(((await user.json()) as { type: string }).type).toBe('user')

    const missing = await fetch(`${running.url}/nope`)
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { data: Array<{ code: string }> }).data[0]?.code).toBe(
      'resource-not-found',
    )

    const preflight = await fetch(`${running.url}/users`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    })
    expect(preflight.status).toBe(204)
  })

  it('turns the drop fault into a dropped connection (fetch rejects)', async () => {
    const sandbox = createSandbox({ seed: 1 })
    running = await serveSandbox(sandbox, { port: 0 })
    sandbox.faults.add({ kind: 'drop', path: '/public/institutions' })
    await expect(fetch(`${running.url}/public/institutions`)).rejects.toBeInstanceOf(TypeError)
    expect((await fetch(`${running.url}/public/institutions`)).status).toBe(200)
  })

  it('refuses an oversized body with 413 without reading it all', async () => {
    const sandbox = createSandbox({ seed: 1 })
    running = await serveSandbox(sandbox, { port: 0 })
    const token = sandbox.mintToken({ scope: 'SERVER_ACCESS' })
    const response = await fetch(`${running.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: 'x'.repeat(200_000),
    })
    expect(response.status).toBe(413)
  })

  it('rejects when the port is taken, and close() frees it', async () => {
    const sandbox = createSandbox({ seed: 1 })
    running = await serveSandbox(sandbox, { port: 0 })
    const port = Number(new URL(running.url).port)
    await expect(serveSandbox(sandbox, { port })).rejects.toMatchObject({ code: 'EADDRINUSE' })
    await running.close()
    running = await serveSandbox(sandbox, { port })
    expect(running.url).toBe(`http://127.0.0.1:${port}`)
  })
})
