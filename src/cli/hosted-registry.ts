// A schema registry hosted in the broker's process: `schema.registry.listeners` (a Rivulet
// key; Confluent runs its registry apart) names the URL it serves on. It is taken out of the
// broker's configuration, and the registry, like a standalone one, reaches the broker through
// rivulet/client on the broker's own listener.
import type { Logger } from '../util/index.js';

export const HOSTED_REGISTRY_KEY = 'schema.registry.listeners';

export interface HostedRegistry {
  url: string;
  close(): Promise<void>;
}

/** Removes the key from `props`; returns a starter for the registry, or null without it. */
export function takeHostedRegistry(
  props: Map<string, string>,
): ((bootstrap: string, logger: Logger) => Promise<HostedRegistry>) | null {
  const listener = props.get(HOSTED_REGISTRY_KEY);
  props.delete(HOSTED_REGISTRY_KEY);
  if (listener === undefined) return null;
  const url = new URL(listener.split(',')[0]!.trim());
  return async (bootstrap, logger) => {
    const { startSchemaRegistry } = await import('../registry/index.js');
    const server = await startSchemaRegistry({
      bootstrapServers: bootstrap,
      clientId: 'schema-registry',
      host: url.hostname,
      port: Number(url.port === '' ? 8081 : url.port),
    });
    logger.info(`schema registry listening on ${server.url}`);
    return server;
  };
}
