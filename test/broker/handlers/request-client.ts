// Sends typed requests over a real socket with the generated codecs and decodes the answers,
// for protocol-level handler tests. Requests may be pipelined; answers are matched to
// requests by correlation id, so a request that gets no answer (Produce acks=0) just stays
// pending (and rejects when the connection closes).
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

interface Pending {
  resolve(frame: Buffer): void;
  reject(err: unknown): void;
}

export async function requestClient(port: number, clientId = 'test'): Promise<RequestClient> {
  const raw = await rawClient(port);
  let correlationId = 0;
  const pending = new Map<number, Pending>();
  let processed = 0;
  let reading = false;

  // One reader at a time: rawClient wakes a single waiter.
  async function read(): Promise<void> {
    if (reading) return;
    reading = true;
    try {
      while (pending.size > 0) {
        const frames = await raw.waitFrames(processed + 1);
        while (processed < frames.length) {
          const frame = frames[processed++]!;
          const id = frame.readInt32BE(0);
          pending.get(id)?.resolve(frame);
          pending.delete(id);
        }
      }
    } catch (err) {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    } finally {
      reading = false;
    }
  }

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
      const answer = new Promise<Buffer>((resolve, reject) => pending.set(id, { resolve, reject }));
      raw.socket.write(w.toBuffer());
      void read();
      const r = new Reader(await answer);
      decodeResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
      return api.decodeResponse!(r, apiVersion) as T;
    },
    close: () => raw.socket.destroy(),
  };
}
