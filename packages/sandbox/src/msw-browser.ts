import type { SetupWorker } from 'msw/browser'
import { setupWorker } from 'msw/browser'
import type { Sandbox } from './create-sandbox.ts'
import { sandboxHandlers } from './msw.ts'

/**
 * An `msw/browser` worker that serves the sandbox (call `start()` as with any MSW worker; the app
 * must serve MSW's `mockServiceWorker.js`).
 */
export function setupSandboxWorker(sandbox: Pick<Sandbox, 'fetch' | 'baseUrl'>): SetupWorker {
  return setupWorker(...sandboxHandlers(sandbox))
}
