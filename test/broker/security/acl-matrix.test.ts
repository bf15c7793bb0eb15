// The ACL matrix: every API the broker serves, with the resource it touches, against Kafka's
// StandardAuthorizer. For each case three principals send the same request: one granted
// exactly the ACLs Kafka requires (not refused), one granted them plus a DENY of ALL on the
// same resources (deny wins: refused), and one with no ACL at all (refused, since
// allow.everyone.if.no.acl.found is false). The refusals must carry the code Kafka answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startBroker, type Broker } from '../../../src/index.js';
import * as P from '../../../src/protocol/index.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { SECURED } from './secured-broker.js';

const E = P.ErrorCode;
const RT = { TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5 } as const;
const OP = {
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const;

/** A decoded response, read by field names (the codecs have checked its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Response = any;

type Grant = [type: keyof typeof RT, name: string, op: keyof typeof OP];

interface Case {
  name: string;
  apiKey: number;
  version: number;
  body: () => unknown;
  grants: Grant[];
  /** The code that tells the outcome (the one Kafka puts the refusal in). */
  code: (res: Response) => number;
  refused: number;
}

const TOPIC = 'orders';
const GROUP = 'g';
const TXN = 'tx';
const CLUSTER = 'kafka-cluster';

const batch = () =>
  encodeRecordBatchSync([{ key: null, value: Buffer.from('v') }], { timestamp: 1 });
const first = (res: Response, ...path: string[]): number => {
  let x = res;
  for (const p of path) x = Array.isArray(x[p]) ? x[p][0] : x[p];
  return x as number;
};

const CASES: Case[] = [
  {
    name: 'Produce: WRITE on the topic',
    apiKey: 0,
    version: 9,
    body: () =>
      P.createProduceRequest({
        acks: 1,
        timeoutMs: 5000,
        topicData: [
          P.createProduceRequestTopicProduceData({
            name: TOPIC,
            partitionData: [
              P.createProduceRequestPartitionProduceData({ index: 0, records: batch() }),
            ],
          }),
        ],
      }),
    grants: [['TOPIC', TOPIC, 'WRITE']],
    code: (r) => first(r, 'responses', 'partitionResponses', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'Fetch: READ on the topic',
    apiKey: 1,
    version: 12,
    body: () =>
      P.createFetchRequest({
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        sessionEpoch: -1,
        topics: [
          P.createFetchRequestFetchTopic({
            topic: TOPIC,
            partitions: [
              P.createFetchRequestFetchPartition({ partition: 0, partitionMaxBytes: 1 << 20 }),
            ],
          }),
        ],
      }),
    grants: [['TOPIC', TOPIC, 'READ']],
    code: (r) => first(r, 'responses', 'partitions', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'ListOffsets: DESCRIBE on the topic (implied by READ)',
    apiKey: 2,
    version: 7,
    body: () =>
      P.createListOffsetsRequest({
        replicaId: -1,
        topics: [
          P.createListOffsetsRequestListOffsetsTopic({
            name: TOPIC,
            partitions: [
              P.createListOffsetsRequestListOffsetsPartition({ partitionIndex: 0, timestamp: -1n }),
            ],
          }),
        ],
      }),
    grants: [['TOPIC', TOPIC, 'READ']],
    code: (r) => first(r, 'topics', 'partitions', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'Metadata: DESCRIBE on the topic',
    apiKey: 3,
    version: 12,
    body: () =>
      P.createMetadataRequest({
        topics: [P.createMetadataRequestMetadataRequestTopic({ name: TOPIC })],
        allowAutoTopicCreation: false,
      }),
    grants: [['TOPIC', TOPIC, 'DESCRIBE']],
    code: (r) => first(r, 'topics', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'Metadata of an unknown topic: TOPIC_AUTHORIZATION_FAILED too, not UNKNOWN',
    apiKey: 3,
    version: 12,
    body: () =>
      P.createMetadataRequest({
        topics: [P.createMetadataRequestMetadataRequestTopic({ name: 'missing' })],
        allowAutoTopicCreation: false,
      }),
    grants: [['TOPIC', 'missing', 'DESCRIBE']],
    code: (r) => {
      const c = first(r, 'topics', 'errorCode');
      return c === E.UNKNOWN_TOPIC_OR_PARTITION ? E.NONE : c;
    },
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'Metadata auto-creation: CREATE on the topic',
    apiKey: 3,
    version: 12,
    body: () =>
      P.createMetadataRequest({
        topics: [P.createMetadataRequestMetadataRequestTopic({ name: 'auto' })],
        allowAutoTopicCreation: true,
      }),
    grants: [
      ['TOPIC', 'auto', 'DESCRIBE'],
      ['TOPIC', 'auto', 'CREATE'],
    ],
    code: (r) => first(r, 'topics', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'OffsetCommit: READ on the group',
    apiKey: 8,
    version: 8,
    body: () => offsetCommit(),
    grants: [
      ['GROUP', GROUP, 'READ'],
      ['TOPIC', TOPIC, 'READ'],
    ],
    code: (r) => first(r, 'topics', 'partitions', 'errorCode'),
    refused: E.GROUP_AUTHORIZATION_FAILED,
  },
  {
    name: 'OffsetFetch: DESCRIBE on the group',
    apiKey: 9,
    version: 7,
    body: () =>
      P.createOffsetFetchRequest({
        groupId: GROUP,
        topics: [
          P.createOffsetFetchRequestOffsetFetchRequestTopic({ name: TOPIC, partitionIndexes: [0] }),
        ],
      }),
    grants: [
      ['GROUP', GROUP, 'DESCRIBE'],
      ['TOPIC', TOPIC, 'DESCRIBE'],
    ],
    code: (r) => r.errorCode,
    refused: E.GROUP_AUTHORIZATION_FAILED,
  },
  {
    name: 'FindCoordinator (group): DESCRIBE on the group',
    apiKey: 10,
    version: 3,
    body: () => P.createFindCoordinatorRequest({ key: GROUP, keyType: 0 }),
    grants: [['GROUP', GROUP, 'DESCRIBE']],
    code: (r) => r.errorCode,
    refused: E.GROUP_AUTHORIZATION_FAILED,
  },
  {
    name: 'FindCoordinator (transaction): DESCRIBE on the transactional id',
    apiKey: 10,
    version: 3,
    body: () => P.createFindCoordinatorRequest({ key: TXN, keyType: 1 }),
    grants: [['TRANSACTIONAL_ID', TXN, 'DESCRIBE']],
    code: (r) => (r.errorCode === E.COORDINATOR_LOAD_IN_PROGRESS ? E.NONE : r.errorCode),
    refused: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  },
  {
    name: 'JoinGroup: READ on the group',
    apiKey: 11,
    version: 5,
    body: () =>
      P.createJoinGroupRequest({
        groupId: GROUP,
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 10000,
        memberId: '',
        protocolType: 'consumer',
        protocols: [
          P.createJoinGroupRequestJoinGroupRequestProtocol({
            name: 'range',
            metadata: Buffer.alloc(0),
          }),
        ],
      }),
    grants: [['GROUP', GROUP, 'READ']],
    code: (r) => (r.errorCode === E.MEMBER_ID_REQUIRED ? E.NONE : r.errorCode),
    refused: E.GROUP_AUTHORIZATION_FAILED,
  },
  {
    name: 'Heartbeat: READ on the group',
    apiKey: 12,
    version: 3,
    body: () => P.createHeartbeatRequest({ groupId: GROUP, generationId: 1, memberId: 'm' }),
    grants: [['GROUP', GROUP, 'READ']],
    code: (r) => (r.errorCode === E.GROUP_AUTHORIZATION_FAILED ? r.errorCode : E.NONE),
    refused: E.GROUP_AUTHORIZATION_FAILED,
  },
  {
    name: 'DescribeGroups: DESCRIBE on the group',
    apiKey: 15,
    version: 5,
    body: () => P.createDescribeGroupsRequest({ groups: [GROUP] }),
    grants: [['GROUP', GROUP, 'DESCRIBE']],
    code: (r) => first(r, 'groups', 'errorCode'),
    refused: E.GROUP_AUTHORIZATION_FAILED,
  },
  {
    name: 'DeleteGroups: DELETE on the group',
    apiKey: 42,
    version: 2,
    body: () => P.createDeleteGroupsRequest({ groupsNames: ['gone'] }),
    grants: [['GROUP', 'gone', 'DELETE']],
    code: (r) => {
      const c = first(r, 'results', 'errorCode');
      return c === E.GROUP_ID_NOT_FOUND ? E.NONE : c;
    },
    refused: E.GROUP_AUTHORIZATION_FAILED,
  },
  {
    name: 'OffsetDelete: DELETE on the group',
    apiKey: 47,
    version: 0,
    body: () =>
      P.createOffsetDeleteRequest({
        groupId: GROUP,
        topics: [
          P.createOffsetDeleteRequestOffsetDeleteRequestTopic({
            name: TOPIC,
            partitions: [
              P.createOffsetDeleteRequestOffsetDeleteRequestPartition({ partitionIndex: 0 }),
            ],
          }),
        ],
      }),
    grants: [
      ['GROUP', GROUP, 'DELETE'],
      ['TOPIC', TOPIC, 'READ'],
    ],
    code: (r) => r.errorCode,
    refused: E.GROUP_AUTHORIZATION_FAILED,
  },
  {
    name: 'CreateTopics: CREATE on the topic',
    apiKey: 19,
    version: 7,
    body: () =>
      P.createCreateTopicsRequest({
        timeoutMs: 5000,
        topics: [
          P.createCreateTopicsRequestCreatableTopic({
            name: `new-${nextTopic++}`,
            numPartitions: 1,
            replicationFactor: -1,
          }),
        ],
      }),
    grants: [['TOPIC', 'new-', 'CREATE']],
    code: (r) => first(r, 'topics', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'DeleteTopics: DELETE on the topic',
    apiKey: 20,
    version: 6,
    body: () =>
      P.createDeleteTopicsRequest({
        timeoutMs: 5000,
        topics: [P.createDeleteTopicsRequestDeleteTopicState({ name: 'missing' })],
      }),
    grants: [['TOPIC', 'missing', 'DELETE']],
    code: (r) => {
      const c = first(r, 'responses', 'errorCode');
      return c === E.UNKNOWN_TOPIC_OR_PARTITION ? E.NONE : c;
    },
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'DeleteRecords: DELETE on the topic',
    apiKey: 21,
    version: 2,
    body: () =>
      P.createDeleteRecordsRequest({
        timeoutMs: 5000,
        topics: [
          P.createDeleteRecordsRequestDeleteRecordsTopic({
            name: TOPIC,
            partitions: [
              P.createDeleteRecordsRequestDeleteRecordsPartition({ partitionIndex: 0, offset: 0n }),
            ],
          }),
        ],
      }),
    grants: [['TOPIC', TOPIC, 'DELETE']],
    code: (r) => first(r, 'topics', 'partitions', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'InitProducerId (transactional): WRITE on the transactional id',
    apiKey: 22,
    version: 4,
    body: () =>
      P.createInitProducerIdRequest({
        transactionalId: TXN,
        transactionTimeoutMs: 60000,
        producerId: -1n,
        producerEpoch: -1,
      }),
    grants: [['TRANSACTIONAL_ID', TXN, 'WRITE']],
    code: (r) => (r.errorCode === E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED ? r.errorCode : E.NONE),
    refused: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  },
  {
    name: 'InitProducerId (idempotent): IDEMPOTENT_WRITE on the cluster',
    apiKey: 22,
    version: 4,
    body: () =>
      P.createInitProducerIdRequest({
        transactionalId: null,
        transactionTimeoutMs: 60000,
        producerId: -1n,
        producerEpoch: -1,
      }),
    grants: [['CLUSTER', CLUSTER, 'IDEMPOTENT_WRITE']],
    code: (r) => r.errorCode,
    refused: E.CLUSTER_AUTHORIZATION_FAILED,
  },
  {
    name: 'AddPartitionsToTxn: WRITE on the transactional id',
    apiKey: 24,
    version: 3,
    body: () =>
      P.createAddPartitionsToTxnRequest({
        v3AndBelowTransactionalId: TXN,
        v3AndBelowProducerId: 1n,
        v3AndBelowProducerEpoch: 0,
        v3AndBelowTopics: [
          P.createAddPartitionsToTxnRequestAddPartitionsToTxnTopic({
            name: TOPIC,
            partitions: [0],
          }),
        ],
      }),
    grants: [
      ['TRANSACTIONAL_ID', TXN, 'WRITE'],
      ['TOPIC', TOPIC, 'WRITE'],
    ],
    code: (r) => {
      const c = first(r, 'resultsByTopicV3AndBelow', 'resultsByPartition', 'partitionErrorCode');
      return c === E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED ? c : E.NONE;
    },
    refused: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  },
  {
    name: 'AddOffsetsToTxn: WRITE on the transactional id',
    apiKey: 25,
    version: 3,
    body: () =>
      P.createAddOffsetsToTxnRequest({
        transactionalId: TXN,
        producerId: 1n,
        producerEpoch: 0,
        groupId: GROUP,
      }),
    grants: [
      ['TRANSACTIONAL_ID', TXN, 'WRITE'],
      ['GROUP', GROUP, 'READ'],
    ],
    code: (r) => (r.errorCode === E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED ? r.errorCode : E.NONE),
    refused: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  },
  {
    name: 'EndTxn: WRITE on the transactional id',
    apiKey: 26,
    version: 3,
    body: () =>
      P.createEndTxnRequest({
        transactionalId: TXN,
        producerId: 1n,
        producerEpoch: 0,
        committed: false,
      }),
    grants: [['TRANSACTIONAL_ID', TXN, 'WRITE']],
    code: (r) => (r.errorCode === E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED ? r.errorCode : E.NONE),
    refused: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  },
  {
    name: 'WriteTxnMarkers: CLUSTER_ACTION',
    apiKey: 27,
    version: 1,
    body: () =>
      P.createWriteTxnMarkersRequest({
        markers: [
          P.createWriteTxnMarkersRequestWritableTxnMarker({
            producerId: 1n,
            producerEpoch: 0,
            transactionResult: false,
            coordinatorEpoch: 0,
            topics: [
              P.createWriteTxnMarkersRequestWritableTxnMarkerTopic({
                name: TOPIC,
                partitionIndexes: [0],
              }),
            ],
          }),
        ],
      }),
    grants: [['CLUSTER', CLUSTER, 'CLUSTER_ACTION']],
    code: (r) => {
      const c = first(r, 'markers', 'topics', 'partitions', 'errorCode');
      return c === E.CLUSTER_AUTHORIZATION_FAILED ? c : E.NONE;
    },
    refused: E.CLUSTER_AUTHORIZATION_FAILED,
  },
  {
    name: 'TxnOffsetCommit: WRITE on the transactional id',
    apiKey: 28,
    version: 3,
    body: () =>
      P.createTxnOffsetCommitRequest({
        transactionalId: TXN,
        groupId: GROUP,
        producerId: 1n,
        producerEpoch: 0,
        generationId: -1,
        memberId: '',
        topics: [
          P.createTxnOffsetCommitRequestTxnOffsetCommitRequestTopic({
            name: TOPIC,
            partitions: [
              P.createTxnOffsetCommitRequestTxnOffsetCommitRequestPartition({
                partitionIndex: 0,
                committedOffset: 0n,
              }),
            ],
          }),
        ],
      }),
    grants: [
      ['TRANSACTIONAL_ID', TXN, 'WRITE'],
      ['GROUP', GROUP, 'READ'],
      ['TOPIC', TOPIC, 'READ'],
    ],
    code: (r) => {
      const c = first(r, 'topics', 'partitions', 'errorCode');
      return c === E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED ? c : E.NONE;
    },
    refused: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  },
  {
    name: 'DescribeConfigs (topic): DESCRIBE_CONFIGS on the topic',
    apiKey: 32,
    version: 4,
    body: () =>
      P.createDescribeConfigsRequest({
        resources: [
          P.createDescribeConfigsRequestDescribeConfigsResource({
            resourceType: 2,
            resourceName: TOPIC,
            configurationKeys: null,
          }),
        ],
      }),
    grants: [['TOPIC', TOPIC, 'DESCRIBE_CONFIGS']],
    code: (r) => first(r, 'results', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'DescribeConfigs (broker): DESCRIBE_CONFIGS on the cluster',
    apiKey: 32,
    version: 4,
    body: () =>
      P.createDescribeConfigsRequest({
        resources: [
          P.createDescribeConfigsRequestDescribeConfigsResource({
            resourceType: 4,
            resourceName: '1',
            configurationKeys: null,
          }),
        ],
      }),
    grants: [['CLUSTER', CLUSTER, 'DESCRIBE_CONFIGS']],
    code: (r) => first(r, 'results', 'errorCode'),
    refused: E.CLUSTER_AUTHORIZATION_FAILED,
  },
  {
    name: 'AlterConfigs (topic): ALTER_CONFIGS on the topic',
    apiKey: 33,
    version: 2,
    body: () =>
      P.createAlterConfigsRequest({
        validateOnly: true,
        resources: [
          P.createAlterConfigsRequestAlterConfigsResource({
            resourceType: 2,
            resourceName: TOPIC,
            configs: [
              P.createAlterConfigsRequestAlterableConfig({ name: 'retention.ms', value: '1000' }),
            ],
          }),
        ],
      }),
    grants: [['TOPIC', TOPIC, 'ALTER_CONFIGS']],
    code: (r) => first(r, 'responses', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'IncrementalAlterConfigs (group): ALTER_CONFIGS on the group',
    apiKey: 44,
    version: 1,
    body: () =>
      P.createIncrementalAlterConfigsRequest({
        validateOnly: true,
        resources: [
          P.createIncrementalAlterConfigsRequestAlterConfigsResource({
            resourceType: 32,
            resourceName: GROUP,
            configs: [
              P.createIncrementalAlterConfigsRequestAlterableConfig({
                name: 'consumer.session.timeout.ms',
                configOperation: 0,
                value: '45000',
              }),
            ],
          }),
        ],
      }),
    grants: [['GROUP', GROUP, 'ALTER_CONFIGS']],
    code: (r) => first(r, 'responses', 'errorCode'),
    refused: E.GROUP_AUTHORIZATION_FAILED,
  },
  {
    name: 'ElectLeaders: ALTER on the cluster',
    apiKey: 43,
    version: 2,
    body: () =>
      P.createElectLeadersRequest({
        electionType: 0,
        topicPartitions: [
          P.createElectLeadersRequestTopicPartitions({ topic: TOPIC, partitions: [0] }),
        ],
        timeoutMs: 5000,
      }),
    grants: [['CLUSTER', CLUSTER, 'ALTER']],
    code: (r) => r.errorCode,
    refused: E.CLUSTER_AUTHORIZATION_FAILED,
  },
  {
    name: 'AlterPartitionReassignments: ALTER on the cluster',
    apiKey: 45,
    version: 0,
    body: () =>
      P.createAlterPartitionReassignmentsRequest({
        timeoutMs: 5000,
        topics: [
          P.createAlterPartitionReassignmentsRequestReassignableTopic({
            name: TOPIC,
            partitions: [
              P.createAlterPartitionReassignmentsRequestReassignablePartition({
                partitionIndex: 0,
                replicas: null,
              }),
            ],
          }),
        ],
      }),
    grants: [['CLUSTER', CLUSTER, 'ALTER']],
    code: (r) => r.errorCode,
    refused: E.CLUSTER_AUTHORIZATION_FAILED,
  },
  {
    name: 'ListPartitionReassignments: DESCRIBE on the cluster',
    apiKey: 46,
    version: 0,
    body: () => P.createListPartitionReassignmentsRequest({ timeoutMs: 5000, topics: null }),
    grants: [['CLUSTER', CLUSTER, 'DESCRIBE']],
    code: (r) => r.errorCode,
    refused: E.CLUSTER_AUTHORIZATION_FAILED,
  },
  {
    name: 'DescribeLogDirs: DESCRIBE on the cluster',
    apiKey: 35,
    version: 4,
    body: () => P.createDescribeLogDirsRequest({ topics: null }),
    grants: [['CLUSTER', CLUSTER, 'DESCRIBE']],
    code: (r) => r.errorCode,
    refused: E.CLUSTER_AUTHORIZATION_FAILED,
  },
  {
    name: 'CreatePartitions: ALTER on the topic',
    apiKey: 37,
    version: 3,
    body: () =>
      P.createCreatePartitionsRequest({
        timeoutMs: 5000,
        validateOnly: true,
        topics: [
          P.createCreatePartitionsRequestCreatePartitionsTopic({
            name: TOPIC,
            count: 3,
            assignments: null,
          }),
        ],
      }),
    grants: [['TOPIC', TOPIC, 'ALTER']],
    code: (r) => first(r, 'results', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'DescribeProducers: READ on the topic',
    apiKey: 61,
    version: 0,
    body: () =>
      P.createDescribeProducersRequest({
        topics: [
          P.createDescribeProducersRequestTopicRequest({ name: TOPIC, partitionIndexes: [0] }),
        ],
      }),
    grants: [['TOPIC', TOPIC, 'READ']],
    code: (r) => first(r, 'topics', 'partitions', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'DescribeTransactions: DESCRIBE on the transactional id',
    apiKey: 65,
    version: 0,
    body: () => P.createDescribeTransactionsRequest({ transactionalIds: [TXN] }),
    grants: [['TRANSACTIONAL_ID', TXN, 'DESCRIBE']],
    code: (r) => {
      const c = first(r, 'transactionStates', 'errorCode');
      return c === E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED ? c : E.NONE;
    },
    refused: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  },
  {
    name: 'ConsumerGroupHeartbeat: READ on the group',
    apiKey: 68,
    version: 0,
    body: () =>
      P.createConsumerGroupHeartbeatRequest({
        groupId: 'g848',
        memberId: 'm1',
        memberEpoch: 0,
        rebalanceTimeoutMs: 10000,
        subscribedTopicNames: [TOPIC],
        topicPartitions: [],
      }),
    grants: [['GROUP', 'g848', 'READ']],
    code: (r) => r.errorCode,
    refused: E.GROUP_AUTHORIZATION_FAILED,
  },
  {
    name: 'ConsumerGroupDescribe: DESCRIBE on the group',
    apiKey: 69,
    version: 0,
    body: () => P.createConsumerGroupDescribeRequest({ groupIds: ['g848'] }),
    grants: [['GROUP', 'g848', 'DESCRIBE']],
    code: (r) => {
      const c = first(r, 'groups', 'errorCode');
      return c === E.GROUP_AUTHORIZATION_FAILED ? c : E.NONE;
    },
    refused: E.GROUP_AUTHORIZATION_FAILED,
  },
  {
    name: 'DescribeTopicPartitions: DESCRIBE on the topic',
    apiKey: 75,
    version: 0,
    body: () =>
      P.createDescribeTopicPartitionsRequest({
        topics: [P.createDescribeTopicPartitionsRequestTopicRequest({ name: TOPIC })],
        responsePartitionLimit: 100,
        cursor: null,
      }),
    grants: [['TOPIC', TOPIC, 'DESCRIBE']],
    code: (r) => first(r, 'topics', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'OffsetForLeaderEpoch: DESCRIBE on the topic',
    apiKey: 23,
    version: 4,
    body: () =>
      P.createOffsetForLeaderEpochRequest({
        replicaId: -1,
        topics: [
          P.createOffsetForLeaderEpochRequestOffsetForLeaderTopic({
            topic: TOPIC,
            partitions: [
              P.createOffsetForLeaderEpochRequestOffsetForLeaderPartition({
                partition: 0,
                currentLeaderEpoch: -1,
                leaderEpoch: 0,
              }),
            ],
          }),
        ],
      }),
    grants: [['TOPIC', TOPIC, 'DESCRIBE']],
    code: (r) => first(r, 'topics', 'partitions', 'errorCode'),
    refused: E.TOPIC_AUTHORIZATION_FAILED,
  },
  {
    name: 'DescribeAcls: DESCRIBE on the cluster',
    apiKey: 29,
    version: 3,
    body: () => ({
      resourceTypeFilter: 1,
      resourceNameFilter: null,
      patternTypeFilter: 1,
      principalFilter: null,
      hostFilter: null,
      operation: 1,
      permissionType: 1,
    }),
    grants: [['CLUSTER', CLUSTER, 'DESCRIBE']],
    code: (r) => r.errorCode,
    refused: E.CLUSTER_AUTHORIZATION_FAILED,
  },
];

let nextTopic = 0;

function offsetCommit() {
  return P.createOffsetCommitRequest({
    groupId: GROUP,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    topics: [
      P.createOffsetCommitRequestOffsetCommitRequestTopic({
        name: TOPIC,
        partitions: [
          P.createOffsetCommitRequestOffsetCommitRequestPartition({
            partitionIndex: 0,
            committedOffset: 0n,
          }),
        ],
      }),
    ],
  });
}

let broker: Broker;
let admin: ProtocolClient;
before(async () => {
  broker = await startBroker(SECURED);
  admin = await ProtocolClient.connect(broker.port, { clientId: 'admin' });
  const created = await admin.request(19, 7, {
    timeoutMs: 5000,
    validateOnly: false,
    topics: [
      { name: TOPIC, numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] },
    ],
  });
  assert.equal(created.topics[0].errorCode, 0);
});
after(async () => {
  admin.close();
  await broker.close();
});

async function grant(principal: string, grants: Grant[], permissionType: number) {
  const res = await admin.request(30, 3, {
    creations: grants.map(([type, name, op]) => ({
      resourceType: RT[type],
      resourceName: name,
      // The CreateTopics case grants a prefix: every `new-…` topic.
      resourcePatternType: name.endsWith('-') ? 4 : 3,
      principal,
      host: '*',
      operation: permissionType === 2 ? OP.ALL : OP[op],
      permissionType,
    })),
  });
  for (const r of res.results) assert.equal(r.errorCode, 0, r.errorMessage);
}

async function as(clientId: string, c: Case): Promise<number> {
  const client = await ProtocolClient.connect(broker.port, { clientId });
  try {
    return c.code(await client.request(c.apiKey, c.version, c.body()));
  } finally {
    client.close();
  }
}

CASES.forEach((c, i) => {
  test(c.name, async () => {
    const allowed = `allowed-${i}`;
    const denied = `denied-${i}`;
    await grant(`User:${allowed}`, c.grants, 3);
    await grant(`User:${denied}`, c.grants, 3);
    await grant(`User:${denied}`, c.grants, 2);
    assert.equal(await as(`nobody-${i}`, c), c.refused, 'no ACL: refused');
    assert.equal(await as(denied, c), c.refused, 'DENY wins over ALLOW');
    assert.equal(await as(allowed, c), E.NONE, 'allowed');
  });
});
