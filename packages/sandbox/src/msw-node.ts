import type { SetupServer } from 'msw/node'
import { setupServer } from 'msw/node'
import type { Sandbox } from './create-sandbox.ts'
import { sandboxHandlers } from './msw.ts'

/**
 * An `msw/node` server that serves the sandbox (call `listen()` / `close()` as with any MSW
 * server). Requests outside `sandbox.baseUrl` are left to MSW's `onUnhandledRequest` setting.
 */
export function setupSandboxServer(sandbox: Pick<Sandbox, 'fetch' | 'baseUrl'>): SetupServer {
  return setupServer(...sandboxHandlers(sandbox))
}
