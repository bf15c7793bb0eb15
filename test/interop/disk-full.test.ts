// A full disk under a `rivulet start` process, on a real (8 MiB tmpfs) file system: the broker
// keeps running, answers KAFKA_STORAGE_ERROR to produce (as confluent-kafka-python reports
// it) and NOT_COORDINATOR to offset commits, serves reads, logs the condition once, stops
// with exit code 0 on SIGTERM, starts again while the disk is still full, and takes writes
// again as soon as space returns, without a restart. Every acknowledged record survives.
// Mounting needs root on Linux (CI runs as root); elsewhere the test is skipped.
import { test, type TestContext } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ErrorCode,
  createFindCoordinatorRequest,
  createOffsetCommitRequest,
  type FindCoordinatorResponse,
  type OffsetCommitResponse,
} from '../../src/protocol/index.js';
import { confluent, kcat } from './support/clients.js';
import { ProtocolClient } from '../support/protocol-client.js';
import { startRivulet, type RivuletProcess } from './support/rivulet-process.js';

const TOPIC = 'disk-full';
/** Larger than a page, so a record never fits in what is left of a file's last page. */
const VALUE_BYTES = 5000;
const FAILING = /writes to log dir \S+ fail \(/g;

interface Report {
  error: string | null;
  partition: number;
  offset: number;
  key: string | null;
}

/** Mounts an 8 MiB tmpfs on a new folder; a string says why it cannot be done here. */
async function mountTmpfs(): Promise<{ dir: string } | string> {
  if (process.platform !== 'linux') return 'a tmpfs mount needs Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (CI runs as root)';
  const dir = await mkdtemp(join(tmpdir(), 'rivulet-disk-full-'));
  // spawnSync: mount and umount take no input and return at once.
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    return `cannot mount a tmpfs: ${r.stderr.trim()}`;
  }
  return { dir };
}

async function unmount(dir: string): Promise<void> {
  spawnSync('umount', [dir]);
  await rm(dir, { recursive: true, force: true });
}

/** Writes zeros to `path` until the file system is full (ENOSPC). */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of [Buffer.alloc(64 * 1024), Buffer.alloc(512)]) {
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

function messages(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    key: `k${from + i}`,
    value: `v${from + i}:`.padEnd(VALUE_BYTES, 'x'),
    partition: 0,
  }));
}

/**
 * Produces without retries (KAFKA_STORAGE_ERROR is retriable), one report per message. The
 * messages travel as one command-line argument, so at most 20 (100 KB) per call.
 */
async function produce(bootstrap: string, from: number, count: number): Promise<Report[]> {
  const { reports } = await confluent<{ reports: Report[] }>('produce', {
    bootstrap,
    topic: TOPIC,
    config: { acks: 'all', retries: 0, 'linger.ms': 0 },
    messages: messages(from, count),
  });
  assert.equal(reports.length, count);
  return reports;
}

/** Every record of the partition, read with kcat from the start to the end. */
async function readAll(bootstrap: string) {
  const out = await kcat(
    ['-b', bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-J'],
    undefined,
    60_000,
  );
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { offset: number; key: string | null; payload: string });
}

/** The records read must be exactly the acknowledged ones, in order, each once. */
async function assertAcknowledged(bootstrap: string, acked: Map<number, string>) {
  const read = await readAll(bootstrap);
  assert.deepEqual(
    read.map((r) => [r.offset, r.key]),
    [...acked].map(([offset, key]) => [offset, key]),
  );
  for (const r of read) assert.equal(r.payload, `v${r.key!.slice(1)}:`.padEnd(VALUE_BYTES, 'x'));
}

/** OffsetCommit v8 of a standalone consumer (no member); metadata larger than a page. */
async function commitOffset(port: number, offset: bigint): Promise<number> {
  const conn = await ProtocolClient.connect(port);
  try {
    await conn.request<FindCoordinatorResponse>(
      10,
      4,
      createFindCoordinatorRequest({ keyType: 0, coordinatorKeys: ['g'] }),
    );
    const response = await conn.request<OffsetCommitResponse>(
      8,
      8,
      createOffsetCommitRequest({
        groupId: 'g',
        topics: [
          {
            name: TOPIC,
            topicId: '00000000-0000-0000-0000-000000000000',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: offset,
                committedLeaderEpoch: -1,
                committedMetadata: 'm'.repeat(4000),
              },
            ],
          },
        ],
      }),
    );
    return response.topics[0]!.partitions[0]!.errorCode;
  } finally {
    await conn.end();
  }
}

/** Commits until the coordinator has loaded its partition (it is created on first use). */
async function commitWhenLoaded(port: number, offset: bigint): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const code = await commitOffset(port, offset);
    const loading =
      code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ||
      code === ErrorCode.COORDINATOR_NOT_AVAILABLE ||
      code === ErrorCode.NOT_COORDINATOR;
    if (!loading || attempt === 50) return code;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function countFailing(broker: RivuletProcess): number {
  return broker.stderr().match(FAILING)?.length ?? 0;
}

async function withTmpfs(t: TestContext, use: (dir: string) => Promise<void>): Promise<void> {
  const mounted = await mountTmpfs();
  if (typeof mounted === 'string') {
    t.skip(mounted);
    return;
  }
  try {
    await use(mounted.dir);
  } finally {
    await unmount(mounted.dir);
  }
}

test('a full disk: storage errors, reads, one log line, SIGTERM, restart while full, recovery when space returns', async (t) => {
  await withTmpfs(t, async (mount) => {
    const dataDir = join(mount, 'data');
    const filler = join(mount, 'filler');
    let broker = await startRivulet(dataDir);
    const acked = new Map<number, string>();
    try {
      const created = await confluent('admin', {
        bootstrap: broker.bootstrap,
        op: 'create_topics',
        topics: [{ name: TOPIC, partitions: 1 }],
      });
      assert.deepEqual(created, { [TOPIC]: null });
      for (const from of [0, 20, 40]) {
        for (const r of await produce(broker.bootstrap, from, 20)) {
          assert.equal(r.error, null);
          acked.set(r.offset, r.key!);
        }
      }
      // Creates __consumer_offsets while there is room.
      assert.equal(await commitWhenLoaded(broker.port, 10n), ErrorCode.NONE);

      fillDisk(filler);
      for (let round = 0; round < 2; round++) {
        const reports = await produce(broker.bootstrap, 1000 + round * 10, 10);
        assert.deepEqual(
          reports.map((r) => r.error),
          Array(10).fill('KAFKA_STORAGE_ERROR'),
        );
      }
      // Kafka's coordinator answers a storage error on its log as NOT_COORDINATOR.
      assert.equal(await commitOffset(broker.port, 20n), ErrorCode.NOT_COORDINATOR);
      await assertAcknowledged(broker.bootstrap, acked);
      assert.equal(countFailing(broker), 1, broker.stderr());
      assert.match(broker.stderr(), /fail \(append: ENOSPC: no space left on device/);
      assert.equal(await broker.stop('SIGTERM'), 0, broker.stderr());
      // Not everything could be written: the next start checks the logs as after a crash.
      assert.equal(existsSync(join(dataDir, '.kafka_cleanshutdown')), false);

      // Still full: it starts, serves reads, and still refuses writes.
      broker = await startRivulet(dataDir);
      await assertAcknowledged(broker.bootstrap, acked);
      const refused = await produce(broker.bootstrap, 2000, 5);
      assert.deepEqual(
        refused.map((r) => r.error),
        Array(5).fill('KAFKA_STORAGE_ERROR'),
      );
      assert.equal(countFailing(broker), 1, broker.stderr());

      // Space returns: the next writes succeed, no restart.
      unlinkSync(filler);
      for (const r of await produce(broker.bootstrap, 3000, 20)) {
        assert.equal(r.error, null);
        acked.set(r.offset, r.key!);
      }
      assert.equal(await commitOffset(broker.port, 30n), ErrorCode.NONE);
      assert.match(broker.stderr(), /writes to log dir \S+ succeed again/);
      await assertAcknowledged(broker.bootstrap, acked);
      assert.equal(await broker.stop('SIGTERM'), 0, broker.stderr());
      assert.equal(existsSync(join(dataDir, '.kafka_cleanshutdown')), true);

      // And after a clean restart, everything acknowledged is there, once and in order.
      broker = await startRivulet(dataDir);
      await assertAcknowledged(broker.bootstrap, acked);
      assert.equal(await broker.stop('SIGTERM'), 0, broker.stderr());
    } finally {
      if (broker.child.exitCode === null && broker.child.signalCode === null) {
        await broker.stop('SIGKILL');
      }
    }
  });
});
