import type { Preview } from '@storybook/react-vite'
import { mswLoader } from 'msw-storybook-addon/csf3'

const preview: Preview = {
  // Stories reach the Basiq sandbox engine through MSW, so they run on the same behaviour as the demo.
  loaders: [mswLoader()],
  parameters: {
    // An accessibility violation fails the story's test, not just a panel warning.
    a11y: { test: 'error' },
    controls: { expanded: true },
  },
}

export default preview
