import type { Preview } from '@storybook/react-vite'
import './preview.css'
import { DocsPage } from './docs-page.tsx'
import { sandboxLoader, withBankConnect } from './sandbox.tsx'
import { themeGlobalTypes, themeLoader, withTheme } from './theme.tsx'
import { scenarioGlobalTypes, scenarioInitialGlobals } from './toolbar.ts'

const preview: Preview = {
  // Every story gets its own sandbox engine behind MSW and a provider pointed at it, so stories run
  // on the same behaviour as the demo. `parameters.sandbox` sets the scenario; the toolbar's
  // scenario menus fill in what a story leaves open. The theme menu loads theme.css and sets
  // `data-bc-theme` around the story.
  loaders: [themeLoader, sandboxLoader],
  decorators: [withBankConnect, withTheme],
  globalTypes: { ...themeGlobalTypes, ...scenarioGlobalTypes },
  initialGlobals: { theme: 'light', ...scenarioInitialGlobals },
  parameters: {
    // An accessibility violation fails the story's test, not just a panel warning.
    a11y: { test: 'error' },
    controls: { expanded: true },
    docs: { page: DocsPage },
  },
  // A docs page for every component (see docs-page.tsx); hooks are documented in Getting started.
  tags: ['autodocs'],
}

export default preview
