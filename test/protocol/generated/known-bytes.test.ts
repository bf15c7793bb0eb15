// Hand-written byte layouts for the parts of the generated codecs that are easy to get wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProtocolEncodeError,
  Reader,
  Writer,
  createApiVersionsResponse,
  createConsumerGroupHeartbeatResponse,
  createConsumerGroupMemberMetadataValue,
  createFetchResponse,
  createFetchResponseFetchableTopicResponse,
  createFetchResponsePartitionData,
  createFindCoordinatorRequest,
  createPartitionChangeRecord,
  encodePartitionChangeRecord,
  createProduceRequest,
  createProduceRequestTopicProduceData,
  decodeProduceRequest,
  encodeProduceRequest,
  ZERO_UUID,
  decodeApiVersionsResponse,
  decodeConsumerGroupHeartbeatResponse,
  decodeConsumerGroupMemberMetadataValue,
  decodeFindCoordinatorRequest,
  encodeApiVersionsResponse,
  encodeConsumerGroupHeartbeatResponse,
  encodeConsumerGroupMemberMetadataValue,
  encodeFetchResponse,
  encodeFindCoordinatorRequest,
} from '../../../src/protocol/index.js';

const hex = (s: string): string => s.replace(/\s+/g, '');
function encoded(fill: (w: Writer) => void): string {
  const w = new Writer();
  fill(w);
  return w.toBuffer().toString('hex');
}
const reader = (s: string): Reader => new Reader(Buffer.from(hex(s), 'hex'));

test('a classic (v0) and a flexible (v3) version of one message', () => {
  const value = createFindCoordinatorRequest({ key: 'g' });
  assert.equal(
    encoded((w) => encodeFindCoordinatorRequest(w, 0, value)),
    hex('0001 67'),
  );
  assert.equal(
    encoded((w) => encodeFindCoordinatorRequest(w, 3, value)),
    hex('02 67  00  00'),
  );
  assert.deepStrictEqual(decodeFindCoordinatorRequest(reader('0001 67'), 0), value);
  assert.deepStrictEqual(decodeFindCoordinatorRequest(reader('0267 01 00'), 3), {
    ...value,
    keyType: 1,
  });
});

test('a tagged field is written only when it differs from its default', () => {
  const value = createApiVersionsResponse({ finalizedFeaturesEpoch: 5n });
  // ErrorCode, ApiKeys (compact, empty), ThrottleTimeMs, then one tagged field: tag 1, 8 bytes.
  const bytes = hex('0000 01 00000000 01 01 08 0000000000000005');
  assert.equal(
    encoded((w) => encodeApiVersionsResponse(w, 3, value)),
    bytes,
  );
  assert.deepStrictEqual(decodeApiVersionsResponse(reader(bytes), 3), value);
  assert.equal(
    encoded((w) => encodeApiVersionsResponse(w, 3, createApiVersionsResponse())),
    hex('0000 01 00000000 00'),
  );
});

test('unknown tagged fields survive a decode/encode round trip', () => {
  const bytes = hex('0000 01 00000000 02 01 08 0000000000000005 1e 02 abcd');
  const value = decodeApiVersionsResponse(reader(bytes), 3);
  assert.equal(value.finalizedFeaturesEpoch, 5n);
  assert.deepStrictEqual(value._unknownTaggedFields, [
    { tag: 30, data: Buffer.from('abcd', 'hex') },
  ]);
  assert.equal(
    encoded((w) => encodeApiVersionsResponse(w, 3, value)),
    bytes,
  );
});

test('a nullable struct has an int8 marker: -1 null, 1 present', () => {
  const base = createConsumerGroupHeartbeatResponse({ memberEpoch: 3 });
  // ThrottleTimeMs, ErrorCode, ErrorMessage null, MemberId null, MemberEpoch,
  // HeartbeatIntervalMs, Assignment, tags.
  const prefix = '00000000 0000 00 00 00000003 00000000';
  assert.equal(
    encoded((w) => encodeConsumerGroupHeartbeatResponse(w, 0, { ...base, assignment: null })),
    hex(`${prefix} ff 00`),
  );
  const withAssignment = { ...base, assignment: { topicPartitions: [] } };
  assert.equal(
    encoded((w) => encodeConsumerGroupHeartbeatResponse(w, 0, withAssignment)),
    hex(`${prefix} 01 01 00 00`),
  );
  assert.equal(decodeConsumerGroupHeartbeatResponse(reader(`${prefix} ff 00`), 0).assignment, null);
  assert.deepStrictEqual(
    decodeConsumerGroupHeartbeatResponse(reader(`${prefix} 01 01 00 00`), 0),
    withAssignment,
  );
});

test('a tagged nullable struct uses an unsigned varint marker inside its tag', () => {
  const value = createConsumerGroupMemberMetadataValue({
    instanceId: null,
    rackId: null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    clientId: 'c',
    clientHost: 'h',
    classicMemberMetadata: { sessionTimeoutMs: 1, supportedProtocols: [] },
  });
  // InstanceId, RackId null; ClientId, ClientHost; topics []; regex null; RebalanceTimeoutMs
  // -1; ServerAssignor null; tags: tag 0, 7 bytes = marker 01, int32 1, [] 01, struct tags 00.
  const bytes = hex('00 00 0263 0268 01 00 ffffffff 00  01 00 07 01 00000001 01 00');
  assert.equal(
    encoded((w) => encodeConsumerGroupMemberMetadataValue(w, 0, value)),
    bytes,
  );
  assert.deepStrictEqual(decodeConsumerGroupMemberMetadataValue(reader(bytes), 0), value);
});

test('a non-default, non-ignorable field cannot be dropped by an older version', () => {
  const partition = createFetchResponsePartitionData({ preferredReadReplica: 2 });
  const value = createFetchResponse({
    responses: [createFetchResponseFetchableTopicResponse({ partitions: [partition] })],
  });
  assert.doesNotThrow(() => encodeFetchResponse(new Writer(), 11, value));
  assert.throws(() => encodeFetchResponse(new Writer(), 10, value), ProtocolEncodeError);
  partition.preferredReadReplica = -1;
  assert.doesNotThrow(() => encodeFetchResponse(new Writer(), 10, value));
  // A tagged field (CurrentLeader, 12+) set away from its default, written at version 11.
  partition.currentLeader = { leaderId: 1, leaderEpoch: 1 };
  assert.throws(() => encodeFetchResponse(new Writer(), 11, value), ProtocolEncodeError);
  assert.throws(
    () =>
      encodeFindCoordinatorRequest(new Writer(), 0, createFindCoordinatorRequest({ keyType: 1 })),
    ProtocolEncodeError,
  );
});

test('an ignorable field is silently dropped by a version that lacks it', () => {
  // ProduceRequest v13 names topics by id; the name (0-12) is ignorable.
  const value = createProduceRequest({
    topicData: [createProduceRequestTopicProduceData({ name: 't', topicId: ZERO_UUID })],
  });
  const w = new Writer();
  encodeProduceRequest(w, 13, value);
  const decoded = decodeProduceRequest(new Reader(w.toBuffer()), 13);
  assert.equal(decoded.topicData[0]!.name, '');
});

test('null where the version forbids it is an encode error', () => {
  const value = createFindCoordinatorRequest({ key: null as unknown as string });
  assert.throws(() => encodeFindCoordinatorRequest(new Writer(), 0, value), ProtocolEncodeError);
  assert.throws(
    () => encodeFindCoordinatorRequest(new Writer(), 7, createFindCoordinatorRequest()),
    ProtocolEncodeError,
  );
});

test('a tagged field cannot be dropped by a flexible version before its tagged versions', () => {
  // PartitionChangeRecord is flexible from v0; Directories is tagged from v1 and not ignorable.
  const value = createPartitionChangeRecord({ directories: [ZERO_UUID] });
  assert.doesNotThrow(() => encodePartitionChangeRecord(new Writer(), 1, value));
  assert.throws(() => encodePartitionChangeRecord(new Writer(), 0, value), ProtocolEncodeError);
});
