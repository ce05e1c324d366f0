export { createBasiqClient } from './client.ts'
export type {
  BasiqClient,
  BasiqClientOptions,
  CreateConnectionInput,
  CreateUserInput,
  FetchLike,
  GetToken,
  GetTokenOptions,
  GetUserJobsOptions,
  ListAccountsOptions,
  ListInstitutionsOptions,
  RefreshConnectionResult,
  RequestOptions,
  UpdateConnectionInput,
} from './client.ts'

export {
  BasiqApiError,
  BasiqError,
  BasiqNetworkError,
  BasiqParseError,
  apiErrorFromResponse,
  isBasiqError,
  parseRetryAfter,
} from './errors.ts'
export type {
  BasiqApiErrorInit,
  BasiqErrorEntry,
  BasiqErrorKind,
  BasiqParseErrorInit,
  BasiqRequestInfo,
} from './errors.ts'

export { buildInstitutionFilter, formatFilterClause } from './filter.ts'
export type {
  EqualityCondition,
  FilterOperator,
  InstitutionFilter,
  ListCondition,
} from './filter.ts'

export {
  AccountListSchema,
  AccountSchema,
  BasiqErrorEnvelopeSchema,
  ConnectionListSchema,
  ConnectionSchema,
  InstitutionListSchema,
  InstitutionSchema,
  JobListSchema,
  JobSchema,
  JobStepSchema,
  JobStubSchema,
  StepResultSchema,
  TokenResponseSchema,
  TransactionListSchema,
  TransactionSchema,
  UserSchema,
  institutionStatuses,
  parseResource,
  stepStatuses,
  stepTitles,
} from './schemas.ts'
export type {
  Account,
  AccountList,
  BasiqErrorEnvelope,
  Connection,
  ConnectionList,
  ConnectionProfile,
  ConnectionStatus,
  ErrorResult,
  Institution,
  InstitutionAuthorization,
  InstitutionDurations,
  InstitutionFeatures,
  InstitutionList,
  InstitutionServiceType,
  InstitutionStage,
  InstitutionStatus,
  InstitutionTier,
  InstitutionType,
  Job,
  JobErrorCode,
  JobList,
  JobStep,
  JobStub,
  LinkResult,
  MfaMethod,
  MfaResult,
  OpenUnion,
  ParseResourceOptions,
  PauseResult,
  ResourceLinks,
  ResourceRef,
  ResourceSchema,
  SourceName,
  StepResult,
  StepStatus,
  StepTitle,
  TokenResponse,
  Transaction,
  TransactionList,
  UnknownResult,
  User,
} from './schemas.ts'

export { createTokenSource } from './token-source.ts'
export type { TokenSource, TokenSourceOptions } from './token-source.ts'

export { MALFORMED_JOB_CODE, interpretJob, interpretParsedJob } from './interpret-job.ts'
export type {
  InterpretJobOptions,
  JobInterpretation,
  JobPhase,
  ReleaseWhen,
} from './interpret-job.ts'

export {
  JobTimeoutError,
  SERVICE_UNAVAILABLE_RETRY_MS,
  isJobTimeoutError,
  recoveryFor,
} from './recovery.ts'
export type {
  Recovery,
  RecoveryAction,
  RecoveryContext,
  RecoveryKind,
  RecoverySupport,
} from './recovery.ts'

export {
  DEFAULT_BACKGROUND_INTERVAL_MS,
  DEFAULT_BACKGROUND_TIMEOUT_MS,
  DEFAULT_EXPECTED_TOTAL_MS,
  DEFAULT_EXPECTED_VERIFY_MS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_POLL_TIMEOUT_MS,
  nextPollDelay,
} from './poll-schedule.ts'
export type { PollScheduleOptions, PollState } from './poll-schedule.ts'

export {
  DEFAULT_REFRESH_INTERVAL_MS,
  MIN_REFRESH_INTERVAL_MS,
  OPEN_BANKING_DAILY_REFRESH_LIMIT,
  refreshGuard,
} from './refresh-guard.ts'
export type { RefreshDecision, RefreshPolicy, RefreshRefusal } from './refresh-guard.ts'

export {
  compareInstitutions,
  createInstitutionIndex,
  defaultInstitutionAliases,
  foldText,
  institutionMatchKinds,
  withinOneEdit,
} from './institution-search.ts'
export type {
  InstitutionIndex,
  InstitutionIndexOptions,
  InstitutionMatch,
  InstitutionMatchKind,
  InstitutionSearchOptions,
} from './institution-search.ts'

export { institutionHealth } from './institution-health.ts'
export type {
  InstitutionHealth,
  InstitutionHealthLevel,
  InstitutionHealthMessageKey,
} from './institution-health.ts'

export {
  CONSENT_UI_URL,
  MAX_CONSENT_STATE_LENGTH,
  buildConsentUrl,
  consentActions,
  consentReturnParams,
  consentStatesMatch,
  createConsentState,
  readConsentReturn,
  removeConsentParams,
} from './consent-url.ts'
export type {
  BuildConsentUrlOptions,
  ConsentAction,
  ConsentRefusalCode,
  ConsentReturn,
  ConsentReturnError,
  ConsentReturnStatus,
  ReadConsentReturnOptions,
} from './consent-url.ts'
