// API v3 ACLs against a broker with Kafka's StandardAuthorizer: create one and a batch, search
// with Confluent's query filters, delete by filter, the answers' shapes and order, bad input,
// and the ACLs taking effect for a client; a broker without an authorizer answers 400 40002.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaError, Producer } from '../../src/client/index.js';
import { startBroker, type Broker } from '../../src/index.js';
import { startBrokerAndProxy, type RestFixture } from './support/rest-fixture.js';

let broker: Broker;
let f: RestFixture;
let acls: string;
before(async () => {
  broker = await startBroker({
    port: 0,
    config: {
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
      'auto.create.topics.enable': false,
    },
    // Plaintext clients act as the user their client id names; the proxy is the administrator.
    principalBuilder: (session) =>
      session.clientId === 'rest-proxy' ? 'User:admin' : `User:${session.clientId ?? 'ANONYMOUS'}`,
  });
  f = await startBrokerAndProxy({ broker });
  acls = `/v3/clusters/${f.clusterId}/acls`;
});
after(async () => {
  await f.close();
  await broker.close();
});

const ALICE_WRITE = {
  resource_type: 'TOPIC',
  resource_name: 'acl-',
  pattern_type: 'PREFIXED',
  principal: 'User:alice',
  host: '*',
  operation: 'WRITE',
  permission: 'ALLOW',
};

test('create one ACL, a batch, and search them with the query filters', async () => {
  const created = await f.call('POST', acls, { body: ALICE_WRITE });
  assert.equal(created.status, 201, created.text);
  const batch = await f.call('POST', `${acls}:batch`, {
    body: {
      data: [
        { ...ALICE_WRITE, operation: 'describe' },
        {
          resource_type: 'GROUP',
          resource_name: 'readers',
          pattern_type: 'LITERAL',
          principal: 'User:bob',
          host: '*',
          operation: 'READ',
          permission: 'ALLOW',
        },
        {
          resource_type: 'TOPIC',
          resource_name: 'acl-secret',
          pattern_type: 'LITERAL',
          principal: 'User:alice',
          host: '*',
          operation: 'ALL',
          permission: 'DENY',
        },
      ],
    },
  });
  assert.equal(batch.status, 204, batch.text);

  const all = await f.call('GET', acls);
  assert.equal(all.status, 200, all.text);
  assert.equal(all.body.kind, 'KafkaAclList');
  assert.equal(
    all.body.metadata.self,
    `${f.proxy.url}${acls}?resource_type=ANY&resource_name=&pattern_type=ANY&principal=&host=&operation=ANY&permission=ANY`,
  );
  const rows = all.body.data.map(
    (a: Record<string, string>) =>
      `${a.resource_type} ${a.resource_name} ${a.pattern_type} ${a.principal} ${a.operation} ${a.permission}`,
  );
  // Confluent's order: resource type (TOPIC before GROUP, as Kafka numbers them), name, ...
  assert.deepEqual(rows, [
    'TOPIC acl- PREFIXED User:alice WRITE ALLOW',
    'TOPIC acl- PREFIXED User:alice DESCRIBE ALLOW',
    'TOPIC acl-secret LITERAL User:alice ALL DENY',
    'GROUP readers LITERAL User:bob READ ALLOW',
  ]);
  const first = all.body.data[0];
  assert.equal(first.kind, 'KafkaAcl');
  assert.equal(first.cluster_id, f.clusterId);
  assert.equal(first.host, '*');
  assert.equal(
    first.metadata.self,
    `${f.proxy.url}${acls}?resource_type=TOPIC&resource_name=acl-&pattern_type=PREFIXED&principal=User%3Aalice&host=*&operation=WRITE&permission=ALLOW`,
  );

  const bob = await f.call('GET', `${acls}?principal=User:bob`);
  assert.deepEqual(
    bob.body.data.map((a: { resource_name: string }) => a.resource_name),
    ['readers'],
  );
  const denies = await f.call('GET', `${acls}?resource_type=topic&permission=DENY`);
  assert.deepEqual(
    denies.body.data.map((a: { resource_name: string }) => a.resource_name),
    ['acl-secret'],
  );
  // MATCH finds the prefixed ACL that covers a topic name.
  const matching = await f.call(
    'GET',
    `${acls}?resource_type=TOPIC&resource_name=acl-orders&pattern_type=MATCH&operation=WRITE`,
  );
  assert.deepEqual(
    matching.body.data.map((a: { resource_name: string }) => a.resource_name),
    ['acl-'],
  );
});

test('the ACLs decide what a client may do; DELETE removes what the filters match', async () => {
  await f.call('POST', `/v3/clusters/${f.clusterId}/topics`, {
    body: { topic_name: 'acl-orders', partitions_count: 1 },
  });
  const alice = new Producer({
    bootstrapServers: broker.bootstrap,
    clientId: 'alice',
    idempotent: false,
  });
  await alice.connect();
  try {
    const sent = await alice.send({ topic: 'acl-orders', value: Buffer.from('ok') });
    assert.equal(sent.offset, 0n);

    const deleted = await f.call(
      'DELETE',
      `${acls}?resource_type=TOPIC&resource_name=acl-&pattern_type=PREFIXED&principal=User:alice&operation=WRITE`,
    );
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(
      deleted.body.data.map((a: { kind: string; operation: string }) => [a.kind, a.operation]),
      [['KafkaAcl', 'WRITE']],
    );
    const left = await f.call('GET', `${acls}?principal=User:alice`);
    assert.deepEqual(
      left.body.data.map((a: { operation: string }) => a.operation),
      ['DESCRIBE', 'ALL'],
    );
    await assert.rejects(
      alice.send({ topic: 'acl-orders', value: Buffer.from('refused') }),
      (err: unknown) => err instanceof KafkaError && err.name === 'TOPIC_AUTHORIZATION_FAILED',
    );
  } finally {
    await alice.close();
  }
  const none = await f.call('DELETE', `${acls}?principal=User:nobody`);
  assert.deepEqual(none.body, { data: [] });
});

test('bad ACLs and filters are 400s; another cluster id is 404', async () => {
  const cases: [string, string, unknown][] = [
    ['POST', acls, { ...ALICE_WRITE, resource_type: 'ANY' }],
    ['POST', acls, { ...ALICE_WRITE, pattern_type: 'MATCH' }],
    ['POST', acls, { ...ALICE_WRITE, operation: 'FLY' }],
    ['POST', acls, { ...ALICE_WRITE, principal: undefined }],
    ['POST', `${acls}:batch`, { acls: [] }],
    ['GET', `${acls}?resource_type=UNKNOWN`, undefined],
    ['DELETE', `${acls}?permission=MAYBE`, undefined],
  ];
  for (const [method, path, body] of cases) {
    const r = await f.call(method, path, body === undefined ? {} : { body });
    assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.body.error_code, 400);
    assert.equal(typeof r.body.message, 'string');
  }
  const other = await f.call('GET', '/v3/clusters/another/acls');
  assert.equal(other.status, 404);
});

test('a cluster without an authorizer answers 400 40002 (security disabled)', async () => {
  const plain = await startBrokerAndProxy();
  try {
    const r = await plain.call('GET', `/v3/clusters/${plain.clusterId}/acls`);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error_code, 40002);
  } finally {
    await plain.close();
  }
});
