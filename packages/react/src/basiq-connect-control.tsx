import type { GetToken } from '@bankconnect/core'
import { useCallback, useEffect, useId, useRef, useState } from 'react'
import type { ComponentPropsWithRef, ReactNode } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import { useBasiqConnectScript } from './use-basiq-connect-script.ts'
import type {
  BasiqConnectFunction,
  BasiqConnectOptions,
  BasiqConnectSource,
} from './use-basiq-connect-script.ts'
import { useLatest } from './use-latest.ts'

/** What `onJobCreated` receives: the control's `jobCreated` event, de-duplicated. */
export interface BasiqConnectJobCreatedEvent {
  /** The job that verifies the credentials the user just entered; hand it to `useJob`. */
  jobId: string
  /** The job's URL as the control reported it (`detail.link`), when it sent one. */
  link: string | undefined
}

/** Where a {@link BasiqConnectControl} stands (also its `data-state`). */
export type BasiqConnectControlState = 'loading' | 'ready' | 'error'

/** Props of {@link BasiqConnectControl}. */
export interface BasiqConnectControlProps
  extends Omit<ComponentPropsWithRef<'div'>, 'children' | 'id'>, BasiqConnectSource {
  /**
   * The control's own options (`companyName`, `hideTestBanks`, …). Compared by value: a new object
   * with the same values does not mount the control again. Default: none.
   */
  options?: BasiqConnectOptions
  /**
   * Supplies the CLIENT_ACCESS token handed to the control. Default: the enclosing provider's token
   * source. The control mounts again only when the token it returns changes.
   */
  getToken?: GetToken
  /**
   * Called once per job the control created in this component (a repeated `jobCreated` for the
   * same job is ignored). The latest function is called.
   */
  onJobCreated?: (event: BasiqConnectJobCreatedEvent) => void
  /** Called when the control announces it rendered (`basiqConnectMounted`). The latest function is called. */
  onMounted?: () => void
  /** Called when the control cannot be shown (script or token failed). The latest function is called. */
  onLoadError?: (error: Error) => void
}

/** One mounted control, as the per-window router sees it. */
interface Instance {
  container: () => HTMLElement | null
  /** Sequence number of the last mount or user interaction: the highest one is active. */
  activity: number
  /** Sequence number of the last `BasiqConnect` call still waiting for `basiqConnectMounted`. */
  awaitingMount: number
}

interface Router {
  instances: Set<Instance>
  sequence: number
}

// The control announces jobs on `window` without saying which control created them, so routing is
// a per-window matter: one router per window, never shared across windows or documents.
const routers = new WeakMap<Window, Router>()

function routerFor(view: Window): Router {
  let router = routers.get(view)
  if (!router) {
    router = { instances: new Set(), sequence: 0 }
    routers.set(view, router)
  }
  return router
}

function isShown(element: HTMLElement | null): boolean {
  return element !== null && element.isConnected && element.getClientRects().length > 0
}

/**
 * The control the user is using: of the mounted ones (preferring those on screen), the one with
 * the latest interaction or, failing that, the latest mount.
 */
function activeInstance(router: Router): Instance | undefined {
  const connected = [...router.instances].filter(
    (instance) => instance.container()?.isConnected === true,
  )
  const shown = connected.filter((instance) => isShown(instance.container()))
  const candidates = shown.length > 0 ? shown : connected
  let best: Instance | undefined
  for (const instance of candidates) {
    if (!best || instance.activity > best.activity) best = instance
  }
  return best
}

function isDevelopment(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env
  return env?.NODE_ENV !== 'production'
}

/** The control's options as a stable text: equal options give equal keys, whatever their order. */
function optionsKey(options: BasiqConnectOptions | undefined): string {
  if (options === undefined || options === null || typeof options !== 'object') return '{}'
  const entries = Object.entries(options)
    .filter(([, value]) => ['string', 'boolean', 'number'].includes(typeof value))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return JSON.stringify(Object.fromEntries(entries))
}

type TokenState =
  { key: string; status: 'ready'; token: string } | { key: string; status: 'error'; error: Error }

/**
 * Basiq's BasiqConnect control inside your React screen, fixed where the control falls short: its
 * script is loaded once per document (`src`, or your own `load()`), a failure shows an error with
 * "Try again", it mounts into its own container with the provider's CLIENT_ACCESS token and user,
 * and mounts again only when the token, the user or the options really change (StrictMode: one
 * script, one mount, one listener). Its window-wide `jobCreated` events reach only the control the
 * user is using, each job once, as `onJobCreated({ jobId, link })`: hand the id to `useJob` (or
 * `JobProgress`). The listeners go away with the component.
 *
 * Works with the real control unchanged and with the bankconnect sandbox's stand-in
 * (`src="<sandbox>/__sandbox/connect-control.js"`). Render one at a time: with two on screen the
 * control cannot say which one created a job (a development warning says so).
 */
export function BasiqConnectControl(props: BasiqConnectControlProps): ReactNode {
  const {
    src,
    load,
    options,
    getToken: getTokenProp,
    onJobCreated,
    onMounted,
    onLoadError,
    className,
    ...divProps
  } = props
  const context = useBankConnect()
  const { userId, messages } = context
  const getToken = getTokenProp ?? context.getToken
  const getTokenRef = useLatest(getToken)
  const hasGetToken = typeof getToken === 'function'

  const script = useBasiqConnectScript({ src, load })
  const retryScript = script.retry
  const [tokenAttempt, setTokenAttempt] = useState(0)
  const [tokenState, setTokenState] = useState<TokenState | undefined>(undefined)
  const [mountFailure, setMountFailure] = useState<{ key: string; error: Error } | undefined>(
    undefined,
  )
  const containerId = `bankconnect-basiq-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`
  const containerRef = useRef<HTMLDivElement>(null)
  const instanceRef = useRef<Instance | null>(null)
  const mountedKey = useRef<string | null>(null)
  const seenJobs = useRef(new Set<string>())
  const onJobCreatedRef = useLatest(onJobCreated)
  const onMountedRef = useLatest(onMounted)
  const onLoadErrorRef = useLatest(onLoadError)

  // ── the token ────────────────────────────────────────────────────────────────────────────────
  const tokenKey = `${userId}#${tokenAttempt}#${hasGetToken ? 'token' : 'none'}`
  const pendingToken = useRef<{ key: string; promise: Promise<string> } | null>(null)
  useEffect(() => {
    // One request per attempt: StrictMode's second effect run reuses the first one's.
    let current = pendingToken.current
    if (current?.key !== tokenKey) {
      const fetchToken = getTokenRef.current
      const promise = Promise.resolve().then(() => {
        if (typeof fetchToken !== 'function') {
          throw new TypeError(
            'BasiqConnectControl: no token source. Pass getToken (returning a CLIENT_ACCESS token) to BasiqConnectControl.',
          )
        }
        return fetchToken()
      })
      promise.catch(() => undefined)
      current = { key: tokenKey, promise }
      pendingToken.current = current
    }
    let cancelled = false
    current.promise
      .then((token) => {
        if (cancelled) return
        if (typeof token !== 'string' || token === '') {
          throw new TypeError('BasiqConnectControl: getToken resolved to an empty token')
        }
        setTokenState({ key: tokenKey, status: 'ready', token })
      })
      .catch((error: unknown) => {
        if (cancelled) return
        setTokenState({
          key: tokenKey,
          status: 'error',
          error: error instanceof Error ? error : new Error(String(error)),
        })
      })
    return () => {
      cancelled = true
    }
  }, [tokenKey, getTokenRef])
  const token = tokenState?.key === tokenKey ? tokenState : undefined

  // ── routing the control's window events ──────────────────────────────────────────────────────
  useEffect(() => {
    const container = containerRef.current
    const view = container?.ownerDocument.defaultView
    if (!container || !view) return
    const router = routerFor(view)
    router.sequence += 1
    const instance: Instance = {
      container: () => containerRef.current,
      activity: router.sequence,
      awaitingMount: 0,
    }
    router.instances.add(instance)
    instanceRef.current = instance
    if (router.instances.size > 1 && isDevelopment()) {
      console.warn(
        `BasiqConnectControl: ${router.instances.size} controls are mounted at once. The BasiqConnect ` +
          'control announces new jobs on window without saying which control created them, so each ' +
          'jobCreated goes to the control the user last used. Render one BasiqConnectControl at a ' +
          'time (unmount it when the user leaves the bank step).',
      )
    }
    const touch = () => {
      router.sequence += 1
      instance.activity = router.sequence
    }
    const onJob = (event: Event) => {
      if (activeInstance(router) !== instance) return
      const detail = (event as CustomEvent<unknown>).detail as
        { id?: unknown; link?: unknown } | null | undefined
      const jobId = typeof detail?.id === 'string' ? detail.id.trim() : ''
      if (jobId === '') {
        if (isDevelopment()) {
          console.warn('BasiqConnectControl: ignored a jobCreated event without detail.id.')
        }
        return
      }
      if (seenJobs.current.has(jobId)) return
      seenJobs.current.add(jobId)
      const link = typeof detail?.link === 'string' ? detail.link : undefined
      onJobCreatedRef.current?.({ jobId, link })
    }
    const onControlMounted = () => {
      let latest: Instance | undefined
      for (const candidate of router.instances) {
        if (
          candidate.awaitingMount > 0 &&
          (!latest || candidate.awaitingMount > latest.awaitingMount)
        )
          latest = candidate
      }
      if (latest !== instance) return
      instance.awaitingMount = 0
      onMountedRef.current?.()
    }
    container.addEventListener('pointerdown', touch, true)
    container.addEventListener('keydown', touch, true)
    container.addEventListener('focusin', touch, true)
    view.addEventListener('jobCreated', onJob)
    view.addEventListener('basiqConnectMounted', onControlMounted)
    return () => {
      container.removeEventListener('pointerdown', touch, true)
      container.removeEventListener('keydown', touch, true)
      container.removeEventListener('focusin', touch, true)
      view.removeEventListener('jobCreated', onJob)
      view.removeEventListener('basiqConnectMounted', onControlMounted)
      router.instances.delete(instance)
      if (instanceRef.current === instance) instanceRef.current = null
    }
  }, [onJobCreatedRef, onMountedRef])

  // ── mounting the control ─────────────────────────────────────────────────────────────────────
  const connect: BasiqConnectFunction | undefined = script.connect
  const readyToken = token?.status === 'ready' ? token.token : undefined
  const configKey = optionsKey(options)
  const mountKey = readyToken === undefined ? undefined : `${tokenKey}\n${readyToken}\n${configKey}`
  useEffect(() => {
    const container = containerRef.current
    if (!connect || readyToken === undefined || mountKey === undefined || !container) return
    // StrictMode's second effect run (and an Activity that shows again) keep the control as it is.
    if (mountedKey.current === mountKey && container.childNodes.length > 0) return
    const view = container.ownerDocument.defaultView
    const router = view ? routerFor(view) : undefined
    const instance = instanceRef.current
    if (router && instance) {
      router.sequence += 1
      instance.awaitingMount = router.sequence
      instance.activity = router.sequence
    }
    container.replaceChildren()
    mountedKey.current = mountKey
    const config = {
      ...(JSON.parse(configKey) as BasiqConnectOptions),
      containerId,
      token: readyToken,
      userID: userId,
    }
    // Called from a microtask so that a control that throws is reported like a failed load.
    Promise.resolve()
      .then(() => {
        if (container.isConnected && mountedKey.current === mountKey) connect(config)
      })
      .catch((error: unknown) => {
        if (mountedKey.current === mountKey) mountedKey.current = null
        setMountFailure({
          key: mountKey,
          error: error instanceof Error ? error : new Error(String(error)),
        })
      })
  }, [connect, mountKey, readyToken, userId, configKey, containerId])
  const mountError =
    mountFailure !== undefined && mountFailure.key === mountKey ? mountFailure.error : undefined

  // ── state ────────────────────────────────────────────────────────────────────────────────────
  const error =
    script.status === 'error' ? script.error : token?.status === 'error' ? token.error : mountError
  const state: BasiqConnectControlState =
    error !== undefined
      ? 'error'
      : script.status === 'ready' && token?.status === 'ready'
        ? 'ready'
        : 'loading'

  useEffect(() => {
    if (error !== undefined) onLoadErrorRef.current?.(error)
  }, [error, onLoadErrorRef])

  const retry = useCallback(() => {
    mountedKey.current = null
    if (script.status === 'error') retryScript()
    setTokenAttempt((n) => n + 1)
  }, [script.status, retryScript])

  const errorMessage =
    script.status === 'error' ? messages['control.loadError'] : messages['control.tokenError']

  return (
    <div
      {...divProps}
      className={className}
      data-slot="basiq-connect-control"
      data-state={state}
      aria-busy={state === 'loading'}
    >
      {state === 'loading' && (
        <p data-slot="basiq-connect-loading" role="status">
          {messages['control.loading']}
        </p>
      )}
      {state === 'error' && (
        <div data-slot="basiq-connect-error" role="alert">
          <p>{errorMessage}</p>
          <button type="button" data-slot="basiq-connect-retry" onClick={retry}>
            {messages['control.retry']}
          </button>
        </div>
      )}
      <div
        ref={containerRef}
        id={containerId}
        data-slot="basiq-connect-container"
        hidden={state === 'error'}
      />
    </div>
  )
}
