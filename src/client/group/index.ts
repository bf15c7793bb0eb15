export {
  ASSIGNORS,
  cooperativeStickyAssignor,
  rangeAssignor,
  roundRobinAssignor,
  type Assignor,
  type GroupAssignment,
  type MemberSubscription,
} from './assignors.js';
export {
  GroupConsumer,
  type GroupConsumerOptions,
  type RebalanceListener,
} from './group-consumer.js';
export {
  ConsumerGroupMembership,
  type HeartbeatResult,
  type MembershipOptions,
} from './consumer-group-membership.js';
export {
  ProtocolGroupMember,
  type GroupRound,
  type ProtocolGroupMemberOptions,
} from './protocol-group-member.js';
