// `pnpm sandbox`: the Basiq v2.1 simulator on http://127.0.0.1:4010 (configuration by environment,
// see the package README).
import type { Sandbox } from './create-sandbox.ts'
import { createSandbox, sandboxOptionsFromEnv } from './create-sandbox.ts'
import { serveSandbox } from './server.ts'

async function main(): Promise<void> {
  let options: ReturnType<typeof sandboxOptionsFromEnv>
  try {
    options = sandboxOptionsFromEnv(process.env)
  } catch (error) {
    console.error(`sandbox: ${(error as Error).message}`)
    process.exit(1)
  }
  // The server starts before the sandbox so that port 0 (any free port) still yields correct links.
  let sandbox: Sandbox | undefined
  let server: Awaited<ReturnType<typeof serveSandbox>>
  try {
    server = await serveSandbox(
      {
        fetch: (request) =>
          sandbox ? sandbox.fetch(request) : Promise.resolve(new Response(null, { status: 503 })),
      },
      { port: options.port, host: '127.0.0.1' },
    )
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    console.error(
      code === 'EADDRINUSE'
        ? `sandbox: port ${options.port} is already in use; set SANDBOX_PORT to another port`
        : `sandbox: could not start: ${(error as Error).message}`,
    )
    process.exit(1)
  }
  const { port: _port, ...sandboxOptions } = options
  sandbox = createSandbox({
    ...sandboxOptions,
    baseUrl: process.env.SANDBOX_BASE_URL?.trim() || server.url,
  })
  console.info(`Basiq sandbox (v2.1) listening on ${sandbox.baseUrl}`)
  console.info(`API key: ${sandbox.apiKey}`)
  console.info(
    `Try: curl -s -X POST ${sandbox.baseUrl}/token -H "Authorization: Basic ${sandbox.apiKey}" -H "basiq-version: 2.1" -d scope=SERVER_ACCESS`,
  )

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    console.info(`sandbox: ${signal} received, shutting down`)
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

void main()
