// The console's ACL and quota pages against a broker with Kafka's StandardAuthorizer (the
// console connects as User:ANONYMOUS over PLAINTEXT, made a super user here): ACLs are created,
// filtered and deleted through the forms; quotas of users, client ids and defaults are set and
// removed; a broker without an authorizer shows SECURITY_DISABLED on the ACL page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/index.js';
import { ANY_ACL, Admin } from '../../src/client/index.js';
import { startConsole } from '../../src/console/index.js';
import { startConsoleFixture, textOf } from './support/console-fixture.js';

async function securedConsole(t: { after(fn: () => unknown): void }) {
  const broker = await startBroker({
    config: {
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:ANONYMOUS',
    },
  });
  t.after(() => broker.close());
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  t.after(() => admin.close());
  const running = await startConsole({ bootstrapServers: broker.bootstrap, port: 0 });
  t.after(() => running.close());
  const get = async (path: string) => {
    const r = await fetch(running.url + path);
    return { status: r.status, text: await r.text() };
  };
  const post = async (path: string, form: Record<string, string>) => {
    const r = await fetch(running.url + path, {
      method: 'POST',
      body: new URLSearchParams(form),
      redirect: 'manual',
    });
    return { status: r.status, location: r.headers.get('location') ?? '', text: await r.text() };
  };
  return { admin, get, post };
}

const notice = (location: string) => new URL(location, 'http://x').searchParams.get('notice');

test('ACLs are created, filtered and deleted from the ACL page', async (t) => {
  const f = await securedConsole(t);
  const alice = {
    principal: 'User:alice',
    permissionType: 'ALLOW',
    operation: 'WRITE',
    resourceType: 'TOPIC',
    resourceName: 'orders',
    patternType: 'PREFIXED',
    host: '*',
  };
  let r = await f.post('/acls', alice);
  assert.equal(r.status, 303);
  assert.match(notice(r.location) ?? '', /ACL created: ALLOW User:alice WRITE on TOPIC orders/);
  r = await f.post('/acls', {
    ...alice,
    principal: 'User:bob',
    operation: 'READ',
    resourceType: 'GROUP',
    resourceName: 'billing',
    patternType: 'LITERAL',
  });
  assert.equal(r.status, 303);
  const stored = await f.admin.describeAcls(ANY_ACL);
  assert.equal(stored.length, 2);

  const all = await f.get('/acls');
  assert.equal(all.status, 200);
  assert.match(textOf(all.text), /2 ACLs\./);
  assert.match(textOf(all.text), /User:alice ALLOW WRITE TOPIC orders PREFIXED \*/);
  const topics = textOf((await f.get('/acls?resourceType=TOPIC')).text);
  assert.match(topics, /1 ACL\./);
  assert.ok(topics.includes('User:alice') && !topics.includes('User:bob'));
  // MATCH finds the ACLs that apply to one name: alice's prefix covers orders-eu.
  const applying = textOf((await f.get('/acls?resourceName=orders-eu&patternType=MATCH')).text);
  assert.match(applying, /1 ACL\. .*User:alice ALLOW WRITE TOPIC orders PREFIXED/);
  const bob = textOf((await f.get('/acls?principal=User%3Abob')).text);
  assert.match(bob, /1 ACL\. .*User:bob ALLOW READ GROUP billing LITERAL/);

  // A bad field is refused before anything is sent.
  r = await f.post('/acls', { ...alice, operation: 'FLY' });
  assert.equal(r.status, 400);
  assert.match(textOf(r.text), /operation must be one of/);

  // The row's delete button posts the whole binding, so exactly that ACL goes.
  r = await f.post('/acls/delete', alice);
  assert.equal(r.status, 303);
  assert.equal(notice(r.location), '1 ACL deleted.');
  const left = await f.admin.describeAcls(ANY_ACL);
  assert.deepEqual(
    left.map((a) => a.principal),
    ['User:bob'],
  );
});

test('quotas of users, client ids and defaults are set and removed from the quota page', async (t) => {
  const f = await securedConsole(t);
  let r = await f.post('/quotas', { user: 'alice', key: 'producer_byte_rate', value: '1048576' });
  assert.equal(r.status, 303);
  assert.equal(notice(r.location), 'producer_byte_rate of user alice set to 1048576.');
  r = await f.post('/quotas', {
    user: '<default>',
    'client-id': 'app',
    key: 'consumer_byte_rate',
    value: '2048',
  });
  assert.equal(r.status, 303);
  const stored = await f.admin.describeClientQuotas({ components: [] });
  assert.equal(stored.length, 2);

  const listed = textOf((await f.get('/quotas')).text);
  assert.match(listed, /2 quota values\./);
  assert.match(listed, /alice producer_byte_rate 1048576/);
  assert.match(listed, /<default> app consumer_byte_rate 2048/);

  r = await f.post('/quotas', { key: 'producer_byte_rate', value: '1' });
  assert.equal(r.status, 400);
  assert.match(textOf(r.text), /Name a user, a client id or an ip/);
  r = await f.post('/quotas', { user: 'alice', key: 'producer_byte_rate', value: 'fast' });
  assert.equal(r.status, 400);

  r = await f.post('/quotas', { user: 'alice', key: 'producer_byte_rate', op: 'remove' });
  assert.equal(r.status, 303);
  assert.equal(notice(r.location), 'producer_byte_rate of user alice removed.');
  const left = await f.admin.describeClientQuotas({ components: [] });
  assert.deepEqual(
    left.map((e) => e.entity),
    [{ user: null, 'client-id': 'app' }],
  );
});

test('without an authorizer the ACL page says SECURITY_DISABLED', async (t) => {
  const f = await startConsoleFixture(t);
  const page = await f.get('/acls');
  assert.equal(page.status, 200);
  assert.match(textOf(page.text), /SECURITY_DISABLED/);
  assert.match(page.text, /<a href="\/acls" +aria-current="page">ACLs<\/a>/);
});
