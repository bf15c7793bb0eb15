// `rivulet configs` as a spawned process against a started broker: Kafka's entity shortcuts,
// describing every entity of a type, dynamic broker configs, group configs and the checks
// kafka-configs.sh makes before altering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../../src/index.js';
import { runCli } from './run-cli.js';

test(
  'configs: shortcuts, all entities of a type, brokers, groups and --delete-config checks',
  { timeout: 120_000 },
  async (t) => {
    const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
    t.after(() => broker.close());
    const bs = ['--bootstrap-server', broker.bootstrap];
    const configs = (...args: string[]) => runCli(['configs', ...bs, ...args]);
    for (const topic of ['alpha', 'beta']) {
      assert.equal((await runCli(['topics', ...bs, '--create', '--topic', topic])).code, 0);
    }

    let r = await configs('--topic', 'alpha', '--alter', '--add-config', 'retention.ms=60000');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'Completed updating config for topic alpha.');
    // No --entity-name: every topic, each with its own block, as kafka-configs.sh prints them.
    r = await configs('--entity-type', 'topics', '--describe');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Dynamic configs for topic alpha are:\n {2}retention\.ms=60000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=60000\}\nDynamic configs for topic beta are:$/m,
    );

    // Deleting a key that is not set (or does not exist) fails before anything is sent.
    r = await configs('--topic', 'alpha', '--alter', '--delete-config', 'no.such.key,retention.ms');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Invalid config\(s\): no\.such\.key/);
    r = await configs('--topic', 'alpha', '--describe');
    assert.match(r.stdout, /retention\.ms=60000/, 'nothing was deleted');

    // The cluster-wide broker default and one broker.
    r = await configs('--broker-defaults', '--alter', '--add-config', 'log.retention.ms=7200000');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'Completed updating default config for brokers in the cluster.');
    r = await configs(
      '--broker',
      String(broker.nodeId),
      '--alter',
      '--add-config',
      'log.segment.bytes=1048576',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `Completed updating config for broker ${broker.nodeId}.`);
    r = await configs('--entity-type', 'brokers', '--describe');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        `Dynamic configs for broker ${broker.nodeId} are:`,
        '  log.segment.bytes=1048576 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.segment.bytes=1048576, DEFAULT_CONFIG:log.segment.bytes=1073741824}',
        'Default configs for brokers in the cluster are:',
        '  log.retention.ms=7200000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000}',
        '',
      ].join('\n'),
    );
    r = await configs('--topic', 'beta', '--describe', '--all');
    assert.match(
      r.stdout,
      /^ {2}retention\.ms=7200000 sensitive=false synonyms=\{DYNAMIC_DEFAULT_BROKER_CONFIG:log\.retention\.ms=7200000, DEFAULT_CONFIG:log\.retention\.hours=168\}$/m,
    );
    r = await configs(
      '--broker',
      String(broker.nodeId),
      '--alter',
      '--add-config',
      'log.dirs=/elsewhere',
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot update these configs dynamically: Set\(log\.dirs\)/);
    r = await configs(
      '--entity-type',
      'brokers',
      '--entity-default',
      '--alter',
      '--delete-config',
      'log.retention.ms',
    );
    assert.equal(r.code, 0, r.stderr);

    // Group configs, and every group when no name is given.
    r = await configs(
      '--group',
      'g1',
      '--alter',
      '--add-config',
      'consumer.session.timeout.ms=50000',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'Completed updating config for group g1.');
    r = await configs('--entity-type', 'groups', '--entity-name', 'g1', '--describe');
    assert.equal(
      r.stdout,
      'Dynamic configs for group g1 are:\n  consumer.session.timeout.ms=50000 sensitive=false synonyms={DYNAMIC_GROUP_CONFIG:consumer.session.timeout.ms=50000}\n',
    );
    r = await configs('--group', 'g1', '--alter', '--add-config', 'consumer.session.timeout.ms=1');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /consumer\.session\.timeout\.ms must be greater than or equal to group\.consumer\.min\.session\.timeout\.ms/,
    );
    assert.equal(
      (await runCli(['console-producer', ...bs, '--topic', 'beta'], { input: 'x\n' })).code,
      0,
    );
    const consumed = await runCli([
      'console-consumer',
      ...bs,
      '--topic',
      'beta',
      '--group',
      'readers',
      '--from-beginning',
      '--max-messages',
      '1',
    ]);
    assert.equal(consumed.code, 0, consumed.stderr);
    r = await configs('--entity-type', 'groups', '--describe');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Dynamic configs for group readers are:$/m);

    // Command-line mistakes: two entities, a broker name that is not an id, --alter without one.
    assert.equal((await configs('--topic', 'alpha', '--group', 'g1', '--describe')).code, 2);
    assert.equal(
      (await configs('--entity-type', 'brokers', '--entity-name', 'one', '--describe')).code,
      2,
    );
    assert.equal(
      (await configs('--entity-type', 'topics', '--alter', '--add-config', 'a=b')).code,
      2,
    );
  },
);
