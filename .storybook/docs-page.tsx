import { Controls, Description, Primary, Subtitle, Title } from '@storybook/addon-docs/blocks'
import type { ReactNode } from 'react'

/**
 * The autodocs page of every component: its description, its first story live, and its props.
 * One live story per page on purpose: each story runs its own sandbox behind the page's one MSW
 * worker, so several on a page would answer each other's requests. The other states are a click
 * away in the sidebar.
 */
export function DocsPage(): ReactNode {
  return (
    <>
      <Title />
      <Subtitle />
      <Description />
      <Primary />
      <Controls />
    </>
  )
}
