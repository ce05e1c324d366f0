/**
 * A page for the end-to-end tests of the BasiqConnect control wrapper and the v3 Consent redirect
 * (`/src/e2e-harness.html?harness=control|consent`), kept apart from the demo proper. The test hands
 * the page the sandbox's URL, a CLIENT_ACCESS token and a user id through `window.bankconnectE2E`
 * (an init script), so no API key reaches the browser.
 */
import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
// Straight from the source until these are listed in @bankconnect/react's index.
import {
  BankConnectProvider,
  useBankConnect,
} from '../../../packages/react/src/bank-connect-provider.tsx'
import { BasiqConnectControl } from '../../../packages/react/src/basiq-connect-control.tsx'
import {
  prepareConsentUrl,
  useConsentRedirect,
} from '../../../packages/react/src/use-consent-redirect.ts'
import { useJob } from '../../../packages/react/src/use-job.ts'

interface HarnessConfig {
  /** Base URL of the Basiq sandbox the test started. */
  apiUrl: string
  token: string
  userId: string
}

const query = new URLSearchParams(window.location.search)
const config = (window as Window & { bankconnectE2E?: HarnessConfig }).bankconnectE2E
const apiUrl = config?.apiUrl ?? ''

function JobLine({ jobId }: { jobId: string }) {
  const job = useJob(jobId)
  return <li>{`job ${jobId}: ${job.phase}`}</li>
}

function ControlPage({ token }: { token: string }) {
  const controls = Math.max(1, Math.min(3, Number(query.get('controls') ?? '1')))
  const src = query.get('src') ?? `${apiUrl}/__sandbox/connect-control.js`
  const [open, setOpen] = useState(true)
  const [mounts, setMounts] = useState(0)
  const [jobs, setJobs] = useState<string[][]>(() => Array.from({ length: controls }, () => []))
  return (
    <main>
      <h1>BasiqConnectControl</h1>
      <p>{`Control mounted ${mounts} ${mounts === 1 ? 'time' : 'times'}.`}</p>
      <button type="button" onClick={() => setOpen((value) => !value)}>
        {open ? 'Close the bank step' : 'Open the bank step'}
      </button>
      {jobs.map((jobIds, index) => (
        <section key={index} aria-label={`Bank step ${index + 1}`}>
          {open && (
            <BasiqConnectControl
              src={src}
              getToken={() => Promise.resolve(token)}
              onMounted={() => setMounts((n) => n + 1)}
              onJobCreated={({ jobId }) =>
                setJobs((all) => all.map((ids, i) => (i === index ? [...ids, jobId] : ids)))
              }
            />
          )}
          <ul aria-label={`Jobs of bank step ${index + 1}`}>
            {jobIds.map((jobId) => (
              <JobLine key={jobId} jobId={jobId} />
            ))}
          </ul>
        </section>
      ))}
    </main>
  )
}

function ConsentPage({ token }: { token: string }) {
  const { messages } = useBankConnect()
  const consent = useConsentRedirect()
  const leave = () => {
    const back = new URL(window.location.href)
    back.hash = ''
    window.location.assign(
      prepareConsentUrl({ token, baseUrl: `${apiUrl}/consent`, redirect: back.href }),
    )
  }
  return (
    <main>
      <h1>Consent</h1>
      <p>{`Consent: ${consent.status}`}</p>
      {consent.status === 'refused' && <p role="alert">{messages['consent.refused']}</p>}
      <button type="button" onClick={leave}>
        Connect with Basiq Consent
      </button>
      <ul aria-label="Consent jobs">
        {consent.jobIds.map((jobId) => (
          <JobLine key={jobId} jobId={jobId} />
        ))}
      </ul>
    </main>
  )
}

function Harness() {
  if (!config) {
    return (
      <main>
        <h1>bankconnect end-to-end harness</h1>
        <p role="alert">No token: the end-to-end test sets window.bankconnectE2E first.</p>
      </main>
    )
  }
  return (
    <BankConnectProvider
      apiUrl={apiUrl}
      userId={config.userId}
      getToken={() => Promise.resolve(config.token)}
      backgroundStorage={null}
    >
      {query.get('harness') === 'consent' ? (
        <ConsentPage token={config.token} />
      ) : (
        <ControlPage token={config.token} />
      )}
    </BankConnectProvider>
  )
}

const root = document.getElementById('root')
if (!root) throw new Error('e2e harness: the page has no #root element')
createRoot(root).render(
  <StrictMode>
    <Harness />
  </StrictMode>,
)
