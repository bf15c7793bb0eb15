// The group coordinator: time for 10 consumers to join and be assigned, offset commits per
// second, and the time to load 100k committed offsets from __consumer_offsets on disk.
// Ratios are against baselines measured in this run: heartbeats of the same members (the
// cheapest group request), encoding the commit records alone, and reading the same log bytes
// without decoding them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import { ReplicaManager } from '../../../src/broker/partition/index.js';
import {
  CONSUMER_OFFSETS_TOPIC,
  ConsumerOffsetsLog,
  GroupCoordinator,
  MemoryCoordinatorLog,
  offsetCommitRecord,
  type CoordinatorLog,
} from '../../../src/broker/group/index.js';
import { SimulatedEnvironment } from '../../../src/util/index.js';
import { LogManager } from '../../../src/storage/index.js';
import { createJoinGroupRequest, createOffsetCommitRequest } from '../../../src/protocol/index.js';

const client = { clientId: 'bench', clientHost: '/127.0.0.1', apiVersion: 9 };
const TOPIC = 'orders';
const BROKER = resolveBrokerConfig(new Map([['log.dirs', tmpdir()]])).config!;
const TOPIC_ID = '00000000-0000-0000-0000-0000000000c0';

async function coordinator(log: CoordinatorLog, partitions = 50): Promise<GroupCoordinator> {
  const c = new GroupCoordinator({
    log,
    environment: new SimulatedEnvironment(),
    config: { groupInitialRebalanceDelayMs: 0, offsetsTopicNumPartitions: partitions },
  });
  await c.load();
  return c;
}

/** 10 members join (two steps each), the leader assigns, all sync: milliseconds per group. */
async function joinTen(c: GroupCoordinator, groupId: string): Promise<string[]> {
  const join = (memberId: string) =>
    c.joinGroup(
      createJoinGroupRequest({
        groupId,
        memberId,
        protocolType: 'consumer',
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 10000,
        protocols: [{ name: 'range', metadata: Buffer.alloc(32) }],
      }),
      client,
    );
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) ids.push((await join('')).memberId);
  const joined = await Promise.all(ids.map((id) => join(id)));
  const generationId = joined[0]!.generationId;
  const leader = joined.find((r) => r.members.length > 0)!.memberId;
  const assignments = ids.map((memberId) => ({ memberId, assignment: Buffer.alloc(16) }));
  await Promise.all(
    ids.map((memberId) =>
      c.syncGroup(
        {
          groupId,
          memberId,
          generationId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocolName: 'range',
          assignments: memberId === leader ? assignments : [],
        },
        client,
      ),
    ),
  );
  return ids;
}

async function benchJoin(): Promise<void> {
  const c = await coordinator(new MemoryCoordinatorLog());
  const groups = 2000;
  let t0 = performance.now();
  const members: string[][] = [];
  for (let g = 0; g < groups; g++) members.push(await joinTen(c, `g${g}`));
  const joinMs = (performance.now() - t0) / groups;
  t0 = performance.now();
  for (let g = 0; g < groups; g++) {
    for (const memberId of members[g]!) {
      c.heartbeat({ groupId: `g${g}`, memberId, generationId: 1, groupInstanceId: null });
    }
  }
  const heartbeatMs = (performance.now() - t0) / groups;
  console.log(
    `10 consumers join and are assigned: ${(joinMs * 1000).toFixed(1)} µs per group ` +
      `(${(joinMs / heartbeatMs).toFixed(1)}x the 10 heartbeats of the same members)`,
  );
  c.close();
}

async function benchCommits(log: CoordinatorLog, label: string, count: number): Promise<number> {
  const c = await coordinator(log);
  const request = (i: number) =>
    createOffsetCommitRequest({
      groupId: `g${i % 100}`,
      generationIdOrMemberEpoch: -1,
      topics: [
        {
          name: TOPIC,
          topicId: '00000000-0000-0000-0000-000000000000',
          partitions: [
            {
              partitionIndex: i % 10,
              committedOffset: BigInt(i),
              committedLeaderEpoch: 0,
              committedMetadata: '',
            },
          ],
        },
      ],
    });
  const t0 = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    inFlight.push(c.commitOffsets(request(i), 8));
    if (inFlight.length >= 64) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  const perSecond = count / ((performance.now() - t0) / 1000);
  console.log(`offset commits (${label}): ${Math.round(perSecond)}/s`);
  c.close();
  return perSecond;
}

function benchRecordEncode(count: number): number {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    offsetCommitRecord(`g${i % 100}`, TOPIC, i % 10, {
      offset: BigInt(i),
      leaderEpoch: 0,
      metadata: '',
      commitTimestampMs: 0,
      expireTimestampMs: null,
    });
  }
  return count / ((performance.now() - t0) / 1000);
}

async function withLogs<T>(
  fn: (logs: LogManager, log: ConsumerOffsetsLog) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-bench-groups-'));
  const logs = await LogManager.open({ logDirs: [dir] });
  // The coordinator writes and loads through the replica manager, as in a broker.
  const replicas = new ReplicaManager({ logs, broker: BROKER });
  for (let p = 0; p < 50; p++) {
    await replicas.ensurePartition(
      { topic: CONSUMER_OFFSETS_TOPIC, partition: p, topicId: TOPIC_ID, leaderEpoch: 0 },
      new Map([['cleanup.policy', 'compact']]),
    );
  }
  const log = new ConsumerOffsetsLog(replicas);
  try {
    return await fn(logs, log);
  } finally {
    await replicas.close();
    await logs.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchLoad(): Promise<void> {
  const OFFSETS = 100_000;
  await withLogs(async (logs, log) => {
    // One partition holding 100 groups × 1000 partitions, written 1000 offsets per batch.
    const c = await coordinator(log, 1);
    for (let g = 0; g < 100; g++) {
      const partitions = Array.from({ length: 1000 }, (_, p) => ({
        partitionIndex: p,
        committedOffset: BigInt(p),
        committedLeaderEpoch: 0,
        committedMetadata: 'm',
      }));
      await c.commitOffsets(
        createOffsetCommitRequest({
          groupId: `g${g}`,
          generationIdOrMemberEpoch: -1,
          topics: [{ name: TOPIC, topicId: '00000000-0000-0000-0000-000000000000', partitions }],
        }),
        8,
      );
    }
    c.close();
    const partitionLog = logs.getLog('__consumer_offsets', 0)!;
    let t0 = performance.now();
    let bytes = 0;
    for (let offset = 0; offset < partitionLog.logEndOffset;) {
      const r = await partitionLog.read(offset, { maxBytes: 4 * 1024 * 1024 });
      if (r.records.length === 0) break;
      bytes += r.records.length;
      // Advance past the last whole batch read.
      let pos = 0;
      let last = offset;
      while (pos + 61 <= r.records.length) {
        const base = Number(r.records.readBigInt64BE(pos));
        const size = r.records.readInt32BE(pos + 8) + 12;
        last = base + r.records.readInt32BE(pos + 23) + 1;
        pos += size;
      }
      offset = last;
    }
    const rawMs = performance.now() - t0;
    t0 = performance.now();
    const loaded = await coordinator(log, 1);
    const loadMs = performance.now() - t0;
    if (loaded.stats.offsets !== OFFSETS) throw new Error(`loaded ${loaded.stats.offsets} offsets`);
    loaded.close();
    console.log(
      `load 100k committed offsets (${(bytes / 1048576).toFixed(1)} MiB): ${loadMs.toFixed(0)} ms ` +
        `(${(loadMs / rawMs).toFixed(1)}x reading the same bytes without decoding, ${rawMs.toFixed(0)} ms)`,
    );
  });
}

await benchJoin();
const encodePerSecond = benchRecordEncode(200_000);
console.log(`baseline, encoding offset commit records: ${Math.round(encodePerSecond)}/s`);
const memory = await benchCommits(new MemoryCoordinatorLog(), 'memory log', 100_000);
console.log(`  ratio to the baseline: ${(memory / encodePerSecond).toFixed(2)}`);
const disk = await withLogs((_, log) =>
  benchCommits(log, '__consumer_offsets on disk, 64 in flight', 20_000),
);
console.log(`  ratio to the baseline: ${(disk / encodePerSecond).toFixed(2)}`);
await benchLoad();
