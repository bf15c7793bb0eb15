// Broker configuration keys Rivulet understands, with Kafka's names, types and defaults.
// Where Rivulet's default differs from Kafka's, the comment says so and why.
import { INT_MAX, LONG_MAX, atLeast, between, key, oneOf } from './config-key.js';
import { parseConnectionOverrides } from './connection-overrides.js';
import { parseMetricsListener } from '../metrics/metrics-listener.js';
import { SECURITY_CONFIG_KEYS } from './security-config-keys.js';
import { parseReplicaSelector } from '../partition/replica-selector.js';

const CLEANUP_POLICIES = ['delete', 'compact'];
const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];
const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'];
const HOUR_MS = 3600000;
/** Kafka's authorizer class names; Rivulet's ACL authorizer answers to each. */
const AUTHORIZER_CLASS_NAMES = [
  'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'kafka.security.authorizer.AclAuthorizer',
  'kafka.security.auth.SimpleAclAuthorizer',
];

export const BROKER_CONFIG_KEYS = [
  // Identity and listeners.
  // Kafka requires node.id (default -1); a single Rivulet node is node 1 unless told otherwise.
  key.int('node.id', 1, 'The id of this node in the cluster.', { validate: atLeast(0) }),
  key.int('broker.id', -1, 'Older name of node.id; if set it must equal node.id.'),
  key.string('cluster.id', null, 'Cluster id; generated and stored in meta.properties if unset.'),
  // Kafka listens on PLAINTEXT://:9092 (all interfaces); Rivulet binds loopback by default.
  key.list('listeners', 'PLAINTEXT://127.0.0.1:9092', 'Addresses to listen on: NAME://host:port.'),
  key.list('advertised.listeners', null, 'Addresses given to clients; default: as bound.'),
  key.string(
    'listener.security.protocol.map',
    'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'Listener name → security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL).',
  ),
  // Followers fetch from the leader's endpoint of this name (default: its first listener).
  key.string('inter.broker.listener.name', null, 'Listener used between brokers.'),
  key.list('process.roles', null, 'KRaft roles; a Rivulet node is always broker and controller.', {
    supported: false,
  }),
  key.list('controller.listener.names', null, 'KRaft controller listeners; not served by Rivulet.'),
  key.list('controller.quorum.voters', null, 'KRaft voters; clusters use etcd.', {
    supported: false,
  }),
  key.list('controller.quorum.bootstrap.servers', null, 'KRaft bootstrap.', { supported: false }),

  // Cluster mode (docs/cluster.md): the metadata log, registrations and the controller election
  // live in etcd. Without endpoints the broker runs single-node as before.
  key.list('metadata.etcd.endpoints', null, 'etcd endpoints (comma list); set: cluster mode.'),
  key.string('metadata.etcd.prefix', '/rivulet', 'Prefix of every etcd key of this cluster.'),
  // etcd's own security: TLS (https:// endpoints) with the CA that signed etcd's certificate,
  // a client certificate when etcd runs with --client-cert-auth, and etcd's user/password auth.
  key.string('metadata.etcd.ssl.ca.location', null, 'PEM CA file trusted for etcd (https).'),
  key.string('metadata.etcd.ssl.certificate.location', null, 'PEM client certificate for etcd.'),
  key.string('metadata.etcd.ssl.key.location', null, 'PEM private key of that certificate.'),
  key.string('metadata.etcd.username', null, 'etcd user (etcd auth enabled).'),
  key.password('metadata.etcd.password', 'Password of the etcd user.'),
  key.int('metadata.etcd.snapshot.interval.batches', 1000, 'Metadata batches between snapshots.', {
    validate: atLeast(1),
  }),
  key.string('broker.rack', null, 'Rack of this broker, for rack-aware replica placement.'),
  // KIP-392: with RackAwareReplicaSelector a leader sends consumers that name their rack
  // (client.rack) to a replica in that rack. Kafka's default (null) is the leader always.
  key.string('replica.selector.class', null, 'Picks the replica a consumer reads from.', {
    validate: validReplicaSelector,
  }),
  // Kafka's defaults are 9000 and 2000. Rivulet fails over in under 3 s: the lease is 2 s (etcd
  // counts whole seconds and allows no less than 2), renewed every 500 ms, so a broker
  // survives a 1.5 s stall (a GC pause, a loaded machine) without being fenced.
  key.int('broker.session.timeout.ms', 2000, 'Registration lease: a silent broker is fenced.', {
    validate: atLeast(1000),
  }),
  key.int('broker.heartbeat.interval.ms', 500, 'How often the registration lease is renewed.', {
    validate: atLeast(10),
  }),
  key.long('controlled.shutdown.timeout.ms', 5000, 'Wait for leaderships to move on shutdown.'),
  key.boolean('controlled.shutdown.enable', true, 'Move leaderships away before shutting down.'),

  // Storage.
  key.list('log.dirs', null, 'Directories holding partition data; overrides log.dir.'),
  // Kafka's default is /tmp/kafka-logs.
  key.string('log.dir', './rivulet-data', 'Directory holding partition data if log.dirs is unset.'),
  key.int('num.partitions', 1, 'Partitions of auto-created topics.', { validate: atLeast(1) }),
  key.int('default.replication.factor', 1, 'Replication factor of auto-created topics.', {
    validate: atLeast(1),
  }),
  key.boolean('auto.create.topics.enable', true, 'Create topics on first use by Metadata/Produce.'),
  key.boolean('delete.topic.enable', true, 'Whether DeleteTopics may delete topics.'),
  key.int(
    'message.max.bytes',
    1048588,
    'Largest record batch accepted (topic: max.message.bytes).',
    {
      validate: atLeast(0),
    },
  ),
  key.int('log.segment.bytes', 1073741824, 'Segment size (topic: segment.bytes).', {
    validate: atLeast(14),
  }),
  key.long('log.roll.ms', null, 'Segment age before rolling; overrides log.roll.hours.'),
  key.int('log.roll.hours', 168, 'Segment age in hours before rolling.', { validate: atLeast(1) }),
  key.long('log.roll.jitter.ms', null, 'Random jitter subtracted from the roll time.'),
  key.int('log.roll.jitter.hours', 0, 'Roll jitter in hours.', { validate: atLeast(0) }),
  key.long('log.retention.ms', null, 'Retention time; -1 for none. Overrides minutes/hours.'),
  key.int('log.retention.minutes', null, 'Retention time in minutes; overrides hours.'),
  key.int('log.retention.hours', 168, 'Retention time in hours.'),
  key.long('log.retention.bytes', -1, 'Retention size per partition; -1 for none.'),
  key.long('log.retention.check.interval.ms', 300000, 'How often retention runs.', {
    validate: atLeast(1),
  }),
  key.list('log.cleanup.policy', 'delete', 'delete and/or compact (topic: cleanup.policy).', {
    validate: oneOf(CLEANUP_POLICIES),
  }),
  key.boolean('log.cleaner.enable', true, 'Run the log cleaner (needed for compacted topics).'),
  key.int('log.cleaner.threads', 1, 'Cleaner threads.', { supported: false }),
  key.long('log.cleaner.dedupe.buffer.size', 134217728, 'Memory for cleaner deduplication.'),
  key.int('log.cleaner.io.buffer.size', 524288, 'Cleaner I/O buffer size.'),
  key.double('log.cleaner.io.buffer.load.factor', 0.9, 'Cleaner dedupe buffer load factor.'),
  key.double('log.cleaner.io.max.bytes.per.second', 1.7976931348623157e308, 'Cleaner I/O cap.'),
  key.long('log.cleaner.backoff.ms', 15000, 'Sleep when there is nothing to clean.'),
  key.double('log.cleaner.min.cleanable.ratio', 0.5, 'Dirty ratio that triggers cleaning.', {
    validate: between(0, 1),
  }),
  key.long('log.cleaner.delete.retention.ms', 86400000, 'How long tombstones are kept.'),
  key.long('log.cleaner.min.compaction.lag.ms', 0, 'Minimum age before compaction.'),
  key.long('log.cleaner.max.compaction.lag.ms', LONG_MAX, 'Maximum age before compaction.', {
    validate: atLeast(1),
  }),
  key.long('log.flush.interval.messages', LONG_MAX, 'Messages before an fsync.', {
    validate: atLeast(1),
  }),
  key.long('log.flush.interval.ms', null, 'Time before an fsync; default scheduler interval.'),
  key.long('log.flush.scheduler.interval.ms', LONG_MAX, 'How often the flusher checks.'),
  key.int('log.flush.offset.checkpoint.interval.ms', 60000, 'Recovery point checkpoint period.'),
  key.int('log.flush.start.offset.checkpoint.interval.ms', 60000, 'Log start checkpoint period.'),
  key.int('log.index.interval.bytes', 4096, 'Bytes between offset index entries.', {
    validate: atLeast(0),
  }),
  key.int('log.index.size.max.bytes', 10485760, 'Maximum offset index size.', {
    validate: atLeast(4),
  }),
  key.long('log.segment.delete.delay.ms', 60000, 'Delay before deleting a removed segment.'),
  // Rivulet's own (Kafka keeps every segment open): segment files are opened on use and the
  // least recently used idle one is closed beyond this many; at most half of `ulimit -n`.
  key.int('log.max.open.files', 1000, 'Most log file descriptors held open at once.', {
    validate: atLeast(1),
  }),
  key.boolean('log.preallocate', false, 'Preallocate segment files.'),
  key.string('log.message.timestamp.type', 'CreateTime', 'CreateTime or LogAppendTime.', {
    validate: oneOf(TIMESTAMP_TYPES),
  }),
  key.long('log.message.timestamp.before.max.ms', LONG_MAX, 'Accepted age of record timestamps.'),
  key.long('log.message.timestamp.after.max.ms', HOUR_MS, 'Accepted future record timestamps.'),
  key.string('compression.type', 'producer', 'Compression of stored batches.', {
    validate: oneOf(COMPRESSION_TYPES),
  }),
  key.int('compression.gzip.level', -1, 'gzip level.', { validate: between(-1, 9) }),
  key.int('compression.lz4.level', 9, 'lz4 level.', { validate: between(1, 17) }),
  key.int('compression.zstd.level', 3, 'zstd level.', { validate: between(-131072, 22) }),
  key.int('min.insync.replicas', 1, 'Replicas that must have an acks=all write.', {
    validate: atLeast(1),
  }),
  key.boolean('unclean.leader.election.enable', false, 'Allow out-of-sync leaders.'),
  key.int('num.recovery.threads.per.data.dir', 2, 'Recovery threads.', { supported: false }),

  // Network.
  key.int('socket.request.max.bytes', 104857600, 'Largest request frame.', {
    validate: atLeast(1),
  }),
  key.int('socket.send.buffer.bytes', 102400, 'SO_SNDBUF.', { supported: false }),
  key.int('socket.receive.buffer.bytes', 102400, 'SO_RCVBUF.', { supported: false }),
  key.int('queued.max.requests', 500, 'Requests in flight across all connections.', {
    validate: atLeast(1),
  }),
  // Rivulet: Kafka processes one request per connection at a time; Rivulet pipelines.
  key.int('queued.max.requests.per.connection', 100, 'Requests in flight per connection.', {
    validate: atLeast(1),
  }),
  // Kafka: -1 (unbounded). Rivulet bounds the request bytes it holds by default, so clients that
  // send parts of large frames cannot grow the broker without limit (docs/broker.md).
  key.long('queued.max.request.bytes', 268435456, 'Bytes of request frames held at once.'),
  key.long('connections.max.idle.ms', 600000, 'Close connections idle this long.', {
    validate: atLeast(1),
  }),
  key.int('max.connections', INT_MAX, 'Connections across all listeners.', {
    validate: atLeast(0),
  }),
  key.int('max.connections.per.ip', INT_MAX, 'Connections from one address.', {
    validate: atLeast(0),
  }),
  key.string('max.connections.per.ip.overrides', '', 'Per-address limits.', {
    validate: (v) => {
      const parsed = parseConnectionOverrides(String(v));
      return typeof parsed === 'string' ? parsed : undefined;
    },
  }),
  key.int('num.network.threads', 3, 'Network threads.', { supported: false }),
  key.int('num.io.threads', 8, 'Request handler threads.', { supported: false }),
  key.int('background.threads', 10, 'Background threads.', { supported: false }),
  // Replication (cluster mode). A fetcher is a fetch loop, not a thread: partitions of one
  // leader are spread over num.replica.fetchers loops, each with its own connection.
  key.int('num.replica.fetchers', 1, 'Fetch loops per source broker.', { validate: atLeast(1) }),
  key.int('replica.fetch.max.bytes', 1048576, 'Bytes a follower fetches per partition.', {
    validate: atLeast(0),
  }),
  key.int('replica.fetch.response.max.bytes', 10485760, 'Bytes of a follower fetch response.', {
    validate: atLeast(0),
  }),
  key.int('replica.fetch.wait.max.ms', 500, 'How long a follower fetch waits at the leader.', {
    validate: atLeast(0),
  }),
  key.int('replica.fetch.min.bytes', 1, 'Bytes a follower fetch waits for.', {
    validate: atLeast(1),
  }),
  key.int('replica.fetch.backoff.ms', 1000, 'Pause of a fetcher after an error.', {
    validate: atLeast(0),
  }),
  // Kafka's default is 30000. Rivulet's 10000: a follower that stopped fetching holds up every
  // acks=all produce until it leaves the ISR, and a live follower long-polls every
  // replica.fetch.wait.max.ms (500), so 20 missed polls is still far from a false shrink on a
  // loaded machine.
  key.long('replica.lag.time.max.ms', 10000, 'A follower behind this long leaves the ISR.', {
    validate: atLeast(1),
  }),
  key.long(
    'replica.high.watermark.checkpoint.interval.ms',
    5000,
    'How often high watermarks are written to replication-offset-checkpoint.',
    { validate: atLeast(1) },
  ),
  key.int('replica.socket.timeout.ms', 30000, 'Request timeout of inter-broker fetches.'),
  // Replication throttles (KIP-73), set per broker by `reassign-partitions --throttle`: bytes
  // per second for the replicas the topic configs *.replication.throttled.replicas name.
  // Rivulet enforces the follower side (the replica fetcher); see docs/replication.md.
  key.long('leader.replication.throttled.rate', LONG_MAX, 'Leader-side replication throttle.', {
    validate: atLeast(1),
  }),
  key.long('follower.replication.throttled.rate', LONG_MAX, 'Follower replication throttle.', {
    validate: atLeast(1),
  }),

  // Leader balance (the active controller).
  key.boolean('auto.leader.rebalance.enable', true, 'Move leadership back to preferred replicas.'),
  key.long('leader.imbalance.check.interval.seconds', 300, 'How often leader balance is checked.', {
    validate: atLeast(1),
  }),
  key.int('leader.imbalance.per.broker.percentage', 10, 'Tolerated imbalance per broker.', {
    validate: between(0, 100),
  }),

  // Group coordinator.
  key.int('offsets.topic.num.partitions', 50, 'Partitions of __consumer_offsets.', {
    validate: atLeast(1),
  }),
  key.int('offsets.topic.replication.factor', 3, 'Replication of __consumer_offsets.', {
    validate: atLeast(1),
  }),
  key.int('offsets.topic.segment.bytes', 104857600, 'Segment size of __consumer_offsets.'),
  key.int('offsets.retention.minutes', 10080, 'How long offsets of empty groups are kept.', {
    validate: atLeast(1),
  }),
  key.long('offsets.retention.check.interval.ms', 600000, 'How often expired offsets go.'),
  key.int('offsets.commit.timeout.ms', 5000, 'Timeout of an offset commit write.'),
  key.int('offset.metadata.max.bytes', 4096, 'Largest commit metadata string.'),
  key.int('group.initial.rebalance.delay.ms', 3000, 'Wait for more members on first join.'),
  key.int('group.min.session.timeout.ms', 6000, 'Smallest session timeout allowed.'),
  key.int('group.max.session.timeout.ms', 1800000, 'Largest session timeout allowed.'),
  key.int('group.max.size', INT_MAX, 'Members per classic group.', { validate: atLeast(1) }),
  key.int('group.consumer.session.timeout.ms', 45000, 'Session timeout of consumer groups.'),
  key.int('group.consumer.heartbeat.interval.ms', 5000, 'Heartbeat of consumer groups.'),
  key.int('group.consumer.max.size', INT_MAX, 'Members per consumer group.'),
  // Bounds of the group-level overrides consumer.session.timeout.ms and
  // consumer.heartbeat.interval.ms (GROUP config resources).
  key.int('group.consumer.min.session.timeout.ms', 45000, 'Smallest consumer group session.'),
  key.int('group.consumer.max.session.timeout.ms', 60000, 'Largest consumer group session.'),
  key.int('group.consumer.min.heartbeat.interval.ms', 5000, 'Smallest consumer heartbeat.'),
  key.int('group.consumer.max.heartbeat.interval.ms', 15000, 'Largest consumer heartbeat.'),

  // Transactions and producer state.
  key.int('transaction.state.log.num.partitions', 50, 'Partitions of __transaction_state.'),
  key.int('transaction.state.log.replication.factor', 3, 'Replication of __transaction_state.'),
  key.int('transaction.state.log.min.isr', 2, 'min.insync.replicas of __transaction_state.'),
  key.int('transaction.state.log.segment.bytes', 104857600, 'Segment size of it.'),
  key.int('transaction.max.timeout.ms', 900000, 'Largest transaction timeout allowed.', {
    validate: atLeast(1),
  }),
  key.int('transactional.id.expiration.ms', 604800000, 'Idle time before a txn id expires.'),
  key.int('transaction.abort.timed.out.transaction.cleanup.interval.ms', 10000, 'Abort scan.'),
  key.int('transaction.remove.expired.transaction.cleanup.interval.ms', 3600000, 'Expiry scan.'),
  key.int('producer.id.expiration.ms', 86400000, 'Idle time before producer state expires.'),
  key.int('max.incremental.fetch.session.cache.slots', 1000, 'Fetch sessions kept (KIP-227).', {
    validate: atLeast(0),
  }),

  // Authorization (ACLs) and client quotas. Kafka's class names select the ACL authorizer.
  key.string('authorizer.class.name', '', 'The authorizer; empty: everything is allowed.', {
    validate: oneOf(['', ...AUTHORIZER_CLASS_NAMES]),
  }),
  key.string('super.users', null, 'Principals allowed everything, separated by ";".'),
  key.boolean('allow.everyone.if.no.acl.found', false, 'Allow resources without any ACL.'),
  key.int('quota.window.num', 11, 'Samples kept to measure client quota rates.', {
    validate: atLeast(1),
  }),
  key.int('quota.window.size.seconds', 1, 'Length of one client quota sample.', {
    validate: atLeast(1),
  }),
  key.int('controller.quota.window.num', 11, 'Samples of controller mutation quotas.', {
    validate: atLeast(1),
  }),
  key.int('controller.quota.window.size.seconds', 1, 'One controller mutation sample.', {
    validate: atLeast(1),
  }),
  key.boolean('unstable.api.versions.enable', false, 'Advertise unreleased API versions.'),

  // Observability. Kafka leaves HTTP metrics to the JMX exporter agent (customarily on port
  // 9404); Rivulet serves the same names itself, off unless this is set.
  key.string(
    'metrics.listener',
    null,
    'Where the Prometheus endpoint GET /metrics listens: http://host:port; unset: off.',
    { validate: validMetricsListener },
  ),
  ...SECURITY_CONFIG_KEYS,
] as const;

/**
 * Key prefixes Rivulet recognises but does not act on (security, quotas, tiered storage):
 * setting them gives a "not supported" warning instead of an "unknown key" one.
 */
export const UNSUPPORTED_PREFIXES: readonly string[] = [
  'ssl.',
  'sasl.',
  'listener.name.',
  'security.',
  'authorizer.',
  'super.users',
  'remote.log.',
  'zookeeper.',
  'metric.',
  'metrics.',
  'quota.',
  'replica.',
  'controller.',
  'metadata.',
  'share.',
];

function validReplicaSelector(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const selector = parseReplicaSelector(value);
  return selector === 'leader' || selector === 'rack-aware' ? undefined : selector;
}

function validMetricsListener(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const listener = parseMetricsListener(value);
  return typeof listener === 'string' ? listener : undefined;
}
