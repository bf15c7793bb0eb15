// HTTP Basic authentication passed through to Kafka: a broker with SASL (PLAIN for the
// administrator from its JAAS config, SCRAM-SHA-512 for users created over the admin API) and
// Kafka's StandardAuthorizer; a proxy with authentication.method=BASIC whose callers' users and
// passwords become the SASL credentials of clients it keeps per principal. curl -u is the
// caller: no credentials and wrong ones are 401s, and alice and bob, with different ACLs, get
// what their ACLs allow and 403 40301 for the rest.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '../../src/client/index.js';
import { startBroker, type Broker } from '../../src/index.js';
import { RestProxy } from '../../src/rest/index.js';
import { run } from '../interop/support/clients.js';
import { waitFor } from '../support/wait.js';

const ADMIN_JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
  'username="admin" password="admin-secret" user_admin="admin-secret";';

let broker: Broker;
let admin: Admin;
let proxy: RestProxy;
let c: string;

before(async () => {
  broker = await startBroker({
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': ADMIN_JAAS,
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
      'auto.create.topics.enable': false,
      'group.initial.rebalance.delay.ms': 0,
    },
  });
  admin = new Admin({
    bootstrapServers: broker.bootstrap,
    sasl: { mechanism: 'PLAIN', username: 'admin', password: 'admin-secret' },
  });
  await admin.connect();
  await admin.alterUserScramCredentials([
    { user: 'admin', mechanism: 'SCRAM-SHA-512', password: 'admin-secret' },
    { user: 'alice', mechanism: 'SCRAM-SHA-512', password: 'alice-secret' },
    { user: 'bob', mechanism: 'SCRAM-SHA-512', password: 'bob-secret' },
  ]);
  await admin.createTopics([
    { name: 'orders', numPartitions: 1, replicationFactor: 1 },
    { name: 'payroll', numPartitions: 1, replicationFactor: 1 },
  ]);
  const allow =
    (principal: string, resourceType: 'TOPIC' | 'GROUP', name: string) =>
    (operation: 'READ' | 'WRITE' | 'DESCRIBE') => ({
      resourceType,
      resourceName: name,
      patternType: 'LITERAL' as const,
      principal,
      host: '*',
      operation,
      permissionType: 'ALLOW' as const,
    });
  const errors = await admin.createAcls([
    ...(['WRITE', 'READ', 'DESCRIBE'] as const).map(allow('User:alice', 'TOPIC', 'orders')),
    allow('User:alice', 'GROUP', 'alice-readers')('READ'),
    allow('User:bob', 'TOPIC', 'orders')('DESCRIBE'),
    allow('User:bob', 'TOPIC', 'payroll')('DESCRIBE'),
  ]);
  assert.deepEqual(
    errors,
    errors.map(() => null),
  );
  proxy = await RestProxy.start({
    config: {
      'bootstrap.servers': broker.bootstrap,
      listeners: 'http://127.0.0.1:0',
      'authentication.method': 'BASIC',
      'client.security.protocol': 'SASL_PLAINTEXT',
      'client.sasl.mechanism': 'SCRAM-SHA-512',
      'authentication.clients.idle.timeout.ms': '1000',
    },
  });
  const clusters = await curl('admin:admin-secret', 'GET', '/v3/clusters');
  c = `/v3/clusters/${clusters.body.data[0].cluster_id}`;
});

after(async () => {
  await proxy.close();
  admin.close();
  await broker.close();
});

/** curl as `user:password` (null: no credentials); the status, the headers and the JSON body. */
async function curl(userPassword: string | null, method: string, path: string, body?: unknown) {
  const args = ['-s', '-D', '-', '-X', method, `${proxy.url}${path}`];
  if (userPassword !== null) args.push('-u', userPassword);
  if (body !== undefined) {
    const type = path.startsWith('/topics')
      ? 'application/vnd.kafka.binary.v2+json'
      : path.startsWith('/consumers')
        ? 'application/vnd.kafka.v2+json'
        : 'application/json';
    args.push('-H', `Content-Type: ${type}`);
    args.push('--data', JSON.stringify(body));
  }
  const r = await run('curl', args);
  assert.equal(r.code, 0, r.stderr);
  const [head, ...rest] = r.stdout.split('\r\n\r\n');
  const text = rest.join('\r\n\r\n');
  const status = Number(/^HTTP\/[\d.]+ (\d+)/.exec(head!)![1]);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let parsed: any = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status, head: head!, body: parsed };
}

test('no credentials: 401 with a Basic challenge; a wrong password: 401 40101', async () => {
  const none = await curl(null, 'GET', `${c}/topics`);
  assert.equal(none.status, 401);
  assert.deepEqual(none.body, { error_code: 401, message: 'Unauthorized' });
  assert.match(none.head, /www-authenticate: Basic realm="KafkaRest"/i);
  const wrong = await curl('alice:not-her-password', 'GET', `${c}/topics`);
  assert.equal(wrong.status, 401, JSON.stringify(wrong.body));
  assert.equal(wrong.body.error_code, 40101);
  const unknown = await curl('mallory:secret', 'GET', '/topics');
  assert.equal(unknown.status, 401);
  assert.equal(unknown.body.error_code, 40101);
});

test('each user sees and writes what its ACLs allow; the rest is 403 40301', async () => {
  const aliceTopics = await curl('alice:alice-secret', 'GET', `${c}/topics`);
  assert.deepEqual(
    aliceTopics.body.data.map((t: { topic_name: string }) => t.topic_name),
    ['orders'],
  );
  const bobTopics = await curl('bob:bob-secret', 'GET', '/topics');
  assert.deepEqual(bobTopics.body, ['orders', 'payroll']);

  const record = { value: { type: 'STRING', data: 'order-1' } };
  const written = await curl('alice:alice-secret', 'POST', `${c}/topics/orders/records`, record);
  assert.equal(written.status, 200, JSON.stringify(written.body));
  assert.equal(written.body.error_code, 200);
  const refused = await curl('bob:bob-secret', 'POST', `${c}/topics/orders/records`, record);
  assert.equal(refused.status, 403, JSON.stringify(refused.body));
  assert.equal(refused.body.error_code, 40301);

  // API v2 as Confluent's answers it: 403 40301, with each record's outcome.
  const v2Refused = await curl('bob:bob-secret', 'POST', '/topics/orders', {
    records: [{ value: 'eA==' }],
  });
  assert.equal(v2Refused.status, 403, JSON.stringify(v2Refused.body));
  assert.equal(v2Refused.body.error_code, 40301);
  assert.equal(v2Refused.body.offsets[0].error_code, 40301);

  // ACLs through the proxy: the administrator may, alice may not.
  const acl = {
    resource_type: 'TOPIC',
    resource_name: 'payroll',
    pattern_type: 'LITERAL',
    principal: 'User:bob',
    host: '*',
    operation: 'READ',
    permission: 'ALLOW',
  };
  const byAlice = await curl('alice:alice-secret', 'POST', `${c}/acls`, acl);
  assert.equal(byAlice.status, 403, JSON.stringify(byAlice.body));
  assert.equal(byAlice.body.error_code, 40301);
  const byAdmin = await curl('admin:admin-secret', 'POST', `${c}/acls`, acl);
  assert.equal(byAdmin.status, 201, JSON.stringify(byAdmin.body));
  const bobAcls = await curl('admin:admin-secret', 'GET', `${c}/acls?principal=User:bob`);
  assert.deepEqual(
    bobAcls.body.data.map(
      (a: { resource_name: string; operation: string }) => `${a.resource_name} ${a.operation}`,
    ),
    ['orders DESCRIBE', 'payroll READ', 'payroll DESCRIBE'],
  );
});

test('v2 consumer instances connect as their creator and belong to it alone', async () => {
  const created = await curl('alice:alice-secret', 'POST', '/consumers/alice-readers', {
    name: 'a1',
    format: 'binary',
    'auto.offset.reset': 'earliest',
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const at = '/consumers/alice-readers/instances/a1';
  const sub = await curl('alice:alice-secret', 'POST', `${at}/subscription`, {
    topics: ['orders'],
  });
  assert.equal(sub.status, 204);
  const records: { value: string }[] = [];
  await waitFor(
    'alice polls the record she wrote',
    async () => {
      const r = await curl('alice:alice-secret', 'GET', `${at}/records?timeout=500`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      records.push(...(r.body as { value: string }[]));
      return records.length > 0;
    },
    { timeoutMs: 30_000 },
  );
  assert.equal(Buffer.from(records[0]!.value, 'base64').toString(), 'order-1');
  const asBob = await curl('bob:bob-secret', 'GET', `${at}/records`);
  assert.equal(asBob.status, 404);
  assert.equal(asBob.body.error_code, 40403);

  // bob's own consumer in a group he may not read: the broker refuses, 403 40301.
  await curl('bob:bob-secret', 'POST', '/consumers/bob-readers', { name: 'b1' });
  const bobAt = '/consumers/bob-readers/instances/b1';
  await curl('bob:bob-secret', 'POST', `${bobAt}/subscription`, { topics: ['orders'] });
  const bobPoll = await curl('bob:bob-secret', 'GET', `${bobAt}/records?timeout=500`);
  assert.equal(bobPoll.status, 403, JSON.stringify(bobPoll.body));
  assert.equal(bobPoll.body.error_code, 40301);
  assert.equal((await curl('alice:alice-secret', 'DELETE', at)).status, 204);
  assert.equal((await curl('bob:bob-secret', 'DELETE', bobAt)).status, 204);
});

test('a principal’s clients are closed once idle and opened again on its next request', async () => {
  assert.ok(proxy.principalClients > 0);
  await waitFor(
    'every principal’s clients to close when idle',
    () => proxy.principalClients === 0,
    {
      timeoutMs: 30_000,
    },
  );
  const again = await curl('alice:alice-secret', 'GET', '/topics');
  assert.deepEqual(again.body, ['orders']);
  assert.equal(proxy.principalClients, 1);
});

test('without Basic authentication the proxy connects as client.sasl.jaas.config says', async () => {
  const own = await RestProxy.start({
    config: {
      'bootstrap.servers': broker.bootstrap,
      listeners: 'http://127.0.0.1:0',
      'client.security.protocol': 'SASL_PLAINTEXT',
      'client.sasl.mechanism': 'SCRAM-SHA-512',
      'client.sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required ' +
        'username="alice" password="alice-secret";',
    },
  });
  try {
    const r = await run('curl', ['-s', `${own.url}/topics`]);
    assert.deepEqual(JSON.parse(r.stdout), ['orders']);
  } finally {
    await own.close();
  }
  // Basic credentials can only be passed on over SASL; a SASL protocol needs credentials.
  await assert.rejects(
    RestProxy.start({
      config: { 'bootstrap.servers': broker.bootstrap, 'authentication.method': 'BASIC' },
    }),
    /SASL_PLAINTEXT or SASL_SSL/,
  );
  await assert.rejects(
    RestProxy.start({
      config: {
        'bootstrap.servers': broker.bootstrap,
        listeners: 'http://127.0.0.1:0',
        'client.security.protocol': 'SASL_PLAINTEXT',
      },
    }),
    /client.sasl.jaas.config/,
  );
});
