// Every metric family the broker exports, in the names the Prometheus JMX exporter's common
// Kafka rules (example_configs/kafka-2_0_0.yml, lowercaseOutputName) give Kafka's MBeans, so
// existing dashboards and alerts work: `kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,
// topic=t` Count becomes `kafka_server_brokertopicmetrics_bytesin_total{topic="t"}`. Per-partition
// and per-group values are read from the replica manager and the group coordinator at scrape
// time; the hot path only adds to the plain numbers of BrokerTopicStats and RequestStats.
// docs/monitoring.md lists every family.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterMetadata } from '../../metadata/index.js';
import type { LogManager } from '../../storage/index.js';
import type { MetricFamily, MetricsRegistry } from '../../util/index.js';
import type { GroupCoordinator } from '../group/index.js';
import type { Partition, ReplicaManager } from '../partition/index.js';
import {
  TOPIC_COUNT_NAMES,
  type BrokerTopicStats,
  type TopicCounts,
} from './broker-topic-stats.js';
import { consumerLagSamples, partitionsLedElsewhere } from './consumer-lag.js';
import type { LeaderOffsets } from './leader-offsets.js';
import { errorTag, type RequestStats } from './request-stats.js';
import {
  formatSnapshotMetrics,
  type HistogramCounts,
  type SnapshotMetric,
  type SnapshotSample,
  type SnapshotType,
} from './snapshot-metric.js';

export interface BrokerMetricsSources {
  /** Whether this node is the cluster's active controller now. */
  isActiveController(): boolean;
  replicas: ReplicaManager;
  logs: LogManager;
  groups: GroupCoordinator;
  metadata: ClusterMetadata;
  topicStats: BrokerTopicStats;
  requests: RequestStats;
  /** Open connections per listener name. */
  connectionsByListener(): ReadonlyMap<string, number>;
  /**
   * The Environment's registry: whatever other parts of the broker record there (through the
   * MetricsRegistry interface) is exported after the broker's own families.
   */
  environment?: MetricsRegistry;
  /** How long partition log flushes took, in milliseconds. */
  logFlushTimes?: HistogramCounts;
  /** The high watermarks of partitions led elsewhere, for consumer lag in a cluster. */
  leaderOffsets?: LeaderOffsets;
}

/** The Kafka name of each BrokerTopicMetrics meter (without PerSec), by count field. */
const TOPIC_METER_NAMES: Readonly<Record<keyof TopicCounts, string>> = {
  messagesIn: 'MessagesIn',
  bytesIn: 'BytesIn',
  bytesOut: 'BytesOut',
  bytesRejected: 'BytesRejected',
  failedProduceRequests: 'FailedProduceRequests',
  failedFetchRequests: 'FailedFetchRequests',
  totalProduceRequests: 'TotalProduceRequests',
  totalFetchRequests: 'TotalFetchRequests',
  replicationBytesOut: 'ReplicationBytesOut',
};

const CLASSIC_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'];

export interface BrokerMetrics {
  /** The exposition text of every family now (Prometheus text format 0.0.4): the broker's, then Node's. */
  scrape(): Promise<string>;
  /** Closes the connections to other brokers (see LeaderOffsets). */
  close(): void;
}

/** The broker's metric families over `sources`. */
export function createBrokerMetrics(sources: BrokerMetricsSources): BrokerMetrics {
  const scrapes = { generation: 0 };
  const families: SnapshotMetric[] = [];
  const add = (
    name: string,
    type: SnapshotType,
    help: string,
    collect: () => Iterable<SnapshotSample>,
  ) => families.push({ name, type, help, collect });
  const one = (value: number): SnapshotSample[] => [{ value }];

  registerTopicMetrics(sources.topicStats, add);
  registerRequestMetrics(sources.requests, add);
  registerNetworkMetrics(sources, add);
  registerLogMetrics(sources, add);
  registerReplicaManagerMetrics(sources.replicas, add, one);
  registerControllerMetrics(sources, add, one);
  registerGroupMetrics(sources, add, one);
  registerLagMetrics(sources, add, scrapes);
  // A family of the Environment's registry never shadows one of the broker's.
  const names = new Set(families.map((f) => f.name));
  return {
    scrape: async () => {
      // Lag of partitions led elsewhere needs their leaders' answers (bounded by a timeout).
      await sources.leaderOffsets?.refresh(
        partitionsLedElsewhere(sources.groups, sources.replicas),
      );
      scrapes.generation++;
      const own = formatSnapshotMetrics(families);
      const shared = sources.environment?.read().filter((f) => !names.has(f.name)) ?? [];
      const node = await processMetrics().metrics();
      return own + formatSnapshotMetrics(shared.map(snapshotOf)) + node;
    },
    close: () => sources.leaderOffsets?.close(),
  };
}

type Add = (
  name: string,
  type: SnapshotType,
  help: string,
  collect: () => Iterable<SnapshotSample>,
) => void;
type One = (value: number) => SnapshotSample[];

function registerTopicMetrics(stats: BrokerTopicStats, add: Add): void {
  for (const field of TOPIC_COUNT_NAMES) {
    const meter = TOPIC_METER_NAMES[field];
    add(
      `kafka_server_brokertopicmetrics_${meter.toLowerCase()}_total`,
      'counter',
      `kafka.server:type=BrokerTopicMetrics,name=${meter}PerSec: all topics (no label) and per topic`,
      function* () {
        yield { value: stats.all[field] };
        for (const [topic, counts] of stats.entries())
          yield { labels: { topic }, value: counts[field] };
      },
    );
  }
}

function registerRequestMetrics(requests: RequestStats, add: Add): void {
  add(
    'kafka_network_requestmetrics_requests_total',
    'counter',
    'kafka.network:type=RequestMetrics,name=RequestsPerSec: requests per API and version',
    function* () {
      for (const api of requests.apis()) {
        for (const [version, count] of api.versions) {
          yield { labels: { request: api.request, version }, value: count };
        }
      }
    },
  );
  add(
    'kafka_network_requestmetrics_errors_total',
    'counter',
    'kafka.network:type=RequestMetrics,name=ErrorsPerSec: error codes in responses, NONE included',
    function* () {
      for (const api of requests.apis()) {
        for (const [code, count] of api.errors) {
          yield { labels: { request: api.request, error: errorTag(code) }, value: count };
        }
      }
    },
  );
  const times = [
    [
      'totaltimems',
      'totalTimeMs',
      'TotalTimeMs: from the request read whole until its response was sent',
    ],
    [
      'requestqueuetimems',
      'requestQueueTimeMs',
      'RequestQueueTimeMs: from the request read whole until the pipeline started it',
    ],
    [
      'localtimems',
      'localTimeMs',
      'LocalTimeMs: the pipeline stages, decoding, the handler (without its waits) and encoding',
    ],
    [
      'remotetimems',
      'remoteTimeMs',
      'RemoteTimeMs: waiting in a purgatory (acks=all replication, fetch min.bytes)',
    ],
    [
      'responsequeuetimems',
      'responseQueueTimeMs',
      'ResponseQueueTimeMs: from the response ready until its write started',
    ],
    [
      'responsesendtimems',
      'responseSendTimeMs',
      'ResponseSendTimeMs: from the start of the write until the socket accepted the response',
    ],
    ['throttletimems', 'throttleTimeMs', 'ThrottleTimeMs: the throttle time the quotas gave'],
  ] as const;
  for (const [name, field, help] of times) {
    const metric = `kafka_network_requestmetrics_${name}`;
    add(
      metric,
      'histogram',
      `kafka.network:type=RequestMetrics,name=${help} (milliseconds)`,
      function* () {
        for (const api of requests.apis())
          yield* api[field].samples(metric, { request: api.request });
      },
    );
  }
}

function registerNetworkMetrics(sources: BrokerMetricsSources, add: Add): void {
  add(
    'kafka_server_socket_server_metrics_connection_count',
    'gauge',
    'kafka.server:type=socket-server-metrics,listener=L connection-count: open connections',
    function* () {
      for (const [listener, count] of sources.connectionsByListener()) {
        yield { labels: { listener }, value: count };
      }
    },
  );
  // Node serves every connection on one event loop, the counterpart of Kafka's network
  // processor threads: their idle share is the loop's idle share since the last scrape.
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  add(
    'kafka_network_socketserver_networkprocessoravgidlepercent',
    'gauge',
    'kafka.network:type=SocketServer,name=NetworkProcessorAvgIdlePercent: idle share of the event loop since the last scrape (0-1)',
    () => {
      const now = performance.eventLoopUtilization();
      const delta = performance.eventLoopUtilization(now, last);
      last = now;
      return [{ value: 1 - delta.utilization }];
    },
  );
}

function registerLogMetrics(sources: BrokerMetricsSources, add: Add): void {
  const perPartition = (name: string, help: string, value: (p: Partition) => number): void =>
    add(name, 'gauge', help, function* () {
      for (const p of sources.replicas.heldPartitions()) {
        yield { labels: { topic: p.topic, partition: p.partition }, value: value(p) };
      }
    });
  perPartition(
    'kafka_log_log_size',
    'kafka.log:type=Log,name=Size: bytes of the partition log',
    (p) => p.log.size,
  );
  perPartition(
    'kafka_log_log_logendoffset',
    'kafka.log:type=Log,name=LogEndOffset',
    (p) => p.logEndOffset,
  );
  perPartition(
    'kafka_log_log_logstartoffset',
    'kafka.log:type=Log,name=LogStartOffset',
    (p) => p.logStartOffset,
  );
  perPartition(
    'kafka_log_log_numlogsegments',
    'kafka.log:type=Log,name=NumLogSegments',
    (p) => p.log.segmentCount,
  );
  const flushes = sources.logFlushTimes;
  const flushName = 'kafka_log_logflushstats_logflushrateandtimems';
  add(
    flushName,
    'histogram',
    'kafka.log:type=LogFlushStats,name=LogFlushRateAndTimeMs: time of each partition log flush (milliseconds)',
    () => (flushes === undefined ? [] : flushes.samples(flushName, {})),
  );
  add(
    'kafka_log_logcleanermanager_uncleanable_partitions_count',
    'gauge',
    'kafka.log:type=LogCleanerManager,name=uncleanable-partitions-count per log directory',
    function* () {
      const cleaner = sources.logs.cleaner;
      for (const dir of sources.logs.logDirs) {
        yield { labels: { logdirectory: dir }, value: cleaner.uncleanablePartitionsCount(dir) };
      }
    },
  );
}

function registerReplicaManagerMetrics(replicas: ReplicaManager, add: Add, one: One): void {
  const count = (test: (p: Partition) => boolean) => () => {
    let n = 0;
    for (const p of replicas.heldPartitions()) if (test(p)) n++;
    return one(n);
  };
  const underMinIsr = (p: Partition) =>
    p.isLeader && p.isr.length < (replicas.settingsOf(p.topic)?.minInsyncReplicas ?? 1);
  const underReplicated = (p: Partition) => p.isLeader && p.isr.length < p.replicas.length;
  const prefix = 'kafka_server_replicamanager_';
  const k = 'kafka.server:type=ReplicaManager,name=';
  add(
    `${prefix}partitioncount`,
    'gauge',
    `${k}PartitionCount`,
    count(() => true),
  );
  add(
    `${prefix}leadercount`,
    'gauge',
    `${k}LeaderCount`,
    count((p) => p.isLeader),
  );
  add(
    `${prefix}underreplicatedpartitions`,
    'gauge',
    `${k}UnderReplicatedPartitions`,
    count(underReplicated),
  );
  add(
    `${prefix}underminisrpartitioncount`,
    'gauge',
    `${k}UnderMinIsrPartitionCount`,
    count(underMinIsr),
  );
  add(`${prefix}offlinereplicacount`, 'gauge', `${k}OfflineReplicaCount`, () =>
    one(replicas.offlineCount),
  );
  add(`${prefix}isrshrinks_total`, 'counter', `${k}IsrShrinksPerSec`, () =>
    one(replicas.isrChanges.shrinks),
  );
  add(`${prefix}isrexpands_total`, 'counter', `${k}IsrExpandsPerSec`, () =>
    one(replicas.isrChanges.expands),
  );
  // kafka.cluster:type=Partition, per partition this node leads.
  const perLeader = (name: string, help: string, value: (p: Partition) => number) =>
    add(
      `kafka_cluster_partition_${name}`,
      'gauge',
      `kafka.cluster:type=Partition,name=${help}`,
      function* () {
        for (const p of replicas.heldPartitions()) {
          if (p.isLeader)
            yield { labels: { topic: p.topic, partition: p.partition }, value: value(p) };
        }
      },
    );
  perLeader('underreplicated', 'UnderReplicated', (p) => (underReplicated(p) ? 1 : 0));
  perLeader('underminisr', 'UnderMinIsr', (p) => (underMinIsr(p) ? 1 : 0));
  perLeader('insyncreplicascount', 'InSyncReplicasCount', (p) => p.isr.length);
  perLeader('replicascount', 'ReplicasCount', (p) => p.replicas.length);
}

function registerControllerMetrics(sources: BrokerMetricsSources, add: Add, one: One): void {
  // Kafka reports the cluster-wide figures below on the active controller only.
  const k = 'kafka.controller:type=KafkaController,name=';
  const prefix = 'kafka_controller_kafkacontroller_';
  add(`${prefix}activecontrollercount`, 'gauge', `${k}ActiveControllerCount`, () =>
    one(sources.isActiveController() ? 1 : 0),
  );
  add(`${prefix}offlinepartitionscount`, 'gauge', `${k}OfflinePartitionsCount`, () => {
    const image = sources.metadata.image;
    const live = new Set(sources.metadata.liveBrokerIds());
    let n = 0;
    for (const t of image.topics()) for (const p of t.partitions) if (!live.has(p.leader)) n++;
    return one(n);
  });
  add(`${prefix}globaltopiccount`, 'gauge', `${k}GlobalTopicCount`, () =>
    one(sources.metadata.image.topicCount),
  );
  add(`${prefix}globalpartitioncount`, 'gauge', `${k}GlobalPartitionCount`, () => {
    let n = 0;
    for (const t of sources.metadata.image.topics()) n += t.partitions.length;
    return one(n);
  });
}

function registerGroupMetrics(sources: BrokerMetricsSources, add: Add, one: One): void {
  const groups = sources.groups;
  const k = 'kafka.coordinator.group:type=GroupMetadataManager,name=';
  const prefix = 'kafka_coordinator_group_groupmetadatamanager_';
  const classicCount = (state: string | null) => () => {
    const listed = groups.listGroups(state === null ? [] : [state], ['classic']);
    return one(listed.length);
  };
  add(`${prefix}numgroups`, 'gauge', `${k}NumGroups: classic groups`, classicCount(null));
  for (const state of CLASSIC_STATES) {
    const lower = state.toLowerCase();
    add(`${prefix}numgroups${lower}`, 'gauge', `${k}NumGroups${state}`, classicCount(state));
  }
  add(`${prefix}numoffsets`, 'gauge', `${k}NumOffsets: committed offsets held`, () =>
    one(groups.stats.offsets),
  );
  const g = 'kafka.server:type=group-coordinator-metrics,';
  add(
    'kafka_server_group_coordinator_metrics_consumer_group_count',
    'gauge',
    `${g}name=consumer-group-count: KIP-848 consumer groups by state`,
    function* () {
      const byState = new Map<string, number>();
      for (const l of groups.listGroups([], ['consumer'])) {
        const state = l.groupState.toLowerCase();
        byState.set(state, (byState.get(state) ?? 0) + 1);
      }
      for (const [state, n] of byState) yield { labels: { state }, value: n };
    },
  );
  add(
    'kafka_server_group_coordinator_metrics_group_completed_rebalance_count',
    'gauge',
    `${g}group-completed-rebalance-count (classic) and consumer-group-rebalance-count (consumer): rebalances since start`,
    () => [
      { labels: { protocol: 'classic' }, value: groups.rebalances.classic },
      { labels: { protocol: 'consumer' }, value: groups.rebalances.consumer },
    ],
  );
}

function registerLagMetrics(
  sources: BrokerMetricsSources,
  add: Add,
  scrapes: { generation: number },
): void {
  // Computed once per scrape by the first family read, shared by the others of that scrape.
  const lag = memoPerScrape(scrapes, () =>
    consumerLagSamples(sources.groups, sources.replicas, sources.leaderOffsets),
  );
  const families = [
    [
      'kafka_consumergroup_current_offset',
      'Committed offset of a group per partition (kafka-exporter)',
      'currentOffset',
    ],
    [
      'kafka_consumergroup_current_offset_sum',
      "Sum of a group's committed offsets per topic",
      'currentOffsetSum',
    ],
    [
      'kafka_consumergroup_lag',
      "Partition high watermark minus the group's committed offset (kafka-exporter)",
      'lag',
    ],
    ['kafka_consumergroup_lag_sum', "A group's lag summed over a topic's partitions", 'lagSum'],
    [
      'kafka_topic_partition_current_offset',
      'High watermark of each partition this node leads',
      'partitionCurrent',
    ],
    [
      'kafka_topic_partition_oldest_offset',
      'Log start offset of each partition this node leads',
      'partitionOldest',
    ],
  ] as const;
  for (const [name, help, field] of families) add(name, 'gauge', help, () => lag()[field]);
}

let processRegistry: Registry | undefined;

/**
 * Node's own metrics (event-loop lag, heap, GC, handles, CPU, memory: prom-client's defaults),
 * one registry for the process: they describe the process, whichever of its brokers is
 * scraped, and prom-client's collectors (GC observer, event-loop monitor) are never stopped,
 * so each broker making its own would leak them.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** `compute` once per scrape (a registry read outside `scrape()` computes afresh). */
function memoPerScrape<T>(scrapes: { generation: number }, compute: () => T): () => T {
  let cached: { generation: number; value: T } | undefined;
  return () => {
    if (
      cached === undefined ||
      cached.generation !== scrapes.generation ||
      scrapes.generation === 0
    ) {
      cached = { generation: scrapes.generation, value: compute() };
    }
    return cached.value;
  };
}

/** A family read from a MetricsRegistry, as a snapshot of its samples now. */
function snapshotOf(family: MetricFamily): SnapshotMetric {
  return {
    name: family.name,
    help: family.help,
    type: family.type,
    collect: () =>
      family.samples.map((s) => ({ metricName: s.name, labels: s.labels, value: s.value })),
  };
}
