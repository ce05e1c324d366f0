import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import type { SandboxLoaded } from '../../../.storybook/sandbox.tsx'
import { LIVE_REGIONS } from '../test/queries.ts'
import { JobProgress } from './job-progress.tsx'

/**
 * `@bankconnect/react/theme.css` is opt-in: import it once and choose a theme with `data-bc-theme`
 * on any ancestor (`light`, the default; `dark`; `koala`, a brand example). Without the attribute,
 * the OS's `prefers-color-scheme` picks light or dark; `prefers-reduced-motion` stops the spinners.
 * A brand is a block of `--bc-*` custom properties:
 *
 * ```css
 * [data-bc-theme='my-bank'] {
 *   --bc-color-accent: #5b2a86;
 *   --bc-color-accent-hover: #44205f;
 *   --bc-radius: 1rem;
 *   --bc-font-family: 'My Bank Sans', system-ui, sans-serif;
 * }
 * ```
 *
 * Each story shows the job screens a user meets (a finished connection, a failure with its
 * actions, the bank's MFA challenge) in one theme, and fails on any accessibility violation,
 * colour contrast included. The toolbar's Theme menu switches every other story too.
 */
const meta = {
  title: 'Theming/Themes',
  component: JobProgress,
  args: { jobId: undefined },
  parameters: {
    sandbox: {
      speed: 30,
      // Connected before the story renders, so its job is finished at the kit's first look.
      connected: [{ loginId: 'Whistler', password: 'ShowBox' }],
      connections: [
        { loginId: 'bighead', password: 'password' },
        { loginId: 'jared', password: 'django', institutionId: 'AU00002' },
      ],
    },
  },
  render: (_args, { loaded }) => {
    const { connectedJobIds, jobIds } = loaded as SandboxLoaded
    const [complete] = connectedJobIds
    const [failed, mfa] = jobIds
    return (
      <div className="bc-story-gallery" data-testid="gallery">
        <JobProgress jobId={complete} institutionId="AU00000" aria-label="Hooli, connected" />
        <JobProgress jobId={failed} institutionId="AU00000" aria-label="Hooli, failed" />
        <JobProgress jobId={mfa} institutionId="AU00002" aria-label="Pied Piper, MFA" />
      </div>
    )
  },
} satisfies Meta<typeof JobProgress>

export default meta
type Story = StoryObj<typeof meta>

/** What the theme's surface and accent computed to, as `rgb(…)` strings. */
interface ThemeColours {
  surface: string
  accent: string
}

/** Waits until each job reached the state the gallery shows, then checks the theme's colours. */
async function expectGallery(canvasElement: HTMLElement, colours: ThemeColours | undefined) {
  const canvas = within(canvasElement)
  await expect(
    await canvas.findByText(
      'All done: your accounts are connected',
      { ignore: LIVE_REGIONS },
      { timeout: 5_000 },
    ),
  ).toBeVisible()
  const alert = await canvas.findByRole('alert', {}, { timeout: 10_000 })
  await expect(
    within(alert).getByText('Your bank didn’t accept those login details.'),
  ).toBeVisible()
  const code = await canvas.findByLabelText('OTP Password', {}, { timeout: 10_000 })
  await expect(code).toBeVisible()
  const roots = canvasElement.querySelectorAll<HTMLElement>('[data-slot="job-progress"]')
  await expect(roots).toHaveLength(3)
  const submit = canvas.getByRole('button', { name: 'Continue' })
  if (colours === undefined) return { code, submit, roots }
  for (const root of roots) {
    await expect(getComputedStyle(root).backgroundColor).toBe(colours.surface)
  }
  await expect(getComputedStyle(submit).backgroundColor).toBe(colours.accent)
  return { code, submit, roots }
}

/** The default theme. Keyboard focus shows a ring in the theme's focus colour. */
export const Light: Story = {
  globals: { theme: 'light' },
  play: async ({ canvasElement }) => {
    const { code } = await expectGallery(canvasElement, {
      surface: 'rgb(255, 255, 255)',
      accent: 'rgb(11, 92, 173)',
    })
    await userEvent.click(code)
    await userEvent.tab()
    const focused = document.activeElement as HTMLElement
    await expect(focused).toHaveAccessibleName('Continue')
    await waitFor(() => expect(getComputedStyle(focused).outlineStyle).toBe('solid'))
    await expect(getComputedStyle(focused).outlineColor).toBe('rgb(11, 92, 173)')
  },
}

/** `data-bc-theme="dark"`. */
export const Dark: Story = {
  globals: { theme: 'dark' },
  play: async ({ canvasElement }) => {
    await expectGallery(canvasElement, {
      surface: 'rgb(22, 25, 29)',
      accent: 'rgb(124, 182, 255)',
    })
  },
}

/** `data-bc-theme="koala"`: a fictional brand, made of custom properties only. */
export const KoalaBrand: Story = {
  globals: { theme: 'koala' },
  play: async ({ canvasElement }) => {
    const { submit } = await expectGallery(canvasElement, {
      surface: 'rgb(251, 248, 241)',
      accent: 'rgb(31, 107, 79)',
    })
    // The brand's pill-shaped controls.
    await expect(getComputedStyle(submit).borderTopLeftRadius).not.toBe('0px')
  },
}

/**
 * No `data-bc-theme`: the OS decides through `prefers-color-scheme` (light in the test browser; the
 * end-to-end tests emulate dark).
 */
export const System: Story = {
  globals: { theme: 'system' },
  play: async ({ canvasElement }) => {
    const gallery = within(canvasElement).getByTestId('gallery')
    await expect(gallery.closest('[data-bc-theme]')).toBeNull()
    const dark = window.matchMedia('(prefers-color-scheme: dark)').matches
    await expectGallery(
      canvasElement,
      dark
        ? { surface: 'rgb(22, 25, 29)', accent: 'rgb(124, 182, 255)' }
        : { surface: 'rgb(255, 255, 255)', accent: 'rgb(11, 92, 173)' },
    )
  },
}

/**
 * Without theme.css the components are plain HTML, styled by nothing but the browser, and work
 * the same: this is what a team with its own design system starts from.
 */
export const Unstyled: Story = {
  globals: { theme: 'unstyled' },
  play: async ({ canvasElement }) => {
    const { roots, submit } = await expectGallery(canvasElement, undefined)
    await expect(document.getElementById('bankconnect-theme')).toBeNull()
    for (const root of roots) {
      await expect(getComputedStyle(root).borderTopStyle).toBe('none')
      await expect(root).not.toHaveAttribute('style')
    }
    await expect(getComputedStyle(submit).backgroundColor).not.toBe('rgb(11, 92, 173)')
  },
}
