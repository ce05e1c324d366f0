import { defineConfig, devices } from '@playwright/test'
import { chromiumLaunchOptions } from './scripts/chromium.ts'

const sandboxPort = Number(process.env.E2E_SANDBOX_PORT ?? 4110)
const demoPort = Number(process.env.E2E_DEMO_PORT ?? 5273)
export const sandboxUrl = `http://127.0.0.1:${sandboxPort}`
export const demoUrl = `http://127.0.0.1:${demoPort}`

export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    baseURL: demoUrl,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: chromiumLaunchOptions,
      },
    },
  ],
  // Separate ports from `pnpm demo` (4010/5173) so tests never talk to a developer's running demo.
  webServer: [
    {
      command: 'pnpm sandbox',
      url: `${sandboxUrl}/__sandbox/health`,
      env: { SANDBOX_PORT: String(sandboxPort), SANDBOX_SPEED: '20' },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `pnpm --filter @bankconnect/demo exec vite --configLoader runner --port ${demoPort} --strictPort`,
      url: demoUrl,
      env: { BASIQ_API_URL: sandboxUrl },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
})
