// `pnpm demo`: the Basiq sandbox on its own origin and the onboarding demo app beside it, so credentials
// travel browser → "Basiq" exactly as they do in production. Ctrl-C stops both.
// BASIQ_API_URL and BASIQ_API_KEY point the demo at the real Basiq API instead (no sandbox then).
import { spawn } from 'node:child_process'

const sandboxPort = process.env.SANDBOX_PORT ?? '4010'
const demoPort = process.env.DEMO_PORT ?? '5173'
const external = process.env.BASIQ_API_URL
const basiqUrl = external ?? `http://127.0.0.1:${sandboxPort}`

const children = []
if (!external) {
  children.push(
    spawn('pnpm', ['sandbox'], {
      stdio: 'inherit',
      env: { ...process.env, SANDBOX_PORT: sandboxPort },
    }),
  )
}
children.push(
  spawn(
    'pnpm',
    [
      '--filter',
      '@bankconnect/demo',
      'exec',
      'vite',
      '--configLoader',
      'runner',
      '--port',
      demoPort,
      '--strictPort',
    ],
    { stdio: 'inherit', env: { ...process.env, BASIQ_API_URL: basiqUrl } },
  ),
)

let stopping = false
function stop(code) {
  if (stopping) return
  stopping = true
  for (const child of children) child.kill('SIGTERM')
  process.exitCode = code
}
for (const child of children) child.on('exit', (code) => stop(code ?? 0))
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))
console.info(`\nbankconnect demo: http://127.0.0.1:${demoPort}  (Basiq API: ${basiqUrl})\n`)
