import { DEFAULT_SANDBOX_API_KEY } from '@bankconnect/sandbox'
import { toNodeHandler } from '@bankconnect/server'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'
import { createDemoApi } from './server/demo-api.ts'

// Without BASIQ_API_URL / BASIQ_API_KEY the demo runs on the local sandbox (`pnpm demo` starts it).
const basiqUrl = process.env.BASIQ_API_URL ?? 'http://127.0.0.1:4010'
const apiKey = process.env.BASIQ_API_KEY ?? DEFAULT_SANDBOX_API_KEY

/** Mounts the demo's own server (sign-up, session, token endpoint) on Vite's dev and preview servers. */
function demoApi(): Plugin {
  const handle = createDemoApi({ basiqUrl, apiKey })
  const node = toNodeHandler(async (request) => {
    return (await handle(request)) ?? new Response('Not found', { status: 404 })
  })
  return {
    name: 'bankconnect-demo-api',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url?.startsWith('/api/')) void node(req, res)
        else next()
      })
    },
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url?.startsWith('/api/')) void node(req, res)
        else next()
      })
    },
  }
}

export default defineConfig({
  plugins: [react(), demoApi()],
  // The browser talks to Basiq directly; only the API's address is shared with it, never the key.
  define: { 'import.meta.env.VITE_BASIQ_API_URL': JSON.stringify(basiqUrl) },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 5173, strictPort: true },
})
