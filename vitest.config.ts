import { storybookTest } from '@storybook/addon-vitest/vitest-plugin'
import { playwright } from '@vitest/browser-playwright'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'
import { chromiumLaunchOptions } from './scripts/chromium.ts'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['packages/{core,server,sandbox}/src/**/*.test.ts', 'scripts/**/*.test.ts'],
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'dom',
          environment: 'jsdom',
          // Whole flows in virtual time still take real seconds of rendering on a busy 2-core machine.
          testTimeout: 20_000,
          include: ['packages/react/src/**/*.test.{ts,tsx}', 'apps/demo/src/**/*.test.{ts,tsx}'],
          setupFiles: ['./packages/react/test/setup-dom.ts'],
        },
      },
      {
        // Every story's play function and accessibility check, in Debian's Chromium.
        plugins: [storybookTest({ configDir: '.storybook' })],
        optimizeDeps: {
          include: [
            'react',
            'react-dom',
            'react-dom/client',
            '@tanstack/react-query',
            'zustand',
            'msw',
            'msw/browser',
          ],
        },
        test: {
          name: 'storybook',
          // Stories follow sandbox jobs in wall-clock time; on a 2-core machine that also runs the
          // other projects, a story that takes 3 s alone can take four times that. The plays'
          // own waits are what fail a story that is really stuck, with a message that says where.
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: chromiumLaunchOptions }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
})
