// docs/apis.md lists the supported APIs and versions; this keeps it equal to the registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectedTable } from './api-table.js';

const DOC = fileURLToPath(new URL('../../../docs/apis.md', import.meta.url));
const START = '<!-- api-table:start -->';
const END = '<!-- api-table:end -->';

test('docs/apis.md lists exactly the registered APIs and versions', () => {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  assert.ok(start >= 0 && end > start, 'docs/apis.md lacks the api-table markers');
  const actual = normalize(text.slice(start + START.length, end));
  const expected = expectedTable();
  assert.equal(
    actual,
    normalize(expected),
    `replace the table in docs/apis.md with:\n\n${expected}\n`,
  );
});

/** Cells without padding, so Prettier's column alignment does not matter. */
function normalize(table: string): string {
  return table
    .trim()
    .split('\n')
    .map((row) =>
      row
        .split('|')
        .map((cell) => cell.trim().replace(/^-+$/, '---'))
        .join('|'),
    )
    .join('\n');
}
