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

export { BasiqConnectControl } from './basiq-connect-control.tsx'
export type {
  BasiqConnectControlProps,
  BasiqConnectControlState,
  BasiqConnectJobCreatedEvent,
} from './basiq-connect-control.tsx'
export {
  BASIQ_CONNECT_SCRIPT_ATTRIBUTE,
  loadBasiqConnectScript,
  useBasiqConnectScript,
} from './use-basiq-connect-script.ts'
export type {
  BasiqConnectConfig,
  BasiqConnectFunction,
  BasiqConnectOptions,
  BasiqConnectScriptStatus,
  BasiqConnectSource,
  UseBasiqConnectScriptResult,
} from './use-basiq-connect-script.ts'
export {
  CONSENT_STATE_STORAGE_KEY,
  prepareConsentUrl,
  useConsentRedirect,
} from './use-consent-redirect.ts'
export type {
  ConsentReturnedEvent,
  ConsentStateStorage,
  PrepareConsentUrlOptions,
  UseConsentRedirectOptions,
  UseConsentRedirectResult,
} from './use-consent-redirect.ts'

export { ConnectFlow, useConnectFlow } from './connect-flow.tsx'
export type {
  ConnectFlowConsentOptions,
  ConnectFlowMode,
  ConnectFlowProps,
} from './connect-flow.tsx'
export { createConnectFlowStore } from './connect-flow-store.ts'
export type {
  ConnectFlowActions,
  ConnectFlowState,
  ConnectFlowStep,
  ConnectFlowStore,
  ConnectFlowStoreOptions,
} from './connect-flow-store.ts'

export { BankPicker } from './bank-picker.tsx'
export type { BankPickerProps, BankPickerState } from './bank-picker.tsx'
export { useBankPicker } from './use-bank-picker.ts'
export type {
  BankPickerOptionDataState,
  BankPickerOptionState,
  UseBankPickerOptions,
  UseBankPickerResult,
} from './use-bank-picker.ts'
export { InstitutionLogo } from './institution-logo.tsx'
export type { InstitutionLogoProps, InstitutionLogoState } from './institution-logo.tsx'
export { CredentialsForm } from './credentials-form.tsx'
export type {
  CredentialField,
  CredentialsFormProps,
  CredentialsFormState,
} from './credentials-form.tsx'
export { useCreateConnection } from './use-create-connection.ts'
export type {
  ConnectionCredentials,
  ConnectionJobCreated,
  CreateConnectionStatus,
  UpdateConnectionCredentials,
  UseCreateConnectionResult,
} from './use-create-connection.ts'
export { useInstitutions } from './use-institutions.ts'
export type {
  InstitutionsStatus,
  UseInstitutionsOptions,
  UseInstitutionsResult,
} from './use-institutions.ts'

export { ConnectionHealth } from './connection-health.tsx'
export type {
  ConnectionHealthProps,
  ConnectionHealthViewState,
  ConnectionRepairedEvent,
} from './connection-health.tsx'
export { CONNECTION_HEALTH_STORAGE_KEY, useConnectionHealth } from './use-connection-health.ts'
export type {
  ConnectionHealthAction,
  ConnectionHealthEntry,
  ConnectionHealthState,
  ConnectionHealthStatus,
  UseConnectionHealthOptions,
  UseConnectionHealthResult,
} from './use-connection-health.ts'
export { useRefreshConnection } from './use-refresh-connection.ts'
export type {
  RefreshOutcome,
  RefreshRefusalInfo,
  RefreshStatus,
  UseRefreshConnectionOptions,
  UseRefreshConnectionResult,
} from './use-refresh-connection.ts'
export { AppServerError, useUserJobs } from './use-user-jobs.ts'
export type { UseUserJobsOptions, UserJobsData, UserJobsStatus } from './use-user-jobs.ts'
