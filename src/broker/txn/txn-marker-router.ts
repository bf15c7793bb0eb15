// Where a coordinator's COMMIT/ABORT markers go in a cluster, as Kafka's
// TransactionMarkerChannelManager sends them: each partition's marker to its current leader (the
// metadata image names it), this node's own partitions through the local marker channel, the
// others grouped per broker in one WriteTxnMarkers request (API 27, v1) over an inter-broker
// connection. A partition whose leader is unknown, moved (NOT_LEADER_OR_FOLLOWER), or could not be
// reached is tried again after `backoffMs` with the image of that moment, until every marker is
// written or `retryForMs` has passed: then write() resolves false and the transaction stays
// prepared, and the coordinator's periodic job sends the rest later. A transaction completes
// (CompleteCommit/CompleteAbort) only once write() resolved true.
import type { ClusterMetadata } from '../../metadata/index.js';
import { errorByCode, type ErrorName } from '../../protocol/errors.js';
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../protocol/index.js';
import type { Logger } from '../logger.js';
import type { InterBrokerConnection } from '../partition/inter-broker-connection.js';
import type { TopicPartitionRef } from './transaction-metadata.js';
import type { TxnMarkerWriter } from './transaction-coordinator.js';
import type { TxnMarkerChannel } from './txn-marker-channel.js';

export const WRITE_TXN_MARKERS_API_KEY = 27;
/** v1 is the first flexible version and the oldest Kafka 4 still accepts. */
export const WRITE_TXN_MARKERS_VERSION = 1;

/**
 * Errors after which a marker is not retried: the partition is gone (its topic was deleted),
 * or a newer producer epoch or coordinator epoch already ended the transaction there. Kafka's
 * coordinator drops such markers too; retrying would keep the transaction prepared forever.
 */
export const FINAL_MARKER_ERRORS: ReadonlySet<ErrorName> = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'INVALID_PRODUCER_EPOCH',
  'TRANSACTION_COORDINATOR_FENCED',
]);

export interface TxnMarkerRouterOptions {
  /** This broker's node.id: its own partitions' markers go through `local`. */
  localId: number;
  metadata: Pick<ClusterMetadata, 'image'>;
  local: Pick<TxnMarkerChannel, 'writeOne'>;
  /** The inter-broker address of a broker, null when the image has none. */
  endpointOf: (brokerId: number) => { host: string; port: number } | null;
  connect: (host: string, port: number) => Promise<InterBrokerConnection>;
  /** The pause between rounds (Kafka's is the retry backoff of its network client). */
  backoffMs: number;
  /** How long one write() keeps trying before it leaves the rest to the periodic job. */
  retryForMs: number;
  monotonicMs: () => number;
  schedule: (delayMs: number, fn: () => void) => unknown;
  logger: Logger;
}

type Marker = Parameters<TxnMarkerWriter['write']>[0];
/** A partition's outcome in one round: null written, else the error. */
type Outcome = ErrorName | null;

const key = (p: TopicPartitionRef) => `${p.topic}\0${p.partition}`;

export class TxnMarkerRouter implements TxnMarkerWriter {
  private readonly connections = new Map<
    number,
    { address: string; connection: Promise<InterBrokerConnection> }
  >();
  private closed = false;

  constructor(private readonly o: TxnMarkerRouterOptions) {}

  async write(marker: Marker): Promise<boolean> {
    const deadline = this.o.monotonicMs() + this.o.retryForMs;
    let pending = [...marker.partitions];
    for (;;) {
      const { outcomes, triedAt } = await this.round(marker, pending);
      pending = pending.filter((p) => {
        const error = outcomes.get(key(p)) ?? null;
        if (error !== null && !FINAL_MARKER_ERRORS.has(error)) return true;
        if (error !== null) {
          this.o.logger.warn(`transaction marker for ${p.topic}-${p.partition} dropped: ${error}`);
        }
        marker.onDone?.(p);
        return false;
      });
      if (pending.length === 0) return true;
      if (this.closed || this.o.monotonicMs() >= deadline) return false;
      // A write this node's own leader refused (its disk failed, say) fails again at once:
      // that is left to the periodic job. A leader that was unknown, moved, or is another
      // broker (whose view of the metadata catches up) is worth another round soon.
      const movable = pending.some((p) => {
        const tried = triedAt.get(key(p)) ?? -1;
        return tried !== this.o.localId || this.leaderOf(p) !== tried;
      });
      if (!movable) return false;
      await new Promise<void>((resolve) => void this.o.schedule(this.o.backoffMs, resolve));
    }
  }

  private leaderOf(p: TopicPartitionRef): number {
    return this.o.metadata.image.leaderOf(p.topic, p.partition).leaderId;
  }

  /** One try for each pending partition, at its leader of this moment. */
  private async round(
    marker: Marker,
    pending: readonly TopicPartitionRef[],
  ): Promise<{ outcomes: Map<string, Outcome>; triedAt: Map<string, number> }> {
    const byLeader = new Map<number, TopicPartitionRef[]>();
    const outcomes = new Map<string, Outcome>();
    const triedAt = new Map<string, number>();
    for (const p of pending) {
      if (this.o.metadata.image.topic(p.topic) === undefined) {
        outcomes.set(key(p), 'UNKNOWN_TOPIC_OR_PARTITION');
        continue;
      }
      const leaderId = this.leaderOf(p);
      triedAt.set(key(p), leaderId);
      if (leaderId < 0) {
        outcomes.set(key(p), 'LEADER_NOT_AVAILABLE');
        continue;
      }
      const group = byLeader.get(leaderId) ?? [];
      group.push(p);
      byLeader.set(leaderId, group);
    }
    await Promise.all(
      [...byLeader].map(async ([leaderId, partitions]) => {
        const answers =
          leaderId === this.o.localId
            ? await this.writeLocal(marker, partitions)
            : await this.writeRemote(leaderId, marker, partitions);
        for (const [k, error] of answers) outcomes.set(k, error);
      }),
    );
    return { outcomes, triedAt };
  }

  private async writeLocal(
    marker: Marker,
    partitions: readonly TopicPartitionRef[],
  ): Promise<Map<string, Outcome>> {
    const fields = {
      producerId: marker.producerId,
      producerEpoch: marker.producerEpoch,
      coordinatorEpoch: marker.coordinatorEpoch,
      commit: marker.commit,
    };
    const results = await Promise.all(
      partitions.map((p) => this.o.local.writeOne(p.topic, p.partition, fields)),
    );
    return new Map(partitions.map((p, i) => [key(p), results[i]!.error]));
  }

  /** One WriteTxnMarkers request to `brokerId`; a failed send is NETWORK_EXCEPTION for all. */
  private async writeRemote(
    brokerId: number,
    marker: Marker,
    partitions: readonly TopicPartitionRef[],
  ): Promise<Map<string, Outcome>> {
    const topics = new Map<string, number[]>();
    for (const p of partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
    const request: WriteTxnMarkersRequest = {
      markers: [
        {
          producerId: marker.producerId,
          producerEpoch: marker.producerEpoch,
          transactionResult: marker.commit,
          topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
          coordinatorEpoch: marker.coordinatorEpoch,
          transactionVersion: 0,
        },
      ],
    };
    const outcomes = new Map<string, Outcome>(partitions.map((p) => [key(p), 'NETWORK_EXCEPTION']));
    try {
      const connection = await this.connection(brokerId);
      const response = await connection.send<WriteTxnMarkersResponse>(
        WRITE_TXN_MARKERS_API_KEY,
        request,
        { version: WRITE_TXN_MARKERS_VERSION },
      );
      for (const m of response.markers) {
        for (const t of m.topics) {
          for (const p of t.partitions) {
            const error = p.errorCode === 0 ? null : errorByCode(p.errorCode).name;
            outcomes.set(key({ topic: t.name, partition: p.partitionIndex }), error);
          }
        }
      }
    } catch (err) {
      this.drop(brokerId);
      this.o.logger.debug(`transaction markers to broker ${brokerId} not sent: ${String(err)}`);
    }
    return outcomes;
  }

  /** The open connection to `brokerId`, reopened when it closed or the broker moved. */
  private connection(brokerId: number): Promise<InterBrokerConnection> {
    const endpoint = this.o.endpointOf(brokerId);
    if (endpoint === null) return Promise.reject(new Error(`broker ${brokerId} has no endpoint`));
    const address = `${endpoint.host}:${endpoint.port}`;
    const known = this.connections.get(brokerId);
    if (known !== undefined && known.address === address) {
      return known.connection.then((c) => {
        if (c.isOpen) return c;
        this.drop(brokerId);
        return this.connection(brokerId);
      });
    }
    this.drop(brokerId);
    const connection = this.o.connect(endpoint.host, endpoint.port);
    this.connections.set(brokerId, { address, connection });
    return connection;
  }

  private drop(brokerId: number): void {
    const known = this.connections.get(brokerId);
    if (known === undefined) return;
    this.connections.delete(brokerId);
    known.connection.then(
      (c) => c.close(),
      () => undefined,
    );
  }

  /** Stops retrying and closes the connections. */
  close(): void {
    this.closed = true;
    for (const id of [...this.connections.keys()]) this.drop(id);
  }
}
