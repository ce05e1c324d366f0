/**
 * A minimal stand-in for Basiq's hosted v3 Consent UI, so the demo and end-to-end tests can run the
 * v3 path end to end: the app sends the user to `/consent/home?token=…&state=…&redirect=…`, the
 * user picks a bank and logs in with a sandbox persona, the page creates the connection(s) with the
 * token's user, and the browser goes back to `redirect` with `?jobIds=…&state=…`.
 *
 * Plain server-rendered HTML forms: no script at all and one external stylesheet, so the page works
 * under a strict Content-Security-Policy (it sends one).
 */
import type { SandboxInstitution } from './catalogue.ts'
import type { SandboxEngine } from './sandbox-engine.ts'
import { SandboxError } from './sandbox-error.ts'
import { parseCreateConnection, parseUpdateConnection } from './request-bodies.ts'
import type { TokenClaims } from './token-signer.ts'

/** Path of the consent page (relative to the sandbox's base URL). */
export const CONSENT_PAGE_PATH = '/consent/home'

/** Path of the consent page's stylesheet. */
export const CONSENT_STYLESHEET_PATH = '/consent/consent.css'

/** `action` values Basiq's Consent UI documents (`null` = create consent). */
export const consentPageActions: readonly string[] = [
  'null',
  'connect',
  'manage',
  'extend',
  'update',
  'reauthorise',
]

/** Longest `state` the page carries back (characters). */
export const maxConsentStateLength = 512

/** Most banks one page lists; the search narrows the rest. */
const maxListed = 50

/** What the consent page needs from the sandbox. */
export interface ConsentPageDeps {
  engine: SandboxEngine
  /** Claims of a token this sandbox issued, or `null` (unknown, forged, from before a reset). */
  verifyToken(token: string): TokenClaims | null
  /** The sandbox clock's time (ms since the epoch). */
  now(): number
  /** Reads a request body with the sandbox's size limit. */
  readBody(request: Request): Promise<string>
}

/**
 * Whether the consent page may send the browser to `value`: an absolute http(s) URL without
 * credentials on a loopback address, `localhost` or a reserved `.test` host. The real Consent UI
 * only returns to the redirect URL configured for the application; a sandbox that followed any URL
 * it was given would be an open redirect.
 */
export function isAllowedConsentRedirect(value: string): boolean {
  if (value.length > 2048) return false
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
  if (url.username !== '' || url.password !== '') return false
  const host = url.hostname.toLowerCase()
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.test') ||
    host === '[::1]' ||
    /^127(?:\.\d{1,3}){3}$/.test(host)
  )
}

interface Flow {
  token: string
  userId: string
  state: string | undefined
  redirect: string
  action: string | undefined
  jobIds: string[]
}

class PageError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

const jobIdPattern = /^[A-Za-z0-9_-]{1,100}$/

function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const stylesheet = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.5rem}
h1{font-size:1.4rem;margin-top:0}label{display:block;font-weight:600;margin-top:.75rem}
input{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem}
button{font:inherit;padding:.5rem 1rem;margin-top:1rem;cursor:pointer}
ul{list-style:none;padding:0}li button{width:100%;text-align:left;margin-top:.25rem}
.error{color:#a4161a;font-weight:600}.note{color:#4a5160;font-size:.9rem}
`

/**
 * Builds the consent page handler: `GET`/`POST /consent/home` and `GET /consent/consent.css`.
 * `path` is the request path without the sandbox's base path. Every answer is a complete response
 * (HTML error pages included); it never throws.
 */
export function createConsentPage(
  deps: ConsentPageDeps,
): (request: Request, url: URL, path: string) => Promise<Response> {
  const { engine } = deps

  function html(status: number, title: string, body: string, formTarget?: string): Response {
    const formAction = ["'self'", formTarget ? new URL(formTarget).origin : '']
      .filter(Boolean)
      .join(' ')
    const page = `<!doctype html>
<html lang="en-AU">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Basiq sandbox consent</title>
<link rel="stylesheet" href="consent.css">
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
<p class="note">bankconnect sandbox: a stand-in for Basiq’s Consent UI. Use a sandbox persona, e.g. gavinBelson / hooli2016.</p>
</main>
</body>
</html>
`
    return new Response(page, {
      status,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        // The token travels in this page's URL: never hand it to another site in a Referer.
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'content-security-policy': `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`,
      },
    })
  }

  function errorPage(error: PageError): Response {
    return html(
      error.status,
      'Something is wrong with this link',
      `<p class="error">${escapeHtml(error.message)}</p>`,
    )
  }

  function hidden(flow: Flow, extra: Record<string, string> = {}): string {
    const fields: Record<string, string> = {
      token: flow.token,
      redirect: flow.redirect,
      ...(flow.state === undefined ? {} : { state: flow.state }),
      ...(flow.action === undefined ? {} : { action: flow.action }),
      ...(flow.jobIds.length > 0 ? { jobIds: flow.jobIds.join(',') } : {}),
      ...extra,
    }
    return Object.entries(fields)
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
      .join('\n')
  }

  /** Reads and checks what every step carries: token, redirect, state, action and jobs so far. */
  function readFlow(params: URLSearchParams): Flow {
    const redirect = params.get('redirect')
    if (redirect === null || redirect === '') {
      throw new PageError(
        400,
        'The redirect parameter is missing: pass the URL to return to, e.g. redirect=http://127.0.0.1:5173/onboarding.',
      )
    }
    if (!isAllowedConsentRedirect(redirect)) {
      throw new PageError(
        400,
        'The redirect URL is not allowed: the sandbox only returns to http(s) addresses on localhost, 127.0.0.1, [::1] or a .test host.',
      )
    }
    const token = params.get('token') ?? ''
    if (token === '') {
      throw new PageError(
        401,
        'The token parameter is missing: pass a CLIENT_ACCESS token bound to the user.',
      )
    }
    const claims = deps.verifyToken(token)
    if (!claims) throw new PageError(401, 'The token is not valid for this sandbox.')
    if (deps.now() >= claims.exp * 1000) throw new PageError(403, 'The token has expired.')
    if (claims.scope !== 'CLIENT_ACCESS' || !claims.userid || claims.version !== '3.0') {
      throw new PageError(
        403,
        'The Consent UI takes a version 3.0 CLIENT_ACCESS token bound to a user (POST /token with basiq-version: 3.0, scope=CLIENT_ACCESS and userId).',
      )
    }
    try {
      engine.requireUser(claims.userid)
    } catch {
      throw new PageError(404, 'The token’s user does not exist in this sandbox.')
    }
    const state = params.get('state') ?? undefined
    if (
      state !== undefined &&
      (state.length > maxConsentStateLength || hasControlCharacters(state))
    ) {
      throw new PageError(
        400,
        `The state parameter must be at most ${maxConsentStateLength} printable characters.`,
      )
    }
    const actionText = params.get('action') ?? undefined
    if (actionText !== undefined && !consentPageActions.includes(actionText)) {
      throw new PageError(
        400,
        `The action parameter must be one of ${consentPageActions.join(', ')} (or absent).`,
      )
    }
    const jobIds = (params.get('jobIds') ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '')
    for (const id of jobIds) {
      if (!jobIdPattern.test(id))
        throw new PageError(400, 'The jobIds carried by this page are not valid.')
      let owner: string
      try {
        owner = engine.requireJob(id).userId
      } catch {
        throw new PageError(400, 'The jobIds carried by this page are not valid.')
      }
      if (owner !== claims.userid)
        throw new PageError(403, 'A job carried by this page belongs to another user.')
    }
    return {
      token,
      userId: claims.userid,
      state,
      redirect,
      action: actionText === 'null' ? undefined : actionText,
      jobIds: [...new Set(jobIds)],
    }
  }

  function institutionOf(id: string): SandboxInstitution {
    const institution = /^[A-Z]{2}[0-9]{5}$/.test(id) ? engine.findInstitution(id) : undefined
    if (!institution) throw new PageError(404, 'Requested institution does not exist.')
    return institution
  }

  function pickerPage(flow: Flow, query: string): Response {
    const folded = query.trim().toLowerCase()
    const banks = engine
      .listInstitutions([])
      .filter(
        (institution) =>
          institution.stage !== 'alpha' &&
          (institution.authorization === 'user' ||
            institution.authorization === 'user-mfa' ||
            institution.authorization === 'user-mfa-intermittent') &&
          (folded === '' ||
            institution.name.toLowerCase().includes(folded) ||
            institution.shortName.toLowerCase().includes(folded)),
      )
    const items = banks
      .slice(0, maxListed)
      .map(
        (institution) =>
          `<li><button type="submit" name="institutionId" value="${escapeHtml(institution.id)}">${escapeHtml(institution.name)}</button></li>`,
      )
      .join('\n')
    const connected =
      flow.jobIds.length > 0
        ? `<p role="status">${flow.jobIds.length === 1 ? '1 bank' : `${flow.jobIds.length} banks`} connected so far.</p>`
        : ''
    const body = `${connected}
<form method="get" action="home" role="search">
${hidden(flow)}
<label for="q">Search banks</label>
<input id="q" name="q" type="search" value="${escapeHtml(query)}">
<button type="submit">Search</button>
</form>
<form method="get" action="home" aria-label="Banks">
${hidden(flow)}
<p>${banks.length === 0 ? 'No bank matches your search.' : banks.length > maxListed ? `${banks.length} banks; search to narrow the list.` : `${banks.length} banks`}</p>
<ul>
${items}
</ul>
</form>
${finishForm(flow, flow.jobIds.length > 0 ? 'Finish' : 'Cancel')}`
    return html(200, 'Choose your bank', body, flow.redirect)
  }

  function finishForm(flow: Flow, label: string): string {
    return `<form method="post" action="home">
${hidden(flow, { step: 'finish' })}
<button type="submit">${escapeHtml(label)}</button>
</form>`
  }

  function loginPage(
    flow: Flow,
    institution: SandboxInstitution,
    options: { connectionId?: string; loginId?: string; error?: string; status?: number } = {},
  ): Response {
    const field = (name: string, caption: string, type: string, autocomplete: string, value = '') =>
      `<label for="${name}">${escapeHtml(caption)}</label>
<input id="${name}" name="${name}" type="${type}" autocomplete="${autocomplete}" value="${escapeHtml(value)}"${name === 'loginId' || name === 'password' ? ' required' : ''}>`
    const fields = [
      options.connectionId === undefined
        ? field('loginId', institution.loginIdCaption, 'text', 'username', options.loginId)
        : '',
      institution.secondaryLoginIdCaption
        ? field('secondaryLoginId', institution.secondaryLoginIdCaption, 'text', 'off')
        : '',
      field('password', institution.passwordCaption, 'password', 'current-password'),
      institution.securityCodeCaption
        ? field('securityCode', institution.securityCodeCaption, 'password', 'off')
        : '',
    ].join('\n')
    const error = options.error
      ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>`
      : ''
    const body = `<p>${options.connectionId === undefined ? 'Log in' : 'Enter your new password'} to share your ${escapeHtml(institution.name)} data.</p>
${error}
<form method="post" action="home">
${hidden(flow, {
  step: 'connect',
  institutionId: institution.id,
  ...(options.connectionId === undefined ? {} : { connectionId: options.connectionId }),
})}
${fields}
<button type="submit">Connect</button>
</form>
<form method="get" action="home">
${hidden(flow)}
<button type="submit">Choose another bank</button>
</form>`
    return html(options.status ?? 200, `Log in to ${institution.shortName}`, body, flow.redirect)
  }

  function connectedPage(flow: Flow, institution: SandboxInstitution): Response {
    const body = `<p role="status">Your ${escapeHtml(institution.name)} login was sent. Basiq is connecting to your bank.</p>
${finishForm(flow, 'Finish')}
<form method="get" action="home">
${hidden(flow)}
<button type="submit">Connect another bank</button>
</form>`
    return html(200, 'Bank connected', body, flow.redirect)
  }

  function unsupportedActionPage(flow: Flow): Response {
    const body = `<p>The sandbox does not simulate action=${escapeHtml(flow.action ?? '')}; nothing was changed.</p>
${finishForm(flow, 'Return')}`
    return html(200, 'Manage your consent', body, flow.redirect)
  }

  /** 303 back to the app with `jobIds` (comma-separated, as Basiq writes them) and `state`. */
  function finish(flow: Flow): Response {
    const target = new URL(flow.redirect)
    for (const name of ['jobIds', 'jobId', 'state']) target.searchParams.delete(name)
    const extra = [
      `jobIds=${flow.jobIds.map(encodeURIComponent).join(',')}`,
      ...(flow.state === undefined ? [] : [`state=${encodeURIComponent(flow.state)}`]),
    ].join('&')
    target.search = target.search === '' ? `?${extra}` : `${target.search}&${extra}`
    return new Response(null, {
      status: 303,
      headers: {
        location: target.href,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      },
    })
  }

  function connect(flow: Flow, form: URLSearchParams): Response {
    const institution = institutionOf(form.get('institutionId') ?? '')
    const connectionId = form.get('connectionId') ?? undefined
    const optional = (name: string) => {
      const value = form.get(name)
      return value === null || value === '' ? {} : { [name]: value }
    }
    try {
      const job =
        connectionId === undefined
          ? engine.createConnection(
              flow.userId,
              parseCreateConnection({
                loginId: form.get('loginId') ?? '',
                password: form.get('password') ?? '',
                institution: { id: institution.id },
                ...optional('securityCode'),
                ...optional('secondaryLoginId'),
              }),
            )
          : engine.updateConnection(
              flow.userId,
              connectionId,
              parseUpdateConnection({
                password: form.get('password') ?? '',
                ...optional('securityCode'),
                ...optional('secondaryLoginId'),
              }),
            )
      return connectedPage({ ...flow, jobIds: [...flow.jobIds, job.id] }, institution)
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error
      return loginPage(flow, institution, {
        ...(connectionId === undefined ? {} : { connectionId }),
        loginId: form.get('loginId') ?? '',
        error: error.detail ?? error.title,
        status: error.status,
      })
    }
  }

  function connectionPage(flow: Flow, connectionId: string): Response {
    if (!jobIdPattern.test(connectionId)) throw new PageError(400, 'The connectionId is not valid.')
    let institutionId: string
    try {
      institutionId = engine.getConnection(flow.userId, connectionId).institution.id
    } catch {
      throw new PageError(404, 'Requested connection does not exist for this user.')
    }
    return loginPage(flow, institutionOf(institutionId), { connectionId })
  }

  async function handle(request: Request, url: URL, path: string): Promise<Response> {
    const method = request.method.toUpperCase()
    if (path === CONSENT_STYLESHEET_PATH && method === 'GET') {
      return new Response(stylesheet, {
        headers: {
          'content-type': 'text/css; charset=utf-8',
          'cache-control': 'public, max-age=3600',
        },
      })
    }
    if (path !== CONSENT_PAGE_PATH)
      throw new PageError(404, `No consent page at ${path.slice(0, 200)}.`)
    if (method === 'GET') {
      const flow = readFlow(url.searchParams)
      if (flow.action !== undefined && flow.action !== 'connect') return unsupportedActionPage(flow)
      const connectionId = url.searchParams.get('connectionId')
      if (connectionId) return connectionPage(flow, connectionId)
      const institutionId = url.searchParams.get('institutionId')
      if (institutionId) return loginPage(flow, institutionOf(institutionId))
      return pickerPage(flow, url.searchParams.get('q') ?? '')
    }
    if (method === 'POST') {
      const type = request.headers.get('content-type') ?? ''
      if (!/^application\/x-www-form-urlencoded/i.test(type)) {
        throw new PageError(
          415,
          'The consent page takes HTML form posts (application/x-www-form-urlencoded).',
        )
      }
      const form = new URLSearchParams(await deps.readBody(request))
      const flow = readFlow(form)
      const step = form.get('step')
      if (step === 'finish') return finish(flow)
      if (step === 'connect') return connect(flow, form)
      throw new PageError(400, 'Unknown step: the form posts step=connect or step=finish.')
    }
    throw new PageError(405, 'Use GET or POST on the consent page.')
  }

  return async (request, url, path) => {
    try {
      return await handle(request, url, path)
    } catch (error) {
      if (error instanceof PageError) return errorPage(error)
      if (error instanceof SandboxError)
        return errorPage(new PageError(error.status, error.detail ?? error.title))
      return errorPage(new PageError(500, 'The sandbox failed to show this page.'))
    }
  }
}
