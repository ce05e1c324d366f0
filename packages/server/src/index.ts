// Public API of @bankconnect/server. Runtime-agnostic: Fetch API and WebCrypto only (no node:*
// imports), so the same handler serves Node, Next.js route handlers and Hono. The Redis cache lives in
// `@bankconnect/server/redis`, so apps without Redis never load a Redis client.
export {
  DEFAULT_BASIQ_URL,
  DEFAULT_BASIQ_VERSION,
  createBasiqServerSession,
} from './basiq-server-session.ts'
export type {
  BasiqServerSession,
  BasiqServerSessionOptions,
  BasiqVersion,
} from './basiq-server-session.ts'

export { createTokenHandler } from './token-handler.ts'
export type {
  AuthorizeRequest,
  TokenHandler,
  TokenHandlerBaseOptions,
  TokenHandlerErrorBody,
  TokenHandlerErrorCode,
  TokenHandlerErrorInfo,
  TokenHandlerOptions,
  TokenHandlerSuccessBody,
} from './token-handler.ts'

export { createMemoryTokenCache } from './memory-token-cache.ts'
export type { MemoryTokenCacheOptions } from './memory-token-cache.ts'
export type { CachedToken, ReleaseLock, TokenCache } from './token-cache.ts'

export { toNodeHandler } from './node-adapter.ts'
export type {
  NodeHandler,
  NodeHandlerOptions,
  NodeRequestLike,
  NodeResponseLike,
} from './node-adapter.ts'

// Connection health: the user's jobs and a guarded refresh of one connection, both on the
// SERVER_ACCESS token behind the same `authorize` contract as the token endpoint.
export { createUserJobsHandler } from './user-jobs-handler.ts'
export type {
  ConnectionHandler,
  ConnectionHandlerBaseOptions,
  ConnectionHandlerErrorBody,
  ConnectionHandlerErrorCode,
  ConnectionHandlerErrorInfo,
  UserJobsBody,
  UserJobsHandlerOptions,
} from './user-jobs-handler.ts'
export { createRefreshHandler } from './refresh-handler.ts'
export type { RefreshBody, RefreshHandlerOptions, RefreshRefusedBody } from './refresh-handler.ts'
