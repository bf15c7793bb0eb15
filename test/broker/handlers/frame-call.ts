// Requests fed straight to an in-process broker's handler registry: encoded frames (null when
// the body has a field the version lacks) and typed calls that decode the answer.
import {
  Reader,
  Writer,
  apiByKey,
  createRequestHeader,
  decodeResponseHeader,
  responseHeaderVersion,
  writeRequestHeader,
} from '../../../src/protocol/index.js';
import { dispatchContext, type InProcessBroker } from './in-process-broker.js';

/** A request frame (header and body), or null when `body` does not fit `version`. */
export function frameFor(
  apiKey: number,
  version: number,
  body: unknown,
): { frame: Buffer; header: number } | null {
  const w = new Writer();
  writeRequestHeader(
    w,
    createRequestHeader({
      requestApiKey: apiKey,
      requestApiVersion: version,
      correlationId: 7,
      clientId: 'fuzz',
    }),
  );
  const header = w.length;
  try {
    apiByKey(apiKey)!.encodeRequest!(w, version, body);
  } catch {
    return null; // the seed uses a field this version lacks
  }
  return { frame: w.toBuffer(), header };
}

/** Dispatches one request and decodes its answer (loosely typed for tests). */
export async function call(
  broker: InProcessBroker,
  apiKey: number,
  version: number,
  body: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const built = frameFor(apiKey, version, body);
  if (built === null) apiByKey(apiKey)!.encodeRequest!(new Writer(), version, body); // throws
  const parts = await broker.registry.dispatch(dispatchContext(apiKey, version), built!.frame);
  const r = new Reader(Buffer.concat(parts!));
  decodeResponseHeader(r, responseHeaderVersion(apiKey, version));
  return apiByKey(apiKey)!.decodeResponse!(r, version);
}
