import {
  createBasiqServerSession,
  createRefreshHandler,
  createTokenHandler,
  createUserJobsHandler,
} from '@bankconnect/server'
import type { BasiqServerSession } from '@bankconnect/server'

/** Where the demo's Basiq lives, and its key. Both default to the local sandbox. */
export interface DemoApiOptions {
  basiqUrl: string
  apiKey: string
}

interface DemoUser {
  userId: string
  email: string
}

const SESSION_COOKIE = 'bc_demo_session'
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  })
}

function cookieValue(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return undefined
}

/**
 * The demo app's own server: sign-up (a Basiq user per demo user, remembered in a session cookie) and
 * the bankconnect token endpoint. It never sees bank credentials: those go from the browser straight
 * to Basiq. Sessions live in memory; restarting the demo signs everyone out.
 */
export function createDemoApi(options: DemoApiOptions) {
  const session: BasiqServerSession = createBasiqServerSession({
    apiKey: options.apiKey,
    basiqUrl: options.basiqUrl,
    version: '2.1',
  })
  const sessions = new Map<string, DemoUser>()
  const signedIn = (request: Request): DemoUser | undefined => {
    const id = cookieValue(request, SESSION_COOKIE)
    return id === undefined ? undefined : sessions.get(id)
  }
  const authorize = (request: Request) => signedIn(request)?.userId ?? null
  const tokenHandler = createTokenHandler({ session, authorize })
  // Consent mode needs a v3.0 CLIENT_ACCESS token bound to the user (Basiq's consent UI is v3).
  const consentTokenHandler = createTokenHandler({
    apiKey: options.apiKey,
    basiqUrl: options.basiqUrl,
    version: '3.0',
    authorize,
  })
  const userJobsHandler = createUserJobsHandler({ session, authorize })
  const refreshHandler = createRefreshHandler({ session, authorize })

  /** Answers `/api/*`; anything else is `undefined` (not the demo API's business). */
  return async function handle(request: Request): Promise<Response | undefined> {
    const { pathname } = new URL(request.url)
    if (!pathname.startsWith('/api/')) return undefined

    if (pathname === '/api/basiq/token') return tokenHandler(request)
    if (pathname === '/api/basiq/consent-token') return consentTokenHandler(request)
    if (pathname === '/api/basiq/jobs') return userJobsHandler(request)
    if (pathname === '/api/basiq/refresh') return refreshHandler(request)

    if (pathname === '/api/me' && request.method === 'GET') {
      const user = signedIn(request)
      return user ? json(200, user) : json(401, { error: { code: 'unauthorized' } })
    }

    if (pathname === '/api/signup' && request.method === 'POST') {
      const body = (await request.json().catch(() => undefined)) as { email?: unknown } | undefined
      const email = typeof body?.email === 'string' ? body.email.trim() : ''
      if (!EMAIL.test(email)) {
        return json(400, {
          error: { code: 'invalid-email', message: 'Enter a valid email address.' },
        })
      }
      try {
        const user = await session.createBasiqUser({ email })
        const id = crypto.randomUUID()
        sessions.set(id, { userId: user.id, email })
        return json(
          201,
          { userId: user.id, email },
          { 'set-cookie': `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax` },
        )
      } catch (error) {
        console.error('demo: could not create the Basiq user', error)
        return json(502, {
          error: {
            code: 'basiq-unavailable',
            message: 'We could not reach Basiq. Please try again.',
          },
        })
      }
    }

    if (pathname === '/api/signout' && request.method === 'POST') {
      const id = cookieValue(request, SESSION_COOKIE)
      if (id !== undefined) sessions.delete(id)
      return json(
        200,
        {},
        { 'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` },
      )
    }

    return json(404, { error: { code: 'not-found' } })
  }
}
