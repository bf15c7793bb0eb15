// A broker and a schema registry on free ports for a test, and a small JSON client for the
// registry's REST API that returns status and body without throwing.
import type { TestContext } from 'node:test';
import { startBroker, type Broker } from '../../../src/index.js';
import { startSchemaRegistry, type RegistryServer } from '../../../src/registry/index.js';

export const MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(base + path, {
    method,
    headers:
      body === undefined
        ? { accept: MEDIA_TYPE }
        : { accept: MEDIA_TYPE, 'content-type': MEDIA_TYPE },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A raw schema or an error page: kept as text.
  }
  return { status: response.status, body: parsed };
}

export async function registryWithBroker(
  t: TestContext,
  options: { broker?: Broker } = {},
): Promise<{
  broker: Broker;
  registry: RegistryServer;
  api: (m: string, p: string, b?: unknown) => Promise<Answer>;
}> {
  const broker = options.broker ?? (await startTestBroker());
  const registry = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
  // The registry goes first: closed after the broker, it would wait for a broker that is gone.
  t.after(async () => {
    await registry.close();
    if (options.broker === undefined) await broker.close();
  });
  return { broker, registry, api: (m, p, b) => call(registry.url, m, p, b) };
}

/** A broker whose groups form at once, so a registry is elected without the usual 3 s wait. */
export function startTestBroker(options: { dataDir?: string } = {}): Promise<Broker> {
  return startBroker({ ...options, config: { 'group.initial.rebalance.delay.ms': 0 } });
}

export const avro = (schema: unknown) => ({ schema: JSON.stringify(schema) });
