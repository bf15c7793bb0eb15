// consumer-groups --describe on a KIP-848 group (ConsumerGroupDescribe): one member is ours,
// the other @platformatic/kafka with group.protocol=consumer in its own process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../../src/index.js';
import { Admin, GroupConsumer, Producer } from '../../../src/client/index.js';
import { platformaticProcessMember } from '../../interop/support/group-members.js';
import { runCli } from './run-cli.js';
import { waitFor } from '../../support/wait.js';

test(
  'consumer-groups describes a KIP-848 group of a Rivulet and a @platformatic/kafka member',
  { timeout: 60_000 },
  async (t) => {
    const broker = await startBroker({
      config: { 'group.consumer.heartbeat.interval.ms': 200 },
    });
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    const ours = new GroupConsumer({
      bootstrapServers: broker.bootstrap,
      groupId: 'mixed848',
      groupProtocol: 'consumer',
      autoOffsetReset: 'earliest',
      clientId: 'rivulet-member',
      fetchMaxWaitMs: 100,
    });
    const theirs = platformaticProcessMember({
      bootstrap: broker.bootstrap,
      group: 'mixed848',
      topic: 'k848',
      groupProtocol: 'consumer',
    });
    t.after(async () => {
      await Promise.all([ours.close({ timeoutMs: 3000 }), theirs.stop()]);
      admin.close();
      await broker.close();
    });
    await admin.connect();
    await admin.createTopics([{ name: 'k848', numPartitions: 4 }]);
    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    await producer.connect();
    await producer.sendBatch(
      Array.from({ length: 8 }, (_, i) => ({ topic: 'k848', partition: i % 4, value: `v${i}` })),
    );
    await producer.close();

    await ours.connect();
    ours.subscribe(['k848']);
    const records = ours.records();
    // Keep consuming so that revocations are acknowledged as an application would.
    void (async () => {
      for (;;) if ((await records.next()).done === true) return;
    })().catch(() => {});
    await waitFor(
      'both members to own two partitions',
      () => ours.assignment().length === 2 && theirs.assigned.length === 2,
    );
    await ours.commit();

    const [d] = await admin.describeGroups(['mixed848']);
    assert.equal(d!.type, 'consumer');
    assert.equal(d!.members.length, 2);
    assert.deepEqual(
      d!.members.map((m) => m.assignment.length),
      [2, 2],
    );
    assert.ok(d!.members.every((m) => m.subscribedTopicNames?.includes('k848')));

    const bs = ['--bootstrap-server', broker.bootstrap];
    const state = await runCli([
      'consumer-groups',
      ...bs,
      '--describe',
      '--group',
      'mixed848',
      '--state',
      '--verbose',
    ]);
    assert.equal(state.code, 0, state.stderr);
    const [header, row] = state.stdout.trim().split('\n');
    assert.match(header!, /^GROUP\s+ASSIGNMENT-STRATEGY\s+STATE\s+#MEMBERS\s+GROUP-EPOCH/);
    assert.match(row!, /^mixed848\s+\S+\s+Stable\s+2\s+\d+\s+\d+$/);

    const members = await runCli([
      'consumer-groups',
      ...bs,
      '--describe',
      '--group',
      'mixed848',
      '--members',
      '--verbose',
    ]);
    assert.equal(members.code, 0, members.stderr);
    const memberRows = members.stdout.trim().split('\n').slice(1);
    assert.equal(memberRows.length, 2, members.stdout);
    assert.ok(
      memberRows.some((r) => r.includes('rivulet-member')),
      members.stdout,
    );
    for (const r of memberRows) assert.match(r, /\s2\s+\d+\s+k848\(\d,\d\)\s+\d+\s+k848\(\d,\d\)$/);

    const offsets = await runCli(['consumer-groups', ...bs, '--describe', '--group', 'mixed848']);
    assert.equal(offsets.code, 0, offsets.stderr);
    const partitionRows = offsets.stdout.trim().split('\n').slice(1);
    assert.equal(partitionRows.length, 4, offsets.stdout);
    // Every partition has an owner (CONSUMER-ID), ours or theirs.
    const ids = new Set(d!.members.map((m) => m.memberId));
    assert.ok(
      partitionRows.every((r) => ids.has(r.split(/\s+/)[6]!)),
      offsets.stdout,
    );
  },
);
