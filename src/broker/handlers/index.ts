// Every API handler, in API key order. Adding an API: create `NN-api-name.ts` exporting a
// HandlerFactory and list it here.
import type { BrokerContext } from '../broker-context.js';
import { HandlerRegistry, type ApiHandler } from './handler-registry.js';

export type HandlerFactory = (broker: BrokerContext) => ApiHandler;

export const HANDLER_FACTORIES: readonly HandlerFactory[] = [];

/** A registry holding one handler per API for `broker`. */
export function createHandlerRegistry(
  broker: BrokerContext,
  factories: readonly HandlerFactory[] = HANDLER_FACTORIES,
): HandlerRegistry {
  const registry = new HandlerRegistry();
  for (const factory of factories) registry.register(factory(broker));
  return registry;
}

export { HandlerRegistry, type ApiHandler, type ApiVersionRange } from './handler-registry.js';
