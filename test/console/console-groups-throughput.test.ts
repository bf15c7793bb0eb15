// The console with a live KIP-848 consumer group (listed with its type, members and
// assignment, offsets not resettable while it has members), and the throughput page reading
// a Prometheus exposition with the JMX exporter's BrokerTopicMetrics names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GroupConsumer, Producer } from '../../src/client/index.js';
import { parseCounterTotals } from '../../src/console/index.js';
import { waitFor } from '../support/wait.js';
import { startConsoleFixture, textOf } from './support/console-fixture.js';

test('a KIP-848 group with a member shows its assignment and refuses an offset reset', async (t) => {
  const f = await startConsoleFixture(t);
  await f.admin.createTopics([{ name: 'stream', numPartitions: 2 }]);
  const producer = new Producer({ bootstrapServers: f.broker.bootstrap });
  await producer.connect();
  await producer.sendBatch(
    Array.from({ length: 6 }, (_, i) => ({ topic: 'stream', partition: i % 2, value: `v${i}` })),
  );
  await producer.close();
  const member = new GroupConsumer({
    bootstrapServers: f.broker.bootstrap,
    groupId: 'live848',
    groupProtocol: 'consumer',
    autoOffsetReset: 'earliest',
    clientId: 'live-member',
  });
  t.after(() => member.close({ timeoutMs: 3000 }));
  await member.connect();
  member.subscribe(['stream']);
  const records = member.records();
  void (async () => {
    for (;;) if ((await records.next()).done === true) return;
  })().catch(() => {});
  await waitFor('the member to own both partitions', () => member.assignment().length === 2);
  await member.commit([
    { topic: 'stream', partition: 0, offset: 1n },
    { topic: 'stream', partition: 1, offset: 3n },
  ]);

  assert.match(textOf((await f.get('/groups')).text), /live848 consumer consumer Stable/);
  const page = textOf((await f.get('/groups/live848')).text);
  assert.match(page, /Type consumer \(KIP-848\)/);
  assert.match(page, /stream 0 1 3 2 live-member/);
  assert.match(page, /stream 1 3 3 0 live-member/);
  assert.match(page, /Total lag 2 /);
  assert.match(page, /stream-0, stream-1/);
  assert.match(page, /Offsets can only be reset while the group has no active members/);
  const refused = await f.post('/groups/live848/reset-offsets', { to: 'earliest' });
  assert.match(
    decodeURIComponent(refused.location.replace(/\+/g, ' ')),
    /error=Assignments can only be reset if the group 'live848' is inactive, but the current state is Stable\./,
  );
  const offsets = await f.admin.fetchOffsets('live848');
  assert.deepEqual(
    offsets.map((o) => o.offset),
    [1n, 3n],
  );
});

const exposition = (
  bytesIn: number,
  bytesOut: number,
) => `# HELP kafka_server_brokertopicmetrics_bytesin_total Bytes in
# TYPE kafka_server_brokertopicmetrics_bytesin_total counter
kafka_server_brokertopicmetrics_bytesin_total ${bytesIn}
kafka_server_brokertopicmetrics_bytesin_total{topic="a"} ${bytesIn - 10}
kafka_server_brokertopicmetrics_bytesin_total{topic="b"} 10
# TYPE kafka_server_brokertopicmetrics_bytesout_total counter
kafka_server_brokertopicmetrics_bytesout_total ${bytesOut}
`;

test('exposition totals: the all-topics series, else the sum over topics', () => {
  assert.deepEqual(parseCounterTotals(exposition(5000, 300)), { bytesIn: 5000, bytesOut: 300 });
  const perTopicOnly = `kafka_server_brokertopicmetrics_bytesin_total{topic="a",} 7.0
kafka_server_brokertopicmetrics_bytesin_total{topic="b",} 3.0
kafka_server_brokertopicmetrics_bytesout_total{topic="a",} 1.0e3
`;
  assert.deepEqual(parseCounterTotals(perTopicOnly), { bytesIn: 10, bytesOut: 1000 });
  assert.equal(parseCounterTotals('process_cpu_seconds_total 3\n'), null);
});

test('the throughput page charts bytes per second from a metrics URL', async (t) => {
  // A Prometheus endpoint whose counters grow by 1 MiB in and 2 MiB out per scrape.
  let scrapes = 0;
  const metrics = createServer((_req, res) => {
    scrapes++;
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(exposition(scrapes * 1024 * 1024, scrapes * 2 * 1024 * 1024));
  });
  await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => metrics.close(resolve)));
  const url = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics`;
  const f = await startConsoleFixture(t, { metricsUrl: url, metricsIntervalMs: 200 });

  const page = await f.get('/throughput');
  assert.match(page.text, /<script src="\/assets\/throughput\.js" defer><\/script>/);
  await waitFor('three scrapes', () => scrapes >= 3);
  const chart = await f.get('/throughput/chart');
  assert.match(chart.text, /<svg[^>]*role="img"/);
  assert.match(chart.text, /<polyline class="bytes-in"/);
  // The rates depend on the time between scrapes; both are positive and out is twice in.
  const now =
    /Now:\s*<strong>([\d.]+) (KiB|MiB)\/s<\/strong> in,\s*<strong>([\d.]+) (KiB|MiB)\/s<\/strong> out/.exec(
      chart.text,
    );
  assert.ok(now !== null, chart.text);
  const toBytes = (n: string, unit: string) => Number(n) * (unit === 'MiB' ? 1024 * 1024 : 1024);
  const ratio = toBytes(now[3]!, now[4]!) / toBytes(now[1]!, now[2]!);
  assert.ok(ratio > 1.8 && ratio < 2.2, `out/in ratio ${ratio}`);
  const script = await fetch(`${f.console.url}/assets/throughput.js`);
  assert.match(await script.text(), /\/throughput\/chart/);
});

test('without a metrics URL the throughput page says none is configured', async (t) => {
  const f = await startConsoleFixture(t);
  const page = await f.get('/throughput');
  assert.match(textOf(page.text), /No metrics configured\. Start the console with --metrics-url/);
  assert.doesNotMatch(page.text, /<script/);
});
