import type { Institution } from '@bankconnect/core'
import { institutions, withBaseUrl } from '@bankconnect/sandbox'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, fn, userEvent, waitFor } from 'storybook/test'
import type { SandboxLoaded, SandboxParameters } from '../../../.storybook/sandbox.tsx'
import { CredentialsForm } from './credentials-form.tsx'

function institution(id: string): Institution {
  const found = institutions.find((candidate) => candidate.id === id)
  if (!found) throw new Error(`no institution ${id} in the sandbox catalogue`)
  return found as unknown as Institution
}

/**
 * `CredentialsForm` for institutions of the sandbox's catalogue, one per caption set. The form
 * posts straight to the story's sandbox, which creates a real job.
 */
const meta = {
  title: 'Picker/CredentialsForm',
  component: CredentialsForm,
  args: { institution: institution('AU00000'), onJobCreated: fn() },
  // Logos are served by the story's sandbox: its links are made absolute on that origin.
  render: (args, { loaded }) => (
    <CredentialsForm
      {...args}
      institution={
        withBaseUrl(
          args.institution as unknown as Parameters<typeof withBaseUrl>[0],
          (loaded as SandboxLoaded).sandbox.baseUrl,
        ) as unknown as Institution
      }
    />
  ),
} satisfies Meta<typeof CredentialsForm>

export default meta
type Story = StoryObj<typeof meta>

function sandbox(parameters: SandboxParameters) {
  return { sandbox: parameters }
}

function connections(loaded: unknown): number {
  return (loaded as SandboxLoaded).sandbox.engine.stats().connections
}

/** Hooli asks for a login and a password; a valid submit creates a job and empties the form. */
export const LoginAndPassword: Story = {
  play: async ({ canvas, args, loaded }) => {
    const form = canvas.getByRole('form', { name: 'Log in to Hooli' })
    await expect(form).toHaveAccessibleDescription(/never store/)
    await userEvent.type(canvas.getByLabelText('Login'), 'gavinBelson')
    await userEvent.type(canvas.getByLabelText('Password'), 'hooli2016')
    await userEvent.click(canvas.getByRole('button', { name: 'Connect' }))
    await waitFor(() =>
      expect(args.onJobCreated).toHaveBeenCalledWith({
        jobId: expect.any(String),
        institutionId: 'AU00000',
      }),
    )
    await expect(connections(loaded)).toBe(1)
    await expect(canvas.getByLabelText('Password')).toHaveValue('')
    await expect(canvas.getByLabelText('Login')).toHaveValue('')
  },
}

/** St.George also asks for a security number; the show-password toggle reveals both secrets. */
export const SecurityNumber: Story = {
  args: { institution: institution('AU00501') },
  play: async ({ canvas }) => {
    await expect(canvas.getByLabelText('Customer access number')).toHaveAttribute('type', 'text')
    const password = canvas.getByLabelText('Password')
    const code = canvas.getByLabelText('Security number')
    await expect(code).toHaveAttribute('type', 'password')
    const toggle = canvas.getByRole('button', { name: 'Show password' })
    await userEvent.click(toggle)
    await expect(toggle).toHaveAttribute('aria-pressed', 'true')
    await expect(password).toHaveAttribute('type', 'text')
    await expect(code).toHaveAttribute('type', 'text')
    const link = canvas.getByRole('link', { name: /Forgot your password\?/ })
    await expect(link).toHaveAttribute('target', '_blank')
    await expect(link).toHaveAttribute('rel', 'noopener noreferrer')
  },
}

/** NAB Connect asks for a user id and a customer id. */
export const SecondaryLoginId: Story = {
  args: { institution: institution('AU00302') },
  play: async ({ canvas }) => {
    await expect(canvas.getByLabelText('User ID')).toBeVisible()
    await expect(canvas.getByLabelText('Customer ID')).toBeVisible()
    await expect(canvas.getByLabelText('Password')).toBeVisible()
  },
}

/** Nothing is sent for an invalid form: empty fields are named, a 10 KB paste is refused. */
export const Validation: Story = {
  play: async ({ canvas, args, loaded }) => {
    await userEvent.click(canvas.getByRole('button', { name: 'Connect' }))
    await expect(canvas.getByText('Enter your Login')).toBeVisible()
    await expect(canvas.getByText('Enter your Password')).toBeVisible()
    await expect(canvas.getByLabelText('Login')).toHaveFocus()
    await userEvent.type(canvas.getByLabelText('Login'), 'gavinBelson')
    await userEvent.click(canvas.getByLabelText('Password'))
    await userEvent.paste('x'.repeat(10_240))
    await expect(canvas.getByLabelText('Password')).toHaveValue('')
    await expect(canvas.getByText(/That paste is too long for Password/)).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Connect' }))
    await expect(args.onJobCreated).not.toHaveBeenCalled()
    await expect(connections(loaded)).toBe(0)
  },
}

/** While Basiq answers: the form is locked and says so; a second click sends nothing. */
export const Submitting: Story = {
  parameters: sandbox({
    faults: [{ kind: 'latency', method: 'POST', path: '/users/*/connections', latencyMs: 1_500 }],
  }),
  play: async ({ canvas, canvasElement, args, loaded }) => {
    await userEvent.type(canvas.getByLabelText('Login'), 'gavinBelson')
    await userEvent.type(canvas.getByLabelText('Password'), 'hooli2016')
    await userEvent.dblClick(canvas.getByRole('button', { name: 'Connect' }))
    const form = canvasElement.querySelector('form') as HTMLFormElement
    await expect(form).toHaveAttribute('data-state', 'submitting')
    await expect(canvas.getByRole('button', { name: 'Connecting…' })).toBeDisabled()
    await expect(canvas.getByLabelText('Password')).toHaveValue('')
    await waitFor(() => expect(args.onJobCreated).toHaveBeenCalledTimes(1), { timeout: 5_000 })
    await expect(connections(loaded)).toBe(1)
  },
}

/** Basiq refuses the request: its message is shown and the login id kept. */
export const BasiqRefuses: Story = {
  parameters: sandbox({
    faults: [{ kind: 'status', status: 503, method: 'POST', path: '/users/*/connections' }],
  }),
  play: async ({ canvas, args }) => {
    await userEvent.type(canvas.getByLabelText('Login'), 'gavinBelson')
    await userEvent.type(canvas.getByLabelText('Password'), 'hooli2016')
    await userEvent.click(canvas.getByRole('button', { name: 'Connect' }))
    const alert = await canvas.findByRole('alert')
    await expect(alert).toHaveTextContent('Your bank login couldn’t be sent')
    // Basiq's own words follow the heading.
    await expect(alert.querySelector('[data-slot="error-detail"]')).toHaveTextContent(/\w/)
    await expect(canvas.getByLabelText('Login')).toHaveValue('gavinBelson')
    await expect(canvas.getByLabelText('Password')).toHaveValue('')
    await expect(args.onJobCreated).not.toHaveBeenCalled()
  },
}

/** A bank in a major outage: the form explains and cannot be sent. */
export const BankDown: Story = {
  args: { institution: institution('AU00620') },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('alert')).toHaveTextContent(/can’t connect to it right now/)
    await expect(canvas.getByRole('button', { name: 'Connect' })).toBeDisabled()
  },
}
