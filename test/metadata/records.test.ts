import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MetadataRecordType,
  decodeMetadataBatch,
  decodeMetadataRecord,
  encodeMetadataBatch,
  encodeMetadataRecord,
  type MetadataRecord,
} from '../../src/metadata/index.js';

const topic: MetadataRecord = {
  type: MetadataRecordType.Topic,
  value: { name: 'orders', topicId: '6ba7b810-9dad-41d1-80b4-00c04fd430c8' },
};

test('a metadata record is framed as KRaft frames it: frame version, type, version', () => {
  const bytes = encodeMetadataRecord(topic);
  assert.deepEqual([...bytes.subarray(0, 3)], [1, MetadataRecordType.Topic, 0]);
  assert.deepEqual(decodeMetadataRecord(bytes), topic);
  const unknown = Buffer.from([1, 99, 0]);
  assert.deepEqual(decodeMetadataRecord(unknown), { type: 99, value: undefined });
  assert.throws(() => decodeMetadataRecord(Buffer.from([2, 2, 0])), /frame version 2/);
});

test('one operation is one record batch with null keys', () => {
  const config: MetadataRecord = {
    type: MetadataRecordType.Config,
    value: { resourceType: 2, resourceName: 'orders', name: 'retention.ms', value: null },
  };
  const batch = encodeMetadataBatch([topic, config], 1000);
  assert.deepEqual(decodeMetadataBatch(batch), [topic, config]);
});
