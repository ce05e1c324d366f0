// Public API of @bankconnect/sandbox. Nothing here may import node:* modules: the package root also
// runs in browsers through the MSW bridge (`@bankconnect/sandbox/msw`). The Node server lives in
// `@bankconnect/sandbox/server`.
export { createManualClock, systemClock } from './clock.ts'
export type { Clock, ManualClock } from './clock.ts'
export {
  DEFAULT_CONNECTION_LIMIT,
  DEFAULT_PAUSE_MS,
  DEFAULT_SANDBOX_API_KEY,
  DEFAULT_SANDBOX_BASE_URL,
  createSandbox,
  sandboxOptionsFromEnv,
} from './create-sandbox.ts'
export type { Sandbox, SandboxOptions } from './create-sandbox.ts'
export { createFaultRegistry, parseFaultSpec } from './fault-registry.ts'
export type { Fault, FaultKind, FaultRegistry, FaultSpec } from './fault-registry.ts'
export { maxBodyBytes, supportedVersions } from './sandbox-app.ts'
export type { MintTokenInput } from './sandbox-app.ts'
export { SandboxEngine, jobListWindowMs, mfaExpiryMs } from './sandbox-engine.ts'
export type {
  BreakConnectionResult,
  JobKind,
  JobRecord,
  SandboxEngineOptions,
} from './sandbox-engine.ts'
export type {
  AgeConnectionOptions,
  BreakCode,
  BreakConnectionOptions,
  BreakMode,
} from './request-bodies.ts'
export type {
  JobState,
  JobStep,
  LinkResult,
  MfaResult,
  PauseResult,
  StepResult,
  StepStatus,
  StepTitle,
} from './job-state.ts'
export { personas } from './personas.ts'
export type { MfaChallenge, Persona, StepFailure } from './personas.ts'
export { SandboxError } from './sandbox-error.ts'
export type { BasiqErrorEnvelope, BasiqErrorItem, ErrorSource } from './sandbox-error.ts'
export type { TokenClaims, TokenScope } from './token-signer.ts'
export { institutions, withBaseUrl } from './catalogue.ts'
export type { SandboxInstitution } from './catalogue.ts'
export { stressInstitutions } from './stress.ts'
export { logoSvg } from './logos.ts'
export {
  CONNECT_CONTROL_PATH,
  connectControlScript,
  createConnectControl,
} from './connect-control-script.ts'
export type {
  BasiqConnectConfig,
  BasiqConnectFunction,
  ConnectControlEnvironment,
} from './connect-control-script.ts'
export {
  CONSENT_PAGE_PATH,
  consentPageActions,
  isAllowedConsentRedirect,
  maxConsentStateLength,
} from './consent-page.ts'
