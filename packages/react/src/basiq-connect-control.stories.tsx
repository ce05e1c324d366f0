import type { Sandbox } from '@bankconnect/sandbox'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { StrictMode, useState } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { STORY_SANDBOX_URL } from '../../../.storybook/sandbox.tsx'
import type { SandboxLoaded } from '../../../.storybook/sandbox.tsx'
import { LIVE_REGIONS } from '../test/queries.ts'
import { BasiqConnectControl } from './basiq-connect-control.tsx'
import type { BasiqConnectOptions } from './use-basiq-connect-script.ts'
import { JobProgress } from './job-progress.tsx'

/** The sandbox serves its stand-in for Basiq's control here; the story's MSW worker answers it. */
const CONTROL_SRC = `${STORY_SANDBOX_URL}/__sandbox/connect-control.js`

interface PlaygroundProps {
  /** The control's script. */
  src: string
  /** How many controls to show at once (more than one warns, and shows the routing). */
  controls: number
  /** The control's own options. */
  options?: BasiqConnectOptions
}

/**
 * What an onboarding screen does with the control: every `jobCreated` goes to `JobProgress` (which
 * runs `useJob`). The logs stay when the bank step is closed, so a later event would show there.
 */
function Playground(props: PlaygroundProps & { sandbox: Sandbox }) {
  const { sandbox, src, controls, options } = props
  const [token] = useState(() => sandbox.mintToken({ scope: 'CLIENT_ACCESS' }))
  const [open, setOpen] = useState(true)
  const [jobs, setJobs] = useState<string[][]>(() => Array.from({ length: controls }, () => []))
  const [mounts, setMounts] = useState(0)
  const getToken = () => Promise.resolve(token)
  return (
    <main>
      <p>
        Control mounted {mounts} {mounts === 1 ? 'time' : 'times'}.{' '}
        <button type="button" onClick={() => setOpen((value) => !value)}>
          {open ? 'Close the bank step' : 'Open the bank step'}
        </button>
      </p>
      {jobs.map((jobIds, index) => {
        const name = controls === 1 ? 'Connect your bank' : `Bank step ${index + 1}`
        return (
          <section key={name} aria-label={name}>
            {open && (
              <BasiqConnectControl
                src={src}
                getToken={getToken}
                {...(options ? { options } : {})}
                onMounted={() => setMounts((n) => n + 1)}
                onJobCreated={({ jobId }) =>
                  setJobs((all) => all.map((ids, i) => (i === index ? [...ids, jobId] : ids)))
                }
              />
            )}
            <h2>{`Jobs of ${name.toLowerCase()}`}</h2>
            {jobIds.length === 0 ? (
              <p>No job yet.</p>
            ) : (
              jobIds.map((jobId) => (
                <JobProgress key={jobId} jobId={jobId} institutionId="AU00000" />
              ))
            )}
          </section>
        )
      })}
    </main>
  )
}

const meta = {
  title: 'Connect/BasiqConnectControl',
  args: { src: CONTROL_SRC, controls: 1 },
  parameters: { sandbox: { speed: 4 } },
  // StrictMode doubles effects: the story shows one script, one mount and one listener regardless.
  render: (args, { loaded }) => (
    <StrictMode>
      <Playground {...args} sandbox={(loaded as SandboxLoaded).sandbox} />
    </StrictMode>
  ),
} satisfies Meta<PlaygroundProps>

export default meta
type Story = StoryObj<typeof meta>

async function connect(region: HTMLElement, loginId: string, password: string): Promise<void> {
  const scope = within(region)
  await userEvent.click(
    await scope.findByRole('button', { name: 'Hooli Bank' }, { timeout: 10_000 }),
  )
  await userEvent.type(scope.getByLabelText('Login'), loginId)
  await userEvent.type(scope.getByLabelText('Password'), password)
  await userEvent.click(scope.getByRole('button', { name: 'Connect' }))
}

function scriptCount(): number {
  return document.querySelectorAll(`script[src="${CONTROL_SRC}"]`).length
}

/**
 * The sandbox's stand-in for Basiq's control, loaded by URL: the user picks Hooli and logs in, the
 * control creates the connection and fires `jobCreated`, and `JobProgress` follows the job until
 * the user is released.
 */
export const ConnectsAndReleases: Story = {
  play: async ({ canvas }) => {
    const step = canvas.getByRole('region', { name: 'Connect your bank' })
    await connect(step, 'gavinBelson', 'hooli2016')
    await expect(
      await canvas.findByText(
        /You’re connected\. We’re still fetching your data in the background\.|All done: your accounts are connected/,
        { ignore: LIVE_REGIONS },
        { timeout: 15_000 },
      ),
    ).toBeVisible()
    await expect(canvas.getByText('Control mounted 1 time.')).toBeVisible()
    await expect(scriptCount()).toBe(1)
  },
}

/** Options go to the control as they are (here the company name, and Australian banks only). */
export const WithOptions: Story = {
  args: { options: { companyName: 'Pied Piper', regionOfInstitutions: 'Australia' } },
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByRole(
        'heading',
        { name: 'Connect your bank to Pied Piper' },
        { timeout: 10_000 },
      ),
    ).toBeVisible()
  },
}

/**
 * Two controls at once (a development warning says to render one): each `jobCreated` reaches only
 * the control the user used.
 */
export const TwoControls: Story = {
  args: { controls: 2 },
  play: async ({ canvas }) => {
    await connect(canvas.getByRole('region', { name: 'Bank step 1' }), 'gavinBelson', 'hooli2016')
    const first = canvas.getByRole('region', { name: 'Bank step 1' })
    await waitFor(() => expect(within(first).queryByText('No job yet.')).toBeNull(), {
      timeout: 10_000,
    })
    await expect(
      within(canvas.getByRole('region', { name: 'Bank step 2' })).getByText('No job yet.'),
    ).toBeVisible()
    await expect(scriptCount()).toBe(1)
  },
}

/** Once the bank step is closed, a late `jobCreated` on `window` reaches nobody. */
export const ClosedStepIgnoresLateEvents: Story = {
  play: async ({ canvas }) => {
    await canvas.findByRole('button', { name: 'Hooli Bank' }, { timeout: 10_000 })
    await userEvent.click(canvas.getByRole('button', { name: 'Close the bank step' }))
    window.dispatchEvent(
      new CustomEvent('jobCreated', {
        detail: { id: 'late-job', link: `${STORY_SANDBOX_URL}/jobs/late-job` },
      }),
    )
    await new Promise((resolve) => setTimeout(resolve, 300))
    await expect(canvas.getByText('No job yet.')).toBeVisible()
  },
}

/** The script cannot be loaded: a clear error and "Try again" (which adds the script anew). */
export const ScriptFailsToLoad: Story = {
  args: { src: `${STORY_SANDBOX_URL}/__sandbox/no-such-control.js` },
  play: async ({ canvas }) => {
    const alert = await canvas.findByRole('alert', {}, { timeout: 10_000 })
    await expect(alert).toHaveTextContent('We couldn’t load the bank connection screen.')
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }))
    await expect(await canvas.findByRole('alert', {}, { timeout: 10_000 })).toHaveTextContent(
      'We couldn’t load the bank connection screen.',
    )
    await expect(
      document.querySelectorAll(`script[src="${STORY_SANDBOX_URL}/__sandbox/no-such-control.js"]`),
    ).toHaveLength(1)
  },
}
