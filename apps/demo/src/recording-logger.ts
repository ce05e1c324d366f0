import type { BankConnectLogEvent, BankConnectLogger } from '@bankconnect/react'

/** The three levels `BankConnectLogger` has. */
export type RecordedLogLevel = 'error' | 'warn' | 'info'

/** One call the kit made into the logger, as it was made. */
export interface RecordedLogCall {
  /** Which of the logger's methods was called. */
  level: RecordedLogLevel
  /** The event the kit passed (a copy: later changes to the kit's object do not show here). */
  event: BankConnectLogEvent
}

/** Where {@link createRecordingLogger} prints: any object with the console's three methods. */
export type LogPrinter = Pick<Console, RecordedLogLevel>

/** Options of {@link createRecordingLogger}. */
export interface RecordingLoggerOptions {
  /** Also print every call, at its own level. Default `false`. */
  print?: boolean
  /** Where to print. Default: the global `console`. */
  printer?: LogPrinter
}

/** A `BankConnectLogger` that keeps every call it receives, oldest first. */
export interface RecordingLogger extends Required<BankConnectLogger> {
  /**
   * Every call so far, oldest first. The same array for the logger's whole life, so a reference
   * taken once (e.g. by an end-to-end test) keeps seeing new calls.
   */
  readonly calls: RecordedLogCall[]
}

/**
 * The demo's logger for `BankConnectProvider`: it records every call so the end-to-end tests can
 * read what the kit reported (and prove no credential was in it), and in development prints each
 * call to the console so a developer sees the kit's failures and milestones as they happen.
 */
export function createRecordingLogger(options: RecordingLoggerOptions = {}): RecordingLogger {
  const { print = false, printer = console } = options
  const calls: RecordedLogCall[] = []
  const record = (level: RecordedLogLevel, event: BankConnectLogEvent): void => {
    calls.push({ level, event: { ...event } })
    if (print) printer[level](`bankconnect ${level}: ${event.type}`, event)
  }
  return {
    calls,
    error: (event) => record('error', event),
    warn: (event) => record('warn', event),
    info: (event) => record('info', event),
  }
}
