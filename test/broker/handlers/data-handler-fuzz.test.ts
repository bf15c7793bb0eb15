// Mutated data-path requests (Produce, Fetch, ListOffsets, DeleteRecords, InitProducerId,
// OffsetForLeaderEpoch) that still decode are always answered, never rejected: no client input
// may close a connection or crash the broker once it parses. The log stays readable after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatchContext, openInProcessBroker, seededRandom } from './in-process-broker.js';
import { Reader, apiByKey, readRequestHeader } from '../../../src/protocol/index.js';
import { frameFor } from './frame-call.js';
import { batch, fetchBody, produceBody } from './data-helpers.js';

function seeds(topicId: string): Record<number, unknown[]> {
  const fetchParts = [
    { partition: 0, fetchOffset: 0, currentLeaderEpoch: 0 },
    { partition: 1, fetchOffset: 1 },
  ];
  return {
    0: [
      produceBody('a', [{ index: 0, records: batch(['x', 'y']) }], { topicId }),
      produceBody('a', [{ index: 1, records: batch(['z'], { producerId: 3n, baseSequence: 0 }) }], {
        topicId,
      }),
    ],
    1: [
      fetchBody('a', fetchParts, { topicId, sessionId: 0, sessionEpoch: 0 }),
      fetchBody('a', fetchParts, { topicId, isolationLevel: 1 }),
    ],
    2: [
      {
        replicaId: -1,
        isolationLevel: 0,
        timeoutMs: 100,
        topics: [
          {
            name: 'a',
            partitions: [-1n, -2n, -3n, 5n].map((timestamp, i) => ({
              partitionIndex: i % 2,
              currentLeaderEpoch: -1,
              timestamp,
            })),
          },
        ],
      },
    ],
    21: [
      { topics: [{ name: 'a', partitions: [{ partitionIndex: 0, offset: 1n }] }], timeoutMs: 9 },
    ],
    22: [
      {
        transactionalId: null,
        transactionTimeoutMs: 100,
        producerId: -1n,
        producerEpoch: -1,
        enable2Pc: false,
        keepPreparedTxn: false,
      },
    ],
    23: [
      {
        replicaId: -1,
        topics: [
          { topic: 'a', partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] },
        ],
      },
    ],
  };
}

test(
  'mutated data-path requests that decode are always answered',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rivulet-data-fuzz-'));
    try {
      const broker = await openInProcessBroker(dir);
      const { registry, data } = broker;
      const next = seededRandom(7);
      let decoded = 0;
      const waiting: Promise<string | undefined>[] = [];
      for (const [key, bodies] of Object.entries(seeds(broker.topicId))) {
        const apiKey = Number(key);
        const handler = registry.get(apiKey)!;
        const spec = apiByKey(apiKey)!;
        const from = handler.minServedVersion ?? handler.minVersion;
        for (let version = from; version <= handler.maxVersion; version++) {
          for (const body of bodies) {
            const built = frameFor(apiKey, version, body);
            if (built === null) continue;
            for (let i = 0; i < 25; i++) {
              const frame: Buffer = Buffer.from(built.frame);
              const flips = 1 + Math.floor(next() * 3);
              for (let f = 0; f < flips; f++) {
                const at = built.header + Math.floor(next() * (frame.length - built.header));
                frame[at] = Math.floor(next() * 256);
              }
              let ok = true;
              try {
                const r = new Reader(frame);
                readRequestHeader(r);
                spec.decodeRequest!(r, version);
              } catch {
                ok = false;
              }
              const answer = registry.dispatch(dispatchContext(apiKey, version), frame);
              if (!ok) {
                await answer.catch(() => undefined);
                continue;
              }
              decoded++;
              const checked: Promise<string | undefined> = answer.then(
                () => undefined,
                (err: unknown): string =>
                  `${handler.name} v${version} rejected ${frame.toString('hex')}: ${String(err)}`,
              );
              // A mutated max_wait_ms may be long: fetches are collected and released at the end.
              if (apiKey === 1) waiting.push(checked);
              else assert.equal(await checked, undefined);
            }
          }
        }
      }
      assert.ok(decoded > 300, `only ${decoded} mutated requests decoded`);
      data.replicas.purgatory.close();
      for (const problem of await Promise.all(waiting)) assert.equal(problem, undefined);
      // The logs are intact: everything below the high watermark reads back as whole batches.
      for (const partition of [0, 1]) {
        const [answer] = await data.replicas.fetchPartitions(
          [
            {
              topic: 'a',
              partition,
              fetchOffset: data.replicas.getPartition('a', partition)!.logStartOffset,
              maxBytes: 1 << 24,
              currentLeaderEpoch: -1,
            },
          ],
          { maxBytes: 1 << 24, minBytes: 0, maxWaitMs: 0, isolationLevel: 0 },
        );
        assert.equal(answer!.error, null);
      }
      await broker.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
