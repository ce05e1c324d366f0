import { addons } from 'storybook/manager-api'
import { create } from 'storybook/theming'

// Storybook's own chrome, in the kit's light theme colours, so reviewers know whose catalogue it is.
addons.setConfig({
  theme: create({
    base: 'light',
    brandTitle: 'bankconnect',
    colorPrimary: '#0b5cad',
    colorSecondary: '#0b5cad',
    fontBase: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', sans-serif",
  }),
})
