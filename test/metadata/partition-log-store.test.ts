import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClusterMetadata,
  METADATA_LOG_DIR_NAME,
  PartitionLogMetadataStore,
} from '../../src/metadata/index.js';
import { ErrorCode } from '../../src/protocol/index.js';

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
