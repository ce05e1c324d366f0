import type { HttpHandler } from 'msw'
import { HttpResponse, http } from 'msw'
import type { Sandbox } from './create-sandbox.ts'

/**
 * MSW 2 request handlers that serve the sandbox: one catch-all handler for every method under
 * `sandbox.baseUrl`, which passes the request to `sandbox.fetch`. A dropped connection (the `drop`
 * fault) becomes `HttpResponse.error()`, i.e. a network error for the caller. Works with
 * `msw/node` and `msw/browser` alike.
 *
 * @param sandbox the sandbox to serve (only `fetch` and `baseUrl` are used).
 */
export function sandboxHandlers(sandbox: Pick<Sandbox, 'fetch' | 'baseUrl'>): HttpHandler[] {
  return [
    http.all(`${sandbox.baseUrl}/*`, async ({ request }) => {
      try {
        return await sandbox.fetch(request)
      } catch {
        return HttpResponse.error()
      }
    }),
  ]
}
