import type { Institution } from '@bankconnect/core'
import { institutions as sandboxCatalogue } from '@bankconnect/sandbox'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { QueryClient } from '@tanstack/react-query'
import { createRef } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  closeHarnesses,
  createHarness,
  createRecordingLogger,
  renderWithProvider,
} from '../test/sandbox-harness.tsx'
import type { Harness, ProviderOptions } from '../test/sandbox-harness.tsx'
import { useBankConnect } from './bank-connect-provider.tsx'
import type { BankConnectContextValue } from './bank-connect-provider.tsx'
import { CredentialsForm } from './credentials-form.tsx'
import type { CredentialsFormProps } from './credentials-form.tsx'
import type { ConnectionJobCreated } from './use-create-connection.ts'

afterEach(() => {
  closeHarnesses()
})

const catalogue = sandboxCatalogue as unknown as readonly Institution[]

function institution(id: string): Institution {
  const found = catalogue.find((candidate) => candidate.id === id)
  if (!found) throw new Error(`no institution ${id} in the sandbox catalogue`)
  return found
}

const hooli = institution('AU00000')
const stGeorge = institution('AU00501')
const nabConnect = institution('AU00302')
const nicu = institution('AU00620')

function renderForm(
  props: Partial<CredentialsFormProps> = {},
  options: { harness?: Harness; provider?: ProviderOptions } = {},
) {
  const harness = options.harness ?? createHarness()
  const onJobCreated = vi.fn<(event: ConnectionJobCreated) => void>()
  let context: BankConnectContextValue | undefined
  function Probe() {
    context = useBankConnect()
    return null
  }
  const result = renderWithProvider(
    harness,
    <>
      <CredentialsForm institution={hooli} onJobCreated={onJobCreated} {...props} />
      <Probe />
    </>,
    options.provider,
  )
  return { harness, onJobCreated, context: () => context as BankConnectContextValue, ...result }
}

function connectionPosts(harness: Harness) {
  return harness.requests.filter(
    (request) =>
      request.method === 'POST' && request.path === `/users/${harness.userId}/connections`,
  )
}

function submit() {
  return screen.getByRole('button', { name: /^(Connect|Connecting…)$/ })
}

describe('CredentialsForm: fields from the institution', () => {
  it('asks for what Hooli asks: login and password', () => {
    renderForm()
    const form = screen.getByRole('form', { name: 'Log in to Hooli' })
    expect(within(form).getByLabelText('Login')).toHaveAttribute('type', 'text')
    expect(within(form).getByLabelText('Password')).toHaveAttribute('type', 'password')
    expect(within(form).queryByLabelText(/security/i)).not.toBeInTheDocument()
    expect(form.querySelectorAll('input')).toHaveLength(2)
    expect(form).toHaveAccessibleDescription(/go straight to our bank-data provider.*never store/i)
  })

  it('adds the security number St.George asks for, as a secret field', () => {
    renderForm({ institution: stGeorge })
    expect(screen.getByLabelText('Customer access number')).toHaveAttribute('type', 'text')
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password')
    expect(screen.getByLabelText('Security number')).toHaveAttribute('type', 'password')
  })

  it('adds the secondary login id NAB Connect asks for', () => {
    renderForm({ institution: nabConnect })
    const labels = [...document.querySelectorAll('label')].map((label) => label.textContent)
    expect(labels).toEqual(['User ID', 'Customer ID', 'Password'])
  })

  it('falls back to generic labels when a bank sends no captions', () => {
    const bare = { ...hooli, loginIdCaption: undefined, passwordCaption: '  ' } as Institution
    renderForm({ institution: bare })
    expect(screen.getByLabelText('Login ID')).toBeInTheDocument()
    expect(screen.getByLabelText('Password')).toBeInTheDocument()
  })

  it('keeps the bank’s fields out of autofill and spell checking', () => {
    renderForm({ institution: stGeorge })
    for (const input of document.querySelectorAll('input')) {
      expect(input).toHaveAttribute('autocomplete', 'off')
      expect(input).toHaveAttribute('spellcheck', 'false')
    }
  })

  it('would send no credentials even if the browser submitted the form itself', async () => {
    const user = userEvent.setup()
    renderForm()
    await user.type(screen.getByLabelText('Login'), 'gavinBelson')
    await user.type(screen.getByLabelText('Password'), 'hooli2016')
    const form = screen.getByRole('form')
    expect([...new FormData(form as HTMLFormElement).keys()]).toEqual([])
    expect(form).toHaveAttribute('method', 'post')
  })

  it('links to the bank’s forgotten-password page in a new tab', () => {
    renderForm({ institution: stGeorge })
    const link = screen.getByRole('link', { name: /Forgot your password\?/ })
    expect(link).toHaveAttribute('href', stGeorge.forgottenPasswordUrl)
    expect(link).toHaveAttribute('target', '_blank')
    expect(link).toHaveAttribute('rel', 'noopener noreferrer')
    expect(link).toHaveTextContent('(opens in a new tab)')
  })

  it('never turns a non-http forgotten-password URL into a link', () => {
    renderForm({ institution: { ...hooli, forgottenPasswordUrl: 'javascript:alert(1)' } })
    expect(screen.queryByRole('link')).not.toBeInTheDocument()
  })

  it('shows the bank’s name and logo', () => {
    renderForm({ institution: stGeorge })
    const title = screen.getByText('Log in to St.George')
    expect(title.closest('legend')?.querySelector('[data-slot="logo"]')).toBeInTheDocument()
    expect(screen.getByText(/St\.George Bank/)).toBeInTheDocument()
  })

  it('toggles the password’s visibility with a pressed button', async () => {
    const user = userEvent.setup()
    renderForm({ institution: stGeorge })
    const toggle = screen.getByRole('button', { name: 'Show password' })
    expect(toggle).toHaveAttribute('aria-pressed', 'false')
    await user.click(toggle)
    expect(toggle).toHaveAttribute('aria-pressed', 'true')
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'text')
    expect(screen.getByLabelText('Security number')).toHaveAttribute('type', 'text')
    await user.click(toggle)
    expect(toggle).toHaveAttribute('aria-pressed', 'false')
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password')
  })
})

describe('CredentialsForm: validation sends nothing', () => {
  it('names every empty field by its caption and focuses the first', async () => {
    const user = userEvent.setup()
    const { harness, onJobCreated } = renderForm({ institution: stGeorge })
    await user.click(submit())
    expect(screen.getByText('Enter your Customer access number')).toBeInTheDocument()
    expect(screen.getByText('Enter your Password')).toBeInTheDocument()
    expect(screen.getByText('Enter your Security number')).toBeInTheDocument()
    const first = screen.getByLabelText('Customer access number')
    expect(first).toHaveFocus()
    expect(first).toHaveAttribute('aria-invalid', 'true')
    expect(first).toHaveAccessibleDescription('Enter your Customer access number')
    expect(connectionPosts(harness)).toHaveLength(0)
    expect(onJobCreated).not.toHaveBeenCalled()
  })

  it('refuses a 10 KB paste with a message, and sends nothing', async () => {
    const user = userEvent.setup()
    const { harness } = renderForm()
    await user.type(screen.getByLabelText('Login'), 'gavinBelson')
    await user.click(screen.getByLabelText('Password'))
    await user.paste('x'.repeat(10_240))
    expect(screen.getByLabelText('Password')).toHaveValue('')
    expect(
      screen.getByText(/That paste is too long for Password \(at most 256/),
    ).toBeInTheDocument()
    await user.click(submit())
    expect(screen.getByText('Enter your Password')).toBeInTheDocument()
    expect(connectionPosts(harness)).toHaveLength(0)
  })

  it('refuses an over-long value that arrived another way (autofill, drag and drop)', async () => {
    const user = userEvent.setup()
    const { harness } = renderForm()
    await user.type(screen.getByLabelText('Login'), 'gavinBelson')
    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'y'.repeat(10_240) } })
    await user.click(submit())
    expect(screen.getByText('Password must be at most 256 characters')).toBeInTheDocument()
    expect(connectionPosts(harness)).toHaveLength(0)
  })

  it('clears a field’s error as soon as the user edits it', async () => {
    const user = userEvent.setup()
    renderForm()
    await user.click(submit())
    await user.type(screen.getByLabelText('Login'), 'g')
    expect(screen.queryByText('Enter your Login')).not.toBeInTheDocument()
    expect(screen.getByText('Enter your Password')).toBeInTheDocument()
  })
})

describe('CredentialsForm: submitting', () => {
  async function fillHooli(user: ReturnType<typeof userEvent.setup>) {
    await user.type(screen.getByLabelText('Login'), 'gavinBelson')
    await user.type(screen.getByLabelText('Password'), 'hooli2016')
  }

  it('posts once to Basiq and hands over the job id', async () => {
    const user = userEvent.setup()
    const { harness, onJobCreated } = renderForm()
    await fillHooli(user)
    await user.click(submit())
    await waitFor(() => expect(onJobCreated).toHaveBeenCalledTimes(1))
    const created = onJobCreated.mock.calls[0]?.[0] as ConnectionJobCreated
    const { jobId, institutionId } = created
    expect(institutionId).toBe('AU00000')
    expect(harness.sandbox.engine.getJob(jobId)).toMatchObject({ id: jobId, type: 'job' })
    expect(connectionPosts(harness)).toEqual([expect.objectContaining({ status: 202 })])
    expect(screen.getByRole('form')).toHaveAttribute('data-state', 'submitted')
  })

  it('sends one request for a double click', async () => {
    const user = userEvent.setup()
    const { harness, onJobCreated } = renderForm()
    await fillHooli(user)
    await user.dblClick(submit())
    await waitFor(() => expect(onJobCreated).toHaveBeenCalledTimes(1))
    expect(connectionPosts(harness)).toHaveLength(1)
    expect(screen.queryByText(/Enter your/)).not.toBeInTheDocument()
  })

  it('typing again after a success starts a new connection', async () => {
    const user = userEvent.setup()
    const { harness, onJobCreated } = renderForm()
    await fillHooli(user)
    await user.click(submit())
    await waitFor(() => expect(onJobCreated).toHaveBeenCalledTimes(1))
    await user.type(screen.getByLabelText('Login'), 'Gilfoyle')
    await user.type(screen.getByLabelText('Password'), 'PiedPiper')
    await user.click(submit())
    await waitFor(() => expect(onJobCreated).toHaveBeenCalledTimes(2))
    expect(connectionPosts(harness)).toHaveLength(2)
  })

  it('sends one request for two Enter presses', async () => {
    const user = userEvent.setup()
    const { harness, onJobCreated } = renderForm()
    await fillHooli(user)
    await user.keyboard('{Enter}{Enter}')
    await waitFor(() => expect(onJobCreated).toHaveBeenCalledTimes(1))
    expect(connectionPosts(harness)).toHaveLength(1)
  })

  it('keeps the credentials nowhere once sent', async () => {
    const user = userEvent.setup()
    const queryClient = new QueryClient()
    const { logger, events } = createRecordingLogger()
    const { onJobCreated, context, container } = renderForm(
      { institution: stGeorge },
      { provider: { queryClient, logger } },
    )
    const secrets = ['gavinBelson', 'hooli2016', '246810']
    await user.type(screen.getByLabelText('Customer access number'), secrets[0] as string)
    await user.type(screen.getByLabelText('Password'), secrets[1] as string)
    await user.type(screen.getByLabelText('Security number'), secrets[2] as string)
    await user.click(submit())
    // Mid-flight: the secrets are already gone from the page and the mutation cache.
    expect(screen.getByLabelText('Password')).toHaveValue('')
    expect(
      JSON.stringify(
        queryClient
          .getMutationCache()
          .getAll()
          .map((m) => m.state),
      ),
    ).not.toMatch(/hooli2016|246810/)
    await waitFor(() => expect(onJobCreated).toHaveBeenCalledTimes(1))

    for (const input of container.querySelectorAll('input')) expect(input).toHaveValue('')
    const places = {
      dom: document.documentElement.outerHTML,
      mutations: JSON.stringify(
        queryClient
          .getMutationCache()
          .getAll()
          .map((m) => m.state),
      ),
      queries: JSON.stringify(
        queryClient
          .getQueryCache()
          .getAll()
          .map((q) => [q.queryKey, q.state]),
      ),
      localStorage: JSON.stringify({ ...localStorage }),
      sessionStorage: JSON.stringify({ ...sessionStorage }),
      cookies: document.cookie,
      url: window.location.href,
      backgroundJobsStore: JSON.stringify(context().backgroundJobs.getState()),
      logs: JSON.stringify(events),
    }
    for (const [place, text] of Object.entries(places)) {
      for (const secret of secrets) expect(text, `${secret} in ${place}`).not.toContain(secret)
    }
  })

  it('shows Basiq’s message when it refuses, keeps the login id and clears the password', async () => {
    const user = userEvent.setup()
    const harness = createHarness({ connectionLimit: 0 })
    const { onJobCreated } = renderForm({}, { harness })
    await fillHooli(user)
    await user.click(submit())
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Your bank login couldn’t be sent')
    expect(alert).toHaveTextContent('Limit reached for sandbox connections.')
    expect(screen.getByRole('form')).toHaveAttribute('data-state', 'error')
    expect(screen.getByLabelText('Login')).toHaveValue('gavinBelson')
    expect(screen.getByLabelText('Password')).toHaveValue('')
    expect(onJobCreated).not.toHaveBeenCalled()
    expect(connectionPosts(harness)).toHaveLength(1)
  })

  it('says the details could not be sent when the connection drops, and can be sent again', async () => {
    const user = userEvent.setup()
    const harness = createHarness()
    harness.sandbox.faults.add({ kind: 'drop', path: '/users/*/connections', method: 'POST' })
    const { onJobCreated } = renderForm({}, { harness })
    await fillHooli(user)
    await user.click(submit())
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'We couldn’t send your login details',
    )
    await user.type(screen.getByLabelText('Password'), 'hooli2016')
    await user.click(submit())
    await waitFor(() => expect(onJobCreated).toHaveBeenCalledTimes(1))
    expect(connectionPosts(harness)).toHaveLength(2)
  })

  it('does not send anything for a bank in a major outage, and says why', async () => {
    const user = userEvent.setup()
    const { harness } = renderForm({ institution: nicu })
    expect(screen.getByRole('alert')).toHaveTextContent(/down.*choose another bank/i)
    expect(screen.getByRole('form')).toHaveAttribute('data-state', 'unavailable')
    expect(submit()).toBeDisabled()
    await user.click(submit())
    expect(connectionPosts(harness)).toHaveLength(0)
  })
})

describe('CredentialsForm: new credentials for an existing connection', () => {
  it('asks only for what Basiq lets you change and posts to that connection', async () => {
    const user = userEvent.setup()
    const harness = createHarness()
    harness.connect('gavinBelson', 'hooli2016', 'AU00501')
    const connectionId = harness.sandbox.engine.listConnections(harness.userId, []).data[0]
      ?.id as string
    const { onJobCreated } = renderForm({ institution: stGeorge, connectionId }, { harness })
    expect(
      screen.getByRole('form', { name: 'Re-enter your St.George login details' }),
    ).toBeInTheDocument()
    expect(screen.queryByLabelText('Customer access number')).not.toBeInTheDocument()
    await user.type(screen.getByLabelText('Password'), 'hooli2016')
    await user.type(screen.getByLabelText('Security number'), '1357')
    await user.click(screen.getByRole('button', { name: 'Reconnect' }))
    await waitFor(() =>
      expect(onJobCreated).toHaveBeenCalledWith({
        jobId: expect.any(String),
        institutionId: 'AU00501',
        connectionId,
      }),
    )
    const updates = harness.requests.filter(
      (request) =>
        request.method === 'POST' &&
        request.path === `/users/${harness.userId}/connections/${connectionId}`,
    )
    expect(updates).toEqual([expect.objectContaining({ status: 202 })])
    expect(connectionPosts(harness)).toHaveLength(0)
  })
})

describe('CredentialsForm: passing props through', () => {
  it('passes className and ref to the form, and offers to change bank', async () => {
    const user = userEvent.setup()
    const ref = createRef<HTMLFormElement>()
    const onChangeInstitution = vi.fn<() => void>()
    renderForm({ ref, className: 'login', onChangeInstitution })
    expect(ref.current).toBe(screen.getByRole('form'))
    expect(ref.current).toHaveClass('login')
    await user.click(screen.getByRole('button', { name: 'Choose another bank' }))
    expect(onChangeInstitution).toHaveBeenCalledTimes(1)
  })

  it('a consumer onSubmit that calls preventDefault stops the request', async () => {
    const user = userEvent.setup()
    const onSubmit = vi.fn<(event: { preventDefault(): void }) => void>((event) =>
      event.preventDefault(),
    )
    const { harness } = renderForm({ onSubmit })
    await user.type(screen.getByLabelText('Login'), 'gavinBelson')
    await user.type(screen.getByLabelText('Password'), 'hooli2016')
    await user.click(submit())
    expect(onSubmit).toHaveBeenCalledTimes(1)
    expect(connectionPosts(harness)).toHaveLength(0)
  })

  it('explains a missing institution instead of crashing obscurely', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => renderForm({ institution: undefined as unknown as Institution })).toThrow(
      /institution prop must be an institution/,
    )
    spy.mockRestore()
  })
})
