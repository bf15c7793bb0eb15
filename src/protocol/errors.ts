// Kafka's error codes, shared by the broker (which answers with them) and the client (which
// acts on them). Codes, names and retriability follow Kafka's `Errors` table up to 4.3; the
// messages are our own. "Retriable" is Kafka's classification (the exception extends
// RetriableException): a client may resend the same request, usually after refreshing
// metadata. Codes above 133 exist only on unreleased Kafka branches and are not listed.

/** [code, retriable, message] per Kafka error name. Order: by code. */
// prettier-ignore
const TABLE = {
  UNKNOWN_SERVER_ERROR: [-1, false, 'The server hit an unexpected error while handling the request.'],
  NONE: [0, false, 'No error.'],
  OFFSET_OUT_OF_RANGE: [1, false, 'The requested offset is outside the range the partition holds.'],
  CORRUPT_MESSAGE: [2, true, 'A record failed its CRC check, has an invalid size, or is otherwise malformed.'],
  UNKNOWN_TOPIC_OR_PARTITION: [3, true, 'This broker does not host the topic or partition.'],
  INVALID_FETCH_SIZE: [4, false, 'The fetch size in the request is not valid.'],
  LEADER_NOT_AVAILABLE: [5, true, 'The partition has no leader right now; an election is in progress.'],
  NOT_LEADER_OR_FOLLOWER: [6, true, 'This broker is neither the leader nor a follower of the partition.'],
  REQUEST_TIMED_OUT: [7, true, 'The request did not complete in time.'],
  BROKER_NOT_AVAILABLE: [8, false, 'The broker is not available.'],
  REPLICA_NOT_AVAILABLE: [9, true, 'The replica is not available for the partition.'],
  MESSAGE_TOO_LARGE: [10, false, 'A record batch is larger than the largest the topic accepts.'],
  STALE_CONTROLLER_EPOCH: [11, false, 'The request came from a controller that is no longer active.'],
  OFFSET_METADATA_TOO_LARGE: [12, false, 'The metadata string of an offset commit is too long.'],
  NETWORK_EXCEPTION: [13, true, 'The connection closed before a response arrived.'],
  COORDINATOR_LOAD_IN_PROGRESS: [14, true, 'The coordinator is still loading its state.'],
  COORDINATOR_NOT_AVAILABLE: [15, true, 'The coordinator is not available.'],
  NOT_COORDINATOR: [16, true, 'This broker is not the coordinator for the group or transaction.'],
  INVALID_TOPIC_EXCEPTION: [17, false, 'The topic name is not valid or the topic cannot be used this way.'],
  RECORD_LIST_TOO_LARGE: [18, false, 'The record batch is larger than the segment size.'],
  NOT_ENOUGH_REPLICAS: [19, true, 'Fewer in-sync replicas than min.insync.replicas; the write was refused.'],
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: [20, true, 'The write was stored, but fewer in-sync replicas than required have it.'],
  INVALID_REQUIRED_ACKS: [21, false, 'The acks value of the produce request is not valid.'],
  ILLEGAL_GENERATION: [22, false, 'The group generation in the request is not the current one.'],
  INCONSISTENT_GROUP_PROTOCOL: [23, false, "The member's protocols do not match those of the group."],
  INVALID_GROUP_ID: [24, false, 'The group id is not valid.'],
  UNKNOWN_MEMBER_ID: [25, false, 'The coordinator does not know this member id.'],
  INVALID_SESSION_TIMEOUT: [26, false, 'The session timeout is outside the range the broker allows.'],
  REBALANCE_IN_PROGRESS: [27, false, 'The group is rebalancing; the member must rejoin.'],
  INVALID_COMMIT_OFFSET_SIZE: [28, false, 'The offset commit is too large.'],
  TOPIC_AUTHORIZATION_FAILED: [29, false, 'Not authorized to access the topic.'],
  GROUP_AUTHORIZATION_FAILED: [30, false, 'Not authorized to access the group.'],
  CLUSTER_AUTHORIZATION_FAILED: [31, false, 'Not authorized for this cluster operation.'],
  INVALID_TIMESTAMP: [32, false, 'A record timestamp is outside the accepted range.'],
  UNSUPPORTED_SASL_MECHANISM: [33, false, 'The broker does not offer the requested SASL mechanism.'],
  ILLEGAL_SASL_STATE: [34, false, 'The request is not allowed in the current SASL state.'],
  UNSUPPORTED_VERSION: [35, false, 'The broker does not support this API version.'],
  TOPIC_ALREADY_EXISTS: [36, false, 'A topic with this name already exists.'],
  INVALID_PARTITIONS: [37, false, 'The number of partitions is not valid.'],
  INVALID_REPLICATION_FACTOR: [38, false, 'The replication factor is not valid.'],
  INVALID_REPLICA_ASSIGNMENT: [39, false, 'The replica assignment is not valid.'],
  INVALID_CONFIG: [40, false, 'The configuration is not valid.'],
  NOT_CONTROLLER: [41, true, 'This broker is not the active controller.'],
  INVALID_REQUEST: [42, false, 'The request is malformed or breaks a protocol rule.'],
  UNSUPPORTED_FOR_MESSAGE_FORMAT: [43, false, 'The message format of the topic does not support this request.'],
  POLICY_VIOLATION: [44, false, 'The request breaks a policy configured on the broker.'],
  OUT_OF_ORDER_SEQUENCE_NUMBER: [45, false, 'The producer sequence number is not the one the broker expected.'],
  DUPLICATE_SEQUENCE_NUMBER: [46, false, 'The broker already has a batch with this sequence number.'],
  INVALID_PRODUCER_EPOCH: [47, false, 'The producer epoch is older than the current one.'],
  INVALID_TXN_STATE: [48, false, 'The operation is not allowed in the current transaction state.'],
  INVALID_PRODUCER_ID_MAPPING: [49, false, 'The producer id does not match the transactional id.'],
  INVALID_TRANSACTION_TIMEOUT: [50, false, 'The transaction timeout exceeds transaction.max.timeout.ms.'],
  CONCURRENT_TRANSACTIONS: [51, true, 'Another transaction with this producer is still completing.'],
  TRANSACTION_COORDINATOR_FENCED: [52, false, 'A newer transaction coordinator has taken over this transactional id.'],
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: [53, false, 'Not authorized to use the transactional id.'],
  SECURITY_DISABLED: [54, false, 'Security features are disabled on this broker.'],
  OPERATION_NOT_ATTEMPTED: [55, false, 'The operation was skipped because another part of the request failed.'],
  KAFKA_STORAGE_ERROR: [56, true, 'The broker hit a disk error while accessing the log.'],
  LOG_DIR_NOT_FOUND: [57, false, 'The requested log directory does not exist.'],
  SASL_AUTHENTICATION_FAILED: [58, false, 'SASL authentication failed.'],
  UNKNOWN_PRODUCER_ID: [59, false, 'The broker has no state for this producer id.'],
  REASSIGNMENT_IN_PROGRESS: [60, false, 'A partition reassignment is already in progress.'],
  DELEGATION_TOKEN_AUTH_DISABLED: [61, false, 'Delegation token authentication is disabled.'],
  DELEGATION_TOKEN_NOT_FOUND: [62, false, 'The delegation token does not exist.'],
  DELEGATION_TOKEN_OWNER_MISMATCH: [63, false, 'The principal is not the owner or a renewer of the delegation token.'],
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: [64, false, 'Delegation token requests are not allowed on this connection.'],
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: [65, false, 'Not authorized for this delegation token operation.'],
  DELEGATION_TOKEN_EXPIRED: [66, false, 'The delegation token has expired.'],
  INVALID_PRINCIPAL_TYPE: [67, false, 'The principal type is not supported.'],
  NON_EMPTY_GROUP: [68, false, 'The group still has members.'],
  GROUP_ID_NOT_FOUND: [69, false, 'The group does not exist.'],
  FETCH_SESSION_ID_NOT_FOUND: [70, true, 'The fetch session does not exist.'],
  INVALID_FETCH_SESSION_EPOCH: [71, true, 'The fetch session epoch is not the expected one.'],
  LISTENER_NOT_FOUND: [72, true, 'The leader has no endpoint for the listener the request came in on.'],
  TOPIC_DELETION_DISABLED: [73, false, 'Topic deletion is disabled on this cluster.'],
  FENCED_LEADER_EPOCH: [74, true, 'The leader epoch in the request is older than the broker has.'],
  UNKNOWN_LEADER_EPOCH: [75, true, 'The leader epoch in the request is newer than the broker has.'],
  UNSUPPORTED_COMPRESSION_TYPE: [76, false, 'The requesting client does not support the compression type of the data.'],
  STALE_BROKER_EPOCH: [77, false, 'The broker epoch is out of date.'],
  OFFSET_NOT_AVAILABLE: [78, true, 'The offset is not available yet; the leader is still catching up its high watermark.'],
  MEMBER_ID_REQUIRED: [79, false, 'The member must rejoin with the member id the coordinator assigned.'],
  PREFERRED_LEADER_NOT_AVAILABLE: [80, true, 'The preferred leader is not available.'],
  GROUP_MAX_SIZE_REACHED: [81, false, 'The group is full.'],
  FENCED_INSTANCE_ID: [82, false, 'Another member has registered with the same group.instance.id.'],
  ELIGIBLE_LEADERS_NOT_AVAILABLE: [83, true, 'No eligible leader is available for the partition.'],
  ELECTION_NOT_NEEDED: [84, true, 'The partition already has the leader the election would choose.'],
  NO_REASSIGNMENT_IN_PROGRESS: [85, false, 'No partition reassignment is in progress.'],
  GROUP_SUBSCRIBED_TO_TOPIC: [86, false, 'The group is subscribed to the topic, so its offsets cannot be deleted.'],
  INVALID_RECORD: [87, false, 'A record failed broker-side validation.'],
  UNSTABLE_OFFSET_COMMIT: [88, true, 'Offsets are pending in an open transaction.'],
  THROTTLING_QUOTA_EXCEEDED: [89, true, 'The request would exceed the throttling quota.'],
  PRODUCER_FENCED: [90, false, 'A newer producer with the same transactional id has fenced this one.'],
  RESOURCE_NOT_FOUND: [91, false, 'The request names a resource that does not exist.'],
  DUPLICATE_RESOURCE: [92, false, 'The request names the same resource twice.'],
  UNACCEPTABLE_CREDENTIAL: [93, false, 'The credential does not meet the acceptance criteria.'],
  INCONSISTENT_VOTER_SET: [94, false, 'The sender or the receiver is not one of the expected voters.'],
  INVALID_UPDATE_VERSION: [95, false, 'The update version is not valid.'],
  FEATURE_UPDATE_FAILED: [96, false, 'The finalized features could not be updated.'],
  PRINCIPAL_DESERIALIZATION_FAILURE: [97, false, 'The forwarded principal could not be decoded.'],
  SNAPSHOT_NOT_FOUND: [98, false, 'The requested snapshot does not exist.'],
  POSITION_OUT_OF_RANGE: [99, false, 'The position is outside the snapshot.'],
  UNKNOWN_TOPIC_ID: [100, true, 'This broker does not host a topic with this id.'],
  DUPLICATE_BROKER_REGISTRATION: [101, false, 'This broker id is already registered.'],
  BROKER_ID_NOT_REGISTERED: [102, false, 'This broker id is not registered.'],
  INCONSISTENT_TOPIC_ID: [103, true, "The topic id does not match the log's topic id."],
  INCONSISTENT_CLUSTER_ID: [104, false, 'The cluster id does not match this cluster.'],
  TRANSACTIONAL_ID_NOT_FOUND: [105, false, 'The transactional id does not exist.'],
  FETCH_SESSION_TOPIC_ID_ERROR: [106, true, 'The fetch session mixes topic ids and topic names inconsistently.'],
  INELIGIBLE_REPLICA: [107, false, 'The proposed ISR contains a replica that is not eligible.'],
  NEW_LEADER_ELECTED: [108, false, 'The partition state was updated, but a new leader has been elected.'],
  OFFSET_MOVED_TO_TIERED_STORAGE: [109, false, 'The offset has moved to tiered storage.'],
  FENCED_MEMBER_EPOCH: [110, false, 'The member epoch is fenced; the member must give up its partitions and rejoin.'],
  UNRELEASED_INSTANCE_ID: [111, false, 'Another member still holds this instance id and must leave first.'],
  UNSUPPORTED_ASSIGNOR: [112, false, 'The group does not support this assignor or version.'],
  STALE_MEMBER_EPOCH: [113, false, 'The member epoch is stale; heartbeat to learn the current one.'],
  MISMATCHED_ENDPOINT_TYPE: [114, false, 'The request reached an endpoint of the wrong type.'],
  UNSUPPORTED_ENDPOINT_TYPE: [115, false, 'This endpoint type is not supported.'],
  UNKNOWN_CONTROLLER_ID: [116, false, 'The controller id is not known.'],
  UNKNOWN_SUBSCRIPTION_ID: [117, false, 'The telemetry subscription id is unknown or outdated.'],
  TELEMETRY_TOO_LARGE: [118, false, 'The telemetry push is larger than the broker accepts.'],
  INVALID_REGISTRATION: [119, false, 'The controller considers the broker registration invalid.'],
  TRANSACTION_ABORTABLE: [120, false, 'The transaction failed; abort it to keep using the transactional id.'],
  INVALID_RECORD_STATE: [121, false, 'The record is not in a state that allows this acknowledgement.'],
  SHARE_SESSION_NOT_FOUND: [122, true, 'The share session does not exist.'],
  INVALID_SHARE_SESSION_EPOCH: [123, true, 'The share session epoch is not valid.'],
  FENCED_STATE_EPOCH: [124, false, 'The share-group state epoch does not match.'],
  INVALID_VOTER_KEY: [125, false, "The voter key does not match the receiving replica's key."],
  DUPLICATE_VOTER: [126, false, 'The voter is already in the voter set.'],
  VOTER_NOT_FOUND: [127, false, 'The voter is not in the voter set.'],
  INVALID_REGULAR_EXPRESSION: [128, false, 'The regular expression is not valid.'],
  REBOOTSTRAP_REQUIRED: [129, false, 'The client metadata is stale; the client must bootstrap again.'],
  STREAMS_INVALID_TOPOLOGY: [130, false, 'The Streams topology is not valid.'],
  STREAMS_INVALID_TOPOLOGY_EPOCH: [131, false, 'The Streams topology epoch is not valid.'],
  STREAMS_TOPOLOGY_FENCED: [132, false, 'The Streams topology epoch is out of date.'],
  SHARE_SESSION_LIMIT_REACHED: [133, true, 'The broker has reached its limit of share sessions.'],
} as const;

type Table = typeof TABLE;
export type ErrorName = keyof Table;

/** Kafka error codes by name: `ErrorCode.UNKNOWN_TOPIC_OR_PARTITION === 3`. */
export const ErrorCode = Object.freeze(
  Object.fromEntries(Object.entries(TABLE).map(([name, row]) => [name, row[0]])),
) as { readonly [K in ErrorName]: Table[K][0] };
export type ErrorCode = Table[ErrorName][0];

export interface KafkaErrorInfo {
  readonly code: number;
  readonly name: ErrorName;
  readonly retriable: boolean;
  readonly message: string;
}

/** Every known error, ordered by code. */
export const ERRORS: readonly KafkaErrorInfo[] = Object.freeze(
  Object.entries(TABLE).map(([name, [code, retriable, message]]) =>
    Object.freeze({ code, name: name as ErrorName, retriable, message }),
  ),
);

const BY_CODE = new Map<number, KafkaErrorInfo>(ERRORS.map((e) => [e.code, e]));

/**
 * The error for `code`. Unknown codes map to UNKNOWN_SERVER_ERROR, as Kafka's clients do, so
 * a newer broker's codes never crash an older client.
 */
export function errorByCode(code: number): KafkaErrorInfo {
  return BY_CODE.get(code) ?? BY_CODE.get(-1)!;
}

/** Whether `code` is one this table knows. */
export function isKnownErrorCode(code: number): boolean {
  return BY_CODE.has(code);
}

/**
 * An error code received from (or destined for) a Kafka peer, as a throwable for the client.
 * `name` is Kafka's constant name, so a stack trace starts with e.g. `NOT_LEADER_OR_FOLLOWER:`.
 */
export class KafkaError extends Error {
  readonly code: number;
  override readonly name: ErrorName;
  readonly retriable: boolean;

  /** `detail` is the peer's own error message, when the response carried one. */
  constructor(code: number, detail?: string | null) {
    const info = errorByCode(code);
    super(detail ?? info.message);
    this.code = code;
    this.name = info.name;
    this.retriable = info.retriable;
  }
}
