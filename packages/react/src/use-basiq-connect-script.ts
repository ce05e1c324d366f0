import { useCallback, useEffect, useRef, useState } from 'react'
import { useLatest } from './use-latest.ts'

/**
 * The options of Basiq's BasiqConnect control besides the credentials (`containerId`, `token`,
 * `userID`, which `BasiqConnectControl` supplies).
 */
export interface BasiqConnectOptions {
  /** Offer connecting with bank credentials. Default (the control's): `true`. */
  connect?: boolean
  /** Offer statement upload. Default (the control's): `false`. */
  upload?: boolean
  /** Your company name, shown by the control. Default: the name of your Basiq application. */
  companyName?: string
  /** `'Australia'` or `'New Zealand'`: only that country's banks. Default: both. */
  regionOfInstitutions?: 'Australia' | 'New Zealand'
  /** Hide Basiq's test banks. Default `false`. */
  hideTestBanks?: boolean
  /** Hide banks whose connector is in beta. Default `false`. */
  hideBetaBanks?: boolean
}

/** The config object the BasiqConnect control takes (its exact keys; note `userID`). */
export interface BasiqConnectConfig extends BasiqConnectOptions {
  /** Id of the element the control renders into. */
  containerId: string
  /** A CLIENT_ACCESS token. */
  token: string
  /** The Basiq user id. */
  userID: string
}

/** The global function the control's script defines (`window.BasiqConnect`). */
export type BasiqConnectFunction = (config: BasiqConnectConfig) => void

/** Where the control comes from: one of these. */
export interface BasiqConnectSource {
  /**
   * URL of a script that defines the global `BasiqConnect` (the control's UMD build, or the
   * bankconnect sandbox's `/__sandbox/connect-control.js`). One `<script>` element per URL and
   * document, however many components use it.
   */
  src?: string
  /**
   * Returns the control's function, e.g. `() => import('…').then((m) => m.BasiqConnect)`. Called
   * once per attempt (the latest function given); takes precedence over `src`.
   */
  load?: () => BasiqConnectFunction | Promise<BasiqConnectFunction>
}

/** Where loading the control stands. */
export type BasiqConnectScriptStatus = 'loading' | 'ready' | 'error'

/** What {@link useBasiqConnectScript} returns. */
export interface UseBasiqConnectScriptResult {
  /** Where loading stands. */
  status: BasiqConnectScriptStatus
  /** The control's function, once `status` is `'ready'`. */
  connect: BasiqConnectFunction | undefined
  /** Why loading failed, when `status` is `'error'`. */
  error: Error | undefined
  /** Loads again after a failure (a failed script element is replaced). */
  retry(): void
}

/** The attribute that marks script elements bankconnect added (value: the load state). */
export const BASIQ_CONNECT_SCRIPT_ATTRIBUTE = 'data-bankconnect-control'

// Keyed by the script element itself, so the registry is per document by construction: another
// document (an iframe, a test's fresh page) has other elements.
const scriptLoads = new WeakMap<HTMLScriptElement, Promise<BasiqConnectFunction>>()

function globalControl(view: Window | null): BasiqConnectFunction | undefined {
  const candidate = (view as (Window & { BasiqConnect?: unknown }) | null)?.BasiqConnect
  return typeof candidate === 'function' ? (candidate as BasiqConnectFunction) : undefined
}

/**
 * Loads the control's script once per document and URL and resolves with the global
 * `BasiqConnect`. A script that failed is replaced by a new element on the next call; one that
 * loaded but defined no `BasiqConnect` rejects with an error that says so.
 */
export function loadBasiqConnectScript(
  src: string,
  doc: Document = document,
): Promise<BasiqConnectFunction> {
  let url: string
  try {
    url = new URL(src, doc.baseURI).href
  } catch {
    return Promise.reject(new TypeError(`BasiqConnectControl: src is not a valid URL: ${src}`))
  }
  let script = [...doc.querySelectorAll<HTMLScriptElement>('script[src]')].find(
    (element) => element.src === url,
  )
  if (script?.getAttribute(BASIQ_CONNECT_SCRIPT_ATTRIBUTE) === 'error') {
    script.remove()
    script = undefined
  }
  if (script) {
    const pending = scriptLoads.get(script)
    if (pending) return pending
    // A script element the page added itself: it may have run already.
    const existing = globalControl(doc.defaultView)
    if (existing) return Promise.resolve(existing)
  }
  const element = script ?? doc.createElement('script')
  const promise = new Promise<BasiqConnectFunction>((resolve, reject) => {
    const fail = (message: string) => {
      element.setAttribute(BASIQ_CONNECT_SCRIPT_ATTRIBUTE, 'error')
      scriptLoads.delete(element)
      reject(new Error(message))
    }
    element.addEventListener('load', () => {
      const control = globalControl(doc.defaultView)
      if (control) {
        element.setAttribute(BASIQ_CONNECT_SCRIPT_ATTRIBUTE, 'ready')
        resolve(control)
      } else {
        fail(`The script ${url} loaded but did not define the global BasiqConnect function.`)
      }
    })
    element.addEventListener('error', () => fail(`The script ${url} could not be loaded.`))
  })
  scriptLoads.set(element, promise)
  if (!script) {
    element.src = url
    element.async = true
    element.setAttribute(BASIQ_CONNECT_SCRIPT_ATTRIBUTE, 'loading')
    doc.head.append(element)
  }
  return promise
}

interface LoadState {
  key: string
  status: 'ready' | 'error'
  connect?: BasiqConnectFunction
  error?: Error
}

/**
 * Loads the BasiqConnect control from `src` or `load()`; StrictMode's double effects and
 * re-renders reuse the same attempt (one script element, one `load()` call per attempt).
 */
export function useBasiqConnectScript(source: BasiqConnectSource): UseBasiqConnectScriptResult {
  const { src, load } = source
  const [attempt, setAttempt] = useState(0)
  const [state, setState] = useState<LoadState | undefined>(undefined)
  const loadRef = useLatest(load)
  const pending = useRef<{ key: string; promise: Promise<BasiqConnectFunction> } | null>(null)
  const hasLoad = load !== undefined
  const key = `${hasLoad ? 'load()' : (src ?? '')}#${attempt}`

  useEffect(() => {
    let current = pending.current
    if (current?.key !== key) {
      const promise = startLoad(hasLoad ? loadRef.current : undefined, src)
      // Rejections are handled below; this keeps an abandoned attempt from reporting as unhandled.
      promise.catch(() => undefined)
      current = { key, promise }
      pending.current = current
    }
    let cancelled = false
    current.promise.then(
      (connect) => {
        if (!cancelled) setState({ key, status: 'ready', connect })
      },
      (error: unknown) => {
        if (cancelled) return
        setState({
          key,
          status: 'error',
          error: error instanceof Error ? error : new Error(String(error)),
        })
      },
    )
    return () => {
      cancelled = true
    }
  }, [key, hasLoad, src, loadRef])

  const retry = useCallback(() => setAttempt((n) => n + 1), [])
  const settled = state?.key === key ? state : undefined
  return {
    status: settled?.status ?? 'loading',
    connect: settled?.connect,
    error: settled?.error,
    retry,
  }
}

function startLoad(
  load: BasiqConnectSource['load'],
  src: string | undefined,
): Promise<BasiqConnectFunction> {
  if (load !== undefined) {
    return Promise.resolve()
      .then(() => load())
      .then((control) => {
        if (typeof control !== 'function') {
          throw new TypeError(
            'BasiqConnectControl: load() must resolve with the BasiqConnect function',
          )
        }
        return control
      })
  }
  if (typeof src !== 'string' || src.trim() === '') {
    return Promise.reject(
      new TypeError(
        'BasiqConnectControl: pass src (the URL of the control’s script) or load (a function returning BasiqConnect)',
      ),
    )
  }
  if (typeof document === 'undefined') {
    return Promise.reject(new Error('BasiqConnectControl: the control can only load in a browser'))
  }
  return loadBasiqConnectScript(src)
}
