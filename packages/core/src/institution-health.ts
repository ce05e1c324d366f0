import type { Institution } from './schemas.ts'

/**
 * How an institution's connector is doing, coarsely:
 * - `ok`: operational;
 * - `warning`: it works, but slower or less reliably than usual (degraded performance, a partial
 *   outage, maintenance, improvement work, or a status this kit does not know yet);
 * - `down`: a major outage; connecting now would fail.
 */
export type InstitutionHealthLevel = 'ok' | 'warning' | 'down'

/** Key of the message that explains a health state (the React package owns the text). */
export type InstitutionHealthMessageKey =
  | 'health.operational'
  | 'health.degraded-performance'
  | 'health.partial-outage'
  | 'health.under-maintenance'
  | 'health.under-improvement'
  | 'health.major-outage'
  | 'health.unknown'

/** What {@link institutionHealth} says about an institution. */
export interface InstitutionHealth {
  /** See {@link InstitutionHealthLevel}. */
  level: InstitutionHealthLevel
  /** Whether a user may pick the institution now (`false` only for a major outage). */
  selectable: boolean
  /** The message explaining the state, e.g. `'health.partial-outage'`. */
  messageKey: InstitutionHealthMessageKey
  /** Basiq's `status` as it was, e.g. `'partial-outage'` (`''` when missing). */
  status: string
}

// Basiq says connectors "can continue to be used in every status" and that under-maintenance
// connectors "can and should still be used"; only a major outage makes a new connection pointless.
const known: Record<string, Omit<InstitutionHealth, 'status'>> = {
  operational: { level: 'ok', selectable: true, messageKey: 'health.operational' },
  'degraded-performance': {
    level: 'warning',
    selectable: true,
    messageKey: 'health.degraded-performance',
  },
  'partial-outage': { level: 'warning', selectable: true, messageKey: 'health.partial-outage' },
  'under-maintenance': {
    level: 'warning',
    selectable: true,
    messageKey: 'health.under-maintenance',
  },
  'under-improvement': {
    level: 'warning',
    selectable: true,
    messageKey: 'health.under-improvement',
  },
  'major-outage': { level: 'down', selectable: false, messageKey: 'health.major-outage' },
}

const unknown: Omit<InstitutionHealth, 'status'> = {
  level: 'warning',
  selectable: true,
  messageKey: 'health.unknown',
}

/**
 * The health of an institution from its `status`. A status Basiq adds later (or a missing one) is
 * a selectable `warning` with `messageKey: 'health.unknown'`: the kit neither blocks a bank it
 * cannot judge nor claims it is fine.
 *
 * @throws {TypeError} when `institution` is not an object.
 */
export function institutionHealth(institution: Pick<Institution, 'status'>): InstitutionHealth {
  if (typeof institution !== 'object' || institution === null) {
    throw new TypeError('institutionHealth: expected an institution object with a status')
  }
  const status = typeof institution.status === 'string' ? institution.status : ''
  const entry = Object.hasOwn(known, status) ? known[status] : undefined
  return { ...(entry ?? unknown), status }
}
