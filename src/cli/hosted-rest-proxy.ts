// The REST proxy hosted by `rivulet start`: `rest.listener=http://0.0.0.0:8082` in the broker's
// properties starts it beside the broker, as a client of the broker's own listener. The other
// `rest.*` keys are the proxy's keys without the prefix (`rest.consumer.instance.timeout.ms`),
// and none of them reaches the broker's configuration.
import { RestProxy, registrySchemaFormats } from '../rest/index.js';

export const REST_PREFIX = 'rest.';

/** Takes the `rest.*` keys out of the broker's properties; null when no proxy is asked for. */
export function takeRestProxyConfig(props: Map<string, string>): Record<string, string> | null {
  const config: Record<string, string> = {};
  for (const [key, value] of [...props]) {
    if (!key.startsWith(REST_PREFIX)) continue;
    props.delete(key);
    config[key.slice(REST_PREFIX.length)] = value;
  }
  const listener = config.listener;
  if (listener === undefined) return null;
  delete config.listener;
  return { ...config, listeners: listener };
}

/**
 * Starts the proxy against the broker at `bootstrap`. A registry hosted beside it
 * (`registryUrl`) serves the schema formats unless `rest.schema.registry.url` names another.
 */
export function startHostedRestProxy(
  bootstrap: string,
  config: Record<string, string>,
  registryUrl: string | null = null,
): Promise<RestProxy> {
  return RestProxy.start({
    config: {
      ...(registryUrl === null ? {} : { 'schema.registry.url': registryUrl }),
      ...config,
      'bootstrap.servers': bootstrap,
    },
    schemaFormats: registrySchemaFormats,
  });
}
