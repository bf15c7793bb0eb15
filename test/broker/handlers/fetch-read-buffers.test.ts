// Fetch answers with records read into reusable buffers: the memory must not be reused before
// the response has been written, and must be reused after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatchContext, openInProcessBroker } from './in-process-broker.js';
import {
  Reader,
  Writer,
  apiByKey,
  createRequestHeader,
  decodeFetchResponse,
  writeRequestHeader,
} from '../../../src/protocol/index.js';
import { batch, fetchBody, produceBody, valuesOf } from './data-helpers.js';

function frame(apiKey: number, version: number, body: unknown): Buffer {
  const w = new Writer();
  const header = { requestApiKey: apiKey, requestApiVersion: version, correlationId: 7 };
  writeRequestHeader(w, createRequestHeader({ ...header, clientId: 'test' }));
  apiByKey(apiKey)!.encodeRequest!(w, version, body);
  return w.toBuffer();
}

test('fetch read buffers are reused only once the response has been written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-fetch-buffers-'));
  const broker = await openInProcessBroker(dir);
  try {
    const { registry, topicId } = broker;
    const big = (c: string) => c.repeat(100_000);
    for (const [index, c] of [
      [0, 'a'],
      [1, 'b'],
    ] as const) {
      const body = produceBody('a', [{ index, records: batch([big(c)]) }], { topicId });
      await registry.dispatch(dispatchContext(0, 13), frame(0, 13, body));
    }
    const fetch = async (partition: number) => {
      const body = fetchBody('a', [{ partition, fetchOffset: 0 }], { topicId });
      return (await registry.dispatch(dispatchContext(1, 13), frame(1, 13, body)))!;
    };
    const valuesIn = (parts: Buffer[]) => {
      const r = new Reader(Buffer.concat(parts), 4);
      r.tags({}); // response header v1
      const response = decodeFetchResponse(r, 13);
      return valuesOf(response.responses[0]!.partitions[0]!.records);
    };
    const first = await fetch(0);
    const second = await fetch(1);
    assert.deepEqual(valuesIn(first), [big('a')], 'not overwritten before it is written');
    assert.deepEqual(valuesIn(second), [big('b')]);
    const written = first.afterWrite;
    assert.ok(written, 'a fetch response asks to be told when it is written');
    written();
    const third = await fetch(1);
    assert.deepEqual(valuesIn(third), [big('b')]);
    const records = (parts: Buffer[]) => parts.find((p) => p.length > 100_000)!;
    assert.equal(records(third).buffer, records(first).buffer, 'the written read buffer is reused');
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
