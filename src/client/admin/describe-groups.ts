// Describing a group, whichever protocol it uses: ConsumerGroupDescribe first (KIP-848 groups),
// then DescribeGroups when the coordinator says the group is not a consumer-protocol group
// (GROUP_ID_NOT_FOUND) or lacks the API, as Kafka's admin client does.
import {
  createConsumerGroupDescribeRequest,
  createDescribeGroupsRequest,
  type ConsumerGroupDescribeResponse,
  type DescribeGroupsResponse,
} from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import type { Cluster } from '../cluster.js';
import { decodeAssignment } from '../consumer-protocol.js';
import { ClientError, KafkaError } from '../errors.js';
import { findGroupCoordinator } from '../group-requests.js';
import type { GroupDescription } from './types.js';

const COORDINATOR_LOAD_IN_PROGRESS = 14;
const COORDINATOR_NOT_AVAILABLE = 15;
const NOT_COORDINATOR = 16;
const GROUP_ID_NOT_FOUND = 69;

type Described = ConsumerGroupDescribeResponse['groups'][number];
type Assignment = Described['members'][number]['assignment'];

/** One attempt; the caller retries what is retriable (coordinator moves). */
export async function describeGroup(cluster: Cluster, groupId: string): Promise<GroupDescription> {
  const coordinator = await findGroupCoordinator(cluster, groupId);
  const consumerGroup = await describeConsumerGroup(cluster, coordinator, groupId);
  return consumerGroup ?? describeClassicGroup(cluster, coordinator, groupId);
}

/** The KIP-848 view, or null when the group is not a consumer-protocol group. */
async function describeConsumerGroup(
  cluster: Cluster,
  coordinator: number,
  groupId: string,
): Promise<GroupDescription | null> {
  let response: ConsumerGroupDescribeResponse;
  try {
    response = await cluster.send<ConsumerGroupDescribeResponse>(
      coordinator,
      ApiKey.ConsumerGroupDescribe,
      createConsumerGroupDescribeRequest({ groupIds: [groupId] }),
    );
  } catch (err) {
    if (err instanceof ClientError && err.code === 'ERR_UNSUPPORTED_VERSION') return null;
    throw err;
  }
  const g = response.groups[0];
  if (g === undefined) throw new KafkaError(-1, 'empty ConsumerGroupDescribe answer');
  throwIfCoordinatorMoved(g.errorCode);
  if (g.errorCode === GROUP_ID_NOT_FOUND) return null;
  const topicNames = (a: Assignment) => a.topicPartitions.flatMap((t) => toPartitions(cluster, t));
  return {
    groupId: g.groupId,
    type: 'consumer',
    state: g.groupState,
    protocolType: 'consumer',
    protocol: g.assignorName,
    errorCode: g.errorCode,
    groupEpoch: g.groupEpoch,
    assignmentEpoch: g.assignmentEpoch,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: topicNames(m.assignment),
      memberEpoch: m.memberEpoch,
      targetAssignment: topicNames(m.targetAssignment),
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
    })),
  };
}

function toPartitions(
  cluster: Cluster,
  t: Assignment['topicPartitions'][number],
): { topic: string; partition: number }[] {
  // The name is in the answer; a broker that left it empty is resolved from the metadata.
  const topic =
    t.topicName !== ''
      ? t.topicName
      : ([...cluster.topics.values()].find((m) => m.topicId === t.topicId)?.name ?? t.topicId);
  return t.partitions.map((partition) => ({ topic, partition }));
}

async function describeClassicGroup(
  cluster: Cluster,
  coordinator: number,
  groupId: string,
): Promise<GroupDescription> {
  const response = await cluster.send<DescribeGroupsResponse>(
    coordinator,
    ApiKey.DescribeGroups,
    createDescribeGroupsRequest({ groups: [groupId] }),
  );
  const g = response.groups[0];
  if (g === undefined) throw new KafkaError(-1, 'empty DescribeGroups answer');
  throwIfCoordinatorMoved(g.errorCode);
  return {
    groupId: g.groupId,
    type: 'classic',
    state: g.groupState,
    protocolType: g.protocolType,
    protocol: g.protocolData,
    errorCode: g.errorCode,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: memberAssignment(g.protocolType, m.memberAssignment),
    })),
  };
}

/** Coordinator moves are retriable; other errors are reported per group. */
function throwIfCoordinatorMoved(errorCode: number): void {
  if (
    errorCode === COORDINATOR_LOAD_IN_PROGRESS ||
    errorCode === COORDINATOR_NOT_AVAILABLE ||
    errorCode === NOT_COORDINATOR
  )
    throw new KafkaError(errorCode);
}

function memberAssignment(protocolType: string, bytes: Buffer) {
  if (protocolType !== 'consumer') return [];
  try {
    return decodeAssignment(bytes).partitions.flatMap((t) =>
      t.partitions.map((partition) => ({ topic: t.topic, partition })),
    );
  } catch {
    return [];
  }
}
