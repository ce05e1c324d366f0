import { JobProgress } from '@bankconnect/react'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, within } from 'storybook/test'
import type { SandboxLoaded } from './sandbox.tsx'

/**
 * A job screen with no scenario of its own: the toolbar's Persona, Speed, Faults and Institutions
 * menus decide everything, so a reviewer can replay any job outcome (a locked account, MFA by code
 * or by questions, the duplicate-login pause, polls failing with 503 or 429…). Reload the story
 * after changing a menu to start again with a fresh sandbox.
 */
const meta = {
  title: 'Scenario/Playground',
  component: JobProgress,
  args: { jobId: undefined },
  render: (args, { loaded }) => {
    const { jobIds } = loaded as SandboxLoaded
    if (jobIds.length === 0) {
      return <p>Pick a persona in the toolbar to start a connection in the sandbox.</p>
    }
    return (
      <>
        {jobIds.map((jobId, index) => (
          <JobProgress key={jobId} {...args} jobId={jobId} aria-label={`Connection ${index + 1}`} />
        ))}
      </>
    )
  },
} satisfies Meta<typeof JobProgress>

export default meta
type Story = StoryObj<typeof meta>

/** The playground as the toolbar leaves it: nothing chosen yet. */
export const Playground: Story = {
  play: async ({ canvas }) => {
    await expect(canvas.getByText(/Pick a persona in the toolbar/)).toBeVisible()
  },
}

/** The toolbar's "bighead" persona at ×30: the locked account's failure and its actions. */
export const ToolbarLockedAccount: Story = {
  globals: { persona: 'bighead', speed: '30' },
  play: async ({ canvas }) => {
    const alert = await canvas.findByRole('alert', {}, { timeout: 10_000 })
    await expect(
      within(alert).getByText('Your bank didn’t accept those login details.'),
    ).toBeVisible()
    await expect(within(alert).getByText('Account is locked')).toBeVisible()
  },
}

/** The toolbar's "jared @ Pied Piper" persona: the bank asks for a one-time code. */
export const ToolbarMfa: Story = {
  globals: { persona: 'jared-mfa', speed: '8' },
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByLabelText('OTP Password', {}, { timeout: 10_000 }),
    ).toBeVisible()
  },
}
