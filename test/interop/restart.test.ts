// Restarts of a `rivulet start` process over the same data directory: a graceful stop
// (SIGTERM) keeps topics, configs and every record; a kill -9 while producing with acks=all
// loses nothing that was acknowledged, and the recovered log is intact and continues.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeRecordBatchSync,
  type CreateTopicsResponse,
  type ProduceResponse,
} from '../../src/protocol/index.js';
import { confluent, kcat } from './support/clients.js';
import { checkLogs } from './support/log-check.js';
import { ProtocolClient } from '../support/protocol-client.js';
import { startRivulet } from './support/rivulet-process.js';
import { waitFor } from '../support/wait.js';

interface Report {
  error: string | null;
  partition: number;
  offset: number;
  key: string | null;
}
interface Message {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

async function withDataDir(use: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rivulet-restart-'));
  try {
    await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every record of `partition`, read with kcat from the start to the end. */
async function readPartition(bootstrap: string, topic: string, partition: number) {
  const out = await kcat(
    ['-b', bootstrap, '-C', '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-J'],
    undefined,
    60_000,
  );
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { offset: number; key: string | null; payload: string });
}

test('SIGTERM, start again: topics, configs and every record are back', async () => {
  await withDataDir(async (dataDir) => {
    const topic = 'restart-graceful';
    let broker = await startRivulet(dataDir);
    let bootstrap = broker.bootstrap;
    try {
      const created = await confluent('admin', {
        bootstrap,
        op: 'create_topics',
        topics: [{ name: topic, partitions: 3, config: { 'retention.ms': '86400000' } }],
      });
      assert.deepEqual(created, { [topic]: null });
      const messages = Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
      const { reports } = await confluent<{ reports: Report[] }>('produce', {
        bootstrap,
        topic,
        config: { acks: 'all' },
        messages,
      });
      assert.equal(reports.filter((r) => r.error === null).length, 300);
      assert.equal(await broker.stop('SIGTERM'), 0);
      await access(join(dataDir, '.kafka_cleanshutdown'));

      broker = await startRivulet(dataDir);
      bootstrap = broker.bootstrap;
      const configs = await confluent<Record<string, { value: string }>>('admin', {
        bootstrap,
        op: 'describe_configs',
        name: topic,
      });
      assert.equal(configs['retention.ms']?.value, '86400000');
      const { messages: read } = await confluent<{ messages: Message[] }>('consume', {
        bootstrap,
        topic,
        offsets: { 0: 0, 1: 0, 2: 0 },
        count: 300,
        stop_at_eof: true,
      });
      const byKey = new Map(reports.map((r) => [r.key, r]));
      assert.equal(read.length, 300);
      for (const m of read) {
        const r = byKey.get(m.key);
        assert.deepEqual(
          [m.partition, m.offset, m.value],
          [r?.partition, r?.offset, `v${m.key!.slice(1)}`],
        );
      }
      // Appends continue after the recovered end.
      const more = await confluent<{ reports: Report[] }>('produce', {
        bootstrap,
        topic,
        config: { acks: 'all' },
        messages: [{ key: 'after', value: 'restart', partition: 0 }],
      });
      const before = reports.filter((r) => r.partition === 0).length;
      assert.deepEqual(
        more.reports.map((r) => [r.error, r.offset]),
        [[null, before]],
      );
    } finally {
      await broker.stop('SIGTERM');
    }
    const logs = await checkLogs(dataDir);
    assert.deepEqual(logs.problems, []);
  });
});

interface Acked {
  partition: number;
  baseOffset: number;
  values: string[];
}

/**
 * Produces batches of `BATCH` records with acks=-1, `WINDOW` requests in flight, alternating
 * partitions, until the connection breaks. Returns what was acknowledged.
 */
async function produceUntilBroken(port: number, topic: string, partitions: number) {
  const BATCH = 20;
  const WINDOW = 4;
  const conn = await ProtocolClient.connect(port);
  const acked: Acked[] = [];
  const sent = new Set<string>();
  const errors: number[] = [];
  let seq = 0;
  let broken = false;
  const one = async (): Promise<void> => {
    while (!broken) {
      const partition = seq % partitions;
      const values = Array.from({ length: BATCH }, (_, i) => `p${partition}-${seq}-${i}`);
      seq++;
      values.forEach((v) => sent.add(v));
      const records = encodeRecordBatchSync(values.map((v) => ({ value: Buffer.from(v) })));
      try {
        const response = await conn.request<ProduceResponse>(0, 9, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 10_000,
          topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
        });
        const p = response.responses[0]!.partitionResponses[0]!;
        if (p.errorCode === 0) acked.push({ partition, baseOffset: Number(p.baseOffset), values });
        else errors.push(p.errorCode);
      } catch {
        broken = true;
      }
    }
  };
  return { done: Promise.all(Array.from({ length: WINDOW }, one)), acked, sent, errors };
}

test('kill -9 while producing with acks=all: everything acknowledged survives', async () => {
  await withDataDir(async (dataDir) => {
    const topic = 'restart-crash';
    const partitions = 2;
    let broker = await startRivulet(dataDir);
    try {
      const conn = await ProtocolClient.connect(broker.port);
      const created = await conn.request<CreateTopicsResponse>(19, 7, {
        topics: [
          {
            name: topic,
            numPartitions: partitions,
            replicationFactor: 1,
            assignments: [],
            configs: [],
          },
        ],
        timeoutMs: 10_000,
        validateOnly: false,
      });
      assert.equal(created.topics[0]?.errorCode, 0);
      await conn.end();

      const load = await produceUntilBroken(broker.port, topic, partitions);
      // Let acknowledgements accumulate, then crash with requests in flight.
      await waitFor('50 acknowledged batches', () => load.acked.length >= 50);
      assert.equal(await broker.stop('SIGKILL'), null);
      await load.done;
      assert.deepEqual(load.errors, [], 'produce error codes before the crash');

      broker = await startRivulet(dataDir);
      for (let partition = 0; partition < partitions; partition++) {
        const read = await readPartition(broker.bootstrap, topic, partition);
        assert.deepEqual(
          read.map((m) => m.offset),
          read.map((_, i) => i),
          `partition ${partition}: offsets are dense from 0`,
        );
        for (const m of read) assert.ok(load.sent.has(m.payload), `unexpected record ${m.payload}`);
        for (const a of load.acked.filter((x) => x.partition === partition)) {
          const got = read
            .slice(a.baseOffset, a.baseOffset + a.values.length)
            .map((m) => m.payload);
          assert.deepEqual(got, a.values, `acknowledged batch at ${partition}/${a.baseOffset}`);
        }
      }
      // The recovered log takes new appends at its end.
      const after = await produceUntilBroken(broker.port, topic, partitions);
      await waitFor(
        '4 acknowledged batches after the restart',
        () => after.acked.length >= 4 || after.errors.length > 0,
      );
      assert.deepEqual(after.errors, []);
    } finally {
      await broker.stop('SIGTERM');
    }
    const logs = await checkLogs(dataDir);
    assert.deepEqual(logs.problems, []);
    assert.ok(logs.batches >= 50, `${logs.batches} batches`);
  });
});
