// The page `bench/picker.bench.ts` drives: the kit's BankPicker (?mode=kit), a naive filter that
// renders every match (?mode=naive), or a bare input whose keystrokes change nothing (?mode=floor,
// what typing costs this browser and machine at all), over the same 5,000+ institutions, with a
// probe that times each keystroke (see the bench's header for what is measured and why).
import type { Institution } from '@bankconnect/core'
import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { institutions, stressInstitutions } from '../../packages/sandbox/src/index.ts'
import { BankConnectProvider } from '../../packages/react/src/bank-connect-provider.tsx'
import { BankPicker } from '../../packages/react/src/bank-picker.tsx'
import { initials } from '../../packages/react/src/institution-logo.tsx'
import { defaultMessages } from '../../packages/react/src/messages.ts'

const params = new URLSearchParams(location.search)
const mode = params.get('mode') ?? 'kit'
const size = Number(params.get('size') ?? 5_000)

// No logo URLs: the benchmark measures search and rendering, not image requests (both lists then
// show initials).
const catalogue = [...institutions, ...stressInstitutions(size)].map((institution) => ({
  ...institution,
  logo: { ...institution.logo, links: { square: '', full: '' } },
})) as unknown as Institution[]

// Every input shows the kit's placeholder: it is hidden on the first keystroke of a query and shown
// again when the query is erased, which costs a restyle of the input whatever the page does.
const PLACEHOLDER = defaultMessages['picker.placeholder']

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
      <input
        id="naive-input"
        placeholder={PLACEHOLDER}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
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

/** One keystroke, in ms from its input event's timestamp. */
export interface KeystrokeTiming {
  /**
   * Until the page's own listeners have run (React's commit and effects) and style and layout
   * are up to date: the main-thread work the keystroke causes before the frame that shows it.
   */
  work: number
  /** The script part of `work`: until the page's listeners have run, before style and layout. */
  script: number
  /** Until the second animation frame after the input event, when the result has been painted. */
  toPainted: number
  /**
   * DOM changes made after `work` was taken and before the second frame: a render the page
   * deferred past the input event, which `work` would not include.
   */
  lateMutations: number
  /** Options in the DOM once the keystroke settled. */
  options: number
  /**
   * Whether the first option is on screen once the keystroke settled (`undefined` when there is
   * none): it has a box, and a point inside it hits it. A list laid out away or collapsed to
   * nothing would be quick to update and show the user nothing.
   */
  shown: boolean | undefined
  /** The search text after the keystroke. */
  query: string
}

interface Probe {
  /** The keystrokes timed since the last call (each settles by its second frame). */
  take(): Promise<KeystrokeTiming[]>
  /** Options in the DOM now. */
  optionCount(): number
  /** Institutions on the page. */
  institutionCount: number
}

const optionCount = () => document.querySelectorAll('[role="option"]').length
const firstOptionShown = (): boolean | undefined => {
  const option = document.querySelector('[role="option"]')
  if (!option) return undefined
  const box = option.getBoundingClientRect()
  if (box.width < 1 || box.height < 1) return false
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
  return hit !== null && option.contains(hit)
}
let pending: Promise<KeystrokeTiming>[] = []
let mutations = 0
const countMutations = (records: MutationRecord[]) => {
  for (const record of records) {
    const element = record.target instanceof Element ? record.target : record.target.parentElement
    // The result count is announced once typing pauses, on purpose: not part of a keystroke.
    if (!element?.closest('[role="status"]')) mutations++
  }
}
// Watches only from the moment `work` is taken to the second frame: a change made later than the
// keystroke's own work is what it is there to catch, and observing the keystroke itself would
// bill the mutation records of its commit to the page being measured.
const lateObserver = new MutationObserver(countMutations)
const observeLateMutations = () => {
  mutations = 0
  lateObserver.observe(document.getElementById('root') as HTMLElement, {
    subtree: true,
    childList: true,
    attributes: true,
    characterData: true,
  })
}
const stopObserving = (): number => {
  countMutations(lateObserver.takeRecords())
  lateObserver.disconnect()
  return mutations
}

// Bubble phase on window: the last listener of the input event, after React's (React listens on
// its root), so the keystroke's render has been committed and its effects run (a microtask
// checkpoint follows every listener, so work React queued as a microtask is done too). Reading
// geometry then forces the style and layout the next frame would otherwise do.
window.addEventListener('input', (event) => {
  const start = event.timeStamp
  const query = (event.target as HTMLInputElement).value
  const script = performance.now() - start
  document.documentElement.getBoundingClientRect()
  const work = performance.now() - start
  observeLateMutations()
  pending.push(
    new Promise((resolve) => {
      requestAnimationFrame(() => {
        requestAnimationFrame(() => {
          resolve({
            work,
            script,
            toPainted: performance.now() - start,
            lateMutations: stopObserving(),
            options: optionCount(),
            shown: firstOptionShown(),
            query,
          })
        })
      })
    }),
  )
})

const probe: Probe = {
  take: () => {
    const taken = pending
    pending = []
    return Promise.all(taken)
  },
  optionCount,
  institutionCount: catalogue.length,
}
Object.assign(window, { bankconnectPickerBench: probe })

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    {mode === 'floor' ? (
      <div>
        <label htmlFor="floor-input">Find your bank</label>
        <input id="floor-input" placeholder={PLACEHOLDER} />
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
