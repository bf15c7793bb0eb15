// AlterUserScramCredentials and DescribeUserScramCredentials: Kafka's per-user checks and error
// codes, and credentials that survive a restart (they are metadata records, replayed at start).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../../src/index.js';
import { Connection } from '../../../src/client/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';

const upsert = (name: string, mechanism: number, iterations = 4096) => ({
  name,
  mechanism,
  iterations,
  salt: Buffer.alloc(16, 7),
  saltedPassword: Buffer.alloc(mechanism === 2 ? 64 : 32, 9),
});

test('per-user checks: a user with any error has none of its changes applied', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const client = await ProtocolClient.connect(broker.port);
  t.after(() => client.close());
  const res = await client.request(51, 0, {
    deletions: [{ name: 'ghost', mechanism: 1 }],
    upsertions: [
      upsert('ok', 1),
      upsert('few', 1, 1000),
      upsert('many', 2, 20000),
      upsert('odd', 9),
      upsert('', 1),
      upsert('twice', 1),
      upsert('twice', 1),
      upsert('mixed', 2),
      upsert('mixed', 1, 10),
    ],
  });
  const codes = Object.fromEntries(
    res.results.map((r: { user: string; errorCode: number }) => [r.user, r.errorCode]),
  );
  assert.deepEqual(codes, {
    ghost: ErrorCode.RESOURCE_NOT_FOUND,
    ok: ErrorCode.NONE,
    few: ErrorCode.UNACCEPTABLE_CREDENTIAL,
    many: ErrorCode.UNACCEPTABLE_CREDENTIAL,
    odd: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
    '': ErrorCode.UNACCEPTABLE_CREDENTIAL,
    twice: ErrorCode.DUPLICATE_RESOURCE,
    mixed: ErrorCode.UNACCEPTABLE_CREDENTIAL,
  });
  const described = await client.request(50, 0, { users: null });
  assert.deepEqual(
    described.results.map((r: { user: string }) => r.user),
    ['ok'],
  );
  const dup = await client.request(50, 0, { users: [{ name: 'ok' }, { name: 'ok' }] });
  assert.equal(dup.results[0].errorCode, ErrorCode.DUPLICATE_RESOURCE);
});

test('SCRAM credentials survive a restart and still log in', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-scram-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const config = {
    listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
    'sasl.enabled.mechanisms': 'SCRAM-SHA-256',
  };
  let broker = await startBroker({ dataDir, config });
  const { Admin } = await import('../../../src/client/index.js');
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.alterUserScramCredentials([
    { user: 'kept', mechanism: 'SCRAM-SHA-256', password: 'kept-secret', iterations: 5000 },
  ]);
  admin.close();
  await broker.close();
  broker = await startBroker({ dataDir, config });
  t.after(() => broker.close());
  const sasl = broker.listeners.find((l) => l.name === 'SASL_PLAINTEXT')!.port;
  const conn = await Connection.connect('127.0.0.1', sasl, {
    sasl: { mechanism: 'SCRAM-SHA-256', username: 'kept', password: 'kept-secret' },
  });
  conn.close();
  const again = new Admin({ bootstrapServers: broker.bootstrap });
  t.after(() => again.close());
  assert.deepEqual(await again.describeUserScramCredentials(), [
    { user: 'kept', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 5000 }] },
  ]);
});
