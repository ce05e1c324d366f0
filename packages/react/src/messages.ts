import type { JobPhase, RecoveryAction, RecoveryKind } from '@bankconnect/core'

/** What a recovery message may mention; every field is already formatted for display. */
export interface RecoveryMessageContext {
  /** How long until trying again makes sense, e.g. `'10 minutes'`; `undefined` when unknown. */
  retryAfter: string | undefined
}

/** A recovery message: plain text, or a function of the {@link RecoveryMessageContext}. */
export type RecoveryMessage = string | ((context: RecoveryMessageContext) => string)

/**
 * Every user-facing string of the kit's job screens, keyed flat so that one key can be overridden
 * without restating its neighbours (`<BankConnectProvider messages={{ 'eta.overdue': '…' }}>`).
 * Interpolated messages are functions of one named-arguments object.
 */
export interface Messages {
  /** BCP 47 locale used to format durations and counts. Default `'en-AU'`. */
  locale: string

  /** Root status line per phase. */
  'phase.pending': string
  'phase.verifying': string
  'phase.mfa-required': string
  'phase.paused': string
  'phase.released': string
  'phase.complete': string
  'phase.failed': string

  /** Human titles of the job steps Basiq documents; unknown titles are humanised instead. */
  'step.verify-credentials': string
  'step.mfa-challenge': string
  'step.retrieve-accounts': string
  'step.retrieve-transactions': string
  'step.retrieve-statements': string
  'step.create-report': string
  /** A step's status, read out after its title. */
  'step.status.pending': string
  'step.status.in-progress': string
  'step.status.success': string
  'step.status.failed': string
  /** What the live region says when a step changes. */
  'announce.step': (args: { step: string; status: string }) => string

  /** The estimate line, from the institution's average duration. */
  'eta.usually': (args: { duration: string }) => string
  /** Shown once the wait passes the institution's average. */
  'eta.overdue': string
  /** Shown while a poll failed but the kit keeps trying (network, 5xx, 429). */
  'eta.retrying': string

  /** Recovery texts, one per `Recovery.messageKey`. */
  'recovery.invalid-credentials': RecoveryMessage
  'recovery.user-action-required': RecoveryMessage
  'recovery.institution-down': RecoveryMessage
  'recovery.service-unavailable': RecoveryMessage
  'recovery.paused': RecoveryMessage
  'recovery.mfa-failed': RecoveryMessage
  'recovery.mfa-expired': RecoveryMessage
  'recovery.rate-limited': RecoveryMessage
  'recovery.transport': RecoveryMessage
  'recovery.session-expired': RecoveryMessage
  'recovery.timeout': RecoveryMessage
  'recovery.unknown': RecoveryMessage
  /** The ids to quote to support, e.g. `'Reference: job 3f1…'`. */
  'recovery.reference': (args: { reference: string }) => string

  /** Button labels, one per recovery action. */
  'action.re-enter-credentials': string
  'action.act-in-bank': string
  'action.pick-another-bank': string
  'action.try-later': string
  'action.wait': string
  'action.retry': string
  'action.contact-support': string

  /** The paused view's countdown. */
  'paused.countdown': (args: { time: string }) => string

  /** The MFA form. */
  'mfa.title': string
  'mfa.submit': string
  'mfa.submitting': string
  'mfa.checking': string
  'mfa.expiresIn': (args: { time: string }) => string
  'mfa.expired': string
  'mfa.required': (args: { field: string }) => string
  'mfa.tooLong': (args: { field: string; max: number }) => string
  /** The answer could not be sent (network, server); the user can send it again. */
  'mfa.sendFailed': string

  /** Background summaries for later onboarding screens. */
  'background.syncing': string
  'background.ready': (args: { count: number; locale: string }) => string
  'background.readyNoCount': string
  'background.attention': string

  /** ConnectFlow: the heading of each step, Back, and "Connect another bank". */
  'flow.pick.title': string
  'flow.credentials.title': (args: { bank: string }) => string
  'flow.verifying.title': (args: { bank: string }) => string
  'flow.verifying.untitled': string
  'flow.failed.title': (args: { bank: string }) => string
  'flow.failed.untitled': string
  'flow.released.title': (args: { bank: string }) => string
  'flow.released.untitled': string
  'flow.released.body': string
  'flow.back': string
  'flow.connectAnother': string
  'flow.consent.body': string
  'flow.consent.continue': string
  'flow.consent.error': string

  /** The bank picker. */
  'picker.label': string
  'picker.placeholder': string
  /** Announced politely after the list changes, e.g. "12 banks found". */
  'picker.results': (args: { count: number; locale: string }) => string
  /** The empty state's heading for a query that matches nothing. */
  'picker.empty': (args: { query: string }) => string
  'picker.emptyHint': string
  'picker.loading': string
  'picker.error': string
  'picker.retry': string
  /** Marks a bank whose connector is new (`stage: 'beta'`). */
  'picker.beta': string
  /** Marks a bank whose connector is partial (`stage: 'alpha'`), when alpha banks are shown. */
  'picker.alpha': string

  /** Bank health, one per `InstitutionHealth.messageKey`. */
  'health.operational': string
  'health.degraded-performance': string
  'health.partial-outage': string
  'health.under-maintenance': string
  'health.under-improvement': string
  'health.major-outage': string
  'health.unknown': string

  /** The credentials form. */
  'credentials.title': (args: { institution: string }) => string
  'credentials.intro': (args: { institution: string; service: string }) => string
  /** Where the login details go: straight to the bank-data provider, never stored. */
  'credentials.notice': string
  'credentials.forgotPassword': string
  /** Read after the link text: the link opens another site in a new tab. */
  'credentials.newTab': string
  'credentials.showPassword': string
  /** Field labels for banks that do not send a `loginIdCaption` / `passwordCaption`. */
  'credentials.loginId': string
  'credentials.password': string
  'credentials.submit': string
  'credentials.submitting': string
  'credentials.changeBank': string
  'credentials.required': (args: { field: string }) => string
  'credentials.tooLong': (args: { field: string; max: number }) => string
  /** A paste longer than the field allows was refused (nothing was inserted). */
  'credentials.pasteTooLong': (args: { field: string; max: number }) => string
  /** Heading of an error Basiq answered with; Basiq's own message follows it. */
  'credentials.apiError': string
  /** The login details could not be sent at all (network, server). */
  'credentials.sendFailed': string

  /** The BasiqConnect control wrapper (`BasiqConnectControl`). */
  'control.loading': string
  /** The control's script could not be loaded. */
  'control.loadError': string
  /** No token for the control (the app's token endpoint failed). */
  'control.tokenError': string
  'control.retry': string

  /** The return from Basiq's Consent UI was refused (its `state` did not check out). */
  'consent.refused': string

  /** The credentials form in update mode (new login details for an existing connection). */
  'credentials.updateTitle': (args: { institution: string }) => string
  'credentials.updateIntro': (args: { institution: string }) => string
  'credentials.updateSubmit': string

  /** The connection-health screen (`ConnectionHealth`). */
  'connectionHealth.title': string
  'connectionHealth.loading': string
  'connectionHealth.empty': string
  /** The user's jobs could not be read from the app server. */
  'connectionHealth.error': string
  'connectionHealth.retry': string
  /** When the banks were last checked; `time` is a formatted date and time. */
  'connectionHealth.checkedAt': (args: { time: string }) => string
  /** Name shown for a bank whose details could not be loaded. */
  'connectionHealth.unknownBank': string
  /** A connection's state, one per `ConnectionHealthState`. */
  'connectionHealth.state.healthy': string
  'connectionHealth.state.syncing': string
  'connectionHealth.state.needs-attention': string
  'connectionHealth.state.stale': string
  /** When the connection last fetched data; `time` is a formatted date and time. */
  'connectionHealth.lastUpdated': (args: { time: string }) => string
  'connectionHealth.neverUpdated': string
  /** After "act in your bank": the user says they did it, and the kit refreshes (guarded). */
  'connectionHealth.checkAgain': string
  /** Refreshes a stale connection (guarded). */
  'connectionHealth.refresh': string
  'connectionHealth.refreshing': string
  'connectionHealth.cancel': string
  /** Announced when an update or refresh brought a connection back. */
  'connectionHealth.repaired': (args: { institution: string }) => string
  /** The refresh request failed (network, server). */
  'connectionHealth.refreshFailed': string

  /** Why a refresh was refused, one per reason; `time` is how long until it is allowed. */
  'refresh.refused.too-soon': (args: { time: string | undefined }) => string
  'refresh.refused.daily-limit': (args: { time: string | undefined }) => string
  'refresh.refused.connection-invalid': (args: { time: string | undefined }) => string
  'refresh.refused.connection-not-ready': (args: { time: string | undefined }) => string
}

/** A partial override of {@link Messages}, as `BankConnectProvider`'s `messages` prop takes it. */
export type MessageOverrides = Partial<Messages>

/** The key of every recovery message. */
export type RecoveryMessageKey = `recovery.${RecoveryKind}`

/** The kit's default (en-AU) messages. */
export const defaultMessages: Messages = {
  locale: 'en-AU',

  'phase.pending': 'Getting ready to connect to your bank…',
  'phase.verifying': 'Connecting to your bank…',
  'phase.mfa-required': 'Your bank needs to confirm it’s you',
  'phase.paused': 'Your connection is paused',
  'phase.released': 'You’re connected. We’re still fetching your data in the background.',
  'phase.complete': 'All done: your accounts are connected',
  'phase.failed': 'We couldn’t connect to your bank',

  'step.verify-credentials': 'Verifying your login details',
  'step.mfa-challenge': 'Confirming it’s you',
  'step.retrieve-accounts': 'Retrieving your accounts',
  'step.retrieve-transactions': 'Retrieving your transactions',
  'step.retrieve-statements': 'Retrieving your statements',
  'step.create-report': 'Preparing your report',
  'step.status.pending': 'Waiting',
  'step.status.in-progress': 'In progress',
  'step.status.success': 'Done',
  'step.status.failed': 'Failed',
  'announce.step': ({ step, status }) => `${step}: ${status.toLowerCase()}`,

  'eta.usually': ({ duration }) => `Usually takes about ${duration}`,
  'eta.overdue': 'Taking longer than usual',
  'eta.retrying': 'Still trying…',

  'recovery.invalid-credentials': 'Your bank didn’t accept those login details.',
  'recovery.user-action-required':
    'Your bank needs you to do something in your online banking first, such as accepting new terms. Log in to your bank, then try again.',
  'recovery.institution-down':
    'Your bank’s online service is down at the moment. Please try again later or choose another bank.',
  'recovery.service-unavailable': ({ retryAfter }) =>
    retryAfter === undefined
      ? 'We couldn’t reach your bank just now. Please try again later.'
      : `We couldn’t reach your bank just now. Please try again in about ${retryAfter}.`,
  'recovery.paused':
    'A connection with the same login details is already in progress. We’ll carry on automatically.',
  'recovery.mfa-failed':
    'Your bank didn’t accept that answer. Please start again and check the code or answers.',
  'recovery.mfa-expired':
    'The time to answer your bank’s security check ran out. Please start again.',
  'recovery.rate-limited': 'Your bank is busy right now. Still trying…',
  'recovery.transport': 'We’re having trouble reaching the server. Still trying…',
  'recovery.session-expired': 'Your session has expired. Please refresh the page and try again.',
  'recovery.timeout':
    'This is taking much longer than it should. You can try again, or contact support if it keeps happening.',
  'recovery.unknown':
    'Something went wrong while connecting to your bank. If it keeps happening, contact support and quote the reference below.',
  'recovery.reference': ({ reference }) => `Reference: ${reference}`,

  'action.re-enter-credentials': 'Re-enter your login details',
  'action.act-in-bank': 'Go to your online banking',
  'action.pick-another-bank': 'Choose another bank',
  'action.try-later': 'Try again later',
  'action.wait': 'Keep waiting',
  'action.retry': 'Try again',
  'action.contact-support': 'Contact support',

  'paused.countdown': ({ time }) => `Resuming in ${time}`,

  'mfa.title': 'Your bank needs to confirm it’s you',
  'mfa.submit': 'Continue',
  'mfa.submitting': 'Sending…',
  'mfa.checking': 'Checking…',
  'mfa.expiresIn': ({ time }) => `Code expires in ${time}`,
  'mfa.expired': 'Code expired',
  'mfa.required': ({ field }) => `Enter ${field}`,
  'mfa.tooLong': ({ field, max }) => `${field} must be at most ${max} characters`,
  'mfa.sendFailed': 'We couldn’t send your answer. Please try again.',

  'background.syncing': 'Syncing your accounts…',
  'background.ready': ({ count, locale }) =>
    new Intl.PluralRules(locale).select(count) === 'one'
      ? `${formatCount(count, locale)} account ready`
      : `${formatCount(count, locale)} accounts ready`,
  'background.readyNoCount': 'Your accounts are ready',
  'background.attention': 'Something needs your attention',

  'flow.pick.title': 'Connect your bank',
  'flow.credentials.title': ({ bank }) => `Connect ${bank}`,
  'flow.verifying.title': ({ bank }) => `Connecting to ${bank}`,
  'flow.verifying.untitled': 'Connecting to your bank',
  'flow.failed.title': ({ bank }) => `We couldn’t connect to ${bank}`,
  'flow.failed.untitled': 'We couldn’t connect your bank',
  'flow.released.title': ({ bank }) => `${bank} is connected`,
  'flow.released.untitled': 'Your bank is connected',
  'flow.released.body':
    'You can carry on. We’re fetching your accounts and transactions in the background.',
  'flow.back': 'Back',
  'flow.connectAnother': 'Connect another bank',
  'flow.consent.body':
    'You’ll continue to Basiq, our secure data partner, to choose your bank and give consent. You’ll come straight back here.',
  'flow.consent.continue': 'Continue to Basiq',
  'flow.consent.error': 'We couldn’t start a secure session with Basiq. Please try again.',

  'picker.label': 'Find your bank',
  'picker.placeholder': 'Search by bank name',
  'picker.results': ({ count, locale }) =>
    count === 0
      ? 'No banks found'
      : cachedFormat(locale).plural.select(count) === 'one'
        ? `${cachedFormat(locale).number.format(count)} bank found`
        : `${cachedFormat(locale).number.format(count)} banks found`,
  'picker.empty': ({ query }) => `No bank matches “${query}”`,
  'picker.emptyHint':
    'Check the spelling, or try the name on your bank card or statement (for example “CommBank” or “NAB”).',
  'picker.loading': 'Loading banks…',
  'picker.error': 'We couldn’t load the list of banks.',
  'picker.retry': 'Try again',
  'picker.beta': 'Beta',
  'picker.alpha': 'Early access',

  'health.operational': 'Working normally',
  'health.degraded-performance':
    'This bank is slower than usual right now; connecting may take longer.',
  'health.partial-outage':
    'Some of this bank’s services are having problems; connecting may not work first time.',
  'health.under-maintenance':
    'This bank is under maintenance; you can still connect, but it may take longer.',
  'health.under-improvement': 'We’re improving our connection to this bank; you can still connect.',
  'health.major-outage':
    'This bank’s online service is down, so you can’t connect to it right now. Please try again later or choose another bank.',
  'health.unknown': 'This bank may be having problems; you can still try to connect.',

  'credentials.title': ({ institution }) => `Log in to ${institution}`,
  'credentials.intro': ({ institution, service }) =>
    `Connect safely to ${institution} with your ${service} login details.`,
  'credentials.notice':
    'Your login details go straight to our bank-data provider, Basiq. We never store them.',
  'credentials.forgotPassword': 'Forgot your password?',
  'credentials.newTab': '(opens in a new tab)',
  'credentials.showPassword': 'Show password',
  'credentials.loginId': 'Login ID',
  'credentials.password': 'Password',
  'credentials.submit': 'Connect',
  'credentials.submitting': 'Connecting…',
  'credentials.changeBank': 'Choose another bank',
  'credentials.required': ({ field }) => `Enter your ${field}`,
  'credentials.tooLong': ({ field, max }) => `${field} must be at most ${max} characters`,
  'credentials.pasteTooLong': ({ field, max }) =>
    `That paste is too long for ${field} (at most ${max} characters), so it wasn’t added.`,
  'credentials.apiError': 'Your bank login couldn’t be sent',
  'credentials.sendFailed':
    'We couldn’t send your login details. Please check your connection and try again.',

  'control.loading': 'Loading your bank connection…',
  'control.loadError': 'We couldn’t load the bank connection screen.',
  'control.tokenError': 'We couldn’t start a secure session for connecting your bank.',
  'control.retry': 'Try again',

  'consent.refused':
    'We couldn’t confirm that this bank connection was started here, so we didn’t use it. Please connect your bank again.',

  'credentials.updateTitle': ({ institution }) => `Re-enter your ${institution} login details`,
  'credentials.updateIntro': ({ institution }) =>
    `${institution} no longer accepts the login details we have. Enter your current ones to reconnect.`,
  'credentials.updateSubmit': 'Reconnect',

  'connectionHealth.title': 'Your banks',
  'connectionHealth.loading': 'Checking your banks…',
  'connectionHealth.empty': 'You haven’t connected a bank yet.',
  'connectionHealth.error': 'We couldn’t check your banks just now.',
  'connectionHealth.retry': 'Try again',
  'connectionHealth.checkedAt': ({ time }) => `Checked ${time}`,
  'connectionHealth.unknownBank': 'Your bank',
  'connectionHealth.state.healthy': 'Up to date',
  'connectionHealth.state.syncing': 'Updating…',
  'connectionHealth.state.needs-attention': 'Needs your attention',
  'connectionHealth.state.stale': 'Not updated recently',
  'connectionHealth.lastUpdated': ({ time }) => `Last updated ${time}`,
  'connectionHealth.neverUpdated': 'Not updated yet',
  'connectionHealth.checkAgain': 'I’ve done it — check again',
  'connectionHealth.refresh': 'Refresh',
  'connectionHealth.refreshing': 'Refreshing…',
  'connectionHealth.cancel': 'Cancel',
  'connectionHealth.repaired': ({ institution }) => `${institution} is connected again.`,
  'connectionHealth.refreshFailed':
    'We couldn’t refresh this bank just now. Please try again later.',

  'refresh.refused.too-soon': ({ time }) =>
    time === undefined
      ? 'This bank was updated recently, so there’s no need to refresh it yet.'
      : `This bank was updated recently. You can refresh it again in ${time}.`,
  'refresh.refused.daily-limit': ({ time }) =>
    time === undefined
      ? 'This bank has been refreshed as often as it allows today.'
      : `This bank has been refreshed as often as it allows today. Try again in ${time}.`,
  'refresh.refused.connection-invalid': () =>
    'Your bank no longer accepts the saved login details. Re-enter them to reconnect.',
  'refresh.refused.connection-not-ready': () =>
    'This bank is still being set up, so it can’t be refreshed yet.',
}

// The picker formats its result count on every keystroke; building Intl objects is the slow part.
const formats = new Map<string, { plural: Intl.PluralRules; number: Intl.NumberFormat }>()
function cachedFormat(locale: string): { plural: Intl.PluralRules; number: Intl.NumberFormat } {
  let format = formats.get(locale)
  if (format === undefined) {
    format = { plural: new Intl.PluralRules(locale), number: new Intl.NumberFormat(locale) }
    formats.set(locale, format)
  }
  return format
}

function formatCount(count: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(count)
}

/**
 * Merges overrides into the defaults. Keys whose override is `undefined` keep the default, so a
 * spread of optional values cannot blank out a message.
 */
export function mergeMessages(overrides: MessageOverrides | undefined): Messages {
  if (overrides === undefined || overrides === null) return defaultMessages
  if (typeof overrides !== 'object') {
    throw new TypeError('BankConnectProvider: messages must be an object of message overrides')
  }
  const merged: Record<string, unknown> = { ...defaultMessages }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) merged[key] = value
  }
  return merged as unknown as Messages
}

/** The text of a recovery, with `retryAfter` formatted; unknown keys fall back to the generic one. */
export function recoveryText(
  messages: Messages,
  recovery: { messageKey: string; retryAfterMs: number | undefined },
): string {
  const key = recovery.messageKey as RecoveryMessageKey
  const message: RecoveryMessage | undefined =
    (Object.hasOwn(messages, key) ? messages[key] : undefined) ?? messages['recovery.unknown']
  const retryAfter =
    recovery.retryAfterMs === undefined || recovery.retryAfterMs <= 0
      ? undefined
      : formatDuration(recovery.retryAfterMs, messages.locale)
  return typeof message === 'function' ? message({ retryAfter }) : message
}

/** Human title of a step: the message for a documented title, else the title humanised. */
export function stepText(messages: Messages, title: string): string {
  const key = `step.${title}` as keyof Messages
  const known = Object.hasOwn(messages, key) ? messages[key] : undefined
  if (typeof known === 'string' && !title.startsWith('status.')) return known
  return humanise(title)
}

/** Label of a recovery action button. */
export function actionText(messages: Messages, action: RecoveryAction): string {
  const key = `action.${action}` as keyof Messages
  const label = Object.hasOwn(messages, key) ? messages[key] : undefined
  return typeof label === 'string' ? label : humanise(action)
}

/** The status line of a phase. */
export function phaseText(messages: Messages, phase: JobPhase): string {
  return messages[`phase.${phase}`]
}

/** `'retrieve-statements'` → `'Retrieve statements'`; anything unreadable → `'Step'`. */
export function humanise(title: string): string {
  const words = String(title)
    .replace(/[-_.]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase()
  if (words === '') return 'Step'
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/**
 * A duration as people say it: whole seconds under 10 s, the nearest 5 s under a minute, then
 * whole minutes (`'8 seconds'`, `'about 45 seconds'` reads as `'45 seconds'`, `'10 minutes'`),
 * spelled by `Intl.NumberFormat` in the messages' locale.
 */
export function formatDuration(ms: number, locale: string): string {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0
  const seconds = safe / 1000
  let value: number
  let unit: 'second' | 'minute' | 'hour'
  if (seconds < 10) {
    value = Math.max(1, Math.round(seconds))
    unit = 'second'
  } else if (seconds < 57.5) {
    value = Math.round(seconds / 5) * 5
    unit = 'second'
  } else if (seconds < 3600) {
    value = Math.max(1, Math.round(seconds / 60))
    unit = 'minute'
  } else {
    value = Math.round(seconds / 360) / 10
    unit = 'hour'
  }
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value)
}

/** A countdown as `m:ss` (or `h:mm:ss` past an hour), never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil((Number.isFinite(ms) ? ms : 0) / 1000))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  const ss = String(seconds).padStart(2, '0')
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`
  return `${String(minutes).padStart(2, '0')}:${ss}`
}
