import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app.tsx'
import { createRecordingLogger, type RecordedLogCall } from './recording-logger.ts'

declare global {
  interface Window {
    /** Every call the kit made into the demo's logger, oldest first (read by the e2e tests). */
    bankconnectLog?: RecordedLogCall[]
  }
}

// Printed in development only; recorded always, so the end-to-end tests can read every call the
// kit made (and prove that no login or password ever reached the logger).
const logger = createRecordingLogger({ print: import.meta.env.DEV })
window.bankconnectLog = logger.calls

const root = document.getElementById('root')
if (!root) throw new Error('bankconnect demo: index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App logger={logger} />
  </StrictMode>,
)
