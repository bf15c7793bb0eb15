// Every API handler, in API key order. Adding an API: create `NN-api-name.ts` exporting a
// HandlerFactory and list it here. Only listed APIs are advertised by ApiVersions.
import type { BrokerContext } from '../broker-context.js';
import { produceHandler } from './00-produce.js';
import { fetchHandler } from './01-fetch.js';
import { listOffsetsHandler } from './02-list-offsets.js';
import { metadataHandler } from './03-metadata.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { deleteRecordsHandler } from './21-delete-records.js';
import { initProducerIdHandler } from './22-init-producer-id.js';
import { offsetForLeaderEpochHandler } from './23-offset-for-leader-epoch.js';
import { HandlerRegistry } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const HANDLER_FACTORIES: readonly HandlerFactory[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  apiVersionsHandler,
  deleteRecordsHandler,
  initProducerIdHandler,
  offsetForLeaderEpochHandler,
];

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
