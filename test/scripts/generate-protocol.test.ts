// The committed generated code must be exactly what the generator writes from the specs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUT_DIR, SPEC_DIR, generate, listFiles } from '../../scripts/generate-protocol.js';
import { camelCase, kebabCase, stripJsonComments } from '../../scripts/protocol-spec.js';

test('src/protocol/generated is up to date (run `npm run generate`)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-generated-'));
  try {
    generate(SPEC_DIR, dir);
    const fresh = listFiles(dir);
    assert.deepStrictEqual(listFiles(OUT_DIR), fresh, 'generated file list differs');
    for (const file of fresh) {
      if (!file.endsWith('.ts')) continue;
      const committed = readFileSync(join(OUT_DIR, file), 'utf8');
      assert.ok(committed === readFileSync(join(dir, file), 'utf8'), `${file} differs`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('JSON comments are stripped outside strings only', () => {
  const text = '{ "a": "x // not a comment", // comment\n "b": /* block */ 1 }';
  assert.deepStrictEqual(JSON.parse(stripJsonComments(text)), { a: 'x // not a comment', b: 1 });
  assert.deepStrictEqual(JSON.parse(stripJsonComments('{"a":"q\\"//"}')), { a: 'q"//' });
});

test('names are converted mechanically', () => {
  assert.equal(camelCase('ThrottleTimeMs'), 'throttleTimeMs');
  assert.equal(camelCase('timeoutMs'), 'timeoutMs');
  assert.equal(kebabCase('ProduceRequest'), 'produce-request');
  assert.equal(kebabCase('KRaftVersionRecord'), 'k-raft-version-record');
});
