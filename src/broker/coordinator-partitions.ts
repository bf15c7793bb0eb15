// The partitions of an internal topic that a coordinator holds (the group coordinator's
// __consumer_offsets, the transaction coordinator's __transaction_state), as Kafka's
// coordinator runtime keeps them: a partition is taken over when this node becomes its
// leader (loading, then loaded: its records replayed) and given up when it stops leading it.
// Loads and unloads run one after another; a partition unloaded while it loads ends up
// dropped, because the unload runs after the load. Requests check `get(partition)`: no
// entry is NOT_COORDINATOR, a loading one COORDINATOR_LOAD_IN_PROGRESS.
import { SerialQueue } from '../util/serial-queue.js';
import type { Logger } from './logger.js';

export interface HeldPartition {
  state: 'loading' | 'loaded';
  leaderEpoch: number;
}

export interface CoordinatorPartitionsOptions {
  /** The internal topic, for log lines. */
  topic: string;
  /** Replays a partition's records into the coordinator's state. */
  replay(partition: number): Promise<void>;
  /** Forgets a partition's state (and answers its parked requests). */
  drop(partition: number): void;
  /** After a load, with the partitions it took over (still held). */
  loaded(partitions: ReadonlySet<number>): Promise<void> | void;
  logger?: Logger;
}

export class CoordinatorPartitions {
  private readonly held = new Map<number, HeldPartition>();
  private readonly transitions = new SerialQueue();

  constructor(private readonly o: CoordinatorPartitionsOptions) {}

  get(partition: number): HeldPartition | undefined {
    return this.held.get(partition);
  }

  has(partition: number): boolean {
    return this.held.has(partition);
  }

  /** True while any partition loads. */
  get loading(): boolean {
    for (const p of this.held.values()) if (p.state === 'loading') return true;
    return false;
  }

  /** Settles (never rejects) once the loads and unloads asked for so far have. */
  settled(): Promise<void> {
    return this.transitions.idle();
  }

  /** Forgets every partition without dropping state (a shutdown). */
  clear(): void {
    this.held.clear();
  }

  /** Takes partitions over: marks them loading now, replays them in turn. */
  load(partitions: Iterable<number>, leaderEpoch = 0): Promise<void> {
    const taken = [...partitions].map((p) => {
      const state: HeldPartition = { state: 'loading', leaderEpoch };
      this.held.set(p, state);
      return [p, state] as const;
    });
    const still = (p: number, state: HeldPartition) => this.held.get(p) === state;
    return this.transitions.run(async () => {
      for (const [p, state] of taken) {
        if (!still(p, state)) continue;
        try {
          await this.o.replay(p);
        } catch (err) {
          this.o.logger?.error(`loading ${this.o.topic}-${p} failed`, { err });
          if (still(p, state)) this.held.delete(p);
          this.o.drop(p);
          continue;
        }
        // Unloaded while it loaded: the unload queued after this drops what was replayed.
        if (still(p, state)) state.state = 'loaded';
      }
      await this.o.loaded(new Set(taken.filter(([p, s]) => still(p, s)).map(([p]) => p)));
    });
  }

  /** Gives partitions up: not held from now on, their state dropped in turn. */
  unload(partitions: Iterable<number>): Promise<void> {
    const list = [...partitions];
    for (const p of list) this.held.delete(p);
    return this.transitions.run(() => {
      for (const p of list) if (!this.held.has(p)) this.o.drop(p);
    });
  }

  /**
   * Follows the leadership of one partition: loads it when this node becomes its leader,
   * unloads it when this node stops leading it; a newer epoch of a held partition is noted.
   */
  follow(change: { partition: number; isLeader: boolean; leaderEpoch: number }): Promise<void> {
    const held = this.held.get(change.partition);
    if (!change.isLeader) {
      return held === undefined ? this.settled() : this.unload([change.partition]);
    }
    if (held === undefined) return this.load([change.partition], change.leaderEpoch);
    held.leaderEpoch = Math.max(held.leaderEpoch, change.leaderEpoch);
    return this.settled();
  }
}
