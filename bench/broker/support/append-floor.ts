// The "append floor" for the produce benchmark: the same network code and Produce codec as the
// broker, and each partition's batch appended to its own file with the same synchronous
// vectored write the log uses, but nothing else (no CRC check, validation, offsets, indexes
// or producer state). It shows how much of the gap between the null server and the broker is
// the page-cache write every broker must do, and how much is the broker's own work.
import { closeSync, openSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler } from '../../../src/broker/server/index.js';
import {
  Reader,
  decodeProduceRequest,
  readRequestHeader,
  type ProduceRequest,
} from '../../../src/protocol/index.js';

export interface AppendFloor {
  handler: RequestHandler;
  close(): void;
}

/** `responseBody`: the response after the correlation id (see nullProduceResponseBody). */
export function appendFloorHandler(dir: string, responseBody: Buffer): AppendFloor {
  const files = new Map<string, { fd: number; position: number }>();
  const fileOf = (topic: string, partition: number) => {
    const key = `${topic}-${partition}`;
    let file = files.get(key);
    if (file === undefined) {
      file = { fd: openSync(join(dir, `${key}.log`), 'w'), position: 0 };
      files.set(key, file);
    }
    return file;
  };
  const handler: RequestHandler = (ctx, frame) => {
    const r = new Reader(frame);
    readRequestHeader(r);
    const request: ProduceRequest = decodeProduceRequest(r, ctx.apiVersion);
    for (const t of request.topicData) {
      for (const p of t.partitionData) {
        if (p.records === null) continue;
        const file = fileOf(t.name, p.index);
        writevSync(file.fd, [p.records], file.position);
        file.position += p.records.length;
      }
    }
    const header = Buffer.allocUnsafe(4);
    header.writeInt32BE(ctx.correlationId, 0);
    return Promise.resolve([header, responseBody]);
  };
  handler.recyclesFrame = (apiKey) => apiKey === 0;
  return {
    handler,
    close: () => {
      for (const { fd } of files.values()) closeSync(fd);
    },
  };
}
