import type { Meta, StoryContext, StoryObj } from '@storybook/react-vite'
import { useState, type ReactNode } from 'react'
import { expect, fn, userEvent, waitFor, within } from 'storybook/test'
import { STORY_SANDBOX_URL } from '../../../.storybook/sandbox.tsx'
import type { SandboxLoaded } from '../../../.storybook/sandbox.tsx'
import { LIVE_REGIONS } from '../test/queries.ts'
import { useBankConnect } from './bank-connect-provider.tsx'
import { ConnectFlow, type ConnectFlowProps } from './connect-flow.tsx'
import { recoveryText } from './messages.ts'
import { useBackgroundJobs } from './use-background-jobs.ts'
import { CONSENT_STATE_STORAGE_KEY, prepareConsentUrl } from './use-consent-redirect.ts'

/**
 * The whole bank-connection step against the story's sandbox, driven the way a user drives it: they
 * type in the bank picker, type their login into the form, and wait for their bank. Each story is
 * one of the sandbox personas (Basiq's testing page), so it replays the outcome a real user with
 * that login would meet, recovery included.
 */
const meta = {
  title: 'Connect/ConnectFlow',
  component: ConnectFlow,
  args: { onReleased: fn(), onFailed: fn() },
  parameters: { sandbox: { speed: 8 } },
} satisfies Meta<typeof ConnectFlow>

export default meta
type Story = StoryObj<typeof meta>
type Canvas = StoryContext['canvas']

/** Generous: on a loaded 2-core machine a job that takes one second alone can take several. */
const JOB_TIMEOUT = 15_000

/** The flow's step heading: the first level-2 heading (Basiq's control renders its own below). */
function flowHeading(canvas: Canvas): HTMLElement {
  const [heading] = canvas.getAllByRole('heading', { level: 2 })
  if (heading === undefined) throw new Error('ConnectFlow rendered no level-2 heading')
  return heading
}

async function expectStep(canvas: Canvas, title: string, timeout = JOB_TIMEOUT): Promise<void> {
  await waitFor(() => expect(flowHeading(canvas)).toHaveTextContent(title), { timeout })
}

/**
 * Types `query` into the picker and presses Enter, after checking that the bank typing
 * highlighted is the one the user means.
 */
async function pickBank(canvas: Canvas, query: string, name: RegExp): Promise<void> {
  await canvas.findAllByRole('option', {}, { timeout: 10_000 })
  const input = canvas.getByRole('combobox', { name: 'Find your bank' })
  await userEvent.clear(input)
  await userEvent.type(input, query)
  await waitFor(() => {
    const highlighted = input.getAttribute('aria-activedescendant')
    expect(highlighted && document.getElementById(highlighted)).toHaveAccessibleName(name)
  })
  await userEvent.keyboard('{Enter}')
}

async function logIn(canvas: Canvas, loginId: string, password: string): Promise<void> {
  await userEvent.type(canvas.getByLabelText('Login'), loginId)
  await userEvent.type(canvas.getByLabelText('Password'), password)
  await userEvent.click(canvas.getByRole('button', { name: 'Connect' }))
}

/** The one job the sandbox holds for the story's user (the form created it), and its connection. */
function onlyJob(loaded: unknown): { jobId: string; connectionId: string } {
  const { sandbox, userId } = loaded as SandboxLoaded
  const jobs = sandbox.engine.listUserJobs(userId, []).data
  const [job] = jobs
  if (job === undefined || jobs.length !== 1) {
    throw new Error(`expected one job in the sandbox, found ${jobs.length}`)
  }
  return {
    jobId: String(job.id),
    connectionId: String(job.links.source).split('/').pop() ?? '',
  }
}

/** A bank chosen in the picker: its login form, with Back to the picker. */
export const BankChosen: Story = {
  play: async ({ canvas }) => {
    await expect(flowHeading(canvas)).toHaveTextContent('Connect your bank')
    // The first render leaves focus where the page put it.
    await expect(flowHeading(canvas)).not.toHaveFocus()
    await pickBank(canvas, 'hooli', /^Hooli/)
    await expectStep(canvas, 'Connect Hooli')
    await expect(flowHeading(canvas)).toHaveFocus()
    await expect(canvas.getByRole('form', { name: 'Log in to Hooli' })).toBeVisible()
    await expect(canvas.getByLabelText('Login')).toHaveValue('')
    await expect(canvas.getByRole('button', { name: 'Back' })).toBeVisible()
  },
}

/** gavinBelson at Hooli: picked, logged in, verified, released. */
export const HappyPath: Story = {
  play: async (context) => {
    const { canvas, args, loaded } = context
    await BankChosen.play?.(context)
    await logIn(canvas, 'gavinBelson', 'hooli2016')
    await expectStep(canvas, 'Connecting to Hooli')
    await expect(flowHeading(canvas)).toHaveFocus()
    await expectStep(canvas, 'Hooli is connected')
    await expect(flowHeading(canvas)).toHaveFocus()
    await expect(
      canvas.getByText(
        'You can carry on. We’re fetching your accounts and transactions in the background.',
      ),
    ).toBeVisible()
    await expect(args.onReleased).toHaveBeenCalledTimes(1)
    await expect(args.onReleased).toHaveBeenCalledWith(expect.objectContaining(onlyJob(loaded)))
    await expect(args.onFailed).not.toHaveBeenCalled()
    await expect(canvas.getByRole('button', { name: 'Connect another bank' })).toBeVisible()
  },
}

/** After a release, "Connect another bank" starts over at an empty picker. */
export const ConnectAnotherBank: Story = {
  play: async (context) => {
    const { canvas, args } = context
    await HappyPath.play?.(context)
    await userEvent.click(canvas.getByRole('button', { name: 'Connect another bank' }))
    await expectStep(canvas, 'Connect your bank')
    await expect(flowHeading(canvas)).toHaveFocus()
    await expect(canvas.getByRole('combobox', { name: 'Find your bank' })).toHaveValue('')
    await pickBank(canvas, 'pied piper', /^Pied Piper/)
    await expectStep(canvas, 'Connect Pied Piper')
    await expect(args.onReleased).toHaveBeenCalledTimes(1)
  },
}

/** bighead's account is locked: Basiq's own reason, and the way back to the login form. */
export const AccountLocked: Story = {
  play: async (context) => {
    const { canvas, args, loaded } = context
    await BankChosen.play?.(context)
    await logIn(canvas, 'bighead', 'password')
    const alert = await canvas.findByRole('alert', {}, { timeout: JOB_TIMEOUT })
    await expect(alert).toHaveTextContent('Your bank didn’t accept those login details.')
    await expect(alert).toHaveTextContent('Account is locked')
    await expectStep(canvas, 'We couldn’t connect to Hooli')
    await expect(flowHeading(canvas)).toHaveFocus()
    await expect(
      within(alert).getByRole('button', { name: 'Re-enter your login details' }),
    ).toBeVisible()
    await expect(args.onFailed).toHaveBeenCalledTimes(1)
    await expect(args.onFailed).toHaveBeenCalledWith(
      expect.objectContaining({
        jobId: onlyJob(loaded).jobId,
        recovery: expect.objectContaining({ kind: 'invalid-credentials' }),
      }),
    )
    await expect(args.onReleased).not.toHaveBeenCalled()
  },
}

/** "Re-enter your login details" brings back the same bank's form, empty. */
export const AccountLockedReEnter: Story = {
  play: async (context) => {
    const { canvas } = context
    await AccountLocked.play?.(context)
    const alert = canvas.getByRole('alert')
    await userEvent.click(
      within(alert).getByRole('button', { name: 'Re-enter your login details' }),
    )
    await expectStep(canvas, 'Connect Hooli')
    await expect(flowHeading(canvas)).toHaveFocus()
    await expect(canvas.getByRole('form', { name: 'Log in to Hooli' })).toBeVisible()
    // Nothing typed earlier was kept.
    await expect(canvas.getByLabelText('Login')).toHaveValue('')
    await expect(canvas.getByLabelText('Password')).toHaveValue('')
    await expect(canvas.queryByRole('alert')).toBeNull()
  },
}

/** jianYang: the bank's service is unavailable; try later, or choose another bank now. */
export const BankUnavailable: Story = {
  play: async (context) => {
    const { canvas, args } = context
    await BankChosen.play?.(context)
    await logIn(canvas, 'jianYang', 'nothotdog')
    const alert = await canvas.findByRole('alert', {}, { timeout: JOB_TIMEOUT })
    await expect(alert).toHaveTextContent('Please try again in about 10 minutes.')
    await expect(within(alert).getByRole('button', { name: 'Try again later' })).toBeVisible()
    await expect(args.onFailed).toHaveBeenCalledWith(
      expect.objectContaining({
        recovery: expect.objectContaining({ kind: 'service-unavailable' }),
      }),
    )
    await userEvent.click(within(alert).getByRole('button', { name: 'Choose another bank' }))
    await expectStep(canvas, 'Connect your bank')
    await expect(flowHeading(canvas)).toHaveFocus()
    await expect(canvas.getByRole('combobox', { name: 'Find your bank' })).toBeVisible()
  },
}

/**
 * The background sync as a later onboarding screen shows it (here under the released message):
 * the summary, and what to do about a job that needs the user.
 */
function BackgroundSync(): ReactNode {
  const { messages } = useBankConnect()
  const { summary, message, jobs } = useBackgroundJobs()
  if (summary === 'idle') return null
  return (
    <div role="status" data-state={summary}>
      <p>{message}</p>
      {jobs.map((job) =>
        job.recovery && !job.recovery.transient ? (
          <p key={job.jobId}>{recoveryText(messages, job.recovery)}</p>
        ) : null,
      )}
    </div>
  )
}

/**
 * erlich's bank wants the user to act in their online banking first. Basiq may report it at any
 * step; the sandbox fails the step after the release. Whether the flow is still following the job
 * then depends on when its polls land, so either way is accepted: seen before the release, the
 * flow shows the failure and "Go to your online banking" (which leads back to the login form, for
 * a new attempt once the user has acted); seen after it, the background sync says so.
 */
export const ActInYourBank: Story = {
  args: { releasedContent: <BackgroundSync /> },
  play: async (context) => {
    const { canvas, args } = context
    await BankChosen.play?.(context)
    await logIn(canvas, 'erlich', 'aviato')
    // After the release, the background sync looks again at its own slower pace.
    await expect(
      await canvas.findByText(/do something in your online banking first/, {}, { timeout: 30_000 }),
    ).toBeVisible()
    if (flowHeading(canvas).textContent === 'Hooli is connected') {
      await expect(args.onReleased).toHaveBeenCalledTimes(1)
      await expect(canvas.getByRole('status')).toHaveTextContent('Something needs your attention')
      return
    }
    await expectStep(canvas, 'We couldn’t connect to Hooli')
    await expect(args.onFailed).toHaveBeenCalledWith(
      expect.objectContaining({
        recovery: expect.objectContaining({ kind: 'user-action-required' }),
      }),
    )
    await expect(args.onReleased).not.toHaveBeenCalled()
    const alert = canvas.getByRole('alert')
    await userEvent.click(within(alert).getByRole('button', { name: 'Go to your online banking' }))
    await expectStep(canvas, 'Connect Hooli')
    await expect(canvas.getByRole('form', { name: 'Log in to Hooli' })).toBeVisible()
  },
}

/** Pied Piper always asks for a one-time code: the code field, then released. */
export const Mfa: Story = {
  name: 'MFA',
  play: async ({ canvas, args }) => {
    await pickBank(canvas, 'pied piper', /^Pied Piper/)
    await expectStep(canvas, 'Connect Pied Piper')
    await logIn(canvas, 'jared', 'django')
    const code = await canvas.findByLabelText('OTP Password', {}, { timeout: JOB_TIMEOUT })
    await expectStep(canvas, 'Connecting to Pied Piper')
    await expect(
      canvas.getByRole('form', { name: 'Your bank needs to confirm it’s you' }),
    ).toBeVisible()
    await userEvent.type(code, '1234')
    await userEvent.click(canvas.getByRole('button', { name: 'Continue' }))
    await expectStep(canvas, 'Pied Piper is connected')
    await expect(args.onReleased).toHaveBeenCalledTimes(1)
    await expect(args.onFailed).not.toHaveBeenCalled()
  },
}

/** A bank in a major outage is listed, says why, and cannot be chosen. */
export const BankInOutage: Story = {
  play: async ({ canvas, loaded }) => {
    await canvas.findAllByRole('option', {}, { timeout: 10_000 })
    await userEvent.type(
      canvas.getByRole('combobox', { name: 'Find your bank' }),
      'northern inland',
    )
    const down = await canvas.findByRole('option', { name: /^NICU / })
    await expect(down).toHaveAttribute('aria-disabled', 'true')
    await expect(down).toHaveAccessibleName(/can’t connect to it right now/)
    await expect(within(down).getByText(/try again later or choose another bank/)).toBeVisible()
    await userEvent.click(down)
    await expect(flowHeading(canvas)).toHaveTextContent('Connect your bank')
    await expect(canvas.queryByLabelText('Password')).toBeNull()
    await expect((loaded as SandboxLoaded).sandbox.engine.stats().connections).toBe(0)
  },
}

/**
 * Back from the login form returns to the picker, focus on its heading. The flow holds no search
 * text, so the picker starts afresh: the user searches again.
 */
export const BackToPicker: Story = {
  play: async ({ canvas }) => {
    await pickBank(canvas, 'hooli', /^Hooli/)
    await expectStep(canvas, 'Connect Hooli')
    await userEvent.click(canvas.getByRole('button', { name: 'Back' }))
    await expectStep(canvas, 'Connect your bank')
    await expect(flowHeading(canvas)).toHaveFocus()
    await expect(canvas.queryByLabelText('Password')).toBeNull()
    await pickBank(canvas, 'pied piper', /^Pied Piper/)
    await expectStep(canvas, 'Connect Pied Piper')
  },
}

/** A page that keeps the user's search across Back holds it itself, through `pickerProps`. */
function FlowKeepingTheSearch(props: ConnectFlowProps): ReactNode {
  const [query, setQuery] = useState('')
  return (
    <ConnectFlow
      {...props}
      pickerProps={{ ...props.pickerProps, query, onQueryChange: setQuery }}
    />
  )
}

/** Back to the picker with the search kept by the page: the bank the user found is still listed. */
export const BackToPickerKeepingTheSearch: Story = {
  render: (args) => <FlowKeepingTheSearch {...args} />,
  play: async ({ canvas }) => {
    await pickBank(canvas, 'hooli', /^Hooli/)
    await expectStep(canvas, 'Connect Hooli')
    await userEvent.click(canvas.getByRole('button', { name: 'Back' }))
    await expectStep(canvas, 'Connect your bank')
    await expect(canvas.getByRole('combobox', { name: 'Find your bank' })).toHaveValue('hooli')
    await expect(canvas.getAllByRole('option')[0]).toHaveAccessibleName(/^Hooli/)
  },
}

/** The sandbox serves its stand-in for Basiq's control here; the story's MSW worker answers it. */
const CONTROL_SRC = `${STORY_SANDBOX_URL}/__sandbox/connect-control.js`

/** Control mode: Basiq's control takes the login, the flow follows the job it announces. */
export const ControlMode: Story = {
  args: { mode: 'control', control: { src: CONTROL_SRC } },
  play: async ({ canvas, args }) => {
    await expect(flowHeading(canvas)).toHaveTextContent('Connect your bank')
    await userEvent.click(
      await canvas.findByRole('button', { name: 'Hooli Bank' }, { timeout: 10_000 }),
    )
    await logIn(canvas, 'gavinBelson', 'hooli2016')
    await expectStep(canvas, 'Your bank is connected')
    await expect(flowHeading(canvas)).toHaveFocus()
    await expect(args.onReleased).toHaveBeenCalledTimes(1)
  },
}

/** Where consent mode would leave the page for Basiq's Consent UI; the story stays. */
const consentNavigate = fn<(url: string) => void>()
/** Where the Consent UI sends the user back to (the sandbox's page reads it). */
const CONSENT_REDIRECT = 'https://app.bankconnect.test/onboarding'

/**
 * Consent mode, back from Basiq's Consent UI with two banks: before the story renders, the state
 * `prepareConsentUrl` kept when the user left, and the address the Consent UI sends them back to
 * (with the loader's sandbox jobs). The flow follows the first job, the second beside it; then
 * the user sets off to connect one more bank.
 */
export const ConsentMode: Story = {
  args: { mode: 'consent' },
  parameters: {
    sandbox: {
      connections: [
        { loginId: 'gavinBelson', password: 'hooli2016' },
        { loginId: 'Whistler', password: 'ShowBox' },
      ],
    },
  },
  beforeEach: ({ loaded }) => {
    const { sandbox, jobIds } = loaded as SandboxLoaded
    const consentUrl = new URL(
      prepareConsentUrl({ token: sandbox.mintToken({ scope: 'CLIENT_ACCESS', version: '3.0' }) }),
    )
    const state = consentUrl.searchParams.get('state') ?? ''
    const before = window.location.href
    const back = new URL(before)
    const returned = `jobIds=${jobIds.join(',')}&state=${encodeURIComponent(state)}`
    back.search = back.search === '' ? `?${returned}` : `${back.search}&${returned}`
    window.history.replaceState(window.history.state, '', back.href)
    return () => {
      window.history.replaceState(window.history.state, '', before)
      sessionStorage.removeItem(CONSENT_STATE_STORAGE_KEY)
    }
  },
  render: (args, { loaded }) => {
    const { sandbox } = loaded as SandboxLoaded
    return (
      <ConnectFlow
        {...args}
        consent={{
          getToken: () =>
            Promise.resolve(sandbox.mintToken({ scope: 'CLIENT_ACCESS', version: '3.0' })),
          baseUrl: `${sandbox.baseUrl}/consent`,
          redirect: CONSENT_REDIRECT,
          navigate: consentNavigate,
        }}
      />
    )
  },
  play: async ({ canvas, args, loaded }) => {
    const { jobIds } = loaded as SandboxLoaded
    consentNavigate.mockClear()
    await expectStep(canvas, 'Your bank is connected')
    await expect(args.onReleased).toHaveBeenCalledWith(
      expect.objectContaining({ jobId: jobIds[0] }),
    )
    const params = new URLSearchParams(window.location.search)
    await expect(params.has('jobIds') || params.has('state')).toBe(false)
    // The second bank is followed too, until its user is released (or it is complete).
    await waitFor(
      () =>
        expect(
          canvas.getAllByText(
            /You’re connected\. We’re still fetching your data in the background\.|All done: your accounts are connected/,
            { ignore: LIVE_REGIONS },
          )[0],
        ).toBeVisible(),
      { timeout: JOB_TIMEOUT },
    )

    await userEvent.click(canvas.getByRole('button', { name: 'Connect another bank' }))
    await expectStep(canvas, 'Connect your bank')
    await userEvent.click(canvas.getByRole('button', { name: 'Continue to Basiq' }))
    await waitFor(() => expect(consentNavigate).toHaveBeenCalledTimes(1))
    const url = new URL(String(consentNavigate.mock.calls[0]?.[0]))
    await expect(`${url.origin}${url.pathname}`).toBe(`${STORY_SANDBOX_URL}/consent/home`)
    await expect(url.searchParams.get('token')).toMatch(/\S/)
    await expect(url.searchParams.get('redirect')).toBe(CONSENT_REDIRECT)
    await expect(url.searchParams.get('state')).toBe(
      sessionStorage.getItem(CONSENT_STATE_STORAGE_KEY),
    )
  },
}
