// The coordinator's markers written to this node's partitions (a single node leads them all,
// so no WriteTxnMarkers request goes over the network), and the one place every marker goes
// through: the coordinator's and those of WriteTxnMarkers requests. Listeners learn of each
// marker once it is in the partition's log, before the transaction is completed in
// `__transaction_state`: the group coordinator uses this to make the transactional offsets
// of a `__consumer_offsets` partition visible (commit) or drop them (abort).
import type { ErrorName } from '../../protocol/errors.js';
import type { Logger } from '../logger.js';
import type { TxnMarker } from '../partition/index.js';
import type { TxnMarkerWriter } from './transaction-coordinator.js';

/** A COMMIT or ABORT marker now in the log of `topic`-`partition`. */
export interface WrittenTxnMarker extends TxnMarker {
  topic: string;
  partition: number;
}

/**
 * Called after each marker is appended. The marker write (and so the EndTxn answer) waits for
 * a returned promise; a listener that throws or rejects is logged and does not fail the write.
 */
export type TxnMarkerListener = (marker: WrittenTxnMarker) => void | Promise<void>;

/** Where markers are appended: the ReplicaManager. */
export interface TxnMarkerTarget {
  writeTxnMarker(
    topic: string,
    partition: number,
    marker: TxnMarker,
  ): Promise<{ error: ErrorName | null }>;
}

/**
 * Errors after which a marker is not retried: the partition is gone (its topic was deleted),
 * or a newer producer epoch or coordinator epoch already ended the transaction there. Kafka's
 * coordinator drops such markers too; retrying would keep the transaction prepared forever.
 */
const FINAL_ERRORS: ReadonlySet<ErrorName> = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'INVALID_PRODUCER_EPOCH',
  'TRANSACTION_COORDINATOR_FENCED',
]);

export class TxnMarkerChannel implements TxnMarkerWriter {
  private readonly listeners = new Set<TxnMarkerListener>();

  constructor(
    private readonly target: TxnMarkerTarget,
    private readonly logger: Logger,
  ) {}

  /** Registers a listener for every marker written from now on; returns its removal. */
  onTxnMarker(listener: TxnMarkerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Appends one marker, then tells the listeners. */
  async writeOne(
    topic: string,
    partition: number,
    marker: TxnMarker,
  ): Promise<{ error: ErrorName | null }> {
    const result = await this.target.writeTxnMarker(topic, partition, marker);
    if (result.error !== null) return result;
    const written: WrittenTxnMarker = { ...marker, topic, partition };
    for (const listener of this.listeners) {
      try {
        await listener(written);
      } catch (err) {
        this.logger.error(`a transaction marker listener failed on ${topic}-${partition}`, { err });
      }
    }
    return result;
  }

  async write(marker: Parameters<TxnMarkerWriter['write']>[0]): Promise<boolean> {
    const { partitions, onDone, ...fields } = marker;
    const results = await Promise.all(
      partitions.map((p) => this.writeOne(p.topic, p.partition, fields)),
    );
    let done = true;
    results.forEach(({ error }, i) => {
      const p = partitions[i]!;
      if (error !== null && !FINAL_ERRORS.has(error)) {
        done = false;
        return;
      }
      if (error !== null) {
        this.logger.warn(`transaction marker for ${p.topic}-${p.partition} dropped: ${error}`);
      }
      onDone?.(p);
    });
    return done;
  }
}
