import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, fn, userEvent, within } from 'storybook/test'
import type { SandboxLoaded, SandboxParameters } from '../../../.storybook/sandbox.tsx'
import { LIVE_REGIONS } from '../test/queries.ts'
import { JobProgress } from './job-progress.tsx'

/**
 * `JobProgress` follows a real job in the story's sandbox: the loader creates the connection with the
 * persona's login before the story renders, and the component polls it like it would poll Basiq.
 */
const meta = {
  title: 'Job/JobProgress',
  component: JobProgress,
  args: { jobId: undefined, institutionId: 'AU00000', onAction: fn() },
  render: (args, { loaded }) => (
    <JobProgress {...args} jobId={(loaded as SandboxLoaded).jobIds[0]} />
  ),
} satisfies Meta<typeof JobProgress>

export default meta
type Story = StoryObj<typeof meta>

function scenario(parameters: SandboxParameters) {
  return { sandbox: parameters }
}

const hooli = (loginId: string, password: string) => ({ loginId, password })

/** The happy path: the user is released as soon as verify-credentials succeeds. */
export const Released: Story = {
  // At twice Basiq's pace the kit's first look (timed from Hooli's statistics) lands while accounts
  // are still being fetched, so the released phase shows before completion.
  parameters: scenario({ speed: 2, connections: [hooli('gavinBelson', 'hooli2016')] }),
  play: async ({ canvas }) => {
    // Hooli's averages, as a sandbox twice Basiq's pace serves them.
    await expect(await canvas.findByText('Usually takes about 4 seconds')).toBeVisible()
    await expect(
      await canvas.findByText(
        'You’re connected. We’re still fetching your data in the background.',
        { ignore: LIVE_REGIONS },
        { timeout: 10_000 },
      ),
    ).toBeVisible()
    const steps = canvas.getAllByRole('listitem')
    await expect(steps[0]).toHaveTextContent('Verifying your login details Done')
  },
}

/** Every step done: accounts and transactions fetched. */
export const Complete: Story = {
  // Connected before the story renders: the job is finished at the kit's first look.
  parameters: scenario({ connected: [hooli('Whistler', 'ShowBox')] }),
  render: (args, { loaded }) => (
    <JobProgress {...args} jobId={(loaded as SandboxLoaded).connectedJobIds[0]} />
  ),
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByText(
        'All done: your accounts are connected',
        { ignore: LIVE_REGIONS },
        { timeout: 5_000 },
      ),
    ).toBeVisible()
    for (const step of canvas.getAllByRole('listitem')) await expect(step).toHaveTextContent('Done')
  },
}

/** Verifying, at Basiq's real pace. */
export const Verifying: Story = {
  parameters: scenario({ speed: 1, connections: [hooli('jared', 'django')] }),
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByText(
        'Connecting to your bank…',
        { ignore: LIVE_REGIONS },
        { timeout: 8_000 },
      ),
    ).toBeVisible()
    await expect(canvas.getByText('Usually takes about 8 seconds')).toBeVisible()
  },
}

/**
 * A bank slower than its statistics (Hume Bank, in degraded performance, takes twice its averages):
 * the estimate gives way to "Taking longer than usual".
 */
export const Slow: Story = {
  args: { institutionId: 'AU00524' },
  parameters: scenario({
    speed: 2,
    connections: [{ loginId: 'richard', password: 'tabsnotspaces', institutionId: 'AU00524' }],
  }),
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByText('Taking longer than usual', {}, { timeout: 12_000 }),
    ).toBeVisible()
    await expect(canvas.queryByText(/Usually takes about/)).toBeNull()
  },
}

/** bighead's account is locked: Basiq's own detail is passed through with the actions. */
export const InvalidCredentials: Story = {
  parameters: scenario({ speed: 8, connections: [hooli('bighead', 'password')] }),
  play: async ({ canvas, args }) => {
    const alert = await canvas.findByRole('alert', {}, { timeout: 10_000 })
    await expect(alert).toHaveTextContent('Your bank didn’t accept those login details.')
    await expect(alert).toHaveTextContent('Account is locked')
    await userEvent.click(
      within(alert).getByRole('button', { name: 'Re-enter your login details' }),
    )
    await expect(args.onAction).toHaveBeenCalledWith(
      're-enter-credentials',
      expect.objectContaining({ kind: 'invalid-credentials' }),
    )
  },
}

/** jianYang: the bank's service is unavailable; try again in about 10 minutes. */
export const ServiceUnavailable: Story = {
  parameters: scenario({ speed: 8, connections: [hooli('jianYang', 'nothotdog')] }),
  play: async ({ canvas }) => {
    const alert = await canvas.findByRole('alert', {}, { timeout: 10_000 })
    await expect(alert).toHaveTextContent('Please try again in about 10 minutes.')
    await expect(within(alert).getByRole('button', { name: 'Try again later' })).toBeVisible()
  },
}

/** The same login again while the first connection runs: Basiq pauses the new job. */
export const Paused: Story = {
  parameters: scenario({
    speed: 1,
    pauseMs: 90_000,
    connections: [hooli('gavinBelson', 'hooli2016'), hooli('gavinBelson', 'hooli2016')],
  }),
  render: (args, { loaded }) => (
    <JobProgress {...args} jobId={(loaded as SandboxLoaded).jobIds[1]} />
  ),
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByText(
        'Your connection is paused',
        { ignore: LIVE_REGIONS },
        { timeout: 5_000 },
      ),
    ).toBeVisible()
    await expect(canvas.getByText(/^Resuming in 01:[0-3]\d$/)).toBeVisible()
  },
}

/** Pied Piper always asks for MFA: the form appears inside the progress. */
export const MfaRequired: Story = {
  args: { institutionId: 'AU00002' },
  parameters: scenario({
    speed: 8,
    connections: [{ loginId: 'jared', password: 'django', institutionId: 'AU00002' }],
  }),
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByRole(
        'form',
        { name: 'Your bank needs to confirm it’s you' },
        { timeout: 10_000 },
      ),
    ).toBeVisible()
    await userEvent.type(canvas.getByLabelText('OTP Password'), '1234')
    await userEvent.click(canvas.getByRole('button', { name: 'Continue' }))
    await expect(
      await canvas.findByText(
        'You’re connected. We’re still fetching your data in the background.',
        { ignore: LIVE_REGIONS },
        { timeout: 10_000 },
      ),
    ).toBeVisible()
  },
}

/** Polls that fail (503s) are retried quietly: "Still trying…", never a failure. */
export const StillTrying: Story = {
  parameters: scenario({
    speed: 2,
    connections: [hooli('gavinBelson', 'hooli2016')],
    faults: [{ kind: 'status', status: 503, method: 'GET', path: '/jobs/*', times: 3 }],
  }),
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('Still trying…', {}, { timeout: 10_000 })).toBeVisible()
    await expect(canvas.queryByRole('alert')).toBeNull()
  },
}
