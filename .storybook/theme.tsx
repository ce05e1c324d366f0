/// <reference types="vite/client" />
import type { Decorator, Loader, Preview } from '@storybook/react-vite'
// The theme is loaded the way a product team would ship it: one external stylesheet, no inline
// styles, so the stories also hold under a strict CSP. A URL (not an import) lets the
// "unstyled" choice take it away again.
import themeUrl from '../packages/react/src/theme.css?url'

/** The toolbar's theme choices: `data-bc-theme` values, plus the OS's choice and no theme at all. */
export const THEMES = ['light', 'dark', 'koala', 'system', 'unstyled'] as const

/** A theme choice. */
export type StoryTheme = (typeof THEMES)[number]

const TITLES: Record<StoryTheme, string> = {
  light: 'Theme: light',
  dark: 'Theme: dark',
  koala: 'Theme: Koala Bank (brand example)',
  system: 'Theme: as the OS (prefers-color-scheme)',
  unstyled: 'Unstyled (no theme.css)',
}

/** The theme menu, for `preview.globalTypes`. */
export const themeGlobalTypes: NonNullable<Preview['globalTypes']> = {
  theme: {
    description: '@bankconnect/react/theme.css and the theme chosen with data-bc-theme',
    toolbar: {
      title: 'Theme',
      icon: 'paintbrush',
      dynamicTitle: true,
      items: THEMES.map((value) => ({ value, title: TITLES[value] })),
    },
  },
}

/** The theme a story renders in, from the toolbar or the story's own `globals.theme`. */
export function storyTheme(globals: Record<string, unknown>): StoryTheme {
  const value = globals['theme']
  return THEMES.find((theme) => theme === value) ?? 'light'
}

const LINK_ID = 'bankconnect-theme'

/**
 * Adds `theme.css` to the page (or takes it away for "unstyled") before the story renders, and waits
 * for it to load, so play functions, the accessibility check and screenshots see the themed page.
 */
export const themeLoader: Loader = async (context) => {
  const existing = document.getElementById(LINK_ID)
  if (storyTheme(context.globals) === 'unstyled') {
    existing?.remove()
    return {}
  }
  if (existing) return {}
  const link = document.createElement('link')
  link.id = LINK_ID
  link.rel = 'stylesheet'
  link.href = themeUrl
  await new Promise<void>((resolve, reject) => {
    link.addEventListener('load', () => resolve(), { once: true })
    link.addEventListener('error', () =>
      reject(new Error(`theme.css did not load from ${themeUrl}`)),
    )
    document.head.append(link)
  })
  return {}
}

/** Wraps the story in the chosen theme (`data-bc-theme`; none for "system" and "unstyled"). */
export const withTheme: Decorator = (Story, context) => {
  const theme = storyTheme(context.globals)
  const attribute = theme === 'system' || theme === 'unstyled' ? undefined : theme
  return (
    <div className="bc-story" data-bc-theme={attribute} data-story-theme={theme}>
      <Story />
    </div>
  )
}
