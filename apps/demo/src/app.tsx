import { createBasiqClient, isBasiqError } from '@bankconnect/core'
import type { Institution } from '@bankconnect/core'
import { useEffect, useState } from 'react'

const apiUrl = import.meta.env.VITE_BASIQ_API_URL ?? 'http://127.0.0.1:4010'

// The public institution list needs no token; the token endpoint and the connection flow arrive with
// ConnectFlow. Until then the demo shows that the browser reaches the Basiq sandbox on its own origin.
const client = createBasiqClient({
  baseUrl: apiUrl,
  getToken: () => Promise.reject(new Error('The demo has no token endpoint yet')),
})

type Load =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; institutions: Institution[] }

export function App() {
  // A new key remounts the list, which loads it again: the retry button needs nothing more.
  const [attempt, setAttempt] = useState(0)
  return (
    <main>
      <h1>bankconnect demo</h1>
      <p>
        Basiq API: <code>{apiUrl}</code>
      </p>
      <TestBanks key={attempt} onRetry={() => setAttempt((n) => n + 1)} />
    </main>
  )
}

function TestBanks({ onRetry }: { onRetry: () => void }) {
  const [load, setLoad] = useState<Load>({ state: 'loading' })

  useEffect(() => {
    const controller = new AbortController()
    client
      .listPublicInstitutions({
        filter: { institutionType: 'Test Bank' },
        signal: controller.signal,
      })
      .then(
        (list) => setLoad({ state: 'ready', institutions: list.data }),
        (error: unknown) => {
          if (controller.signal.aborted) return
          const message = isBasiqError(error) ? error.message : 'The bank list could not be loaded.'
          setLoad({ state: 'error', message })
        },
      )
    return () => controller.abort()
  }, [])

  return (
    <section aria-labelledby="test-banks" aria-busy={load.state === 'loading'}>
      <h2 id="test-banks">Sandbox test banks</h2>
      {load.state === 'loading' && <p>Loading banks…</p>}
      {load.state === 'error' && (
        <div role="alert">
          <p>{load.message}</p>
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        </div>
      )}
      {load.state === 'ready' && (
        <ul>
          {load.institutions.map((institution) => (
            <li key={institution.id}>
              <img src={institution.logo.links.square} alt="" width={24} height={24} />{' '}
              {institution.name} <small>({institution.id})</small>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
