// docs/rest-proxy.md's examples, run as they are written (curl and jq in bash, one session,
// REST set to a proxy started here), with what each prints checked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Admin } from '../../src/client/index.js';
import { startBroker, type Broker } from '../../src/index.js';
import { RestProxy } from '../../src/rest/index.js';
import { startSchemaRegistry, type RegistryServer } from '../../src/registry/index.js';
import { run } from '../interop/support/clients.js';
import { startBrokerAndProxy, type RestFixture } from './support/rest-fixture.js';

const DOC = fileURLToPath(new URL('../../../docs/rest-proxy.md', import.meta.url));
const MARK = '#### end of example';

let broker: Broker;
let registry: RegistryServer;
let f: RestFixture;
before(async () => {
  broker = await startBroker({ port: 0, config: { 'group.initial.rebalance.delay.ms': 0 } });
  registry = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
  f = await startBrokerAndProxy({ broker, proxyConfig: { 'schema.registry.url': registry.url } });
});
after(async () => {
  await f.close();
  await registry.close();
  await broker.close();
});

/** The ```sh blocks of the doc, in order: before its Security section, or from it on. */
function shellBlocks(part: 'plain' | 'security' = 'plain'): string[] {
  const whole = readFileSync(DOC, 'utf8');
  const at = whole.indexOf('\n## Security\n');
  assert.ok(at > 0, 'the doc has a Security section');
  const text = part === 'plain' ? whole.slice(0, at) : whole.slice(at);
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Runs blocks in one bash session with REST set; what each block printed, trimmed. */
async function runBlocks(blocks: string[], rest: string): Promise<string[]> {
  const script = ['set -e', `export REST=${rest}`, ...blocks.map((b) => `${b}\necho '${MARK}'`)];
  const r = await run('bash', ['-c', script.join('\n')], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `bash exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout.split(`${MARK}\n`).map((o) => o.trim());
}

test('the curl examples of docs/rest-proxy.md run and print what they say', async () => {
  const blocks = shellBlocks();
  assert.equal(blocks.length, 12);
  const out = await runBlocks(blocks, f.proxy.url);
  assert.equal(out[0], f.clusterId);
  assert.deepEqual(JSON.parse(out[1]!), { topic_name: 'orders', partitions_count: 3 });
  assert.equal(out[2], '204\n86400000');
  assert.deepEqual(JSON.parse(out[3]!), { error_code: 200, partition_id: 0, offset: 0 });
  assert.equal(out[4], '{"error_code":200,"offset":1}\n{"error_code":200,"offset":2}');
  assert.equal(
    out[5],
    '[{"partition":0,"offset":3,"error_code":null,"error":null}]\n' +
      '[{"partition":0,"offset":4,"error_code":null,"error":null}]',
  );
  assert.deepEqual(out[6]!.split('\n'), [
    JSON.stringify({
      instance_id: 'reader-1',
      base_uri: `${f.proxy.url}/consumers/order-readers/instances/reader-1`,
    }),
    '204',
  ]);
  assert.equal(
    out[7],
    [
      '0 {"item":"book","qty":2}',
      '1 order-2',
      '2 order-3',
      '3 confluent',
      '4 {"item":"pen","qty":1}',
    ].join('\n'),
  );
  assert.equal(out[8], '204\n204');
  assert.deepEqual(JSON.parse(out[9]!), { max_lag: 0, total_lag: 0 });
  assert.deepEqual(JSON.parse(out[10]!), { error_code: 200, offset: 0, type: 'AVRO' });
  assert.deepEqual(out[11]!.split('\n'), [
    '[1,true]',
    '{"amount":5,"note":null}',
    '{"amount":7,"note":{"string":"tip"}}',
  ]);
});

const ADMIN_JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
  'username="admin" password="admin-secret" user_admin="admin-secret";';

test('the Security examples run against a SASL cluster with ACLs behind a Basic-auth proxy', async (t) => {
  const secured = await startBroker({
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': ADMIN_JAAS,
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
      'auto.create.topics.enable': false,
    },
  });
  const admin = new Admin({
    bootstrapServers: secured.bootstrap,
    sasl: { mechanism: 'PLAIN', username: 'admin', password: 'admin-secret' },
  });
  let proxy: RestProxy | null = null;
  t.after(async () => {
    await proxy?.close();
    admin.close();
    await secured.close();
  });
  await admin.connect();
  await admin.alterUserScramCredentials([
    { user: 'admin', mechanism: 'SCRAM-SHA-512', password: 'admin-secret' },
    { user: 'alice', mechanism: 'SCRAM-SHA-512', password: 'alice-secret' },
  ]);
  proxy = await RestProxy.start({
    config: {
      'bootstrap.servers': secured.bootstrap,
      listeners: 'http://127.0.0.1:0',
      'authentication.method': 'BASIC',
      'client.security.protocol': 'SASL_PLAINTEXT',
      'client.sasl.mechanism': 'SCRAM-SHA-512',
    },
  });
  const blocks = shellBlocks('security');
  assert.equal(blocks.length, 4);
  const out = await runBlocks(blocks, proxy.url);
  assert.equal(out[0], '401\n40101');
  assert.deepEqual(out[1]!.split('\n'), [
    '201',
    '204',
    '["audit-","PREFIXED","WRITE","ALLOW"]',
    '["audit-","PREFIXED","DESCRIBE","ALLOW"]',
  ]);
  assert.deepEqual(out[2]!.split('\n'), ['{"error_code":200,"offset":0}', '40301']);
  assert.equal(out[3], '["WRITE","DESCRIBE"]');
});
