/**
 * A drop-in fake of Basiq's deprecated BasiqConnect control, for development, Storybook and tests.
 * It keeps the real control's public contract: a global `BasiqConnect(config)` with the same config
 * keys, rendering into `#containerId`, the same Basiq calls (token check with `GET /users/{userID}`,
 * banks from `/public/institutions`, `POST /users/{userID}/connections`, its own job polling and MFA
 * page) and the same `window` CustomEvents (`jobCreated` with `detail: { id, link }`,
 * `basiqConnectMounted`). Like the real control it never removes what it dispatched and never
 * de-duplicates: that is the host's job (bankconnect's `BasiqConnectControl`).
 *
 * The control is a typed function ({@link createConnectControl}) so the compiler checks it; the
 * sandbox serves its source text ({@link connectControlScript}) because the app also runs inside
 * browsers (MSW), where there is no file to read. The function therefore refers to nothing outside
 * itself except browser globals.
 */

/** Path at which the sandbox serves the control's script. */
export const CONNECT_CONTROL_PATH = '/__sandbox/connect-control.js'

/**
 * The config object `BasiqConnect` takes: exactly the keys the real control reads. The control needs
 * `token` + `userID` (a CLIENT_ACCESS token and the Basiq user id); `connectLinkId` (Basiq's hosted
 * SMS authentication) is not simulated and shows "Authorization failed".
 */
export interface BasiqConnectConfig {
  /** Id of the element the control renders into. */
  containerId: string
  /** A CLIENT_ACCESS token. */
  token?: string
  /** The Basiq user id; note the capital `ID`, as the real control spells it. */
  userID?: string
  /** An auth link id (not simulated by the sandbox). */
  connectLinkId?: string
  /** Offer connecting with bank credentials. Default `true`. */
  connect?: boolean
  /** Offer statement upload (the sandbox has none to offer, as Basiq's test banks). Default `false`. */
  upload?: boolean
  /** Your company name, shown in the heading. Default: none. */
  companyName?: string
  /** `'Australia'` or `'New Zealand'`: list only that country's banks. Default: both. */
  regionOfInstitutions?: string
  /** Hide the test banks AU00000 and AU00001, as the real control does. Default `false`. */
  hideTestBanks?: boolean
  /** Hide banks whose connector is still in beta. Default `false`. */
  hideBetaBanks?: boolean
}

/** The global function the control's script defines. */
export type BasiqConnectFunction = (config: BasiqConnectConfig) => void

/** Where the fake control finds its Basiq API, and its pace. */
export interface ConnectControlEnvironment {
  /** Absolute base URL of the (sandbox) Basiq API, without a trailing slash. */
  baseUrl: string
  /** Delay between two polls of the job. Default 1000 ms, the real control's interval. */
  pollIntervalMs?: number
  /** The control gives up polling after this long. Default one hour, as the real control. */
  pollTimeoutMs?: number
}

interface ControlInstitution {
  id: string
  name: string
  shortName: string
  serviceName?: string
  loginIdCaption?: string
  passwordCaption?: string
  securityCodeCaption?: string
  secondaryLoginIdCaption?: string
  forgottenPasswordUrl?: string
  logo?: { links?: { square?: string; full?: string } }
}

interface ControlStep {
  title: string
  status: string
  result: {
    type?: string
    code?: string
    title?: string
    detail?: string
    method?: string
    description?: string
    input?: string[]
  } | null
}

interface ControlSession {
  alive: boolean
}

/**
 * Builds the control. The result behaves like the real control's `BasiqConnect`. This function's
 * source is what the sandbox serves, so it may only use browser globals (`window`, `document`,
 * `fetch`, timers) and its own locals.
 */
export function createConnectControl(environment: ConnectControlEnvironment): BasiqConnectFunction {
  const base = String(environment.baseUrl).replace(/\/+$/, '')
  const pollIntervalMs = environment.pollIntervalMs ?? 1000
  const pollTimeoutMs = environment.pollTimeoutMs ?? 60 * 60 * 1000
  const maxPollFailures = 10
  const testBankIds = ['AU00000', 'AU00001']
  const maxListed = 60
  const prefix = 'BASIQ CONNECT CONTROL ERROR: '
  // A newer call into the same container retires the older one's pending work.
  const sessions = new WeakMap<Element, ControlSession>()
  let instanceCount = 0

  type Child = Node | string | null | undefined | false
  function h(tag: string, attributes: Record<string, string | boolean>, ...children: Child[]) {
    const node = document.createElement(tag)
    for (const [name, value] of Object.entries(attributes)) {
      if (value === false) continue
      node.setAttribute(name, value === true ? '' : value)
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue
      node.append(child)
    }
    return node
  }

  function decodeClaims(token: string): Record<string, unknown> | null {
    const parts = token.split('.')
    if (parts.length !== 3 || !parts[1]) return null
    try {
      const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/')
      const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4)
      const claims: unknown = JSON.parse(atob(padded))
      return typeof claims === 'object' && claims !== null
        ? (claims as Record<string, unknown>)
        : null
    } catch {
      return null
    }
  }

  async function errorText(response: Response): Promise<string> {
    try {
      const body = (await response.json()) as { data?: Array<{ title?: string; detail?: string }> }
      const first = body.data?.[0]
      if (first) return [first.title, first.detail].filter(Boolean).join(' ')
    } catch {
      // Not Basiq's envelope; the status line has to do.
    }
    return `The request failed (HTTP ${response.status}).`
  }

  function institutionFilter(config: BasiqConnectConfig, version: unknown): string {
    // The real control also filters on connectorStatus and openBankingSource, properties Basiq's
    // spec does not list; the sandbox's filter grammar covers the documented ones only.
    const clauses = ["institution.stage.ne('alpha')"]
    if (config.hideBetaBanks) clauses.push("institution.stage.ne('beta')")
    const region = config.regionOfInstitutions
    if (region === 'Australia' || region === 'New Zealand') {
      clauses.push(`institution.country.eq('${region}')`)
    }
    clauses.push(
      version === '2.1'
        ? "institution.authorization.in('user','user-mfa','user-mfa-intermittent')"
        : "institution.authorization.eq('user')",
    )
    return clauses.join(',')
  }

  return function BasiqConnect(config: BasiqConnectConfig): void {
    if (typeof config !== 'object' || config === null) {
      console.error(`${prefix}BasiqConnect expects a config object { containerId, token, userID }.`)
      return
    }
    const container =
      typeof config.containerId === 'string' && config.containerId !== ''
        ? document.getElementById(config.containerId)
        : null
    if (!container) {
      console.error(`${prefix}Provided container node doesn't exist.`)
      return
    }
    const previous = sessions.get(container)
    if (previous) previous.alive = false
    const session: ControlSession = { alive: true }
    sessions.set(container, session)
    instanceCount += 1
    const idPrefix = `basiq-connect-${instanceCount}`
    const alive = () => session.alive && container.isConnected
    const token = typeof config.token === 'string' ? config.token : ''
    const userId = typeof config.userID === 'string' ? config.userID : ''
    const companyName = typeof config.companyName === 'string' ? config.companyName : ''
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' }
    let institutions: ControlInstitution[] = []

    const root = h('div', { class: 'basiq-connect', 'data-basiq-connect': 'fake' })
    container.replaceChildren(root)

    /** Shows one page; focus moves to its heading so screen reader users hear the change. */
    function show(title: string, ...content: Child[]): HTMLElement {
      const heading = h('h2', { tabindex: '-1', class: 'basiq-connect__title' }, title)
      const page = h('section', { class: 'basiq-connect__page' }, heading, ...content)
      if (!alive()) return page
      const hadFocus = root.contains(document.activeElement)
      root.replaceChildren(page)
      if (hadFocus) heading.focus()
      return page
    }

    function status(text: string): HTMLElement {
      return h('p', { role: 'status', class: 'basiq-connect__status' }, text)
    }

    function button(label: string, onClick: () => void, type = 'button'): HTMLElement {
      const node = h('button', { type, class: 'basiq-connect__button' }, label)
      if (type === 'button') node.addEventListener('click', onClick)
      return node
    }

    function failure(title: string, detail: string, retry?: () => void): void {
      show(
        title,
        h('p', { role: 'alert', class: 'basiq-connect__error' }, detail),
        retry ? button('Try again', retry) : null,
      )
    }

    function authorizationFailed(detail: string): void {
      failure('Authorization failed', detail)
    }

    async function start(): Promise<void> {
      show('Loading…', status('Connecting to Basiq…'))
      if (!token) {
        authorizationFailed(
          config.connectLinkId
            ? 'Logging in with connectLinkId needs Basiq’s hosted SMS check, which the sandbox does not simulate. Pass token and userID.'
            : 'A token and a userID are required.',
        )
        return
      }
      const claims = decodeClaims(token)
      if (!claims || !userId) {
        authorizationFailed('The token is not a valid Basiq token, or the userID is missing.')
        return
      }
      if (config.connect === false) {
        failure(
          'Nothing to connect',
          'Statement upload is not available in the sandbox, and connecting with credentials was turned off (connect: false).',
        )
        return
      }
      try {
        const response = await fetch(`${base}/users/${encodeURIComponent(userId)}`, { headers })
        if (!alive()) return
        if (!response.ok) {
          authorizationFailed(await errorText(response))
          return
        }
      } catch {
        if (alive()) authorizationFailed('Basiq could not be reached.')
        return
      }
      await loadBanks(claims.version)
    }

    async function loadBanks(version: unknown): Promise<void> {
      show('Loading banks…', status('Loading banks…'))
      try {
        const filter = encodeURIComponent(institutionFilter(config, version))
        const response = await fetch(`${base}/public/institutions?filter=${filter}`, {
          headers: { accept: 'application/json' },
        })
        if (!alive()) return
        if (!response.ok) {
          failure('Error', await errorText(response), () => void loadBanks(version))
          return
        }
        const list = (await response.json()) as { data?: ControlInstitution[] }
        institutions = (Array.isArray(list.data) ? list.data : []).filter(
          (institution) => !(config.hideTestBanks && testBankIds.includes(institution.id)),
        )
      } catch {
        if (alive())
          failure('Error', 'The list of banks could not be loaded.', () => void loadBanks(version))
        return
      }
      if (alive()) pickBank()
    }

    function pickBank(): void {
      const searchId = `${idPrefix}-search`
      const search = h('input', {
        id: searchId,
        type: 'search',
        class: 'basiq-connect__search',
        placeholder: 'Search Banks',
        autocomplete: 'off',
      }) as HTMLInputElement
      const list = h('ul', { class: 'basiq-connect__banks', 'aria-label': 'Banks' })
      const count = h('p', { role: 'status', class: 'basiq-connect__count' })
      const fill = () => {
        const query = search.value.trim().toUpperCase()
        const matches = institutions.filter(
          (institution) =>
            query === '' ||
            String(institution.name).toUpperCase().includes(query) ||
            String(institution.shortName).toUpperCase().includes(query),
        )
        list.replaceChildren(
          ...matches.slice(0, maxListed).map((institution) => {
            const logo = institution.logo?.links?.square
            return h(
              'li',
              {},
              button(institution.name, () => credentials(institution)),
              logo ? h('img', { src: logo, alt: '', width: '24', height: '24' }) : null,
            )
          }),
        )
        count.textContent =
          matches.length === 0
            ? 'No banks match your search.'
            : matches.length > maxListed
              ? `${matches.length} banks; type to narrow the list.`
              : `${matches.length} banks`
      }
      search.addEventListener('input', fill)
      show(
        companyName ? `Connect your bank to ${companyName}` : 'Select your bank',
        h('label', { for: searchId, class: 'basiq-connect__label' }, 'Search Banks'),
        search,
        count,
        list,
      )
      fill()
    }

    function credentials(institution: ControlInstitution, message?: string): void {
      const fields: Array<{ name: string; caption: string; secret: boolean }> = [
        { name: 'loginId', caption: institution.loginIdCaption || 'Login', secret: false },
      ]
      if (institution.secondaryLoginIdCaption) {
        fields.push({
          name: 'secondaryLoginId',
          caption: institution.secondaryLoginIdCaption,
          secret: false,
        })
      }
      fields.push({
        name: 'password',
        caption: institution.passwordCaption || 'Password',
        secret: true,
      })
      if (institution.securityCodeCaption) {
        fields.push({
          name: 'securityCode',
          caption: institution.securityCodeCaption,
          secret: true,
        })
      }
      const alert = h('p', { role: 'alert', class: 'basiq-connect__error' }, message ?? '')
      const inputs = fields.map((field) => {
        const id = `${idPrefix}-${field.name}`
        const input = h('input', {
          id,
          name: field.name,
          type: field.secret ? 'password' : 'text',
          autocomplete:
            field.name === 'loginId'
              ? 'username'
              : field.name === 'password'
                ? 'current-password'
                : 'off',
          placeholder: field.caption,
          class: 'basiq-connect__input',
        }) as HTMLInputElement
        return {
          field,
          input,
          row: h(
            'p',
            {},
            h('label', { for: id, class: 'basiq-connect__label' }, field.caption),
            input,
          ),
        }
      })
      const submit = button('Connect', () => undefined, 'submit') as HTMLButtonElement
      const form = h(
        'form',
        { class: 'basiq-connect__form', novalidate: true },
        ...inputs.map((entry) => entry.row),
        alert,
        submit,
        button('Back', pickBank),
        institution.forgottenPasswordUrl
          ? h(
              'a',
              {
                href: institution.forgottenPasswordUrl,
                target: '_blank',
                rel: 'noopener noreferrer',
              },
              'Forgot your password?',
            )
          : null,
      ) as HTMLFormElement
      form.addEventListener('submit', (event) => {
        event.preventDefault()
        const missing = inputs.find((entry) => entry.input.value.trim() === '')
        if (missing) {
          alert.textContent = `You must provide ${missing.field.caption}`
          missing.input.focus()
          return
        }
        const body: Record<string, unknown> = { institution: { id: institution.id } }
        for (const entry of inputs) body[entry.field.name] = entry.input.value
        submit.disabled = true
        alert.textContent = ''
        void createConnection(institution, body, (text) => {
          submit.disabled = false
          alert.textContent = text
        })
      })
      const logo = institution.logo?.links?.full
      show(
        institution.name,
        logo ? h('img', { src: logo, alt: '', class: 'basiq-connect__logo', height: '32' }) : null,
        form,
      )
    }

    async function createConnection(
      institution: ControlInstitution,
      body: Record<string, unknown>,
      fail: (text: string) => void,
    ): Promise<void> {
      let job: { id?: unknown; links?: { self?: unknown } }
      try {
        const response = await fetch(`${base}/users/${encodeURIComponent(userId)}/connections`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
        if (!alive()) return
        if (!response.ok) {
          fail(await errorText(response))
          return
        }
        job = (await response.json()) as typeof job
      } catch {
        if (alive()) fail('Basiq could not be reached. Please try again.')
        return
      }
      if (typeof job.id !== 'string') {
        if (alive()) fail('Basiq answered without a job.')
        return
      }
      const id = job.id
      const link = typeof job.links?.self === 'string' ? job.links.self : `${base}/jobs/${id}`
      // The real control's event, exactly: window-global, detail { id, link }.
      window.dispatchEvent(new CustomEvent('jobCreated', { detail: { id, link } }))
      if (!alive()) return
      show('Connecting...', status('Connecting...'))
      poll(institution, id, Date.now(), 0, false)
    }

    function poll(
      institution: ControlInstitution,
      jobId: string,
      startedAt: number,
      failures: number,
      mfaSent: boolean,
    ): void {
      setTimeout(async () => {
        if (!alive()) return
        if (Date.now() - startedAt > pollTimeoutMs || failures >= maxPollFailures) {
          failure('Error', 'Error connecting to bank.', pickBank)
          return
        }
        let steps: ControlStep[]
        try {
          const response = await fetch(`${base}/jobs/${encodeURIComponent(jobId)}`, { headers })
          if (!response.ok) throw new Error(String(response.status))
          const job = (await response.json()) as { steps?: ControlStep[] }
          steps = Array.isArray(job.steps) ? job.steps : []
        } catch {
          poll(institution, jobId, startedAt, failures + 1, mfaSent)
          return
        }
        if (!alive()) return
        const verify = steps.find((step) => step.title === 'verify-credentials')
        const mfa = steps.find((step) => step.title === 'mfa-challenge')
        if (verify?.status === 'failed') {
          const result = verify.result
          credentials(
            institution,
            result?.code === 'account-not-accessible-requires-user-action'
              ? 'An action is required from user before account details can be returned.'
              : (result?.detail ?? 'Error connecting to bank.'),
          )
          return
        }
        if (verify?.status === 'success' && (!mfa || mfa.status === 'success')) {
          show(
            'Success',
            status('Your data has been successfully submitted.'),
            button('Connect another bank', pickBank),
          )
          return
        }
        if (mfa?.status === 'failed') {
          failure(
            'Error',
            mfa.result?.detail ?? 'Oops, the code entered doesn’t appear to be valid.',
            pickBank,
          )
          return
        }
        if (mfa?.status === 'in-progress' && mfa.result?.type === 'mfa' && !mfaSent) {
          askMfa(institution, jobId, startedAt, mfa.result.method, mfa.result.input ?? [])
          return
        }
        poll(institution, jobId, startedAt, 0, mfaSent)
      }, pollIntervalMs)
    }

    function askMfa(
      institution: ControlInstitution,
      jobId: string,
      startedAt: number,
      method: string | undefined,
      questions: string[],
    ): void {
      const alert = h('p', { role: 'alert', class: 'basiq-connect__error' })
      const inputs = (questions.length > 0 ? questions : ['Code']).map((question, index) => {
        const id = `${idPrefix}-mfa-${index}`
        const input = h('input', {
          id,
          type: 'text',
          autocomplete: 'one-time-code',
          class: 'basiq-connect__input',
        }) as HTMLInputElement
        return {
          input,
          row: h('p', {}, h('label', { for: id, class: 'basiq-connect__label' }, question), input),
        }
      })
      const submit = button('Submit', () => undefined, 'submit') as HTMLButtonElement
      const form = h(
        'form',
        { class: 'basiq-connect__form', novalidate: true },
        h(
          'p',
          {},
          method === 'token'
            ? 'Please enter the code sent to your mobile.'
            : 'To continue with login, please answer the following security questions.',
        ),
        ...inputs.map((entry) => entry.row),
        alert,
        submit,
      ) as HTMLFormElement
      form.addEventListener('submit', async (event) => {
        event.preventDefault()
        const answers = inputs.map((entry) => entry.input.value.trim())
        if (answers.some((answer) => answer === '')) {
          alert.textContent =
            method === 'token'
              ? 'Oops, the code entered doesn’t appear to be valid.'
              : 'Oops, the answer entered doesn’t appear to be valid.'
          return
        }
        submit.disabled = true
        try {
          const response = await fetch(`${base}/jobs/${encodeURIComponent(jobId)}/mfa`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify({ 'mfa-response': answers }),
          })
          if (!alive()) return
          if (!response.ok) {
            submit.disabled = false
            alert.textContent = await errorText(response)
            return
          }
        } catch {
          if (!alive()) return
          submit.disabled = false
          alert.textContent = 'Basiq could not be reached. Please try again.'
          return
        }
        show('Retrieving data...', status('Retrieving data...'))
        poll(institution, jobId, startedAt, 0, true)
      })
      show(institution.name, form)
    }

    // The real control announces its mount from an effect, after the first paint.
    setTimeout(() => {
      if (alive()) window.dispatchEvent(new CustomEvent('basiqConnectMounted'))
    }, 0)
    void start()
  }
}

/**
 * The control's script as the sandbox serves it: it defines `window.BasiqConnect` bound to
 * `environment.baseUrl`.
 */
export function connectControlScript(environment: ConnectControlEnvironment): string {
  const settings = JSON.stringify({
    baseUrl: String(environment.baseUrl).replace(/\/+$/, ''),
    ...(environment.pollIntervalMs === undefined
      ? {}
      : { pollIntervalMs: environment.pollIntervalMs }),
    ...(environment.pollTimeoutMs === undefined
      ? {}
      : { pollTimeoutMs: environment.pollTimeoutMs }),
  })
  // Some TypeScript runners (the sandbox CLI's among them) keep function names by wrapping nested
  // functions in a `__name` helper that lives outside the function's own source; the shim stands
  // in for it so the served text runs on its own.
  return [
    '/* bankconnect sandbox: a stand-in for the BasiqConnect control (same global, config and events) */',
    '(function () {',
    '  var __name = function (target) { return target };',
    `  window.BasiqConnect = (${createConnectControl.toString()})(${settings});`,
    '})();',
    '',
  ].join('\n')
}
