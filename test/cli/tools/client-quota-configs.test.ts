// `rivulet configs --entity-type users|clients`: client quotas set, described and deleted as
// kafka-configs.sh does, for a client id, a user, a user and client id, and the defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../../src/index.js';
import { runCli } from './run-cli.js';

test(
  'configs: client quotas of clients, users, both and defaults',
  { timeout: 120_000 },
  async (t) => {
    const broker = await startBroker({ port: 0 });
    t.after(() => broker.close());
    const configs = (...args: string[]) =>
      runCli(['configs', '--bootstrap-server', broker.bootstrap, ...args]);

    let r = await configs(
      '--entity-type',
      'clients',
      '--entity-name',
      'app',
      '--alter',
      '--add-config',
      'producer_byte_rate=1048576,consumer_byte_rate=2097152',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "Completed updating config for client-id 'app'.");
    r = await configs(
      '--entity-type',
      'users',
      '--entity-default',
      '--alter',
      '--add-config',
      'request_percentage=50',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'Completed updating config for the default user-principal.');
    r = await configs(
      '--user',
      'alice',
      '--client',
      'app',
      '--alter',
      '--add-config',
      'producer_byte_rate=1024',
    );
    assert.equal(r.code, 0, r.stderr);

    r = await configs('--entity-type', 'clients', '--entity-name', 'app', '--describe');
    assert.equal(
      r.stdout.trim(),
      "Quota configs for client-id 'app' are producer_byte_rate=1048576.0, consumer_byte_rate=2097152.0",
    );
    r = await configs('--entity-type', 'users', '--describe');
    assert.equal(r.stdout.trim(), '', 'only named users: the default is not one');
    // A user with quotas and no SCRAM credentials: the quotas alone, as kafka-configs.sh.
    r = await configs(
      '--entity-type',
      'users',
      '--entity-name',
      'carol',
      '--alter',
      '--add-config',
      'consumer_byte_rate=4096',
    );
    assert.equal(r.code, 0, r.stderr);
    r = await configs('--entity-type', 'users', '--entity-name', 'carol', '--describe');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.trim(),
      "Quota configs for user-principal 'carol' are consumer_byte_rate=4096.0",
    );
    r = await configs(
      '--entity-type',
      'users',
      '--entity-name',
      'carol',
      '--alter',
      '--delete-config',
      'consumer_byte_rate',
    );
    assert.equal(r.code, 0, r.stderr);
    r = await configs('--entity-type', 'users', '--entity-default', '--describe');
    assert.equal(
      r.stdout.trim(),
      'Quota configs for the default user-principal are request_percentage=50.0',
    );
    r = await configs('--user', 'alice', '--client', 'app', '--describe');
    assert.equal(
      r.stdout.trim(),
      "Quota configs for user-principal 'alice', client-id 'app' are producer_byte_rate=1024.0",
    );

    r = await configs(
      '--entity-type',
      'clients',
      '--entity-name',
      'app',
      '--alter',
      '--delete-config',
      'consumer_byte_rate',
    );
    assert.equal(r.code, 0, r.stderr);
    r = await configs('--entity-type', 'clients', '--entity-name', 'app', '--describe');
    assert.equal(
      r.stdout.trim(),
      "Quota configs for client-id 'app' are producer_byte_rate=1048576.0",
    );

    r = await configs(
      '--entity-type',
      'clients',
      '--entity-name',
      'app',
      '--alter',
      '--add-config',
      'bogus_rate=1',
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Invalid configuration key bogus_rate/);
  },
);
