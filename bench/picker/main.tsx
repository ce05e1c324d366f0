// The page `bench/picker.bench.ts` drives: the kit's BankPicker (?mode=kit), a naive filter that
// renders every match (?mode=naive), or a bare input whose keystrokes change nothing (?mode=floor,
// what typing costs this browser and machine at all), over the same 5,000+ institutions, with a
// probe that times each keystroke until the frame holding React's commit has been painted.
import type { Institution } from '@bankconnect/core'
import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { institutions, stressInstitutions } from '../../packages/sandbox/src/index.ts'
import { BankConnectProvider } from '../../packages/react/src/bank-connect-provider.tsx'
import { BankPicker } from '../../packages/react/src/bank-picker.tsx'
import { initials } from '../../packages/react/src/institution-logo.tsx'

const params = new URLSearchParams(location.search)
const mode = params.get('mode') ?? 'kit'
const size = Number(params.get('size') ?? 5_000)

// No logo URLs: the benchmark measures search and rendering, not image requests (both lists then
// show initials).
const catalogue = [...institutions, ...stressInstitutions(size)].map((institution) => ({
  ...institution,
  logo: { ...institution.logo, links: { square: '', full: '' } },
})) as unknown as Institution[]

/** What a quick implementation does: filter every name on each keystroke, render every match. */
function NaivePicker(props: { institutions: readonly Institution[] }) {
  const [query, setQuery] = useState('')
  const needle = query.trim().toLowerCase()
  const results = props.institutions.filter(
    (institution) =>
      institution.name.toLowerCase().includes(needle) ||
      institution.shortName.toLowerCase().includes(needle),
  )
  return (
    <div>
      <label htmlFor="naive-input">Find your bank</label>
      <input id="naive-input" value={query} onChange={(event) => setQuery(event.target.value)} />
      <ul role="listbox" aria-label="Banks">
        {results.map((institution) => (
          <li key={institution.id} role="option" aria-selected={false}>
            <span data-slot="logo" aria-hidden="true">
              {initials(institution)}
            </span>
            <span data-slot="name">{institution.shortName}</span>
          </li>
        ))}
      </ul>
    </div>
  )
}

interface Probe {
  /** Resolves with the last keystroke's time to paint, in ms. */
  settled(): Promise<number>
  /** Options in the DOM now. */
  optionCount(): number
  /** Institutions on the page. */
  institutionCount: number
}

let latest: Promise<number> = Promise.resolve(0)
// Capture phase, before React's own listener: the timestamp is when the keystroke's input event
// was created; two animation frames later the frame holding React's commit has been painted.
document.addEventListener(
  'input',
  (event) => {
    const start = event.timeStamp
    latest = new Promise((resolve) => {
      requestAnimationFrame(() => {
        requestAnimationFrame(() => resolve(performance.now() - start))
      })
    })
  },
  true,
)

const probe: Probe = {
  settled: () => latest,
  optionCount: () => document.querySelectorAll('[role="option"]').length,
  institutionCount: catalogue.length,
}
Object.assign(window, { bankconnectPickerBench: probe })

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    {mode === 'floor' ? (
      <div>
        <label htmlFor="floor-input">Find your bank</label>
        <input id="floor-input" />
        <ul role="listbox" aria-label="Banks">
          <li role="option" aria-selected={false}>
            Nothing to update
          </li>
        </ul>
      </div>
    ) : mode === 'kit' ? (
      <BankConnectProvider
        apiUrl="https://basiq-sandbox.test"
        userId="bench-user"
        getToken={() => Promise.reject(new Error('the benchmark makes no Basiq calls'))}
        backgroundStorage={null}
      >
        <BankPicker institutions={catalogue} />
      </BankConnectProvider>
    ) : (
      <NaivePicker institutions={catalogue} />
    )}
  </StrictMode>,
)
