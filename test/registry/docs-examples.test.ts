// docs/schema-registry.md's curl examples, run verbatim (with the registry's address in place
// of localhost:8081) against a registry and broker started here; each `sh` block's output
// must equal the `json` block after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { run } from '../interop/support/clients.js';
import { registryWithBroker } from './support/registry-fixture.js';

export function examples(markdown: string): { command: string; expected: string }[] {
  const blocks = [...markdown.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1],
    body: m[2]!,
  }));
  const out: { command: string; expected: string }[] = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'sh' || !b.body.includes('curl')) return;
    const next = blocks[i + 1];
    assert.equal(next?.lang, 'json', `the example after ${b.body} shows its output`);
    out.push({ command: b.body, expected: next!.body });
  });
  return out;
}

test('the curl examples of docs/schema-registry.md', { timeout: 90_000 }, async (t) => {
  const { registry } = await registryWithBroker(t);
  const markdown = await readFile('docs/schema-registry.md', 'utf8');
  const cases = examples(markdown);
  assert.ok(cases.length >= 10, `found ${cases.length} examples`);
  for (const { command, expected } of cases) {
    const r = await run('bash', ['-c', command.replaceAll('http://localhost:8081', registry.url)]);
    assert.equal(r.code, 0, `${command}\n${r.stderr}`);
    assert.deepEqual(JSON.parse(r.stdout), JSON.parse(expected), command);
  }
});
