// Every API handler, in API key order. Adding an API: create `NN-api-name.ts` exporting a
// HandlerFactory and list it here. Only listed APIs are advertised by ApiVersions.
import type { BrokerContext } from '../broker-context.js';
import { metadataHandler } from './03-metadata.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { HandlerRegistry } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const HANDLER_FACTORIES: readonly HandlerFactory[] = [metadataHandler, apiVersionsHandler];

/** A registry holding one handler per API for `broker`. */
export function createHandlerRegistry(
  broker: BrokerContext,
  factories: readonly HandlerFactory[] = HANDLER_FACTORIES,
): HandlerRegistry {
  const registry = new HandlerRegistry();
  for (const factory of factories) registry.register(factory(broker, registry));
  return registry;
}

export {
  ANONYMOUS_PRINCIPAL,
  HandlerRegistry,
  defineHandler,
  type ApiContext,
  type ApiHandler,
  type ApiVersionRange,
  type TypedApiHandler,
} from './handler-registry.js';
export type { HandlerFactory } from './handler-types.js';
