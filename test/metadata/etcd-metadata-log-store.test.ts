// What only the etcd store has beyond the shared contract: several connections (one per
// broker) on one log, snapshots that delete old batches, and watches that survive an etcd
// restart. Against a real etcd started on free ports in a temporary dir.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigResourceType,
  EtcdMetadataLogStore,
  MetadataImage,
  MetadataLogCompactedError,
  MetadataRecordType,
  batchEndOffset,
  connectEtcd,
  decodeMetadataBatch,
  encodeMetadataBatch,
  type MetadataRecord,
} from '../../src/metadata/index.js';
import { startEtcd, type EtcdProcess } from '../../src/cli/cluster/etcd-process.js';
import { waitFor } from '../support/wait.js';

let etcd: EtcdProcess;
const dir = mkdtempSync(join(tmpdir(), 'rivulet-etcd-store-'));
let prefixes = 0;
before(async () => {
  etcd = await startEtcd({ dataDir: join(dir, 'etcd') });
});
after(async () => {
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function connect(prefix: string): EtcdMetadataLogStore {
  const client = connectEtcd({ endpoints: [etcd.endpoint] });
  return new EtcdMetadataLogStore({ client, prefix, ownsClient: true, retryDelayMs: () => 50 });
}

function topicRecords(name: string, n: number): MetadataRecord[] {
  const topicId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return [
    { type: MetadataRecordType.Topic, value: { name, topicId } },
    {
      type: MetadataRecordType.Config,
      value: { resourceType: ConfigResourceType.Topic, resourceName: name, name: 'x', value: '1' },
    },
  ];
}

function replayAll(batches: Buffer[]): MetadataImage {
  const image = new MetadataImage();
  for (const b of batches) image.replay(decodeMetadataBatch(b));
  return image;
}

test('a batch appended through one connection reaches the watch of another', async () => {
  const prefix = `/multi-${++prefixes}`;
  const a = connect(prefix);
  const b = connect(prefix);
  const seen: number[] = [];
  b.watch(0, (batch) => seen.push(Number(batch.readBigInt64BE(0))));
  await a.append(encodeMetadataBatch(topicRecords('t1', 1), 0), { expectedOffset: 0 });
  await a.append(encodeMetadataBatch(topicRecords('t2', 2), 0), { expectedOffset: 2 });
  await waitFor('both batches at the other connection', () => seen.length === 2);
  assert.deepEqual(seen, [0, 2]);
  assert.deepEqual(
    await b.append(encodeMetadataBatch(topicRecords('t3', 3), 0), { expectedOffset: 2 }),
    {
      type: 'conflict',
      nextOffset: 4,
    },
  );
  await Promise.all([a.close(), b.close()]);
});

test('snapshots replace the batches they cover; a new reader rebuilds the same image', async () => {
  const prefix = `/snapshot-${++prefixes}`;
  const store = connect(prefix);
  for (let i = 0; i < 5; i++) {
    await store.append(encodeMetadataBatch(topicRecords(`a${i}`, i), 0));
  }
  const first = replayAll(await store.readAll());
  const end1 = first.topicCount * 2;
  assert.equal(
    await store.writeSnapshot(encodeMetadataBatch(first.snapshotRecords(), 0), end1),
    true,
  );
  for (let i = 5; i < 8; i++) {
    await store.append(encodeMetadataBatch(topicRecords(`a${i}`, i), 0));
  }
  const second = replayAll(await store.readAll());
  const end2 = second.topicCount * 2;
  assert.equal(
    await store.writeSnapshot(encodeMetadataBatch(second.snapshotRecords(), 0), end2),
    true,
  );
  // A snapshot for an end the log has not reached is refused.
  assert.equal(await store.writeSnapshot(encodeMetadataBatch([], 0), end2 + 10), false);
  await store.append(encodeMetadataBatch(topicRecords('last', 99), 0));

  const reader = connect(prefix);
  const all = await reader.readAll();
  assert.equal(batchEndOffset(all[0]!), end2, 'the newest snapshot first');
  assert.equal(all.length, 2, 'then only the batch after it');
  const rebuilt = replayAll(all);
  assert.deepEqual(
    rebuilt.topics().map((t) => [t.name, t.topicId, Object.fromEntries(t.configs)]),
    replayAll([...(await store.readAll())])
      .topics()
      .map((t) => [t.name, t.topicId, Object.fromEntries(t.configs)]),
  );
  assert.equal(rebuilt.topicCount, 9);

  // A watch inside what the newest snapshot covers but still kept reads batch by batch...
  const kept: number[] = [];
  reader.watch(end1 + 2, (b) => kept.push(Number(b.readBigInt64BE(0))));
  await waitFor('the kept batches', () => kept.length === 3);
  assert.deepEqual(kept, [end1 + 2, end1 + 4, end2]);
  // ...one behind the deleted batches is told, and gets nothing.
  const failure = new Promise<unknown>((resolve) =>
    reader.watch(2, () => assert.fail('nothing is delivered'), { onError: resolve }),
  );
  assert.ok((await failure) instanceof MetadataLogCompactedError);
  await Promise.all([store.close(), reader.close()]);
});

test('watches carry on across an etcd restart', async () => {
  const prefix = `/restart-${++prefixes}`;
  const a = connect(prefix);
  const seen: string[] = [];
  a.watch(0, (b) => seen.push(String(Number(b.readBigInt64BE(0)))));
  await a.append(encodeMetadataBatch(topicRecords('before', 1), 0));
  await waitFor('the first batch', () => seen.length === 1);
  const { clientPort, peerPort } = etcd;
  await etcd.stop('SIGKILL');
  etcd = await startEtcd({ dataDir: join(dir, 'etcd'), clientPort, peerPort });
  const b = connect(prefix);
  await b.append(encodeMetadataBatch(topicRecords('after', 2), 0), { expectedOffset: 2 });
  await waitFor('the batch appended after the restart', () => seen.length === 2);
  assert.deepEqual(seen, ['0', '2']);
  await Promise.all([a.close(), b.close()]);
});
