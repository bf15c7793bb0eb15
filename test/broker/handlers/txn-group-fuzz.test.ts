// Mutated requests for the transaction and group APIs at every version, sent while a
// transaction is open (its id, producer id and epoch in the seeds, so mutations land on live
// state): every request that decodes is answered and its answer encodes, a normal client's
// transaction and group commit still work after, and the logs (topic `a`,
// `__consumer_offsets`, `__transaction_state`) replay whole after a restart. Deterministic: a
// seeded generator picks the mutations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dispatchContext,
  openInProcessBroker,
  seededRandom,
  type InProcessBroker,
} from './in-process-broker.js';
import {
  ErrorCode,
  Reader,
  apiByKey,
  encodeRecordBatchSync,
  readRequestHeader,
} from '../../../src/protocol/index.js';
import { MemoryMetadataLogStore } from '../../../src/metadata/index.js';
import { fetchBody, produceBody, valuesOf } from './data-helpers.js';
import { call, frameFor } from './frame-call.js';
import { waitFor } from '../../support/wait.js';

const CONFIG = {
  'group.initial.rebalance.delay.ms': '0',
  'transaction.state.log.num.partitions': '3',
  'offsets.topic.num.partitions': '3',
};

const txnBatch = (values: string[], pid: bigint, epoch: number, baseSequence: number) =>
  encodeRecordBatchSync(
    values.map((v) => ({ key: null, value: Buffer.from(v) })),
    { producerId: pid, producerEpoch: epoch, baseSequence, isTransactional: true, timestamp: 1 },
  );

interface Txn {
  id: string;
  pid: bigint;
  epoch: number;
}

/** A normal client's transaction: init, add a-0 and the group, produce, offsets, commit. */
async function transaction(broker: InProcessBroker, id: string, group: string): Promise<Txn> {
  const init = await call(broker, 22, 4, {
    transactionalId: id,
    transactionTimeoutMs: 60000,
    producerId: -1n,
    producerEpoch: -1,
    enable2Pc: false,
    keepPreparedTxn: false,
  });
  assert.equal(init.errorCode, ErrorCode.NONE);
  const t: Txn = { id, pid: init.producerId, epoch: init.producerEpoch };
  const added = await call(broker, 24, 3, {
    transactions: [],
    v3AndBelowTransactionalId: id,
    v3AndBelowProducerId: t.pid,
    v3AndBelowProducerEpoch: t.epoch,
    v3AndBelowTopics: [{ name: 'a', partitions: [0, 1] }],
  });
  for (const r of added.resultsByTopicV3AndBelow[0].resultsByPartition) {
    assert.equal(r.partitionErrorCode, ErrorCode.NONE);
  }
  const offsets = await call(broker, 25, 3, {
    transactionalId: id,
    producerId: t.pid,
    producerEpoch: t.epoch,
    groupId: group,
  });
  assert.equal(offsets.errorCode, ErrorCode.NONE);
  const produced = await call(
    broker,
    0,
    9,
    produceBody('a', [{ index: 0, records: txnBatch(['p', 'q'], t.pid, t.epoch, 0) }]),
  );
  assert.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  const committed = await call(broker, 28, 3, {
    transactionalId: id,
    groupId: group,
    producerId: t.pid,
    producerEpoch: t.epoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [
      {
        name: 'a',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 5n,
            committedLeaderEpoch: -1,
            committedMetadata: 'm',
          },
        ],
      },
    ],
  });
  assert.equal(committed.topics[0].partitions[0].errorCode, ErrorCode.NONE);
  return t;
}

function seeds(t: Txn, topicId: string): Record<number, unknown[]> {
  const producer = { producerId: t.pid, producerEpoch: t.epoch };
  const partitions = [
    { partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: 0, committedMetadata: 'x' },
  ];
  return {
    8: [
      {
        groupId: 'g',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [{ name: 'a', topicId, partitions }],
      },
    ],
    9: [
      {
        groupId: 'g',
        topics: [{ name: 'a', partitionIndexes: [0, 1] }],
        groups: [],
        requireStable: true,
      },
      {
        groupId: 'g',
        topics: [{ name: 'a', partitionIndexes: [0] }],
        groups: [],
        requireStable: false,
      },
      {
        groupId: '',
        topics: [],
        groups: [
          {
            groupId: 'g',
            memberId: null,
            memberEpoch: -1,
            topics: [{ name: 'a', topicId, partitionIndexes: [0] }],
          },
          { groupId: 'g2', memberId: null, memberEpoch: -1, topics: null },
        ],
        requireStable: true,
      },
    ],
    10: [
      { key: 'g', keyType: 0, coordinatorKeys: [] },
      { key: t.id, keyType: 1, coordinatorKeys: [] },
      { key: '', keyType: 1, coordinatorKeys: [t.id, 'g', ''] },
    ],
    11: [
      {
        groupId: 'cg',
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 100,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 0, 0, 0, 1, 0, 1, 97]) }],
        reason: null,
      },
    ],
    12: [{ groupId: 'cg', generationId: 1, memberId: 'm', groupInstanceId: null }],
    13: [
      { groupId: 'cg', memberId: 'm', members: [] },
      {
        groupId: 'cg',
        memberId: '',
        members: [{ memberId: 'm', groupInstanceId: 'i', reason: null }],
      },
      {
        groupId: 'cg',
        memberId: '',
        members: [{ memberId: 'm', groupInstanceId: null, reason: 'r' }],
      },
    ],
    14: [
      {
        groupId: 'cg',
        generationId: 1,
        memberId: 'm',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [{ memberId: 'm', assignment: Buffer.from([0, 1]) }],
      },
    ],
    15: [
      { groups: ['g', 'cg'], includeAuthorizedOperations: false },
      { groups: ['g', 'cg'], includeAuthorizedOperations: true },
    ],
    16: [
      { statesFilter: [], typesFilter: [] },
      { statesFilter: ['Stable', 'Empty'], typesFilter: [] },
      { statesFilter: ['Stable', 'Empty'], typesFilter: ['classic'] },
    ],
    22: [
      {
        transactionalId: t.id,
        transactionTimeoutMs: 60000,
        producerId: -1n,
        producerEpoch: -1,
        enable2Pc: false,
        keepPreparedTxn: false,
      },
      {
        transactionalId: t.id,
        transactionTimeoutMs: 60000,
        ...producer,
        enable2Pc: false,
        keepPreparedTxn: false,
      },
      {
        transactionalId: 'fresh',
        transactionTimeoutMs: 1000,
        producerId: -1n,
        producerEpoch: -1,
        enable2Pc: false,
        keepPreparedTxn: false,
      },
    ],
    24: [
      {
        transactions: [],
        v3AndBelowTransactionalId: t.id,
        v3AndBelowProducerId: t.pid,
        v3AndBelowProducerEpoch: t.epoch,
        v3AndBelowTopics: [{ name: 'a', partitions: [0, 1] }],
      },
      {
        transactions: [
          {
            transactionalId: t.id,
            ...producer,
            verifyOnly: false,
            topics: [{ name: 'a', partitions: [0, 1] }],
          },
          {
            transactionalId: 'other',
            ...producer,
            verifyOnly: true,
            topics: [{ name: 'a', partitions: [1] }],
          },
        ],
        v3AndBelowTransactionalId: '',
        v3AndBelowProducerId: 0n,
        v3AndBelowProducerEpoch: 0,
        v3AndBelowTopics: [],
      },
    ],
    25: [{ transactionalId: t.id, ...producer, groupId: 'g' }],
    26: [{ transactionalId: t.id, ...producer, committed: true }],
    27: [
      {
        markers: [
          {
            ...producer,
            transactionResult: false,
            topics: [{ name: 'a', partitionIndexes: [0, 1] }],
            coordinatorEpoch: 0,
            transactionVersion: 0,
          },
        ],
      },
    ],
    28: [
      {
        transactionalId: t.id,
        groupId: 'g',
        ...producer,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [{ name: 'a', partitions }],
      },
    ],
    42: [{ groupsNames: ['g', 'cg', 'nope'] }],
    47: [{ groupId: 'g', topics: [{ name: 'a', partitions: [{ partitionIndex: 0 }] }] }],
    61: [{ topics: [{ name: 'a', partitionIndexes: [0, 1] }] }],
    65: [{ transactionalIds: [t.id, 'nope', ''] }],
    66: [
      {
        stateFilters: [],
        producerIdFilters: [],
        durationFilter: -1n,
        transactionalIdPattern: null,
      },
      {
        stateFilters: ['Ongoing'],
        producerIdFilters: [],
        durationFilter: 5n,
        transactionalIdPattern: null,
      },
      {
        stateFilters: ['Ongoing'],
        producerIdFilters: [t.pid],
        durationFilter: 5n,
        transactionalIdPattern: 'tx.*',
      },
    ],
    68: [
      {
        groupId: 'kg',
        memberId: 'Zm9vYmFyYmF6cXV4MTIzNA',
        memberEpoch: 0,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: 1000,
        subscribedTopicNames: ['a'],
        subscribedTopicRegex: null,
        serverAssignor: 'uniform',
        topicPartitions: [],
      },
    ],
    69: [{ groupIds: ['kg', 'g'], includeAuthorizedOperations: true }],
  };
}

/** Mutations per seed and version (more when exploring). */
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 20);

/** Requests that may wait on other members (JoinGroup, SyncGroup). */
const MAY_WAIT = new Set([11, 14]);

test(
  'mutated transaction and group requests that decode are always answered',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rivulet-txn-fuzz-'));
    const store = new MemoryMetadataLogStore();
    try {
      let broker = await openInProcessBroker(dir, { config: CONFIG, store });
      const open = await transaction(broker, 'tx-fuzz', 'g');
      const next = seededRandom(Number(process.env.FUZZ_SEED ?? 11));
      let decoded = 0;
      const perApi = new Map<number, number>();
      const problems: (string | undefined)[] = [];
      const unseeded: string[] = [];
      for (const [key, bodies] of Object.entries(seeds(open, broker.topicId))) {
        const apiKey = Number(key);
        const handler = broker.registry.get(apiKey)!;
        const spec = apiByKey(apiKey)!;
        const from = handler.minServedVersion ?? handler.minVersion;
        for (let version = from; version <= handler.maxVersion; version++) {
          const frames = bodies.map((body) => frameFor(apiKey, version, body));
          if (frames.every((f) => f === null)) unseeded.push(`${handler.name} v${version}`);
          for (const built of frames) {
            if (built === null) continue;
            for (let i = 0; i < ROUNDS; i++) {
              const frame = Buffer.from(built.frame);
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
              const answer = broker.registry.dispatch(dispatchContext(apiKey, version), frame);
              if (!ok) {
                await answer.catch(() => undefined);
                continue;
              }
              decoded++;
              perApi.set(apiKey, (perApi.get(apiKey) ?? 0) + 1);
              const checked: Promise<string | undefined> = answer.then(
                (parts) =>
                  parts === null || parts.length === 0
                    ? `${handler.name} v${version} gave no answer`
                    : undefined,
                (err: unknown): string =>
                  `${handler.name} v${version} rejected ${frame.toString('hex')}: ${String(err)}`,
              );
              if (MAY_WAIT.has(apiKey)) {
                // Bounded by a (mutated) rebalance or session timeout, as in Kafka: checked if
                // answered by the end, never awaited.
                void checked.then((problem) => problems.push(problem));
              } else assert.equal(await checked, undefined);
            }
          }
        }
      }
      assert.deepEqual(unseeded, []);
      if (process.env.FUZZ_ROUNDS !== undefined) console.log(decoded, [...perApi]);
      // Some of the requests that may wait have been answered.
      await waitFor('an answer to a request that may wait', () => problems.length > 0);
      for (const problem of problems) assert.equal(problem, undefined);
      assert.ok(decoded > 500, `only ${decoded} mutated requests decoded`);
      for (const key of Object.keys(seeds(open, broker.topicId))) {
        assert.ok((perApi.get(Number(key)) ?? 0) > 0, `no mutated request of API ${key} decoded`);
      }

      // A normal client still works: a new transaction commits, its records and offsets show.
      const after = await transaction(broker, 'tx-after', 'g-after');
      const ended = await call(broker, 26, 3, {
        transactionalId: after.id,
        producerId: after.pid,
        producerEpoch: after.epoch,
        committed: true,
      });
      assert.equal(ended.errorCode, ErrorCode.NONE);
      await checkCommitted(broker, 'g-after');

      // Restart over the same logs: everything written above replays, including the mutated
      // transactional ids in __transaction_state and the offsets in __consumer_offsets.
      await broker.close();
      broker = await openInProcessBroker(dir, { config: CONFIG, store });
      await checkCommitted(broker, 'g-after');
      const again = await transaction(broker, 'tx-after', 'g-after');
      assert.equal(again.pid, after.pid);
      assert.equal(again.epoch, after.epoch + 1);
      await broker.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

async function checkCommitted(broker: InProcessBroker, group: string): Promise<void> {
  const fetched = await call(broker, 9, 7, {
    groupId: group,
    topics: [{ name: 'a', partitionIndexes: [0] }],
    groups: [],
    requireStable: true,
  });
  assert.equal(fetched.errorCode, ErrorCode.NONE);
  assert.equal(fetched.topics[0].partitions[0].errorCode, ErrorCode.NONE);
  assert.equal(fetched.topics[0].partitions[0].committedOffset, 5n);
  // read_committed reads topic `a` to its LSO, every batch whole.
  for (const partition of [0, 1]) {
    const res = await call(
      broker,
      1,
      12,
      fetchBody('a', [{ partition, fetchOffset: 0 }], { isolationLevel: 1 }),
    );
    const p = res.responses[0].partitions[0];
    assert.equal(p.errorCode, ErrorCode.NONE);
    valuesOf(p.records);
  }
}
