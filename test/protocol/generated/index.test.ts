// Every generated message round-trips at every valid version: random valid values (seeded)
// → encode → decode gives the same value, and re-encoding gives the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPEC_DIR } from '../../../scripts/generate-protocol.js';
import { loadSpecs } from '../../../scripts/protocol-spec.js';
import {
  apiByKey,
  apis,
  coordinatorRecordByApiKey,
  messageByName,
  messages,
  metadataRecordByApiKey,
  TopicRecordApiKey,
} from '../../../src/protocol/generated/index.js';
import { Reader, Writer } from '../../../src/protocol/primitives/index.js';
import { RandomValues, seededRandom } from './random-values.js';

const VALUES_PER_VERSION = 4;
const specs = loadSpecs(SPEC_DIR).filter((m) => m.struct !== undefined);

function encode(name: string, version: number, value: unknown): Buffer {
  const w = new Writer();
  messageByName(name)!.encode(w, version, value);
  return w.toBuffer();
}

test('every message round-trips at every version', () => {
  const rnd = seededRandom(20261122);
  let checked = 0;
  for (const spec of specs) {
    const random = new RandomValues(rnd, spec);
    const codec = messageByName(spec.name)!;
    for (let version = codec.minVersion; version <= codec.maxVersion; version++) {
      for (let i = 0; i < VALUES_PER_VERSION; i++) {
        const value = random.struct(spec.struct!, version, 0);
        const bytes = encode(spec.name, version, value);
        const r = new Reader(bytes);
        const decoded = codec.decode(r, version);
        const where = `${spec.name} v${version} #${i}`;
        assert.equal(r.remaining, 0, `${where}: bytes left over`);
        assert.deepStrictEqual(decoded, value, where);
        assert.deepStrictEqual(encode(spec.name, version, decoded), bytes, `${where}: re-encoding`);
        checked++;
      }
    }
  }
  const versions = messages.reduce((n, m) => n + m.maxVersion - m.minVersion + 1, 0);
  assert.ok(versions > 700, `only ${versions} message versions`);
  assert.equal(checked, versions * VALUES_PER_VERSION);
});

test('the message table lists every spec file that has fields', () => {
  assert.deepStrictEqual(messages.map((m) => m.name).sort(), specs.map((s) => s.name).sort());
});

test('the API table covers keys 0-92 with request and response codecs', () => {
  assert.deepStrictEqual(
    apis.map((a) => a.apiKey),
    Array.from({ length: 93 }, (_, i) => i),
  );
  const produce = apiByKey(0)!;
  assert.equal(produce.name, 'Produce');
  assert.equal(produce.requestFlexibleMin, 9);
  assert.ok(produce.decodeRequest && produce.encodeResponse);
  const retired = apiByKey(4)!;
  assert.equal(retired.name, 'LeaderAndIsr');
  assert.equal(retired.minVersion, undefined);
  assert.equal(retired.decodeRequest, undefined);
  assert.equal(apiByKey(93), undefined);
  assert.equal(apiByKey(18)!.maxVersion, 4);
  assert.equal(
    apis
      .filter((a) => a.latestVersionUnstable)
      .map((a) => a.name)
      .join(),
    'InitProducerId',
  );
});

test('internal records are found by their record type id', () => {
  assert.equal(metadataRecordByApiKey(TopicRecordApiKey)!.name, 'TopicRecord');
  assert.equal(metadataRecordByApiKey(3)!.name, 'PartitionRecord');
  assert.equal(metadataRecordByApiKey(999), undefined);
  const offsets = coordinatorRecordByApiKey('group-coordinator', 1)!;
  assert.equal(offsets.key.name, 'OffsetCommitKey');
  assert.equal(offsets.value.name, 'OffsetCommitValue');
  assert.equal(
    coordinatorRecordByApiKey('transaction-coordinator', 0)!.value.name,
    'TransactionLogValue',
  );
  assert.equal(coordinatorRecordByApiKey('share-coordinator', 1)!.key.name, 'ShareUpdateKey');
  assert.equal(coordinatorRecordByApiKey('group-coordinator', 99), undefined);
});
