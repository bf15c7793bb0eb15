// ConsumerGroupDescribe's view of a KIP-848 consumer group.
import {
  ErrorCode,
  type ConsumerGroupDescribeResponseAssignment,
  type ConsumerGroupDescribeResponseDescribedGroup,
} from '../../protocol/index.js';
import type { ConsumerGroup } from './consumer-group.js';
import type { TopicLookup } from './group-context.js';
import type { Assignment } from './server-assignors.js';

/** The member type of ConsumerGroupDescribe v1: 1 is a member of the consumer protocol. */
const CONSUMER_MEMBER_TYPE = 1;

export function describeConsumerGroup(
  groupId: string,
  check: number,
  group: ConsumerGroup | undefined,
  topics: TopicLookup,
): ConsumerGroupDescribeResponseDescribedGroup {
  const base = {
    errorCode: check,
    errorMessage: null,
    groupId,
    groupState: 'Dead',
    groupEpoch: -1,
    assignmentEpoch: -1,
    assignorName: '',
    members: [],
    authorizedOperations: -2147483648,
  };
  if (check !== ErrorCode.NONE) return base;
  if (!group) {
    return {
      ...base,
      errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
      errorMessage: `Group ${groupId} not found.`,
    };
  }
  const view = (a: Assignment): ConsumerGroupDescribeResponseAssignment => ({
    topicPartitions: [...a]
      .filter(([, ps]) => ps.size > 0)
      .map(([topicId, ps]) => ({
        topicId,
        topicName: topics.byId(topicId)?.name ?? '',
        partitions: [...ps].sort((x, y) => x - y),
      })),
  });
  return {
    ...base,
    groupState: group.state,
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    assignorName: group.assignorName,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: null,
      assignment: view(m.assigned),
      targetAssignment: view(group.targets.get(m.memberId) ?? new Map()),
      memberType: CONSUMER_MEMBER_TYPE,
    })),
  };
}
