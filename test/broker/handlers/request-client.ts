// Sends typed requests over a real socket with the generated codecs and decodes the answers,
// for protocol-level handler tests.
import {
  Reader,
  Writer,
  apiByKey,
  createRequestHeader,
  decodeResponseHeader,
  responseHeaderVersion,
  writeRequestHeader,
} from '../../../src/protocol/index.js';
import { rawClient, type RawClient } from '../server/test-client.js';

export interface RequestClient {
  raw: RawClient;
  /** Sends one request and resolves with the decoded response body (loosely typed for tests). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request<T = any>(apiKey: number, apiVersion: number, body: unknown): Promise<T>;
  close(): void;
}

export async function requestClient(port: number, clientId = 'test'): Promise<RequestClient> {
  const raw = await rawClient(port);
  let correlationId = 0;
  // Responses arrive in request order, so the n-th request's answer is the n-th frame.
  let sent = 0;
  // rawClient wakes one waiter at a time, so waits are chained.
  let reading: Promise<unknown> = Promise.resolve();
  return {
    raw,
    request: async <T>(apiKey: number, apiVersion: number, body: unknown): Promise<T> => {
      const api = apiByKey(apiKey)!;
      const id = ++correlationId;
      const w = new Writer();
      const size = w.reserveInt32();
      writeRequestHeader(
        w,
        createRequestHeader({
          requestApiKey: apiKey,
          requestApiVersion: apiVersion,
          correlationId: id,
          clientId,
        }),
      );
      api.encodeRequest!(w, apiVersion, body);
      w.patchInt32(size, w.length - 4);
      const index = sent++;
      raw.socket.write(w.toBuffer());
      const wait = reading.then(() => raw.waitFrames(index + 1));
      reading = wait.catch(() => undefined);
      const frames = await wait;
      const r = new Reader(frames[index]!);
      const header = decodeResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
      if (header.correlationId !== id) throw new Error(`correlation ${header.correlationId}`);
      return api.decodeResponse!(r, apiVersion) as T;
    },
    close: () => raw.socket.destroy(),
  };
}
