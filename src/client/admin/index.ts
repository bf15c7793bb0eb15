export { Admin, type AdminOptions, type ChangeOptions } from './admin.js';
export type * from './types.js';
export type { ReplicaLogDirInfo, TopicPartitionReplica } from './describe-replica-log-dirs.js';
