import type { Preview } from '@storybook/react-vite'
import { sandboxLoader, withBankConnect } from './sandbox.tsx'

const preview: Preview = {
  // Every story gets its own sandbox engine behind MSW and a provider pointed at it, so stories run
  // on the same behaviour as the demo. `parameters.sandbox` sets the scenario.
  loaders: [sandboxLoader],
  decorators: [withBankConnect],
  parameters: {
    // An accessibility violation fails the story's test, not just a panel warning.
    a11y: { test: 'error' },
    controls: { expanded: true },
  },
}

export default preview
