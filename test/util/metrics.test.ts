import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryMetricsRegistry } from '../../src/util/index.js';

test('counters and gauges keep a value per label set; read gives them back', () => {
  const m = new MemoryMetricsRegistry();
  const requests = m.counter({ name: 'requests_total', help: 'Requests.', labelNames: ['api'] });
  requests.inc({ api: 'Produce' });
  requests.inc({ api: 'Produce' }, 2);
  requests.inc({ api: 'Fetch' });
  const conns = m.gauge({ name: 'connections', help: 'Open connections.' });
  conns.set(undefined, 5);
  conns.dec();
  assert.equal(
    m.counter({ name: 'requests_total', help: 'x', labelNames: ['api'] }) !== undefined,
    true,
  );
  assert.deepEqual(m.read(), [
    {
      name: 'requests_total',
      help: 'Requests.',
      type: 'counter',
      samples: [
        { name: 'requests_total', labels: { api: 'Produce' }, value: 3 },
        { name: 'requests_total', labels: { api: 'Fetch' }, value: 1 },
      ],
    },
    {
      name: 'connections',
      help: 'Open connections.',
      type: 'gauge',
      samples: [{ name: 'connections', labels: {}, value: 4 }],
    },
  ]);
});

test('histograms have cumulative buckets, +Inf, sum and count', () => {
  const m = new MemoryMetricsRegistry();
  const h = m.histogram({ name: 'latency_ms', help: 'Latency.', buckets: [1, 10] });
  for (const v of [0.5, 5, 50]) h.observe(undefined, v);
  const [family] = m.read();
  assert.deepEqual(
    family!.samples.map((s) => [s.name, s.labels['le'] ?? '', s.value]),
    [
      ['latency_ms_bucket', '1', 1],
      ['latency_ms_bucket', '10', 2],
      ['latency_ms_bucket', '+Inf', 3],
      ['latency_ms_sum', '', 55.5],
      ['latency_ms_count', '', 3],
    ],
  );
});

test('wrong labels, a decreasing counter and a name reused for another type are bugs', () => {
  const m = new MemoryMetricsRegistry();
  const c = m.counter({ name: 'c', help: 'c', labelNames: ['a'] });
  assert.throws(() => c.inc({ b: '1' }), /takes labels \[a\]/);
  assert.throws(() => c.inc({ a: '1' }, -1), /cannot decrease/);
  assert.throws(() => m.gauge({ name: 'c', help: 'c' }), /already registered as a counter/);
});
