import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClusterMetadata,
  ConfigResourceType,
  METADATA_LOG_DIR_NAME,
  MetadataRecordType,
  PartitionLogMetadataStore,
  encodeMetadataBatch,
  type MetadataRecord,
} from '../../src/metadata/index.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { MemoryFileSystem } from '../../src/storage/index.js';

async function open(logDir: string) {
  const store = await PartitionLogMetadataStore.open({ logDir });
  const metadata = await ClusterMetadata.open({ store, nodeId: 1 });
  await metadata.registerBroker([{ name: 'PLAINTEXT', host: 'localhost', port: 1 }], new Map());
  return metadata;
}

test('the metadata log replays after a restart and drops a torn tail', async () => {
  const logDir = mkdtempSync(join(tmpdir(), 'rivulet-metalog-'));
  try {
    let metadata = await open(logDir);
    await metadata.createTopics([{ name: 'a', numPartitions: 2, replicationFactor: 1 }]);
    await metadata.createPartitions('a', 3);
    const block = await metadata.allocateProducerIdBlock();
    const topics = metadata.image.topics();
    await metadata.close();
    // A crash in the middle of the next append leaves half a batch behind.
    const dir = join(logDir, METADATA_LOG_DIR_NAME);
    const segment = readdirSync(dir).find((f) => f.endsWith('.log'))!;
    appendFileSync(join(dir, segment), Buffer.from([0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 1, 0, 1, 2]));
    metadata = await open(logDir);
    assert.deepEqual(metadata.image.topics(), topics);
    const next = await metadata.allocateProducerIdBlock();
    assert.equal(next.firstProducerId, block.firstProducerId + BigInt(block.size));
    const again = await metadata.createTopics([
      { name: 'a', numPartitions: 1, replicationFactor: 1 },
    ]);
    assert.equal(again[0]!.errorCode, ErrorCode.TOPIC_ALREADY_EXISTS);
    await metadata.close();
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
});

test('a batch whose fsync failed stays in doubt: no watcher sees it until a later fsync succeeds', async () => {
  const fs = new MemoryFileSystem();
  const store = await PartitionLogMetadataStore.open({ logDir: '/data', fs });
  const seen: number[] = [];
  let wake: (() => void) | null = null;
  store.watch(0, (b) => {
    seen.push(Number(b.readBigInt64BE(0)));
    wake?.();
  });
  const record = (name: string): MetadataRecord => ({
    type: MetadataRecordType.Config,
    value: { resourceType: ConfigResourceType.Topic, resourceName: 't', name, value: null },
  });
  assert.deepEqual(await store.append(encodeMetadataBatch([record('a')], 0)), {
    type: 'appended',
    baseOffset: 0,
  });
  fs.failNext('sync');
  await assert.rejects(store.append(encodeMetadataBatch([record('b')], 0), { expectedOffset: 1 }));
  assert.equal((await store.readAll()).length, 1, 'the doubtful batch is not committed');
  // The writer that built on offset 1 learns that the doubtful batch committed after all.
  assert.deepEqual(
    await store.append(encodeMetadataBatch([record('c')], 0), { expectedOffset: 1 }),
    { type: 'conflict', nextOffset: 2 },
  );
  while (seen.length < 2) await new Promise<void>((resolve) => (wake = resolve));
  assert.deepEqual(seen, [0, 1]);
  assert.deepEqual(
    await store.append(encodeMetadataBatch([record('c')], 0), { expectedOffset: 2 }),
    { type: 'appended', baseOffset: 2 },
  );
  await store.close();
});
