// A broker and a REST proxy in this process, on free ports, and a small HTTP helper that
// answers the status, content type and parsed body of each request.
import { startBroker, type Broker } from '../../../src/index.js';
import { RestProxy } from '../../../src/rest/index.js';

/** Parsed JSON answers: tests read fields the proxy documents, checked by assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface RestAnswer<T = Json> {
  status: number;
  contentType: string;
  body: T;
  text: string;
}

export interface RestFixture {
  broker: Broker;
  proxy: RestProxy;
  clusterId: string;
  call<T = Json>(
    method: string,
    path: string,
    options?: { body?: unknown; contentType?: string; accept?: string },
  ): Promise<RestAnswer<T>>;
  close(): Promise<void>;
}

export async function startBrokerAndProxy(
  options: { broker?: Broker; proxyConfig?: Record<string, string> } = {},
): Promise<RestFixture> {
  const broker =
    options.broker ??
    (await startBroker({ port: 0, config: { 'group.initial.rebalance.delay.ms': 0 } }));
  const proxy = await RestProxy.start({
    config: {
      'bootstrap.servers': broker.bootstrap,
      listeners: 'http://127.0.0.1:0',
      ...options.proxyConfig,
    },
  });
  const call = restCaller(proxy.url);
  const clusters = await call('GET', '/v3/clusters');
  return {
    broker,
    proxy,
    clusterId: clusters.body.data[0].cluster_id as string,
    call,
    close: async () => {
      await proxy.close();
      if (options.broker === undefined) await broker.close();
    },
  };
}

/** Requests against `baseUrl`; a body that is not a string is sent as JSON. */
export function restCaller(baseUrl: string) {
  return async <T = Json>(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; accept?: string } = {},
  ): Promise<RestAnswer<T>> => {
    const headers: Record<string, string> = {};
    if (options.body !== undefined)
      headers['content-type'] = options.contentType ?? 'application/json';
    if (options.accept !== undefined) headers.accept = options.accept;
    const response = await fetch(baseUrl + path, {
      method,
      headers,
      ...(options.body === undefined
        ? {}
        : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
    const text = await response.text();
    let body: Json = undefined;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body,
      text,
    };
  };
}

/** Polls a v2 consumer instance until `count` records arrived (bounded). */
export async function pollRecords(
  call: RestFixture['call'],
  instancePath: string,
  count: number,
  accept = 'application/vnd.kafka.binary.v2+json',
): Promise<Json[]> {
  const out: Json[] = [];
  const deadline = Date.now() + 30_000;
  while (out.length < count) {
    if (Date.now() > deadline)
      throw new Error(`timed out polling ${instancePath}: ${out.length}/${count}`);
    const r = await call('GET', `${instancePath}/records?timeout=1000`, { accept });
    if (r.status !== 200) throw new Error(`poll answered ${r.status}: ${r.text}`);
    out.push(...(r.body as Json[]));
  }
  return out;
}

export const V2 = 'application/vnd.kafka.v2+json';
export const V2_BINARY = 'application/vnd.kafka.binary.v2+json';
export const V2_JSON = 'application/vnd.kafka.json.v2+json';
