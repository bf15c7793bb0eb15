// SASL principals meet ACLs and quotas: a broker with a SASL_PLAINTEXT listener (PLAIN for the
// administrator from the listener's JAAS config, SCRAM-SHA-512 for everyone else), Kafka's
// StandardAuthorizer and super.users=User:admin. The administrator creates SCRAM users, ACLs
// and a user quota with `rivulet configs` and `rivulet acls` over --command-config, as the
// walkthrough in docs/security.md does; confluent-kafka-python authenticated as alice may write
// under the `orders` prefix and nothing else, bob without ACLs sees no topics, and alice's
// producer_byte_rate throttles her SCRAM-authenticated producer (librdkafka's throttle_cb).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../src/index.js';
import { runCli } from '../cli/tools/run-cli.js';
import { run } from './support/clients.js';

const ADMIN_JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
  'username="admin" password="admin-secret" user_admin="admin-secret";';

let broker: Broker;
let dir: string;
let adminConfig: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rivulet-security-e2e-'));
  broker = await startBroker({
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': ADMIN_JAAS,
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
      'auto.create.topics.enable': false,
      'quota.window.num': 2,
      'quota.window.size.seconds': 1,
    },
  });
  adminConfig = join(dir, 'admin.properties');
  await writeFile(
    adminConfig,
    'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n' +
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ' +
      'username="admin" password="admin-secret";\n',
  );
});

after(async () => {
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});

/** `rivulet <tool>` as the administrator; fails the test unless it exits 0. */
async function asAdmin(tool: string, ...args: string[]): Promise<string> {
  const r = await runCli(
    [tool, '--bootstrap-server', broker.bootstrap, '--command-config', adminConfig, ...args],
    { timeoutMs: 60_000 },
  );
  assert.equal(r.code, 0, `rivulet ${tool} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// One confluent-kafka-python session as a SCRAM user: the topics Metadata shows it, then
// (optionally) produce `count` records of `size` bytes to each topic, with the delivery errors
// and every throttle_time_ms librdkafka reports.
const CLIENT = `
import json, sys
from confluent_kafka import Producer
a = json.loads(sys.argv[1])
throttles = []
p = Producer({'bootstrap.servers': a['bootstrap'], 'security.protocol': 'SASL_PLAINTEXT',
              'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': a['user'],
              'sasl.password': a['password'], 'message.timeout.ms': 30000, 'log_level': 0,
              'linger.ms': 0, 'throttle_cb': lambda e: throttles.append(e.throttle_time * 1000)})
topics = sorted(t for t in p.list_topics(timeout=20).topics if not t.startswith('__'))
reports = []
for topic in a.get('topics', []):
    for _ in range(a.get('count', 1)):
        p.produce(topic, b'x' * a.get('size', 1), on_delivery=lambda err, msg: reports.append(
            {'topic': msg.topic(), 'error': None if err is None else err.name()}))
        p.poll(0)
p.flush(60)
print(json.dumps({'topics': topics, 'reports': reports, 'throttles': throttles}))
`;

interface Session {
  topics: string[];
  reports: { topic: string; error: string | null }[];
  throttles: number[];
}

async function asUser(args: object): Promise<Session> {
  const r = await run('/usr/bin/python3', ['-c', CLIENT, JSON.stringify(args)], {
    timeoutMs: 120_000,
  });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Session;
}

test('SCRAM users, prefixed ACLs and a user quota work together', async (t) => {
  for (const [user, password] of [
    ['alice', 'alice-secret'],
    ['bob', 'bob-secret'],
  ]) {
    await asAdmin(
      'configs',
      '--alter',
      '--entity-type',
      'users',
      '--entity-name',
      user!,
      '--add-config',
      `SCRAM-SHA-512=[iterations=8192,password=${password}]`,
    );
  }
  await asAdmin('topics', '--create', '--topic', 'orders-1', '--partitions', '1');
  await asAdmin('topics', '--create', '--topic', 'payments', '--partitions', '1');
  const added = await asAdmin(
    'acls',
    '--add',
    '--allow-principal',
    'User:alice',
    '--operation',
    'Write',
    '--operation',
    'Describe',
    '--topic',
    'orders',
    '--resource-pattern-type',
    'prefixed',
  );
  assert.match(added, /name=orders, patternType=PREFIXED/);
  const listed = await asAdmin('acls', '--list', '--principal', 'User:alice');
  assert.match(listed, /principal=User:alice, host=\*, operation=WRITE, permissionType=ALLOW/);

  await t.test('alice writes under the prefix and is refused payments', async () => {
    const s = await asUser({
      bootstrap: broker.bootstrap,
      user: 'alice',
      password: 'alice-secret',
      topics: ['orders-1', 'payments'],
    });
    assert.deepEqual(s.topics, ['orders-1']);
    const byTopic = new Map(s.reports.map((r) => [r.topic, r.error]));
    assert.equal(byTopic.get('orders-1'), null);
    assert.equal(byTopic.get('payments'), 'TOPIC_AUTHORIZATION_FAILED');
  });

  await t.test('bob, authenticated but without ACLs, sees no topics', async () => {
    const s = await asUser({ bootstrap: broker.bootstrap, user: 'bob', password: 'bob-secret' });
    assert.deepEqual(s.topics, []);
  });

  await t.test("alice's producer_byte_rate throttles her SCRAM producer", async () => {
    await asAdmin(
      'configs',
      '--alter',
      '--entity-type',
      'users',
      '--entity-name',
      'alice',
      '--add-config',
      // Credentials and quotas in one --add-config, as kafka-configs.sh accepts them.
      'SCRAM-SHA-512=[iterations=8192,password=alice-secret],producer_byte_rate=10240',
    );
    const described = await asAdmin('configs', '--describe', '--entity-type', 'users');
    assert.match(
      described,
      /^Quota configs for user-principal 'alice' are producer_byte_rate=10240\.0$/m,
    );
    assert.match(
      described,
      /^SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-512=iterations=8192$/m,
    );
    assert.match(
      described,
      /^SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-512=iterations=8192$/m,
    );
    const s = await asUser({
      bootstrap: broker.bootstrap,
      user: 'alice',
      password: 'alice-secret',
      topics: ['orders-1'],
      count: 40,
      size: 1024,
    });
    assert.ok(
      s.reports.every((r) => r.error === null),
      JSON.stringify(s.reports.filter((r) => r.error !== null)),
    );
    assert.equal(s.reports.length, 40);
    assert.ok(
      s.throttles.some((ms) => ms > 0),
      `throttle_time_ms seen: ${s.throttles.join(',')}`,
    );
  });
});
