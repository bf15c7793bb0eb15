// The contract every metadata log store keeps (compare-and-swap appends, watch from an offset,
// live, in order, close), run against each implementation: the broker's own log on disk and
// the in-memory store of simulation tests, and the cluster's etcd store against a real etcd.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigResourceType,
  EtcdMetadataLogStore,
  MemoryMetadataLogStore,
  connectEtcd,
  MetadataRecordType,
  PartitionLogMetadataStore,
  batchEndOffset,
  decodeMetadataBatch,
  encodeMetadataBatch,
  type MetadataLogStore,
  type MetadataRecord,
} from '../../src/metadata/index.js';
import { startEtcd, type EtcdProcess } from '../../src/cli/cluster/etcd-process.js';

interface Implementation {
  name: string;
  /** A fresh, empty store; `reopen` gives the same log again after `close`. */
  open(): Promise<{ store: MetadataLogStore; reopen(): Promise<MetadataLogStore> }>;
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const implementations: Implementation[] = [
  {
    name: 'MemoryMetadataLogStore',
    open() {
      const store = new MemoryMetadataLogStore();
      return Promise.resolve({ store, reopen: () => Promise.resolve(store) });
    },
  },
  {
    name: 'PartitionLogMetadataStore',
    async open() {
      const logDir = mkdtempSync(join(tmpdir(), 'rivulet-metastore-'));
      tempDirs.push(logDir);
      const store = await PartitionLogMetadataStore.open({ logDir });
      return { store, reopen: () => PartitionLogMetadataStore.open({ logDir }) };
    },
  },
  {
    name: 'EtcdMetadataLogStore',
    async open() {
      const endpoint = (await sharedEtcd()).endpoint;
      // Each case gets its own key prefix on the one etcd of this file.
      const prefix = `/contract-${++etcdPrefixes}`;
      const connect = () =>
        new EtcdMetadataLogStore({
          client: connectEtcd({ endpoints: [endpoint] }),
          prefix,
          ownsClient: true,
        });
      return { store: connect(), reopen: () => Promise.resolve(connect()) };
    },
  },
];

let etcd: Promise<EtcdProcess> | undefined;
let etcdPrefixes = 0;
function sharedEtcd(): Promise<EtcdProcess> {
  if (etcd === undefined) {
    const dataDir = mkdtempSync(join(tmpdir(), 'rivulet-etcd-'));
    tempDirs.push(dataDir);
    etcd = startEtcd({ dataDir });
  }
  return etcd;
}
after(async () => {
  if (etcd !== undefined) await (await etcd).stop();
});

/** A batch of `count` config records named after `tag`, so a delivered batch says whose it is. */
function batch(tag: string, count = 1): Buffer {
  const records: MetadataRecord[] = Array.from({ length: count }, (_, i) => ({
    type: MetadataRecordType.Config,
    value: {
      resourceType: ConfigResourceType.Topic,
      resourceName: tag,
      name: `n${i}`,
      value: null,
    },
  }));
  return encodeMetadataBatch(records, 0);
}

function tagOf(b: Buffer): string {
  const first = decodeMetadataBatch(b)[0]!;
  assert.equal(first.type, MetadataRecordType.Config);
  return (first.value as { resourceName: string }).resourceName;
}

/** Watches `store` from `fromOffset`, collecting `base:tag` per batch; `until(n)` waits for n. */
function follow(store: MetadataLogStore, fromOffset: number) {
  const seen: string[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = store.watch(fromOffset, (b) => {
    seen.push(`${Number(b.readBigInt64BE(0))}:${tagOf(b)}`);
    wake?.();
  });
  const until = async (count: number): Promise<string[]> => {
    while (seen.length < count) await new Promise<void>((resolve) => (wake = resolve));
    return seen;
  };
  return { seen, unsubscribe, until };
}

for (const impl of implementations) {
  test(`${impl.name}: an append with a stale expected offset is a conflict and stores nothing`, async () => {
    const { store } = await impl.open();
    assert.deepEqual(await store.append(batch('a', 2), { expectedOffset: 0 }), {
      type: 'appended',
      baseOffset: 0,
    });
    assert.deepEqual(await store.append(batch('b'), { expectedOffset: 0 }), {
      type: 'conflict',
      nextOffset: 2,
    });
    assert.deepEqual(await store.append(batch('b'), { expectedOffset: 3 }), {
      type: 'conflict',
      nextOffset: 2,
    });
    assert.deepEqual(await store.append(batch('c'), { expectedOffset: 2 }), {
      type: 'appended',
      baseOffset: 2,
    });
    assert.deepEqual(await store.append(batch('d')), { type: 'appended', baseOffset: 3 });
    const all = await store.readAll();
    assert.deepEqual(all.map(tagOf), ['a', 'c', 'd']);
    assert.deepEqual(all.map(batchEndOffset), [2, 3, 4]);
    await store.close();
  });

  test(`${impl.name}: of two appends expecting the same offset exactly one lands`, async () => {
    const { store } = await impl.open();
    const results = await Promise.all([
      store.append(batch('x'), { expectedOffset: 0 }),
      store.append(batch('y'), { expectedOffset: 0 }),
    ]);
    assert.deepEqual(results.map((r) => r.type).sort(), ['appended', 'conflict']);
    assert.equal((await store.readAll()).length, 1);
    await store.close();
  });

  test(`${impl.name}: a watch from the middle gets the batch holding that offset and every later one`, async () => {
    const { store } = await impl.open();
    await store.append(batch('a', 2));
    await store.append(batch('b'));
    await store.append(batch('c', 3));
    const fromB = follow(store, 2);
    const insideC = follow(store, 4);
    const past = follow(store, 6);
    assert.deepEqual(fromB.seen, [], 'delivery never happens inside watch()');
    assert.deepEqual(await fromB.until(2), ['2:b', '3:c']);
    assert.deepEqual(await insideC.until(1), ['3:c']);
    await store.append(batch('d'));
    assert.deepEqual(await past.until(1), ['6:d']);
    assert.deepEqual(await fromB.until(3), ['2:b', '3:c', '6:d']);
    await store.close();
  });

  test(`${impl.name}: live watchers get every commit once, in log order`, async () => {
    const { store } = await impl.open();
    const early = follow(store, 0);
    await store.append(batch('a'));
    // Appends not awaited one by one: delivery still follows the log, never the callers.
    const appends = ['b', 'c', 'd', 'e'].map((tag) => store.append(batch(tag, 2)));
    const late = follow(store, 0);
    await Promise.all(appends);
    await store.append(batch('f'));
    const expected = ['0:a', '1:b', '3:c', '5:d', '7:e', '9:f'];
    assert.deepEqual(await early.until(6), expected);
    assert.deepEqual(await late.until(6), expected);
    await store.close();
  });

  test(`${impl.name}: an unsubscribed watcher gets nothing more; close keeps what was appended`, async () => {
    const { store, reopen } = await impl.open();
    await store.append(batch('a'));
    await store.append(batch('b'));
    await store.append(batch('c'));
    const seen: string[] = [];
    const unsubscribe = store.watch(0, (b) => {
      seen.push(tagOf(b));
      unsubscribe();
    });
    await store.append(batch('d'));
    const witness = follow(store, 0);
    await witness.until(4);
    assert.deepEqual(seen, ['a'], 'the batches after the unsubscribe are never delivered');
    witness.unsubscribe();
    // An append in flight when close is called still completes and stays.
    const inFlight = store.append(batch('e'), { expectedOffset: 4 });
    await store.close();
    assert.deepEqual(await inFlight, { type: 'appended', baseOffset: 4 });
    await store.close();
    const again = await reopen();
    assert.deepEqual((await again.readAll()).map(tagOf), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(await follow(again, 3).until(2), ['3:d', '4:e']);
    await again.close();
  });
}
