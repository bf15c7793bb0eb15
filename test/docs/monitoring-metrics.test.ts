// docs/monitoring.md lists every metric family a broker exports; this keeps the two equal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../src/index.js';

const DOC = fileURLToPath(new URL('../../../docs/monitoring.md', import.meta.url));
const START = '<!-- metrics-table:start -->';
const END = '<!-- metrics-table:end -->';

test('docs/monitoring.md lists exactly the kafka_* families of /metrics, with their types', async () => {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  assert.ok(start >= 0 && end > start, 'docs/monitoring.md lacks the metrics-table markers');
  const documented = new Map<string, string>();
  for (const line of text.slice(start, end).split('\n')) {
    const m = /^\|\s*`(kafka_[a-z0-9_]+)`\s*\|\s*(\w+)\s*\|/.exec(line);
    if (m !== null) documented.set(m[1]!, m[2]!);
  }
  const broker = await startBroker({
    port: 0,
    config: { 'metrics.listener': 'http://127.0.0.1:0' },
  });
  try {
    const exposition = await (await fetch(broker.metrics!.url)).text();
    const exported = new Map<string, string>();
    for (const line of exposition.split('\n')) {
      const m = /^# TYPE (kafka_\S+) (\S+)/.exec(line);
      if (m !== null) exported.set(m[1]!, m[2]!);
    }
    assert.deepEqual(
      [...documented].sort(),
      [...exported].sort(),
      'the table of docs/monitoring.md and the exported families differ',
    );
  } finally {
    await broker.close();
  }
});
