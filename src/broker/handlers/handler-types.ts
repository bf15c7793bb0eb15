// The shape of a handler module: a factory that gets the broker's services and the registry
// (for ApiVersions) and returns the handler.
import type { BrokerContext } from '../broker-context.js';
import type { ApiHandler, HandlerRegistry } from './handler-registry.js';

export type HandlerFactory = (broker: BrokerContext, registry: HandlerRegistry) => ApiHandler;
