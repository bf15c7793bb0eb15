// The key, value and header converters of one task: the connector's own
// (`key.converter` + `key.converter.*` in its config) or else the worker's. Headers use
// SimpleHeaderConverter's rule for the common case: values travel as UTF-8 strings.
import type { ConnectHeader } from '../connector.js';
import type { Converter } from '../converters/converter.js';
import { optional, schemaOf } from '../data/schema.js';
import type { Plugins } from '../plugins.js';
import { sub } from '../transforms/transform-chain.js';

export interface TaskConverters {
  key: Converter;
  value: Converter;
}

export function taskConverters(
  connectorConfig: Record<string, string>,
  workerConfig: Record<string, string>,
  plugins: Plugins,
): TaskConverters {
  const make = (which: 'key' | 'value'): Converter => {
    const own = connectorConfig[`${which}.converter`];
    const from = own !== undefined && own !== '' ? connectorConfig : workerConfig;
    const name = from[`${which}.converter`] ?? 'org.apache.kafka.connect.json.JsonConverter';
    const converter = plugins.converter(name);
    converter.configure(sub(from, `${which}.converter.`), which === 'key');
    return converter;
  };
  return { key: make('key'), value: make('value') };
}

const HEADER_SCHEMA = optional(schemaOf('STRING'));

export function headersToConnect(
  headers: readonly { key: string; value: Buffer | null }[],
): ConnectHeader[] {
  return headers.map((h) => ({
    key: h.key,
    schema: HEADER_SCHEMA,
    value: h.value === null ? null : h.value.toString('utf8'),
  }));
}

export function headersFromConnect(
  headers: readonly ConnectHeader[],
): { key: string; value: Buffer | null }[] {
  return headers.map((h) => ({
    key: h.key,
    value:
      h.value === null || h.value === undefined
        ? null
        : Buffer.isBuffer(h.value)
          ? h.value
          : Buffer.from(
              typeof h.value === 'string'
                ? h.value
                : JSON.stringify(h.value, (_k, v: unknown) =>
                    typeof v === 'bigint' ? v.toString() : v,
                  ),
            ),
  }));
}
