// A whole broker (real sockets, partition logs in memory) on SimulatedEnvironment: time moves
// only when the test advances it, so session timeouts and retention play out at once, without
// waiting in real time (each test's timeout is far shorter than the times it simulates).
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import {
  createJoinGroupRequest,
  createSyncGroupRequest,
  ErrorCode,
} from '../../src/protocol/index.js';
import { SimulatedEnvironment } from '../../src/util/index.js';
import { createTopics, setup, test } from './handlers/harness.js';
import { batch, produceBody } from './handlers/data-helpers.js';
import type { ProtocolClient } from '../support/protocol-client.js';

/** Event-loop turns a wait may take before it fails (IO still runs for real). */
const MAX_TURNS = 20_000;

/** Waits, without moving simulated time, until `check` holds; fails with `what` if it never does. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < MAX_TURNS; i++) {
    if (await check()) return;
    await turn();
  }
  assert.fail(`never happened: ${what}`);
}

/** Resolves `work`, advancing simulated time by `stepMs` whenever it is still waiting. */
async function drive<T>(env: SimulatedEnvironment, work: Promise<T>, stepMs: number): Promise<T> {
  let done = false;
  const settled = work.finally(() => (done = true));
  for (let i = 0; i < MAX_TURNS && !done; i++) {
    for (let t = 0; t < 20 && !done; t++) await turn();
    if (!done) env.advance(stepMs);
  }
  return settled;
}

async function describeGroup(client: ProtocolClient, groupId: string) {
  const res = await client.request(15, 5, {
    groups: [groupId],
    includeAuthorizedOperations: false,
  });
  return res.groups[0] as { errorCode: number; groupState: string; members: unknown[] };
}

test('a classic member whose session.timeout.ms passes on the simulated clock leaves its group', async () => {
  const env = new SimulatedEnvironment({ seed: 42 });
  const { client } = await setup({ environment: env });
  const sessionTimeoutMs = 45_000;
  const join = (memberId: string) =>
    client.request(
      11,
      7,
      createJoinGroupRequest({
        groupId: 'g',
        memberId,
        protocolType: 'consumer',
        sessionTimeoutMs,
        rebalanceTimeoutMs: 60_000,
        protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
      }),
    );
  const first = await join('');
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  const memberId: string = first.memberId;
  // The first join of a new group waits group.initial.rebalance.delay.ms (3 s) of simulated time.
  const joined = await drive(env, join(memberId), 100);
  assert.deepEqual([joined.errorCode, joined.leader], [0, memberId]);
  const synced = await client.request(
    14,
    5,
    createSyncGroupRequest({
      groupId: 'g',
      memberId,
      generationId: joined.generationId,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId, assignment: Buffer.from('all') }],
    }),
  );
  assert.equal(synced.errorCode, 0);
  const stable = await describeGroup(client, 'g');
  assert.deepEqual([stable.groupState, stable.members.length], ['Stable', 1]);

  // No heartbeat: just short of the session timeout the member is still there.
  env.advance(sessionTimeoutMs - 1);
  const before = await describeGroup(client, 'g');
  assert.deepEqual([before.groupState, before.members.length], ['Stable', 1]);

  env.advance(1);
  await until('the expired member removed and the group rebalanced to Empty', async () => {
    const g = await describeGroup(client, 'g');
    return g.groupState === 'Empty' && g.members.length === 0;
  });
  const heartbeat = await client.request(12, 4, {
    groupId: 'g',
    generationId: joined.generationId,
    memberId,
    groupInstanceId: null,
  });
  assert.equal(heartbeat.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('records past retention.ms are deleted when the retention check fires on the simulated clock', async () => {
  const env = new SimulatedEnvironment({ seed: 7 });
  const retentionCheckMs = 300_000;
  const { client } = await setup({
    environment: env,
    config: { 'log.retention.check.interval.ms': retentionCheckMs },
  });
  // Small segments: every batch rolls a new one, so all but the last can be deleted.
  await createTopics(client, [
    { name: 'r', configs: { 'retention.ms': '60000', 'segment.bytes': '100' } },
  ]);
  for (const value of ['a', 'b', 'c']) {
    const res = await client.request(
      0,
      9,
      produceBody('r', [{ index: 0, records: batch([value], { timestamp: env.nowMs() }) }], {
        acks: 1,
      }),
    );
    assert.equal(res.responses[0].partitionResponses[0].errorCode, 0);
  }
  const earliest = async (): Promise<bigint> => {
    const res = await client.request(2, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        { name: 'r', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] },
      ],
    });
    return res.topics[0].partitions[0].offset as bigint;
  };
  assert.equal(await earliest(), 0n);

  // Past retention.ms, but before the check: nothing is deleted yet.
  env.advance(60_001);
  for (let i = 0; i < 50; i++) await turn();
  assert.equal(await earliest(), 0n);

  env.advance(retentionCheckMs - 60_001);
  await until(
    'the two closed segments deleted by retention',
    async () => (await earliest()) === 2n,
  );
});
