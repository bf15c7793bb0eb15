// Idempotence: the producer id and epoch every batch carries, from InitProducerId. While one
// is being obtained nothing is sent. When a batch fails for good its partition's sequence has
// a gap the broker would never accept past, so the producer waits for its requests in flight,
// takes a new id and numbers every partition from 0 again.
import { createInitProducerIdRequest, type InitProducerIdResponse } from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import type { Cluster } from '../cluster.js';
import { KafkaError } from '../errors.js';
import type { RecordAccumulator } from './record-accumulator.js';

export interface ProducerIdAndEpoch {
  producerId: bigint;
  producerEpoch: number;
}

export interface ProducerIdHooks {
  /** A new id is in place: send what waits. */
  wake(): void;
  /** Obtaining the id failed: try again after retry.backoff.ms. */
  retryLater(): void;
}

export class ProducerIdManager {
  producerId = -1n;
  producerEpoch = -1;
  private pending: Promise<void> | null = null;
  private resetPending = false;
  private readonly cluster: Cluster;
  private readonly accumulator: RecordAccumulator;
  private readonly hooks: ProducerIdHooks;

  constructor(cluster: Cluster, accumulator: RecordAccumulator, hooks: ProducerIdHooks) {
    this.cluster = cluster;
    this.accumulator = accumulator;
    this.hooks = hooks;
  }

  /** True while an id is being obtained or replaced: batches must not be numbered now. */
  get blocked(): boolean {
    return this.resetPending || this.pending !== null;
  }

  idAndEpoch(): ProducerIdAndEpoch {
    return { producerId: this.producerId, producerEpoch: this.producerEpoch };
  }

  set(id: ProducerIdAndEpoch): void {
    this.producerId = id.producerId;
    this.producerEpoch = id.producerEpoch;
  }

  /** Blocks sending until `run` (a transactional InitProducerId) settles. */
  track(run: Promise<void>): void {
    this.pending = run.finally(() => {
      this.pending = null;
    });
  }

  /** Gets an id for an idempotent, non-transactional producer. */
  init(): Promise<void> {
    const run = this.cluster
      .retry(async () => {
        const response = await this.cluster.send<InitProducerIdResponse>(
          'any',
          ApiKey.InitProducerId,
          createInitProducerIdRequest({ transactionalId: null, transactionTimeoutMs: 60_000 }),
        );
        if (response.errorCode !== 0) throw new KafkaError(response.errorCode);
        this.producerId = response.producerId;
        this.producerEpoch = response.producerEpoch;
      })
      .finally(() => {
        this.pending = null;
        this.hooks.wake();
      });
    this.pending = run;
    return run;
  }

  /** Starts afresh with a new id once the requests in flight have come back. */
  reset(): void {
    if (this.resetPending) return;
    this.resetPending = true;
    const queues = this.accumulator.queues;
    const waitIdle = async () => {
      while (queues.some((q) => q.inFlight > 0)) await new Promise((r) => setTimeout(r, 5));
      for (const q of queues) {
        q.nextSequence = 0;
        // Batches being resent (such as the parts of a split one) still go one at a time.
        q.retrying = q.ready[0] !== undefined && q.ready[0].attempts > 0;
        for (const b of q.ready) {
          b.baseSequence = -1;
          b.encoded = null;
        }
      }
      this.resetPending = false;
      await this.init();
      this.hooks.wake();
    };
    void waitIdle().catch(() => this.hooks.retryLater());
  }
}
