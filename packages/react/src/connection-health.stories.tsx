import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, fn, userEvent, waitFor, within } from 'storybook/test'
import type { SandboxParameters, StoryConnectedConnection } from '../../../.storybook/sandbox.tsx'
import { ConnectionHealth } from './connection-health.tsx'

/**
 * "Your banks": `ConnectionHealth` reads the user's jobs and connections through the app server
 * (the real user-jobs and refresh handlers, in the page) from the story's sandbox, where the
 * loader has connected, aged and broken connections before the story renders.
 */
const meta = {
  title: 'Connection health/ConnectionHealth',
  component: ConnectionHealth,
  // Each story starts a fresh check: no schedule is carried over from the last one.
  args: { storage: null, onRepaired: fn() },
} satisfies Meta<typeof ConnectionHealth>

export default meta
type Story = StoryObj<typeof meta>

function scenario(parameters: SandboxParameters) {
  return { sandbox: { speed: 8, ...parameters } }
}

const hooli = (extra: Partial<StoryConnectedConnection> = {}): StoryConnectedConnection => ({
  loginId: 'gavinBelson',
  password: 'hooli2016',
  ...extra,
})
const whistler = (extra: Partial<StoryConnectedConnection> = {}): StoryConnectedConnection => ({
  loginId: 'Whistler',
  password: 'ShowBox',
  ...extra,
})

/** Every bank working: nothing to do. */
export const Healthy: Story = {
  parameters: scenario({ connected: [hooli(), whistler({ lastUsedHoursAgo: 5 })] }),
  play: async ({ canvas }) => {
    const rows = await canvas.findAllByRole('listitem', {}, { timeout: 8_000 })
    await expect(rows).toHaveLength(2)
    for (const row of rows) await expect(row).toHaveTextContent('Up to date')
    await expect(canvas.queryByRole('button')).toBeNull()
  },
}

/**
 * The user changed their password at the bank: re-enter the login details, and the update job
 * makes the connection work again.
 */
export const NeedsNewLoginDetails: Story = {
  parameters: scenario({ connected: [hooli({ break: { mode: 'invalidate' } }), whistler()] }),
  play: async ({ canvas, args }) => {
    const button = await canvas.findByRole(
      'button',
      { name: 'Re-enter your login details' },
      { timeout: 8_000 },
    )
    const row = button.closest('li') as HTMLElement
    await expect(row).toHaveTextContent('Needs your attention')
    await expect(row).toHaveTextContent('Your bank didn’t accept those login details.')
    // The form is built from the bank's captions: the button waits for the bank's details.
    await waitFor(() => expect(button).toBeEnabled(), { timeout: 8_000 })
    await userEvent.click(button)
    const form = await within(row).findByRole('form')
    await userEvent.type(within(form).getByLabelText(/password/i), 'hooli2016')
    await userEvent.click(within(form).getByRole('button', { name: 'Reconnect' }))
    await expect(
      await canvas.findByText('Hooli is connected again.', {}, { timeout: 15_000 }),
    ).toBeInTheDocument()
    await expect(args.onRepaired).toHaveBeenCalledTimes(1)
    // The health is read again after the repair.
    await waitFor(
      async () => {
        const rows = canvas.getAllByRole('listitem')
        await expect(rows.filter((item) => item.textContent?.includes('Up to date'))).toHaveLength(
          2,
        )
      },
      { timeout: 5_000 },
    )
  },
}

/** The bank wants the user to accept new terms: they do it, then ask for a check. */
export const ActInYourBank: Story = {
  parameters: scenario({
    connected: [hooli({ break: { mode: 'fail-next-refresh' }, lastUsedHoursAgo: 30 })],
  }),
  play: async ({ canvas }) => {
    const button = await canvas.findByRole(
      'button',
      { name: 'I’ve done it — check again' },
      { timeout: 8_000 },
    )
    await expect(canvas.getByRole('listitem')).toHaveTextContent(
      'Your bank needs you to do something in your online banking first',
    )
    await userEvent.click(button)
    await expect(
      await canvas.findByText('Hooli is connected again.', {}, { timeout: 15_000 }),
    ).toBeInTheDocument()
    await waitFor(() => expect(canvas.getByRole('listitem')).toHaveTextContent('Up to date'), {
      timeout: 5_000,
    })
  },
}

/**
 * The same, but the connection was refreshed an hour ago: the guard refuses without sending a
 * request and says when a refresh will be allowed.
 */
export const RefreshRefused: Story = {
  parameters: scenario({
    connected: [hooli({ break: { mode: 'fail-next-refresh' }, lastUsedHoursAgo: 1 })],
  }),
  play: async ({ canvas }) => {
    const button = await canvas.findByRole(
      'button',
      { name: 'I’ve done it — check again' },
      { timeout: 8_000 },
    )
    await userEvent.click(button)
    await expect(
      await canvas.findByText(/^This bank was updated recently. You can refresh it again in/),
    ).toBeVisible()
  },
}

/** The bank's online service is down: nothing to do but wait. */
export const BankUnavailable: Story = {
  parameters: scenario({
    connected: [
      hooli({
        break: { mode: 'fail-next-refresh', code: 'service-unavailable' },
        lastUsedHoursAgo: 30,
      }),
    ],
  }),
  play: async ({ canvas }) => {
    const row = await canvas.findByRole('listitem', {}, { timeout: 8_000 })
    await expect(row).toHaveTextContent('Please try again in about 10 minutes.')
    await expect(within(row).queryByRole('button')).toBeNull()
  },
}

/** A refresh is running (at Basiq's pace): the bank shows as updating, with nothing to do. */
export const Syncing: Story = {
  parameters: scenario({
    speed: 1,
    connected: [hooli({ lastUsedHoursAgo: 30, refreshing: true })],
  }),
  play: async ({ canvas }) => {
    const row = await canvas.findByRole('listitem', {}, { timeout: 8_000 })
    await waitFor(() => expect(row).toHaveTextContent('Updating…'))
    await expect(within(row).queryByRole('button')).toBeNull()
  },
}

/** Not updated for more than a week: a refresh is offered (and allowed). */
export const Stale: Story = {
  parameters: scenario({ connected: [hooli({ lastUsedHoursAgo: 8 * 24 })] }),
  play: async ({ canvas }) => {
    await userEvent.click(
      await canvas.findByRole('button', { name: 'Refresh' }, { timeout: 8_000 }),
    )
    await expect(await canvas.findByText('Up to date', {}, { timeout: 15_000 })).toBeVisible()
  },
}

/** No bank connected yet. */
export const Empty: Story = {
  parameters: scenario({}),
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByText('You haven’t connected a bank yet.', {}, { timeout: 8_000 }),
    ).toBeVisible()
  },
}

/** The app server cannot read the jobs (Basiq is down): an error with a way to try again. */
export const CheckFailed: Story = {
  parameters: scenario({
    connected: [hooli()],
    faults: [{ kind: 'status', status: 503, method: 'GET', path: '/users/*/jobs', times: 1 }],
  }),
  play: async ({ canvas }) => {
    const alert = await canvas.findByRole('alert', {}, { timeout: 8_000 })
    await expect(alert).toHaveTextContent('We couldn’t check your banks just now.')
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }))
    await expect(await canvas.findByText('Up to date', {}, { timeout: 8_000 })).toBeVisible()
  },
}
