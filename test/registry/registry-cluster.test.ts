// The registry's durability and its writer election: a restart of the registry and of the
// broker keeps ids and versions (replayed from `_schemas`); with two instances, writes on
// the follower are forwarded to the leader, concurrent registrations never share an id, and
// the follower takes over when the leader goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSchemaRegistry } from '../../src/registry/index.js';
import { waitFor } from '../support/wait.js';
import { avro, call, startTestBroker } from './support/registry-fixture.js';

const schema = (n: number) =>
  avro({ type: 'record', name: `R${n}`, fields: [{ name: 'a', type: 'int' }] });

test(
  'a restart of registry and broker keeps ids, versions and configs',
  { timeout: 90_000 },
  async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-registry-'));
    t.after(() => rm(dataDir, { recursive: true, force: true }));
    let broker = await startTestBroker({ dataDir });
    let registry = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
    await call(registry.url, 'PUT', '/config/s', { compatibility: 'NONE' });
    for (const n of [1, 2, 3, 4])
      await call(registry.url, 'POST', '/subjects/s/versions', schema(n));
    await call(registry.url, 'DELETE', '/subjects/s/versions/1');
    const before = (await call(registry.url, 'GET', '/schemas?deleted=true')).body;
    await registry.close();
    await broker.close();

    broker = await startTestBroker({ dataDir });
    registry = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
    t.after(async () => {
      await registry.close();
      await broker.close();
    });
    assert.deepEqual((await call(registry.url, 'GET', '/schemas?deleted=true')).body, before);
    assert.deepEqual((await call(registry.url, 'GET', '/subjects/s/versions')).body, [2, 3, 4]);
    assert.deepEqual((await call(registry.url, 'GET', '/config/s')).body, {
      compatibilityLevel: 'NONE',
    });
    assert.deepEqual((await call(registry.url, 'POST', '/subjects/s/versions', schema(5))).body, {
      id: 5,
    });
  },
);

test(
  'two instances: one writer, forwarded writes, ids never collide, failover',
  { timeout: 90_000 },
  async (t) => {
    const broker = await startTestBroker();
    const a = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
    const b = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
    const closed = new Set<unknown>();
    t.after(async () => {
      for (const r of [a, b]) if (!closed.has(r)) await r.close();
      await broker.close();
    });
    await waitFor('one leader among two instances', () => a.isLeader() !== b.isLeader());
    const [leader, follower] = a.isLeader() ? [a, b] : [b, a];

    const forwarded = await call(follower.url, 'POST', '/subjects/f/versions', schema(1));
    assert.deepEqual(forwarded, { status: 200, body: { id: 1 } });
    await waitFor(
      'the leader to see the forwarded write',
      async () => (await call(leader.url, 'GET', '/schemas/ids/1')).status === 200,
    );
    const refused = await call(
      follower.url,
      'POST',
      '/subjects/f/versions',
      avro({
        type: 'record',
        name: 'R1',
        fields: [
          { name: 'a', type: 'int' },
          { name: 'b', type: 'int' },
        ],
      }),
    );
    assert.equal(refused.status, 409, 'the leader answer (an incompatible schema) is passed on');

    // Registrations on both instances at once: every schema gets its own id.
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(i % 2 === 0 ? a.url : b.url, 'POST', `/subjects/c${i}/versions`, schema(100 + i)),
      ),
    );
    const ids = answers.map((r) => r.body.id as number);
    assert.equal(new Set(ids).size, 30, `distinct ids: ${ids.join(',')}`);

    // The leader goes; the other instance is elected and continues the ids.
    await leader.close();
    closed.add(leader);
    await waitFor('the follower to become leader', () => follower.isLeader(), {
      timeoutMs: 30_000,
    });
    const next = await call(follower.url, 'POST', '/subjects/after/versions', schema(999));
    assert.equal(next.body.id, Math.max(...ids) + 1);
  },
);

test(
  'leader.eligibility=false: that instance never leads, it forwards',
  { timeout: 60_000 },
  async (t) => {
    const broker = await startTestBroker();
    const reader = await startSchemaRegistry({
      bootstrapServers: broker.bootstrap,
      port: 0,
      leaderEligibility: false,
    });
    const writer = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
    t.after(async () => {
      await reader.close();
      await writer.close();
      await broker.close();
    });
    await waitFor('the eligible instance to lead', () => writer.isLeader());
    assert.equal(reader.isLeader(), false);
    assert.deepEqual((await call(reader.url, 'POST', '/subjects/e/versions', schema(1))).body, {
      id: 1,
    });
    await waitFor(
      'the reader to replay the write',
      async () => (await call(reader.url, 'GET', '/subjects')).body.length === 1,
    );
  },
);
