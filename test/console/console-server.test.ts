// The console's pages against a real broker: the overview, topic search and paging, creating,
// configuring and deleting topics through the forms, browsing and producing messages, and
// groups with lag, reset offsets and delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Producer } from '../../src/client/index.js';
import { startConsoleFixture, textOf } from './support/console-fixture.js';

test('the overview names the broker, the controller and the partition counts', async (t) => {
  const f = await startConsoleFixture(t);
  await f.admin.createTopics([{ name: 'one', numPartitions: 3 }]);
  const page = await f.get('/');
  assert.equal(page.status, 200);
  const text = textOf(page.text);
  assert.match(text, new RegExp(`Controller broker \\d+`));
  assert.match(text, new RegExp(`${f.broker.bootstrap.replace(/\./g, '\\.')}`));
  assert.match(text, /Partitions 3 /);
  assert.match(text, /Under-replicated partitions 0 /);
  assert.match(text, /Offline partitions 0 /);
  assert.match(text, /Produce 0 \d+–\d+/);
  assert.match(page.text, /<a class="skip-link" href="#main">/);
});

test('topics are searched and paged on the server', async (t) => {
  const f = await startConsoleFixture(t);
  const names = Array.from({ length: 45 }, (_, i) => `alpha-${String(i).padStart(2, '0')}`);
  await f.admin.createTopics(
    [...names, 'beta-1', 'beta-2'].map((name) => ({ name, numPartitions: 1 })),
  );
  const first = await f.get('/topics?q=ALPHA&size=20');
  assert.match(textOf(first.text), /45 topics matching “ALPHA”; page 1 of 3\./);
  const second = textOf((await f.get('/topics?q=alpha&size=20&page=2')).text);
  assert.match(second, /page 2 of 3/);
  assert.ok(second.includes('alpha-20') && second.includes('alpha-39'));
  assert.ok(!second.includes('alpha-19 ') && !second.includes('alpha-40'));
  const last = await f.get('/topics?q=alpha&size=20&page=3');
  assert.match(last.text, /rel="prev"/);
  assert.doesNotMatch(last.text, /rel="next"/);
  const beta = textOf((await f.get('/topics?q=beta')).text);
  assert.match(beta, /2 topics matching “beta”/);
  assert.ok(!beta.includes('alpha-'));
});

test('a topic is created with configs, shown, reconfigured and deleted after confirmation', async (t) => {
  const f = await startConsoleFixture(t);
  const created = await f.post('/topics', {
    name: 'orders',
    partitions: '3',
    replicationFactor: '1',
    configs: 'retention.ms=3600000\ncleanup.policy=compact',
  });
  assert.equal(created.status, 303);
  assert.match(created.location, /^\/topics\/orders\?notice=/);
  const [meta] = await f.admin.describeTopics(['orders']);
  assert.equal(meta!.partitions.length, 3);

  const again = await f.post('/topics', { name: 'orders', partitions: '1' });
  assert.equal(again.status, 400);
  assert.match(textOf(again.text), /TOPIC_ALREADY_EXISTS/);
  const bad = await f.post('/topics', { name: 'x', partitions: 'many' });
  assert.equal(bad.status, 400);
  assert.match(textOf(bad.text), /Partitions must be a positive whole number/);

  const page = textOf((await f.get('/topics/orders')).text);
  assert.match(page, /3 partitions, 0 messages/);
  assert.match(page, /retention\.ms 3600000 DYNAMIC_TOPIC_CONFIG/);
  assert.match(page, /segment\.bytes \d+ DEFAULT_CONFIG/);

  const set = await f.post('/topics/orders/configs', {
    name: 'retention.ms',
    value: '7200000',
    op: 'set',
  });
  assert.equal(set.status, 303);
  const [retention] = await f.admin.describeConfigs(
    { type: 'topic', name: 'orders' },
    { keys: ['retention.ms'] },
  );
  assert.equal(retention!.value, '7200000');
  await f.post('/topics/orders/configs', { name: 'retention.ms', op: 'delete' });
  const [reset] = await f.admin.describeConfigs(
    { type: 'topic', name: 'orders' },
    { keys: ['retention.ms'] },
  );
  assert.equal(reset!.source, 'DEFAULT_CONFIG');
  const refused = await f.post('/topics/orders/configs', {
    name: 'retention.ms',
    value: 'soon',
    op: 'set',
  });
  assert.match(decodeURIComponent(refused.location.replace(/\+/g, ' ')), /error=INVALID_CONFIG/);

  const wrong = await f.post('/topics/orders/delete', { confirm: 'order' });
  assert.match(wrong.location, /\/topics\/orders\/delete\?error=/);
  assert.deepEqual(await f.admin.listTopics(), ['orders']);
  const deleted = await f.post('/topics/orders/delete', { confirm: 'orders' });
  assert.match(deleted.location, /^\/topics\?notice=/);
  assert.deepEqual(await f.admin.listTopics(), []);
  const gone = await f.get('/topics/orders');
  assert.equal(gone.status, 404);
  assert.match(textOf(gone.text), /UNKNOWN_TOPIC_OR_PARTITION/);
});

test('messages are produced from the form and browsed as JSON, text and hex', async (t) => {
  const f = await startConsoleFixture(t);
  await f.admin.createTopics([{ name: 'events', numPartitions: 2 }]);
  const sent = await f.post('/topics/events/messages', {
    partition: '1',
    key: 'user-7',
    value: '{"id":7,"tags":["a","b"]}',
    headers: 'source: console\ntrace: abc',
  });
  assert.equal(sent.status, 303);
  assert.match(
    decodeURIComponent(sent.location.replace(/\+/g, ' ')),
    /partition=1&from=offset&offset=0&notice=Produced to partition 1 at offset 0/,
  );
  const producer = new Producer({ bootstrapServers: f.broker.bootstrap });
  await producer.connect();
  t.after(() => producer.close());
  await producer.send({ topic: 'events', partition: 1, value: Buffer.from([0, 1, 2, 0xff]) });
  for (let i = 0; i < 5; i++)
    await producer.send({ topic: 'events', partition: 0, value: `plain ${i}` });

  const page = await f.get('/topics/events/messages?partition=1&from=offset&offset=0');
  assert.match(page.text, /<pre class="json"[^>]*>\n?\{\n {2}&quot;id&quot;: 7,/);
  assert.match(page.text, /<pre class="hex"[^>]*>\n?00 01 02 ff<\/pre>/);
  const text = textOf(page.text);
  assert.match(text, /2 messages shown/);
  assert.match(text, /user-7/);
  assert.match(text, /source : console/);

  const latest = textOf((await f.get('/topics/events/messages?partition=0&count=2')).text);
  assert.match(latest, /2 messages shown/);
  assert.ok(
    latest.includes('plain 3') && latest.includes('plain 4') && !latest.includes('plain 2'),
  );
  const all = textOf((await f.get('/topics/events/messages?from=earliest&count=100')).text);
  assert.match(all, /7 messages shown/);
  const future = textOf(
    (await f.get(`/topics/events/messages?from=timestamp&timestamp=${Date.now() + 3_600_000}`))
      .text,
  );
  assert.match(future, /0 messages shown/);
  const past = textOf(
    (await f.get('/topics/events/messages?from=timestamp&timestamp=2000-01-01T00:00')).text,
  );
  assert.match(past, /7 messages shown/);
  await producer.send({ topic: 'events', partition: 1, value: 'z'.repeat(70 * 1024) });
  const big = textOf((await f.get('/topics/events/messages?partition=1&count=1')).text);
  assert.match(big, /text, 71680 B; the first 64 KiB shown/);
  const bad = await f.get('/topics/events/messages?partition=9');
  assert.equal(bad.status, 400);
});

test('groups show committed offsets and lag; offsets reset and the group is deleted', async (t) => {
  const f = await startConsoleFixture(t);
  await f.admin.createTopics([{ name: 'work', numPartitions: 2 }]);
  const producer = new Producer({ bootstrapServers: f.broker.bootstrap });
  await producer.connect();
  t.after(() => producer.close());
  for (let i = 0; i < 5; i++) await producer.send({ topic: 'work', partition: 0, value: `a${i}` });
  for (let i = 0; i < 3; i++) await producer.send({ topic: 'work', partition: 1, value: `b${i}` });
  await f.admin.alterOffsets('workers', [
    { topic: 'work', partition: 0, offset: 2n },
    { topic: 'work', partition: 1, offset: 3n },
  ]);
  const list = textOf((await f.get('/groups')).text);
  assert.match(list, /workers classic/);
  const page = await f.get('/groups/workers');
  const text = textOf(page.text);
  assert.match(text, /work 0 2 5 3/);
  assert.match(text, /work 1 3 3 0/);
  assert.match(text, /Total lag 3 /);
  assert.match(page.text, /action="\/groups\/workers\/reset-offsets"/);

  const reset = await f.post('/groups/workers/reset-offsets', {
    topic: 'work',
    to: 'offset',
    offset: '1',
  });
  assert.match(
    decodeURIComponent(reset.location.replace(/\+/g, ' ')),
    /Offsets of 2 partitions reset/,
  );
  const offsets = await f.admin.fetchOffsets('workers');
  assert.deepEqual(offsets.map((o) => o.offset).sort(), [1n, 1n]);
  await f.post('/groups/workers/reset-offsets', { to: 'latest' });
  assert.match(textOf((await f.get('/groups/workers')).text), /Total lag 0 /);

  const deleted = await f.post('/groups/workers/delete', { confirm: 'workers' });
  assert.match(deleted.location, /^\/groups\?notice=/);
  assert.equal((await f.get('/groups/workers')).status, 404);
});
