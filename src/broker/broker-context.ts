// What API handlers may use from the broker that runs them. Each broker has its own, so
// several brokers in one process share nothing.
import type { ClusterMetadata } from '../metadata/index.js';
import type { BrokerConfig } from './config/index.js';
import type { ClusterRole } from './controller/cluster-role.js';
import type { GroupCoordinator } from './group/index.js';
import type { Environment } from '../util/index.js';
import type { Logger } from './logger.js';
import type { BrokerTopicStats } from './metrics/broker-topic-stats.js';
import type { ReplicaManager } from './partition/index.js';
import type { BrokerSecurity } from './security/broker-security.js';
import type { ListenerAddress } from './server/index.js';
import type { TransactionCoordinator, TxnMarkerChannel } from './txn/index.js';

export interface BrokerContext {
  config: BrokerConfig;
  logger: Logger;
  /** Clock, timers, randomness, metrics, file system and network of this broker. */
  environment: Environment;
  /** Addresses given to clients (advertised.listeners, else as bound); empty until bound. */
  advertisedListeners(): readonly ListenerAddress[];
  /** The log dirs in use, as absolute paths (a temporary one when startBroker made it). */
  logDirs: readonly string[];
  /** The cluster id from meta.properties, stable across restarts. */
  clusterId: string;
  /** The metadata image and the operations that change it (topics, configs, producer ids). */
  metadata: ClusterMetadata;
  /** The partitions this node leads and the produce/fetch data path. */
  replicas: ReplicaManager;
  /** The group coordinator: classic groups and committed offsets (__consumer_offsets). */
  groups: GroupCoordinator;
  /** The transaction coordinator (__transaction_state). */
  transactions: TransactionCoordinator;
  /**
   * Every COMMIT/ABORT marker written to this node's partitions goes through here:
   * `txnMarkers.onTxnMarker(listener)` tells a listener of each one once it is in the log.
   */
  txnMarkers: TxnMarkerChannel;
  /** Messages and bytes in and out per topic, when the metrics endpoint is on. */
  topicStats?: BrokerTopicStats;
  /** This broker's place in a cluster on etcd; absent on a single node. */
  cluster?: ClusterRole;
  /** TLS and SASL of the listeners; absent in tests that build a context by hand. */
  security?: BrokerSecurity;
}
