/**
 * Validation of request bodies, with Basiq's documented messages where it publishes them. Every
 * problem becomes a 400 in the error envelope; nothing here throws anything else.
 */
import { notSupplied, notValid } from './sandbox-error.ts'

/** `POST /users` / `POST /users/{id}` body after validation. */
export interface UserInput {
  email?: string
  mobile?: string
  firstName?: string
  lastName?: string
}

/** `POST /users/{id}/connections` body after validation. */
export interface CreateConnectionInput {
  loginId: string
  password: string
  institutionId: string
  securityCode?: string
  secondaryLoginId?: string
}

/** `POST /users/{u}/connections/{c}` body after validation. */
export interface UpdateConnectionInput {
  password: string
  securityCode?: string
  secondaryLoginId?: string
}

/** Longest credential field the sandbox accepts (banks' own limits are far lower). */
export const maxCredentialLength = 256

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const mobilePattern = /^\+?[0-9 ]{8,16}$/

function optionalName(
  raw: Record<string, unknown>,
  field: 'firstName' | 'lastName',
): string | undefined {
  const value = raw[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || value.length > 100) {
    throw notValid(`Provided ${field} is in bad format.`, {
      pointer: `user/${field}`,
      parameter: field,
    })
  }
  return value
}

/** Validates a user body; `requireContact` demands email or mobile (creation does). */
export function parseUserInput(body: unknown, requireContact: boolean): UserInput {
  if (!isObject(body)) throw notValid('Posted user is not in valid format.')
  const input: UserInput = {}
  const { email, mobile } = body
  if (email !== undefined && email !== null && email !== '') {
    if (typeof email !== 'string' || email.length > 254 || !emailPattern.test(email)) {
      throw notValid('Provided email is in bad format.', {
        pointer: 'user/email',
        parameter: 'email',
      })
    }
    input.email = email
  }
  if (mobile !== undefined && mobile !== null && mobile !== '') {
    if (typeof mobile !== 'string' || !mobilePattern.test(mobile)) {
      throw notValid('Provided mobile is in bad format.', {
        pointer: 'user/mobile',
        parameter: 'mobile',
      })
    }
    input.mobile = mobile
  }
  const firstName = optionalName(body, 'firstName')
  if (firstName !== undefined) input.firstName = firstName
  const lastName = optionalName(body, 'lastName')
  if (lastName !== undefined) input.lastName = lastName
  if (requireContact && input.email === undefined && input.mobile === undefined) {
    // Basiq's example answer carries an empty `source` object here.
    throw notSupplied("One of 'email' or 'mobile' is required.", {})
  }
  return input
}

function credential(
  raw: Record<string, unknown>,
  field: 'loginId' | 'password' | 'securityCode' | 'secondaryLoginId',
  required: string | null,
): string | undefined {
  const value = raw[field]
  const pointer = `connection/${field}`
  if (value === undefined || value === null || value === '') {
    if (required) throw notSupplied(required, { pointer, parameter: field })
    return undefined
  }
  const label = {
    loginId: 'Login ID',
    password: 'Password',
    securityCode: 'Security code',
    secondaryLoginId: 'Secondary login ID',
  }[field]
  if (typeof value !== 'string')
    throw notValid(`${label} value is not valid`, { pointer, parameter: field })
  if (value.length > maxCredentialLength) {
    throw notValid(
      `${label} value is not valid: it is longer than ${maxCredentialLength} characters.`,
      {
        pointer,
        parameter: field,
      },
    )
  }
  return value
}

/** Validates a create-connection body (documented 400 messages). */
export function parseCreateConnection(body: unknown): CreateConnectionInput {
  if (!isObject(body)) throw notValid('Posted connection is not in valid format.')
  const loginId = credential(body, 'loginId', 'Login ID parameter is required.') as string
  const password = credential(body, 'password', 'Password parameter is required.') as string
  const institution = body.institution
  const institutionId = isObject(institution) ? institution.id : undefined
  if (institutionId === undefined || institutionId === null || institutionId === '') {
    throw notSupplied('Institution ID parameter is required.', {
      pointer: 'connection/institution/id',
      parameter: 'id',
    })
  }
  if (typeof institutionId !== 'string' || !/^[A-Z]{2}[0-9]{5}$/.test(institutionId)) {
    throw notValid('Institution ID value is not valid', {
      pointer: 'connection/institution/id',
      parameter: 'id',
    })
  }
  const input: CreateConnectionInput = { loginId, password, institutionId }
  const securityCode = credential(body, 'securityCode', null)
  if (securityCode !== undefined) input.securityCode = securityCode
  const secondaryLoginId = credential(body, 'secondaryLoginId', null)
  if (secondaryLoginId !== undefined) input.secondaryLoginId = secondaryLoginId
  return input
}

/** Validates an update-connection body. */
export function parseUpdateConnection(body: unknown): UpdateConnectionInput {
  if (!isObject(body)) throw notValid('Posted connection is not in valid format.')
  const password = credential(body, 'password', 'Password parameter is required.') as string
  const input: UpdateConnectionInput = { password }
  const securityCode = credential(body, 'securityCode', null)
  if (securityCode !== undefined) input.securityCode = securityCode
  const secondaryLoginId = credential(body, 'secondaryLoginId', null)
  if (secondaryLoginId !== undefined) input.secondaryLoginId = secondaryLoginId
  return input
}

/** Validates `{"mfa-response": ["…"]}`. */
export function parseMfaResponse(body: unknown): string[] {
  const pointer = { pointer: 'mfa-response', parameter: 'mfa-response' }
  if (!isObject(body)) throw notValid('Posted MFA response is not in valid format.', pointer)
  const answers = body['mfa-response']
  if (answers === undefined || answers === null)
    throw notSupplied('mfa-response parameter is required.', pointer)
  if (
    !Array.isArray(answers) ||
    answers.length === 0 ||
    answers.length > 10 ||
    !answers.every((a) => typeof a === 'string' && a.length <= maxCredentialLength)
  ) {
    throw notValid('mfa-response must be a non-empty array of strings.', pointer)
  }
  return answers as string[]
}

/** How `POST /__sandbox/connections/{id}/break` breaks a connection. */
export type BreakMode = 'invalidate' | 'fail-next-refresh'

/** The failure codes a broken connection's job can carry. */
export type BreakCode =
  'invalid-credentials' | 'account-not-accessible-requires-user-action' | 'service-unavailable'

/** Body of `POST /__sandbox/connections/{id}/break` (and `sandbox.breakConnection`). */
export interface BreakConnectionOptions {
  /**
   * `invalidate`: the user changed their password at the bank; `fail-next-refresh`: only the
   * next refresh job fails.
   */
  mode: BreakMode
  /**
   * Code of the failure. `invalidate` accepts only `invalid-credentials` (its default);
   * `fail-next-refresh` defaults to `account-not-accessible-requires-user-action`.
   */
  code?: BreakCode
  /** Also age the connection first, as `POST /__sandbox/connections/{id}/age` does. */
  lastUsedHoursAgo?: number
}

/** Body of `POST /__sandbox/connections/{id}/age` (and `sandbox.ageConnection`). */
export interface AgeConnectionOptions {
  /** How long ago (hours, ≥ 0, fractions allowed) `lastUsed` should be. */
  lastUsedHoursAgo: number
}

const breakModes: readonly BreakMode[] = ['invalidate', 'fail-next-refresh']
const breakCodes: readonly BreakCode[] = [
  'invalid-credentials',
  'account-not-accessible-requires-user-action',
  'service-unavailable',
]
/** Ten years: far enough back for any test, small enough to stay a valid date. */
const maxAgeHours = 87_600

function hoursAgo(value: unknown): number {
  if (value === undefined || value === null) {
    throw notSupplied('"lastUsedHoursAgo" is required.', { parameter: 'lastUsedHoursAgo' })
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > maxAgeHours) {
    throw notValid(`"lastUsedHoursAgo" must be a number of hours from 0 to ${maxAgeHours}.`, {
      parameter: 'lastUsedHoursAgo',
    })
  }
  return value
}

/** Validates a break body; every problem is a 400 naming the field. */
export function parseBreakConnection(body: unknown): BreakConnectionOptions {
  if (!isObject(body)) {
    throw notValid('A break must be a JSON object such as {"mode": "invalidate"}.')
  }
  const { mode, code } = body
  if (mode === undefined || mode === null) {
    throw notSupplied('"mode" is required.', { parameter: 'mode' })
  }
  if (typeof mode !== 'string' || !breakModes.includes(mode as BreakMode)) {
    throw notValid(`"mode" must be one of ${breakModes.join(', ')}.`, { parameter: 'mode' })
  }
  const options: BreakConnectionOptions = { mode: mode as BreakMode }
  if (code !== undefined && code !== null) {
    if (typeof code !== 'string' || !breakCodes.includes(code as BreakCode)) {
      throw notValid(`"code" must be one of ${breakCodes.join(', ')}.`, { parameter: 'code' })
    }
    if (options.mode === 'invalidate' && code !== 'invalid-credentials') {
      // Only rejected credentials make a connection invalid; the other codes leave it active.
      throw notValid(
        '"invalidate" only takes "invalid-credentials"; use "fail-next-refresh" for other codes.',
        { parameter: 'code' },
      )
    }
    options.code = code as BreakCode
  }
  if (body.lastUsedHoursAgo !== undefined)
    options.lastUsedHoursAgo = hoursAgo(body.lastUsedHoursAgo)
  return options
}

/** Validates an age body. */
export function parseAgeConnection(body: unknown): AgeConnectionOptions {
  if (!isObject(body)) {
    throw notValid('An age must be a JSON object such as {"lastUsedHoursAgo": 25}.')
  }
  return { lastUsedHoursAgo: hoursAgo(body.lastUsedHoursAgo) }
}
