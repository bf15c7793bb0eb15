// A running broker whose compacted topic has a damaged segment: the cleaner reports that
// partition as uncleanable in an ERROR line and goes on compacting the healthy compacted topic,
// cycle after cycle, without retrying the damaged one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startBroker, silentLogger } from '../../src/broker/index.js';
import { encodeRecordBatchSync } from '../../src/protocol/index.js';
import { ProtocolClient } from '../support/protocol-client.js';
import { waitFor } from '../support/wait.js';

const TOPIC_RESOURCE = 2;
const SET = 0;

async function createCompacted(client: ProtocolClient, name: string, lagMs: number): Promise<void> {
  const res = await client.request(19, 7, {
    topics: [
      {
        name,
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'segment.bytes', value: '2048' },
          { name: 'min.cleanable.dirty.ratio', value: '0.01' },
          { name: 'min.compaction.lag.ms', value: String(lagMs) },
        ],
      },
    ],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  assert.equal(res.topics[0].errorCode, 0);
}

function record(i: number): Buffer {
  return encodeRecordBatchSync([
    { key: Buffer.from(`k${i % 4}`), value: Buffer.from(`value-${i}-${'x'.repeat(60)}`) },
  ]);
}
const BATCH_BYTES = record(100).length;

async function produce(client: ProtocolClient, topic: string, from: number, count: number) {
  for (let i = from; i < from + count; i++) {
    const records = record(i);
    const res = await client.request(0, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 10_000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
    });
    assert.equal(res.responses[0].partitionResponses[0].errorCode, 0);
  }
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();
}

async function logBytes(dir: string): Promise<number> {
  let total = 0;
  // A segment the cleaner replaces may be renamed away between the listing and the stat.
  for (const name of await segmentFiles(dir))
    total += (await stat(join(dir, name)).catch(() => null))?.size ?? 0;
  return total;
}

test(
  'the cleaner marks a damaged compacted partition uncleanable and keeps compacting the others',
  {
    timeout: 60_000,
  },
  async () => {
    const errors: string[] = [];
    const broker = await startBroker({
      config: { 'log.cleaner.backoff.ms': 50 },
      logger: { ...silentLogger, error: (m) => errors.push(m) },
    });
    const client = await ProtocolClient.connect(broker.port);
    try {
      // The damaged topic waits for its damage: min.compaction.lag.ms holds the cleaner back.
      await createCompacted(client, 'damaged', 3_600_000);
      await createCompacted(client, 'healthy', 0);
      await produce(client, 'damaged', 0, 60);
      await produce(client, 'healthy', 0, 60);
      const damagedDir = join(broker.dataDir, 'damaged-0');
      const healthyDir = join(broker.dataDir, 'healthy-0');
      const segments = await segmentFiles(damagedDir);
      assert.ok(segments.length >= 3, `${segments.length} segments`);
      const file = await open(join(damagedDir, segments[1]!), 'r+');
      const size = (await file.stat()).size;
      const byte = Buffer.alloc(1);
      await file.read(byte, 0, 1, size - 3);
      await file.write(Buffer.from([byte[0]! ^ 0xff]), 0, 1, size - 3);
      await file.close();
      const damagedBytes = await logBytes(damagedDir);
      const alter = await client.request(44, 1, {
        resources: [
          {
            resourceType: TOPIC_RESOURCE,
            resourceName: 'damaged',
            configs: [{ name: 'min.compaction.lag.ms', configOperation: SET, value: '0' }],
          },
        ],
        validateOnly: false,
      });
      assert.equal(alter.responses[0].errorCode, 0);

      await waitFor('the damaged partition reported', () =>
        errors.some((e) => e.includes('damaged-0')),
      );
      const reported = errors.filter((e) => e.includes('damaged-0'));
      assert.equal(reported.length, 1);
      assert.match(reported[0]!, /uncleanable/);
      assert.match(reported[0]!, /corrupt-crc/);
      assert.equal(await logBytes(damagedDir), damagedBytes, 'the damaged log was not rewritten');

      // The healthy topic is compacted (it holds far less than was written to it), and again
      // after more writes: the cleaner keeps running.
      await waitFor(
        'the healthy partition compacted',
        async () => (await logBytes(healthyDir)) < 60 * BATCH_BYTES * 0.5,
      );
      const compacted = await logBytes(healthyDir);
      await produce(client, 'healthy', 60, 60);
      await waitFor(
        'the healthy partition compacted again',
        async () => (await logBytes(healthyDir)) < compacted + 60 * BATCH_BYTES * 0.5,
      );
      assert.equal(errors.filter((e) => e.includes('damaged-0')).length, 1, 'not retried');
      assert.deepEqual(
        errors.filter((e) => !e.includes('damaged-0')),
        [],
      );
    } finally {
      client.close();
      await broker.close();
    }
  },
);
