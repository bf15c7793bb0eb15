export type { RequestContext, RequestHandler, ResponseParts } from './request-handler.js';
export { REQUEST_HEADER_PREFIX_BYTES } from './request-handler.js';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.js';
export {
  parseListeners,
  formatListener,
  formatHostPort,
  SUPPORTED_SECURITY_PROTOCOLS,
  type ListenerAddress,
} from './listener.js';
export { NetworkServer, startServer, type ServerOptions, type StopOptions } from './server.js';
export { nullHandler } from './null-handler.js';
export { ANONYMOUS_PRINCIPAL, Session, type SaslState, type SessionOrigin } from './session.js';
export { authenticate } from './authenticate.js';
export {
  allowAllAuthorizer,
  filterAuthorized,
  isAuthorized,
  isAuthorizedForAny,
  type AclOperation,
  type Action,
  type AuthorizableRequest,
  type AuthorizationResult,
  type Authorizer,
  type PatternType,
  type ResourceType,
} from './authorizer.js';
export { noQuotas, type MutationQuota, type QuotaManager, type QuotaRequest } from './quota.js';
export {
  InMemoryRequestMetrics,
  collectErrorCodes,
  noRequestMetrics,
  type ApiRequestFigures,
  type RequestMetrics,
  type StageTimings,
} from './request-metrics.js';
export {
  RequestPipeline,
  type ApiRequestContext,
  type ApiStage,
  type PipelineOptions,
} from './request-pipeline.js';
