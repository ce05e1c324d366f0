import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, fn, userEvent, waitFor, within } from 'storybook/test'
import type { SandboxParameters } from '../../../.storybook/sandbox.tsx'
import { BankPicker } from './bank-picker.tsx'

/**
 * `BankPicker` over the sandbox's catalogue of real Australian and New Zealand institutions (every
 * status and stage), fetched through the kit's client as in production. Unstyled, as it ships.
 */
const meta = {
  title: 'Picker/BankPicker',
  component: BankPicker,
  args: { onValueChange: fn() },
} satisfies Meta<typeof BankPicker>

export default meta
type Story = StoryObj<typeof meta>

function sandbox(parameters: SandboxParameters) {
  return { sandbox: parameters }
}

/** Keyboard only: tab in, type an abbreviation, press Enter. */
export const KeyboardSelection: Story = {
  play: async ({ canvas, args }) => {
    await canvas.findAllByRole('option', {}, { timeout: 10_000 })
    await userEvent.tab()
    const input = canvas.getByRole('combobox', { name: 'Find your bank' })
    await expect(input).toHaveFocus()
    await userEvent.keyboard('cba')
    const first = canvas.getAllByRole('option')[0] as HTMLElement
    await expect(first).toHaveAccessibleName('CommBank')
    await expect(input).toHaveAttribute('aria-activedescendant', first.id)
    await userEvent.keyboard('{Enter}')
    await expect(args.onValueChange).toHaveBeenCalledWith(
      'AU00101',
      expect.objectContaining({ shortName: 'CommBank' }),
    )
    await expect(canvas.getByRole('option', { selected: true })).toHaveAccessibleName('CommBank')
    await expect(input).toHaveFocus()
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent(/banks? found/))
  },
}

/** The catalogue is slow to arrive: a skeleton until it does. */
export const Loading: Story = {
  parameters: sandbox({ faults: [{ kind: 'latency', path: '/institutions', latencyMs: 1_500 }] }),
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByText('Loading banks…')).toBeVisible()
    await expect(canvasElement.querySelector('[data-slot="bank-picker"]')).toHaveAttribute(
      'data-state',
      'loading',
    )
    await canvas.findAllByRole('option', {}, { timeout: 10_000 })
    await expect(canvas.queryByText('Loading banks…')).not.toBeInTheDocument()
  },
}

/** Basiq is unavailable: an error with a retry, which then works. */
export const LoadError: Story = {
  parameters: sandbox({
    // The first request and the hook's one quick retry both fail.
    faults: [{ kind: 'status', status: 503, path: '/institutions', times: 2 }],
  }),
  play: async ({ canvas }) => {
    const alert = await canvas.findByRole('alert', {}, { timeout: 10_000 })
    await expect(alert).toHaveTextContent('We couldn’t load the list of banks.')
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }))
    await canvas.findAllByRole('option', {}, { timeout: 10_000 })
    await expect(canvas.queryByRole('alert')).not.toBeInTheDocument()
  },
}

/** Nothing matches: the empty state says so and suggests what to try. */
export const NoMatch: Story = {
  play: async ({ canvas }) => {
    await canvas.findAllByRole('option', {}, { timeout: 10_000 })
    await userEvent.type(canvas.getByRole('combobox'), 'zzqx')
    await expect(await canvas.findByText('No bank matches “zzqx”')).toBeVisible()
    await expect(canvas.getByText(/Check the spelling/)).toBeVisible()
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('No banks found'))
  },
}

/**
 * Bank health before choosing: a major outage is shown, explained and cannot be chosen; a degraded
 * bank can be chosen, with a warning.
 */
export const Outage: Story = {
  args: { defaultQuery: 'northern inland' },
  play: async ({ canvas, args }) => {
    const down = await canvas.findByRole('option', { name: /^NICU / }, { timeout: 10_000 })
    await expect(down).toHaveAttribute('aria-disabled', 'true')
    await expect(down).toHaveAccessibleName(/can’t connect to it right now/)
    await expect(within(down).getByText(/try again later or choose another bank/)).toBeVisible()
    await userEvent.click(down)
    await expect(args.onValueChange).not.toHaveBeenCalled()

    const input = canvas.getByRole('combobox')
    await userEvent.clear(input)
    await userEvent.type(input, 'hume')
    const slow = await canvas.findByRole('option', { name: /^Hume Bank / })
    await expect(slow).toHaveAttribute('data-health', 'warning')
    await expect(within(slow).getByText(/slower than usual/)).toBeVisible()
    await userEvent.click(slow)
    await expect(args.onValueChange).toHaveBeenCalledTimes(1)
  },
}

/** Beta connectors are marked; alpha ones appear (marked) only when asked for. */
export const StagesMarked: Story = {
  args: { stage: ['live', 'beta', 'alpha'] },
  play: async ({ canvas }) => {
    await canvas.findAllByRole('option', {}, { timeout: 10_000 })
    const input = canvas.getByRole('combobox')
    await userEvent.type(input, 'judo')
    await expect(await canvas.findByRole('option', { name: 'Judo Beta' })).toBeVisible()
    await userEvent.clear(input)
    await userEvent.type(input, 'alex')
    await expect(await canvas.findByRole('option', { name: 'Alex Early access' })).toBeVisible()
  },
}

/**
 * 5,000 generated institutions: at most ~60 options in the DOM, while the keyboard still reaches
 * the last one and the list scrolls to it.
 */
export const FiveThousandBanks: Story = {
  parameters: sandbox({ stressInstitutions: 5_000 }),
  play: async ({ canvas }) => {
    await canvas.findAllByRole('option', {}, { timeout: 20_000 })
    const input = canvas.getByRole('combobox')
    const listbox = canvas.getByRole('listbox')
    const total = Number(canvas.getAllByRole('option')[0]?.getAttribute('aria-setsize'))
    await expect(total).toBeGreaterThan(4_000)
    await expect(canvas.getAllByRole('option').length).toBeLessThanOrEqual(60)

    // Scrolled by hand to the middle: the options there are rendered, in view, 56 px each.
    listbox.scrollTop = 2_000 * 56
    const middle = () => listbox.querySelector<HTMLElement>('[aria-posinset="2001"]')
    await waitFor(() => expect(middle()).not.toBeNull())
    const row = (middle() as HTMLElement).getBoundingClientRect()
    await expect(row.height).toBe(56)
    const viewTop = listbox.getBoundingClientRect().top + listbox.clientTop
    await expect(Math.round(row.top)).toBe(Math.round(viewTop))
    await expect(canvas.getAllByRole('option').length).toBeLessThanOrEqual(60)

    input.focus()
    await userEvent.keyboard('{End}')
    const last = () => {
      const id = input.getAttribute('aria-activedescendant')
      return id ? document.getElementById(id) : null
    }
    await waitFor(() => expect(last()).toHaveAttribute('aria-posinset', String(total)))
    await waitFor(() => expect(last()).toBeVisible())
    await expect(listbox.scrollTop).toBeGreaterThan(0)
    await expect(canvas.getAllByRole('option').length).toBeLessThanOrEqual(60)

    await userEvent.keyboard('{PageUp}{ArrowUp}')
    await waitFor(() => expect(last()).toHaveAttribute('aria-posinset', String(total - 11)))
    await userEvent.keyboard('{Home}')
    await waitFor(() => expect(listbox.scrollTop).toBe(0))

    await userEvent.type(input, 'riverina')
    await waitFor(() => expect(canvas.getAllByRole('option')[0]).toHaveAccessibleName(/^Riverina/))
    await expect(canvas.getAllByRole('option').length).toBeLessThanOrEqual(60)
  },
}

/** Controlled by the page: the chosen bank comes from `value`. */
export const Controlled: Story = {
  args: { value: 'AU00301' },
  play: async ({ canvas }) => {
    await canvas.findAllByRole('option', {}, { timeout: 10_000 })
    await expect(canvas.getByRole('option', { selected: true })).toHaveAccessibleName('NAB')
  },
}
