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
