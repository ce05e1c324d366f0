import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor } from 'storybook/test'
import type { SandboxLoaded } from '../../../.storybook/sandbox.tsx'
import { LIVE_REGIONS } from '../test/queries.ts'
import { useBankConnect } from './bank-connect-provider.tsx'
import { JobProgress } from './job-progress.tsx'
import {
  CONSENT_STATE_STORAGE_KEY,
  prepareConsentUrl,
  useConsentRedirect,
} from './use-consent-redirect.ts'

/** The page Basiq's Consent UI sends the user back to: every reported job is followed. */
function ReturnPage() {
  const { messages } = useBankConnect()
  const consent = useConsentRedirect()
  return (
    <main data-state={consent.status}>
      <h1>Your banks</h1>
      {consent.status === 'refused' && <p role="alert">{messages['consent.refused']}</p>}
      {consent.jobIds.map((jobId) => (
        <section key={jobId} aria-label={`Job ${jobId}`}>
          <JobProgress jobId={jobId} />
        </section>
      ))}
    </main>
  )
}

interface ConsentReturnProps {
  /** Comes back with a `state` other than the one sent (a forged or stale link). */
  forged: boolean
}

/**
 * Plays the round trip without leaving Storybook: before the story renders, what
 * `prepareConsentUrl` keeps when the user leaves, then the address the Consent UI sends them back
 * to (with the loader's sandbox jobs); the story is the return page.
 */
const meta = {
  title: 'Connect/Consent return',
  args: { forged: false },
  parameters: {
    sandbox: {
      speed: 4,
      connections: [
        { loginId: 'gavinBelson', password: 'hooli2016' },
        { loginId: 'Whistler', password: 'ShowBox' },
      ],
    },
  },
  beforeEach: ({ args, loaded }) => {
    const { sandbox, jobIds } = loaded as SandboxLoaded
    const consentUrl = new URL(
      prepareConsentUrl({ token: sandbox.mintToken({ scope: 'CLIENT_ACCESS', version: '3.0' }) }),
    )
    const state = args.forged ? 'forged-state' : (consentUrl.searchParams.get('state') ?? '')
    const before = window.location.href
    const back = new URL(before)
    // `step=bank` stands for the app's own parameters, which the clean-up keeps.
    const returned = `step=bank&jobIds=${jobIds.join(',')}&state=${encodeURIComponent(state)}`
    back.search = back.search === '' ? `?${returned}` : `${back.search}&${returned}`
    window.history.replaceState(window.history.state, '', back.href)
    return () => {
      window.history.replaceState(window.history.state, '', before)
      sessionStorage.removeItem(CONSENT_STATE_STORAGE_KEY)
    }
  },
  render: () => <ReturnPage />,
} satisfies Meta<ConsentReturnProps>

export default meta
type Story = StoryObj<typeof meta>

function consentParamsInAddress(): string[] {
  const params = new URLSearchParams(window.location.search)
  return ['jobIds', 'jobId', 'state'].filter((name) => params.has(name))
}

/** Two banks connected in the Consent UI: both jobs are followed, and the address is cleaned. */
export const Returned: Story = {
  play: async ({ canvas, loaded }) => {
    const { jobIds } = loaded as SandboxLoaded
    for (const jobId of jobIds) {
      await expect(
        await canvas.findByRole('region', { name: `Job ${jobId}` }, { timeout: 5_000 }),
      ).toBeVisible()
    }
    await waitFor(() => expect(consentParamsInAddress()).toEqual([]))
    await expect(new URLSearchParams(window.location.search).get('step')).toBe('bank')
    await expect(sessionStorage.getItem(CONSENT_STATE_STORAGE_KEY)).toBeNull()
    // Each job is followed on its own until its user is released (or it is complete). Only the
    // phase lines are counted: each live region repeats its line a moment later.
    await waitFor(
      () =>
        expect(
          canvas.getAllByText(
            /You’re connected\. We’re still fetching your data in the background\.|All done: your accounts are connected/,
            { ignore: LIVE_REGIONS },
          ),
        ).toHaveLength(2),
      { timeout: 15_000 },
    )
  },
}

/** The state that came back is not the one sent: refused, no job is followed. */
export const StateMismatch: Story = {
  args: { forged: true },
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('alert')).toHaveTextContent(
      'We couldn’t confirm that this bank connection was started here',
    )
    await expect(canvas.queryAllByRole('region')).toHaveLength(0)
    await waitFor(() => expect(consentParamsInAddress()).toEqual([]))
  },
}
