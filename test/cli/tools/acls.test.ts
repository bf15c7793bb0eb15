// `rivulet acls` as a spawned process against a broker with Kafka's StandardAuthorizer: --add
// with principals, operations and pattern types, --producer / --consumer, --list (all, by
// resource, by principal) and --remove --force, printed as kafka-acls.sh prints them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../../src/index.js';
import { runCli } from './run-cli.js';

test('acls: add, list, convenience flags and remove', { timeout: 120_000 }, async (t) => {
  const broker = await startBroker({
    port: 0,
    config: {
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
    },
    // Every connection of this test is the super user.
    principalBuilder: () => 'User:admin',
  });
  t.after(() => broker.close());
  const acls = (...args: string[]) =>
    runCli(['acls', '--bootstrap-server', broker.bootstrap, ...args]);

  let r = await acls(
    '--add',
    '--allow-principal',
    'User:alice',
    '--operation',
    'Read',
    '--operation',
    'Describe',
    '--topic',
    't',
    '--group',
    'g',
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^Adding ACLs for resource `ResourcePattern\(resourceType=TOPIC, name=t, patternType=LITERAL\)`: \n \t\(principal=User:alice, host=\*, operation=READ, permissionType=ALLOW\) \n/m,
  );
  assert.match(
    r.stdout,
    /Current ACLs for resource `ResourcePattern\(resourceType=GROUP, name=g, patternType=LITERAL\)`: /,
  );

  r = await acls(
    '--add',
    '--deny-principal',
    'User:bob',
    '--deny-host',
    '10.0.0.1',
    '--operation',
    'Write',
    '--topic',
    'pay',
    '--resource-pattern-type',
    'prefixed',
  );
  assert.equal(r.code, 0, r.stderr);
  r = await acls(
    '--add',
    '--allow-principal',
    'User:carol',
    '--producer',
    '--topic',
    'orders',
    '--transactional-id',
    'tx',
    '--idempotent',
  );
  assert.equal(r.code, 0, r.stderr);
  r = await acls(
    '--add',
    '--allow-principal',
    'User:dave',
    '--consumer',
    '--topic',
    'orders',
    '--group',
    'readers',
  );
  assert.equal(r.code, 0, r.stderr);

  r = await acls('--list');
  assert.equal(r.code, 0, r.stderr);
  for (const line of [
    '(principal=User:bob, host=10.0.0.1, operation=WRITE, permissionType=DENY)',
    '(principal=User:carol, host=*, operation=IDEMPOTENT_WRITE, permissionType=ALLOW)',
    '(principal=User:carol, host=*, operation=CREATE, permissionType=ALLOW)',
    '(principal=User:dave, host=*, operation=READ, permissionType=ALLOW)',
  ]) {
    assert.ok(r.stdout.includes(line), `--list shows ${line}`);
  }
  assert.match(r.stdout, /ResourcePattern\(resourceType=TOPIC, name=pay, patternType=PREFIXED\)/);

  // --list of a topic with pattern type match: the literal ACLs and the prefixes covering it.
  r = await acls('--list', '--topic', 'payments', '--resource-pattern-type', 'match');
  assert.match(r.stdout, /name=pay, patternType=PREFIXED/);
  r = await acls('--list', '--principal', 'User:dave');
  assert.match(
    r.stdout,
    /^ACLs for principal User:dave in resource `ResourcePattern\(resourceType=GROUP, name=readers, patternType=LITERAL\)`: $/m,
  );
  assert.doesNotMatch(r.stdout, /carol/);

  r = await acls('--remove', '--force', '--topic', 'orders');
  assert.equal(r.code, 0, r.stderr);
  r = await acls('--list', '--topic', 'orders');
  assert.equal(r.stdout.trim(), '');

  r = await acls('--add', '--topic', 't', '--operation', 'Fly', '--allow-principal', 'User:x');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Invalid operation: Fly/);
});

test('acls against a broker without an authorizer: the error is SECURITY_DISABLED', async (t) => {
  const broker = await startBroker({ port: 0 });
  t.after(() => broker.close());
  const r = await runCli(['acls', '--bootstrap-server', broker.bootstrap, '--list']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /No Authorizer is configured/);
});
