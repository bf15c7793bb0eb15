// Request frames recorded from real clients (test/fixtures/protocol/<client>/, written by
// test/interop/support/record-fixtures.ts) decode with the generated codecs and re-encode to
// the same bytes. Record batches are carried as opaque bytes, so they round-trip unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Reader,
  Writer,
  apiByKey,
  readRequestHeader,
  writeRequestHeader,
} from '../../src/protocol/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, '..', '..', '..', 'test', 'fixtures', 'protocol');
const CLIENTS = ['kcat', 'confluent', 'kafka-python', 'kafkajs', 'platformatic'];

function fixtures(client: string): string[] {
  return readdirSync(join(fixturesDir, client)).filter((f) => f.endsWith('.bin'));
}

test('every client has recorded fixtures for ApiVersions, Metadata and Produce', () => {
  for (const client of CLIENTS) {
    const names = fixtures(client);
    for (const prefix of ['18-api-versions-', '03-metadata-', '00-produce-']) {
      assert.ok(
        names.some((n) => n.startsWith(prefix)),
        `${client} lacks ${prefix}*`,
      );
    }
  }
});

test('every client library has recorded fixtures for Fetch and a group consumer', () => {
  const wanted = ['01-fetch-', '08-offset-commit-', '09-offset-fetch-', '10-find-coordinator-'];
  wanted.push('11-join-group-', '14-sync-group-', '13-leave-group-');
  for (const client of CLIENTS.filter((c) => c !== 'kcat')) {
    const names = fixtures(client);
    for (const prefix of wanted) {
      assert.ok(
        names.some((n) => n.startsWith(prefix)),
        `${client} lacks ${prefix}*`,
      );
    }
  }
});

test('the transactional producers have recorded fixtures for the transaction APIs', () => {
  const wanted = ['22-init-producer-id-', '24-add-partitions-to-txn-', '26-end-txn-'];
  for (const client of ['confluent', 'kafkajs', 'platformatic']) {
    const names = fixtures(client);
    for (const prefix of wanted) {
      assert.ok(
        names.some((n) => n.startsWith(prefix)),
        `${client} lacks ${prefix}*`,
      );
    }
  }
});

for (const client of CLIENTS) {
  test(`${client} request fixtures decode and re-encode to the same bytes`, () => {
    for (const name of fixtures(client)) {
      const match = /^(\d+)-[a-z-]+-v(\d+)\.bin$/.exec(name);
      assert.ok(match, `bad fixture name ${name}`);
      const [apiKey, apiVersion] = [Number(match[1]), Number(match[2])];
      const frame = readFileSync(join(fixturesDir, client, name));
      const r = new Reader(frame);
      const header = readRequestHeader(r);
      assert.equal(header.requestApiKey, apiKey, name);
      assert.equal(header.requestApiVersion, apiVersion, name);
      const api = apiByKey(apiKey)!;
      const body = api.decodeRequest!(r, apiVersion);
      assert.equal(r.remaining, 0, `${name}: ${r.remaining} bytes left after decoding`);
      const w = new Writer();
      writeRequestHeader(w, header);
      api.encodeRequest!(w, apiVersion, body);
      const again = w.toBuffer();
      assert.ok(again.equals(frame), `${name}: re-encoded bytes differ`);
    }
  });
}
