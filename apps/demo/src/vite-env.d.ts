/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of the Basiq API the browser talks to: the sandbox in development and tests. */
  readonly VITE_BASIQ_API_URL?: string
}
