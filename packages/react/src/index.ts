export { BankConnectProvider, DEFAULT_API_URL, useBankConnect } from './bank-connect-provider.tsx'
export type {
  BankConnectContextValue,
  BankConnectLogEvent,
  BankConnectLogEventType,
  BankConnectLogger,
  BankConnectProviderProps,
} from './bank-connect-provider.tsx'

export { useJob } from './use-job.ts'
export type {
  JobCompleteEvent,
  JobEta,
  JobFailedEvent,
  JobReleasedEvent,
  UseJobOptions,
  UseJobResult,
} from './use-job.ts'

export { useSubmitMfa } from './use-submit-mfa.ts'
export type { SubmitMfaStatus, UseSubmitMfaResult } from './use-submit-mfa.ts'

export { useBackgroundJobs } from './use-background-jobs.ts'
export type {
  BackgroundJobStatus,
  BackgroundJobsSummary,
  UseBackgroundJobsResult,
} from './use-background-jobs.ts'

export { BACKGROUND_JOBS_STORAGE_KEY, createBackgroundJobsStore } from './background-jobs-store.ts'
export type {
  BackgroundJob,
  BackgroundJobsState,
  BackgroundJobsStorage,
  BackgroundJobsStore,
  BackgroundJobsStoreOptions,
} from './background-jobs-store.ts'

export { JobProgress } from './job-progress.tsx'
export type { JobProgressProps, JobStepState } from './job-progress.tsx'

export { MfaForm } from './mfa-form.tsx'
export type { MfaFormProps, MfaFormState } from './mfa-form.tsx'

export { defaultMessages, formatCountdown, formatDuration } from './messages.ts'
export type {
  MessageOverrides,
  Messages,
  RecoveryMessage,
  RecoveryMessageContext,
  RecoveryMessageKey,
} from './messages.ts'
