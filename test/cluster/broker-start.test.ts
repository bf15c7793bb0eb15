// Brokers in cluster mode started in this process (startBroker with metadata.etcd.endpoints):
// waiting for an etcd that is not up yet, racks in the placement, and a broker that joins
// after the controller wrote a metadata snapshot.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger, startBroker, type Broker } from '../../src/index.js';
import { probeFreePort, startEtcd, type EtcdProcess } from '../../src/cli/cluster/etcd-process.js';
import { confluent, kcat } from '../interop/support/clients.js';
import { waitFor } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'rivulet-cluster-start-'));
const brokers: Broker[] = [];
const etcds: EtcdProcess[] = [];
after(async () => {
  for (const b of brokers) await b.close();
  for (const e of etcds) await e.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function etcdAt(name: string, clientPort?: number): Promise<EtcdProcess> {
  const etcd = await startEtcd({ dataDir: join(dir, name), clientPort });
  etcds.push(etcd);
  return etcd;
}

function start(nodeId: number, endpoint: string, config: Record<string, string | number> = {}) {
  return startBroker({
    port: 0,
    dataDir: join(dir, `${endpoint.replace(/\W/g, '')}-${nodeId}`),
    config: { 'node.id': nodeId, 'metadata.etcd.endpoints': endpoint, ...config },
  }).then((b) => {
    brokers.push(b);
    return b;
  });
}

test('a broker whose etcd is not up yet says so at ERROR, naming it, and starts once it is', async () => {
  const port = await probeFreePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const logger = memoryLogger('info');
  const starting = startBroker({
    port: 0,
    dataDir: join(dir, 'late-etcd'),
    logger,
    config: { 'node.id': 1, 'metadata.etcd.endpoints': endpoint },
  });
  await waitFor('an ERROR naming the etcd endpoint', () =>
    logger.records.some((r) => r.level === 'error' && r.message.includes(endpoint)),
  );
  await etcdAt('late', port);
  const broker = await starting;
  brokers.push(broker);
  const md = JSON.parse(await kcat(['-L', '-J', '-b', broker.bootstrap])) as {
    brokers: { id: number }[];
    controllerid: number;
  };
  assert.deepEqual(
    md.brokers.map((b) => b.id),
    [1],
  );
  assert.equal(md.controllerid, 1);
});

test('replicas are spread over racks; a broker joining after a snapshot sees everything', async () => {
  const etcd = await etcdAt('racks');
  const snapshotEvery = { 'metadata.etcd.snapshot.interval.batches': 3 };
  const logger = memoryLogger('info');
  const first = await startBroker({
    port: 0,
    dataDir: join(dir, 'racks-1'),
    logger,
    config: {
      'node.id': 1,
      'metadata.etcd.endpoints': etcd.endpoint,
      'broker.rack': 'a',
      ...snapshotEvery,
    },
  });
  brokers.push(first);
  await start(2, etcd.endpoint, { 'broker.rack': 'a', ...snapshotEvery });
  await start(3, etcd.endpoint, { 'broker.rack': 'b', ...snapshotEvery });
  await start(4, etcd.endpoint, { 'broker.rack': 'b', ...snapshotEvery });
  const bootstrap = brokers
    .slice(-4)
    .map((b) => b.bootstrap)
    .join(',');
  const created = await confluent<Record<string, string | null>>('admin', {
    bootstrap,
    op: 'create_topics',
    topics: [{ name: 'racked', partitions: 4, replication_factor: 2 }],
  });
  assert.deepEqual(created, { racked: null });
  const md = JSON.parse(await kcat(['-L', '-J', '-b', first.bootstrap, '-t', 'racked'])) as {
    topics: { partitions: { replicas: { id: number }[] }[] }[];
  };
  const rack = (id: number) => (id <= 2 ? 'a' : 'b');
  for (const p of md.topics[0]!.partitions) {
    const racks = new Set(p.replicas.map((r) => rack(r.id)));
    assert.equal(racks.size, 2, `replicas ${p.replicas.map((r) => r.id).join(',')} in two racks`);
  }
  await waitFor(
    'a metadata snapshot',
    () => logger.records.some((r) => r.message.includes('wrote a metadata snapshot')),
    { timeoutMs: 20_000 },
  );
  const late = await start(5, etcd.endpoint, snapshotEvery);
  const seen = JSON.parse(await kcat(['-L', '-J', '-b', late.bootstrap, '-t', 'racked'])) as {
    brokers: { id: number }[];
    topics: { partitions: unknown[] }[];
  };
  assert.deepEqual(seen.brokers.map((b) => b.id).sort(), [1, 2, 3, 4, 5]);
  assert.equal(seen.topics[0]!.partitions.length, 4);
});
