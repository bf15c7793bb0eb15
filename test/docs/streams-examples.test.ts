// docs/streams.md shows examples that the tests run: each code block marked
// `<!-- example: FILE -->` must appear, line for line, in FILE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('the examples of docs/streams.md are the code the tests run', () => {
  const doc = readFileSync(`${ROOT}docs/streams.md`, 'utf8');
  const blocks = [...doc.matchAll(/<!-- example: (\S+) -->\n\n?```ts\n([\s\S]*?)```/g)];
  assert.equal(blocks.length, 6);
  for (const [, file, code] of blocks) {
    const source = readFileSync(`${ROOT}${file}`, 'utf8');
    assert.ok(
      source.includes(code!),
      `docs/streams.md shows code that ${file} does not hold:\n${code}`,
    );
  }
});
