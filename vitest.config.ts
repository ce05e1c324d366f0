import { defineConfig } from 'vitest/config'

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
    ],
  },
})
