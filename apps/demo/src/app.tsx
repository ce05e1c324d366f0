import {
  BankConnectProvider,
  ConnectFlow,
  ConnectionHealth,
  useBackgroundJobs,
  type BankConnectLogger,
  type ConnectFlowMode,
  type JobReleasedEvent,
} from '@bankconnect/react'
import '@bankconnect/react/theme.css'
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react'
import './demo.css'
import { OnboardingSteps, type OnboardingStep } from './onboarding-steps.tsx'

const apiUrl = import.meta.env.VITE_BASIQ_API_URL ?? 'http://127.0.0.1:4010'
// The sandbox serves a drop-in of Basiq's control and a consent page; Basiq itself serves its own.
const onSandbox = !apiUrl.startsWith('https://au-api.basiq.io')
const controlSrc = onSandbox ? `${apiUrl}/__sandbox/connect-control.js` : undefined
const consentBaseUrl = onSandbox ? `${apiUrl}/consent` : 'https://consent.basiq.io'

type Theme = 'light' | 'dark' | 'koala'

async function consentToken(userId: string): Promise<string> {
  const response = await fetch('/api/basiq/consent-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  })
  if (!response.ok) throw new Error(`consent token: HTTP ${response.status}`)
  return ((await response.json()) as { access_token: string }).access_token
}

interface DemoUser {
  userId: string
  email: string
}

type Screen = 'connect' | 'profile' | 'summary'

const STEP_OF_SCREEN: Record<Screen, OnboardingStep> = {
  connect: 'connect',
  profile: 'profile',
  summary: 'done',
}

/** Props of {@link App}. */
export interface AppProps {
  /** Receives the kit's failures and milestones (passed to `BankConnectProvider`). Default: none. */
  logger?: BankConnectLogger
}

/**
 * A product's onboarding with bankconnect in the middle: sign up → connect your bank → (released the
 * moment the bank accepts the login) → your profile, while accounts sync → summary. The page shell
 * (header, step indicator, card, footer) is styled by `demo.css` through the kit's `--bc-*`
 * properties, so the theme switcher themes it too.
 */
export function App(props: AppProps) {
  const { logger } = props
  const [user, setUser] = useState<DemoUser | null | undefined>(undefined)
  const [theme, setTheme] = useState<Theme>('light')
  const [screen, setScreen] = useState<Screen>('connect')

  useEffect(() => {
    const controller = new AbortController()
    fetch('/api/me', { signal: controller.signal })
      .then((response) => (response.ok ? (response.json() as Promise<DemoUser>) : null))
      .then(setUser, () => {
        if (!controller.signal.aborted) setUser(null)
      })
    return () => controller.abort()
  }, [])

  return (
    <div data-slot="demo" data-bc-theme={theme}>
      <header data-slot="demo-header">
        <div data-slot="demo-header-inner">
          <p data-slot="demo-brand">
            <span data-slot="demo-brand-mark" aria-hidden="true" />
            Koala Money
          </p>
          <div data-slot="demo-tools">
            <label data-slot="demo-theme">
              Theme{' '}
              <select
                value={theme}
                onChange={(event) => setTheme(event.currentTarget.value as Theme)}
              >
                <option value="light">Light</option>
                <option value="dark">Dark</option>
                <option value="koala">Koala (brand)</option>
              </select>
            </label>
            {user ? (
              <SignOut
                email={user.email}
                onSignedOut={() => {
                  setUser(null)
                  setScreen('connect')
                }}
              />
            ) : null}
          </div>
        </div>
      </header>
      <main data-slot="demo-main">
        {user === undefined ? null : (
          <OnboardingSteps current={user === null ? 'signup' : STEP_OF_SCREEN[screen]} />
        )}
        <div data-slot="demo-card">
          {user === undefined ? <p data-slot="demo-loading">Loading…</p> : null}
          {user === null ? <SignUp onSignedUp={setUser} /> : null}
          {user ? (
            <BankConnectProvider
              apiUrl={apiUrl}
              tokenUrl="/api/basiq/token"
              userId={user.userId}
              logger={logger}
            >
              <Onboarding userId={user.userId} screen={screen} onScreenChange={setScreen} />
            </BankConnectProvider>
          ) : null}
        </div>
      </main>
      <footer data-slot="demo-footer">
        <p>
          Koala Money is a demonstration product. We read your bank data through Basiq, only with
          your consent{onSandbox ? '; this demo talks to the bankconnect sandbox' : ''}.
        </p>
      </footer>
    </div>
  )
}

function SignUp(props: { onSignedUp: (user: DemoUser) => void }) {
  const { onSignedUp } = props
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const errorId = useId()

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const email = String(new FormData(event.currentTarget).get('email') ?? '')
    setBusy(true)
    setError(undefined)
    fetch('/api/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    })
      .then(async (response) => {
        const body = (await response.json()) as DemoUser & { error?: { message?: string } }
        if (!response.ok)
          throw new Error(body.error?.message ?? 'Sign-up failed. Please try again.')
        onSignedUp({ userId: body.userId, email: body.email })
      })
      .catch((reason: unknown) => {
        setError(reason instanceof Error ? reason.message : 'Sign-up failed. Please try again.')
        setBusy(false)
      })
  }

  return (
    <section aria-labelledby="signup-title" data-slot="demo-signup">
      <h1 id="signup-title">Open your Koala Money account</h1>
      <p>It takes two minutes. Next, you’ll connect the bank your salary is paid into.</p>
      <form onSubmit={submit} noValidate={false} data-slot="demo-form">
        <label htmlFor="signup-email">Email</label>
        <input
          id="signup-email"
          name="email"
          type="email"
          autoComplete="email"
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        />
        {error ? (
          <p id={errorId} role="alert" data-slot="demo-error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy} data-slot="demo-button" data-variant="primary">
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
    </section>
  )
}

function SignOut(props: { email: string; onSignedOut: () => void }) {
  const { email, onSignedOut } = props
  return (
    <p data-slot="demo-account">
      Signed in as {email}{' '}
      <button
        type="button"
        data-slot="demo-button"
        onClick={() => {
          void fetch('/api/signout', { method: 'POST' }).then(onSignedOut)
        }}
      >
        Sign out
      </button>
    </p>
  )
}

function Onboarding(props: {
  userId: string
  screen: Screen
  onScreenChange: (screen: Screen) => void
}) {
  const { userId, screen, onScreenChange: setScreen } = props
  // Back from Basiq's consent page, the address carries the job ids: stay in consent mode for them.
  const [mode, setMode] = useState<ConnectFlowMode>(() =>
    new URLSearchParams(window.location.search).has('jobIds') ? 'consent' : 'picker',
  )
  const [released, setReleased] = useState<JobReleasedEvent[]>([])
  const heading = useRef<HTMLHeadingElement>(null)
  const shown = useRef(screen)

  useEffect(() => {
    if (shown.current === screen) return
    shown.current = screen
    heading.current?.focus()
  }, [screen])

  const titles: Record<Screen, string> = {
    connect: 'Link the account your salary is paid into',
    profile: 'Tell us about you',
    summary: 'You’re all set',
  }

  return (
    <section aria-labelledby="onboarding-title" data-slot="demo-onboarding" data-state={screen}>
      <h1 id="onboarding-title" ref={heading} tabIndex={-1}>
        {titles[screen]}
      </h1>
      {screen === 'connect' ? (
        <>
          <p>We use Basiq to read your transactions, with your consent.</p>
          <fieldset data-slot="demo-mode">
            <legend>How would you like to connect?</legend>
            {(
              [
                ['picker', 'Choose from our list'],
                ...(controlSrc ? ([['control', 'Basiq’s connect window']] as const) : []),
                ['consent', 'Continue on Basiq’s site'],
              ] as const
            ).map(([value, label]) => (
              <label key={value} data-slot="demo-mode-option">
                <input
                  type="radio"
                  name="connect-mode"
                  value={value}
                  checked={mode === value}
                  onChange={() => setMode(value)}
                />{' '}
                {label}
              </label>
            ))}
          </fieldset>
          <ConnectFlow
            key={mode}
            mode={mode}
            {...(controlSrc ? { control: { src: controlSrc } } : {})}
            consent={{ getToken: () => consentToken(userId), baseUrl: consentBaseUrl }}
            onReleased={(event) => {
              setReleased((list) => [...list, event])
              setScreen('profile')
            }}
          />
        </>
      ) : null}
      {screen === 'profile' ? (
        <>
          <SyncBanner />
          <Profile onDone={() => setScreen('summary')} />
        </>
      ) : null}
      {screen === 'summary' ? (
        <>
          <SyncBanner />
          <p>
            {released.length === 1 ? 'One bank connected.' : `${released.length} banks connected.`}
          </p>
          <button type="button" data-slot="demo-button" onClick={() => setScreen('connect')}>
            Connect another bank
          </button>
          <ConnectionHealth />
        </>
      ) : null}
    </section>
  )
}

/** The background sync, as later onboarding screens show it. */
function SyncBanner(): ReactNode {
  const { summary, message } = useBackgroundJobs()
  if (summary === 'idle') return null
  return (
    <p role="status" data-slot="demo-sync" data-state={summary}>
      {message}
    </p>
  )
}

function Profile(props: { onDone: () => void }) {
  const { onDone } = props
  return (
    <form
      data-slot="demo-form"
      onSubmit={(event) => {
        event.preventDefault()
        onDone()
      }}
    >
      <p>A few details so we can tailor your savings plan.</p>
      <label htmlFor="profile-name">Preferred name</label>
      <input id="profile-name" name="name" autoComplete="given-name" />
      <label htmlFor="profile-goal">What are you saving for?</label>
      <input id="profile-goal" name="goal" />
      <button type="submit" data-slot="demo-button" data-variant="primary">
        Continue
      </button>
    </form>
  )
}
