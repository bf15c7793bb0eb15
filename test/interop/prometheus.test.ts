// Prometheus (Debian's package) scrapes a broker that real clients (librdkafka through
// confluent-kafka-python) load: PromQL over its HTTP API gives non-zero rates of bytes in and
// out and the exact lag of a group that stopped consuming partway; promtool validates the
// exposition text; and every expression of the Grafana dashboard parses and names only
// metrics the broker exports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startBroker, type Broker } from '../../src/index.js';
import { confluent, run } from './support/clients.js';
import { startPrometheus, type PrometheusServer } from './support/prometheus-server.js';
import { waitFor } from '../support/wait.js';

const LOAD_TOPIC = 'prom-load';
const LAG_TOPIC = 'prom-lag';
const LAG_RECORDS = 100;
const CONSUMED = 40;

let broker: Broker;
let prometheus: PrometheusServer;

before(async () => {
  broker = await startBroker({
    port: 0,
    config: { 'metrics.listener': 'http://127.0.0.1:0', 'group.initial.rebalance.delay.ms': 0 },
  });
  prometheus = await startPrometheus([`127.0.0.1:${broker.metrics!.port}`]);
});

after(async () => {
  await prometheus?.stop();
  await broker?.close();
});

const bootstrap = () => broker.bootstrap;
const messages = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `${tag}-${i}-${'x'.repeat(200)}` }));

/** The single value of an instant query, or null when it has no series. */
async function single(expr: string): Promise<number | null> {
  const result = await prometheus.query(expr);
  return result.length === 1 ? result[0]!.value : null;
}

test('PromQL gives non-zero rates of bytes in and out while librdkafka produces and consumes', async () => {
  // Rounds of load until Prometheus's one-second scrapes have seen the counters grow (a
  // handful of rounds; bounded so that a broker that never counts fails the test).
  const rateIn = `rate(kafka_server_brokertopicmetrics_bytesin_total{topic="${LOAD_TOPIC}"}[1m])`;
  const rateOut = `rate(kafka_server_brokertopicmetrics_bytesout_total{topic="${LOAD_TOPIC}"}[1m])`;
  const rising = async () => {
    const [inRate, outRate] = [await single(rateIn), await single(rateOut)];
    return inRate !== null && inRate > 0 && outRate !== null && outRate > 0;
  };
  let rounds = 0;
  while (rounds < 3 || !(await rising())) {
    assert.ok(rounds < 40, 'no non-zero rate of bytes in and out after 40 rounds of load');
    const produced = await confluent<{ reports: { error: string | null }[]; unflushed: number }>(
      'produce',
      { bootstrap: bootstrap(), topic: LOAD_TOPIC, messages: messages(300, `r${rounds}`) },
    );
    assert.equal(produced.unflushed, 0);
    assert.ok(produced.reports.every((r) => r.error === null));
    const consumed = await confluent<{ messages: unknown[] }>('consume', {
      bootstrap: bootstrap(),
      topic: LOAD_TOPIC,
      offsets: { 0: rounds * 300 },
      count: 300,
    });
    assert.equal(consumed.messages.length, 300);
    rounds++;
  }
  // The counter Prometheus holds reaches exactly what librdkafka had acknowledged.
  await waitFor('Prometheus to scrape every produced message', async () => {
    const query = `kafka_server_brokertopicmetrics_messagesin_total{topic="${LOAD_TOPIC}"}`;
    return (await single(query)) === rounds * 300;
  });
  const produceRate = await single(
    'sum(rate(kafka_network_requestmetrics_requests_total{request="Produce"}[1m]))',
  );
  assert.ok(produceRate !== null && produceRate > 0);
});

test('Prometheus sees the exact lag of a group that stopped consuming partway', async () => {
  const produced = await confluent<{ unflushed: number }>('produce', {
    bootstrap: bootstrap(),
    topic: LAG_TOPIC,
    messages: messages(LAG_RECORDS, 'lag'),
  });
  assert.equal(produced.unflushed, 0);
  const read = await confluent<{ messages: unknown[]; committed: number[] }>('consume', {
    bootstrap: bootstrap(),
    topic: LAG_TOPIC,
    group: 'stopped-partway',
    subscribe: true,
    count: CONSUMED,
    config: { 'auto.offset.reset': 'earliest' },
  });
  assert.equal(read.messages.length, CONSUMED);
  assert.deepEqual(read.committed, [CONSUMED]);
  const labels = `consumergroup="stopped-partway",topic="${LAG_TOPIC}",partition="0"`;
  await waitFor('the group lag in Prometheus', async () => {
    return (await single(`kafka_consumergroup_lag{${labels}}`)) === LAG_RECORDS - CONSUMED;
  });
  assert.equal(await single(`kafka_consumergroup_current_offset{${labels}}`), CONSUMED);
  assert.equal(
    await single(
      `kafka_consumergroup_lag_sum{consumergroup="stopped-partway",topic="${LAG_TOPIC}"}`,
    ),
    LAG_RECORDS - CONSUMED,
  );
  assert.equal(
    await single(`kafka_topic_partition_current_offset{topic="${LAG_TOPIC}",partition="0"}`),
    LAG_RECORDS,
  );
});

/**
 * Names promtool's lint objects to that are kept on purpose: the JMX exporter's and
 * kafka-exporter's names (which dashboards search for) and prom-client's own process metrics.
 */
const KEPT_NAMES = new Set([
  'kafka_consumergroup_current_offset_sum',
  'kafka_consumergroup_lag_sum',
  'kafka_log_logcleanermanager_uncleanable_partitions_count',
  'kafka_server_group_coordinator_metrics_group_completed_rebalance_count',
  'kafka_server_socket_server_metrics_connection_count',
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]);

test('promtool parses the exposition; its lint flags only the names kept for compatibility', async () => {
  const text = await (await fetch(broker.metrics!.url)).text();
  const r = await run('promtool', ['check', 'metrics'], { input: text });
  // Exit 3 is lint findings; 1 would be text promtool cannot parse.
  assert.ok(r.code === 0 || r.code === 3, `promtool exited ${r.code}: ${r.stdout}${r.stderr}`);
  const findings = (r.stdout + r.stderr).split('\n').filter((l) => l.trim() !== '');
  const flagged = findings.map((l) => l.split(' ')[0]!);
  for (const [i, name] of flagged.entries()) assert.ok(KEPT_NAMES.has(name), findings[i]);
});

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');

test('every PromQL expression of the Grafana dashboard parses and names only exported metrics', async () => {
  const dashboard = JSON.parse(
    await readFile(join(repo, 'monitoring', 'grafana', 'rivulet-overview.json'), 'utf8'),
  ) as { panels: { title: string; targets?: { expr: string }[] }[] };
  const exported = new Set<string>();
  for (const line of (await (await fetch(broker.metrics!.url)).text()).split('\n')) {
    const m = /^# TYPE (\S+) (\S+)/.exec(line);
    if (m === null) continue;
    exported.add(m[1]!);
    if (m[2] === 'histogram')
      for (const s of ['_bucket', '_sum', '_count']) exported.add(m[1]! + s);
  }
  let expressions = 0;
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) {
      expressions++;
      // Grafana's variables, as Grafana would substitute them.
      const expr = target.expr
        .replace(/\$__rate_interval/g, '1m')
        .replace(/\$(instance|topic|group)/g, '.*');
      await prometheus.query(expr); // rejects on a parse error
      const names = expr.match(/\b(?:kafka|nodejs|process)_[a-z0-9_]+/g) ?? [];
      assert.ok(names.length > 0, `${panel.title}: ${expr} names no metric`);
      for (const name of names)
        assert.ok(exported.has(name), `${panel.title}: ${name} is not exported`);
    }
  }
  assert.ok(expressions >= 30, `${expressions} expressions`);
});
