import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, fn, userEvent, waitFor } from 'storybook/test'
import type { SandboxLoaded, SandboxParameters } from '../../../.storybook/sandbox.tsx'
import { MfaForm } from './mfa-form.tsx'

/**
 * `MfaForm` answers the `mfa-challenge` step of a real sandbox job on Pied Piper (AU00002), the test
 * bank that always asks. Each persona gets a different challenge: jared a one-time code, gavinBelson
 * one security question, Whistler two.
 */
const meta = {
  title: 'Job/MfaForm',
  component: MfaForm,
  args: { jobId: '', onSubmitted: fn(), onAction: fn() },
  render: (args, { loaded }) => (
    <MfaForm {...args} jobId={(loaded as SandboxLoaded).jobIds[0] ?? ''} />
  ),
} satisfies Meta<typeof MfaForm>

export default meta
type Story = StoryObj<typeof meta>

function piedPiper(loginId: string, password: string, extra: SandboxParameters = {}) {
  return {
    sandbox: {
      speed: 8,
      ...extra,
      connections: [{ loginId, password, institutionId: 'AU00002' }],
    } satisfies SandboxParameters,
  }
}

/** A one-time code sent by SMS. */
export const Token: Story = {
  parameters: piedPiper('jared', 'django'),
  play: async ({ canvas, args }) => {
    const code = await canvas.findByLabelText('OTP Password', {}, { timeout: 10_000 })
    await expect(code).toHaveAttribute('autocomplete', 'one-time-code')
    await expect(canvas.getByText(/^Code expires in \d\d:\d\d$/)).toBeVisible()
    await userEvent.type(code, '1234{Enter}')
    await waitFor(() => expect(args.onSubmitted).toHaveBeenCalledTimes(1))
  },
}

/** Two security questions, one field each; an empty answer is named before anything is sent. */
export const SecurityQuestions: Story = {
  parameters: piedPiper('Whistler', 'ShowBox'),
  play: async ({ canvas, args }) => {
    const first = await canvas.findByLabelText(
      "What's your favourite company?",
      {},
      { timeout: 10_000 },
    )
    await userEvent.type(first, 'Basiq')
    await userEvent.click(canvas.getByRole('button', { name: 'Continue' }))
    const second = canvas.getByLabelText("What's the ID of this institution?")
    await expect(second).toHaveAttribute('aria-invalid', 'true')
    await expect(second).toHaveFocus()
    await expect(canvas.getByText("Enter What's the ID of this institution?")).toBeVisible()
    await expect(args.onSubmitted).not.toHaveBeenCalled()
    await userEvent.type(second, 'AU00000{Enter}')
    await waitFor(() => expect(args.onSubmitted).toHaveBeenCalledTimes(1))
  },
}

/** A wrong code: the bank refuses it and the form says so, with what to do next. */
export const WrongAnswer: Story = {
  parameters: piedPiper('richard', 'tabsnotspaces'),
  play: async ({ canvas }) => {
    await userEvent.type(
      await canvas.findByLabelText('OTP Password', {}, { timeout: 10_000 }),
      '9999{Enter}',
    )
    const alert = await canvas.findByRole('alert', {}, { timeout: 10_000 })
    await expect(alert).toHaveTextContent('Your bank didn’t accept that answer.')
  },
}

/** The challenge runs out before an answer: submitting is no longer possible. */
export const Expired: Story = {
  parameters: piedPiper('jared', 'django', { mfaExpiryMs: 3_000 }),
  play: async ({ canvas }) => {
    await canvas.findByLabelText('OTP Password', {}, { timeout: 10_000 })
    await expect(await canvas.findByText('Code expired', {}, { timeout: 8_000 })).toBeVisible()
    await expect(canvas.getByRole('button', { name: 'Continue' })).toBeDisabled()
  },
}
