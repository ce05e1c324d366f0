import type { StorybookConfig } from '@storybook/react-vite'

const config: StorybookConfig = {
  stories: ['./*.mdx', './*.stories.@(ts|tsx)', '../packages/*/src/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y', '@storybook/addon-vitest'],
  framework: { name: '@storybook/react-vite', options: {} },
  // The MSW service worker that carries every story's requests to the sandbox engine.
  staticDirs: ['./public'],
  core: { disableTelemetry: true },
}

export default config
