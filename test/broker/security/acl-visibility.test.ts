// What a principal sees under ACLs: Metadata of all topics leaves out those it may not describe,
// authorized operations are its own (Metadata, DescribeCluster, DescribeGroups), ListGroups
// lists only its groups, and a consumer_byte_rate quota throttles Fetch.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startBroker, type Broker } from '../../../src/index.js';
import * as P from '../../../src/protocol/index.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { SECURED } from './secured-broker.js';

const READ = 3;
const WRITE = 4;
const DESCRIBE = 8;

let broker: Broker;
let admin: ProtocolClient;
before(async () => {
  broker = await startBroker(SECURED);
  admin = await ProtocolClient.connect(broker.port, { clientId: 'admin' });
  await admin.request(19, 7, {
    timeoutMs: 5000,
    validateOnly: false,
    topics: ['mine', 'theirs'].map((name) => ({
      name,
      numPartitions: 1,
      replicationFactor: -1,
      assignments: [],
      configs: [],
    })),
  });
  const acl = (resourceType: number, resourceName: string, operation: number) => ({
    resourceType,
    resourceName,
    resourcePatternType: 3,
    principal: 'User:alice',
    host: '*',
    operation,
    permissionType: 3,
  });
  const created = await admin.request(30, 3, {
    creations: [acl(2, 'mine', READ), acl(2, 'mine', WRITE), acl(3, 'alice-group', DESCRIBE)],
  });
  for (const r of created.results) assert.equal(r.errorCode, 0);
});
after(async () => {
  admin.close();
  await broker.close();
});

const metadata = (client: ProtocolClient) =>
  client.request(3, 10, {
    topics: null,
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: true,
    includeTopicAuthorizedOperations: true,
  });

const bits = (...ops: number[]) => ops.reduce((acc, op) => acc | (1 << op), 0);

test('Metadata lists only describable topics, with the principal own operations', async () => {
  const alice = await ProtocolClient.connect(broker.port, { clientId: 'alice' });
  try {
    const res = await metadata(alice);
    assert.deepEqual(
      res.topics.map((t: { name: string }) => t.name),
      ['mine'],
    );
    assert.equal(res.topics[0].topicAuthorizedOperations, bits(READ, WRITE, DESCRIBE));
    assert.equal(res.clusterAuthorizedOperations, 0);
    const super_ = await metadata(admin);
    assert.ok(super_.topics.length >= 2);
    const cluster = await alice.request(
      60,
      0,
      P.createDescribeClusterRequest({ includeClusterAuthorizedOperations: true }),
    );
    assert.equal(cluster.clusterAuthorizedOperations, 0);
  } finally {
    alice.close();
  }
});

test('ListGroups lists only the groups the principal may describe', async () => {
  for (const groupId of ['alice-group', 'other-group']) {
    const res = await admin.request(8, 8, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 'mine',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 0n,
              committedLeaderEpoch: -1,
              committedMetadata: '',
            },
          ],
        },
      ],
    });
    assert.equal(res.topics[0].partitions[0].errorCode, 0);
  }
  const alice = await ProtocolClient.connect(broker.port, { clientId: 'alice' });
  try {
    const listed = await alice.request(16, 4, { statesFilter: [], typesFilter: [] });
    assert.deepEqual(
      listed.groups.map((g: { groupId: string }) => g.groupId),
      ['alice-group'],
    );
    const all = await admin.request(16, 4, { statesFilter: [], typesFilter: [] });
    assert.equal(all.groups.length, 2);
    const described = await alice.request(15, 5, {
      groups: ['alice-group'],
      includeAuthorizedOperations: true,
    });
    assert.equal(described.groups[0].authorizedOperations, bits(DESCRIBE));
  } finally {
    alice.close();
  }
});

test('a fetch over consumer_byte_rate answers throttle_time_ms', async () => {
  await admin.request(49, 1, {
    validateOnly: false,
    entries: [
      {
        entity: [{ entityType: 'client-id', entityName: 'reader' }],
        ops: [{ key: 'consumer_byte_rate', value: 1024, remove: false }],
      },
    ],
  });
  const records = encodeRecordBatchSync([{ key: null, value: Buffer.alloc(50_000) }], {
    timestamp: 1,
  });
  const produced = await admin.request(0, 9, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [{ name: 'theirs', partitionData: [{ index: 0, records }] }],
  });
  assert.equal(produced.responses[0].partitionResponses[0].errorCode, 0);
  // `reader` is not a super user: it needs READ on the topic.
  await admin.request(30, 3, {
    creations: [
      {
        resourceType: 2,
        resourceName: 'theirs',
        resourcePatternType: 3,
        principal: 'User:reader',
        host: '*',
        operation: READ,
        permissionType: 3,
      },
    ],
  });
  const reader = await ProtocolClient.connect(broker.port, { clientId: 'reader' });
  try {
    const fetched = await reader.request(
      1,
      12,
      P.createFetchRequest({
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        sessionEpoch: -1,
        topics: [
          P.createFetchRequestFetchTopic({
            topic: 'theirs',
            partitions: [
              P.createFetchRequestFetchPartition({ partition: 0, partitionMaxBytes: 1 << 20 }),
            ],
          }),
        ],
      }),
    );
    assert.equal(fetched.responses[0].partitions[0].errorCode, 0);
    assert.ok(fetched.responses[0].partitions[0].records.length > 50_000);
    assert.ok(fetched.throttleTimeMs > 10_000, `throttle_time_ms ${fetched.throttleTimeMs}`);
  } finally {
    reader.close();
  }
});
