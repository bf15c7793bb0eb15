// A seeded fault schedule for a test cluster (the nemesis): kill -9 of a broker and its
// later restart, a pause (SIGSTOP, then SIGCONT after a while: a stalled or partitioned broker,
// fenced when the pause outlasts its registration lease), and an etcd restart. Every choice
// (which fault, which broker, how long) comes from one seed, so a failing run replays from the
// seed it printed; the timing of the cluster's reactions is of course not replayed. At most one
// broker is down or paused at a time, so with replication factor 3 and min.insync.replicas=2
// every partition stays writable between faults and no clean election is ever impossible.
import { setTimeout as delay } from 'node:timers/promises';
import type { TestCluster } from './cluster.js';

/** mulberry32: a small, fast 32-bit PRNG, enough for a fault schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface NemesisOptions {
  seed: number;
  durationMs: number;
  /** Pause between two faults: uniformly within [min, max]. */
  gapMs?: [number, number];
  /** How long a paused broker stays paused: uniformly within [min, max]. */
  pauseMs?: [number, number];
  /** Told of each fault as it happens. */
  log?: (line: string) => void;
}

export interface NemesisRun {
  /** Every fault, in order, with the time since the start. */
  history: string[];
  /** The stderr of every broker incarnation that ended (killed), and of the running ones. */
  brokerLogs(): string[];
}

type Fault = 'kill' | 'pause' | 'etcd';

/** Runs faults until `durationMs` has passed, then heals: every broker running, none paused. */
export async function runNemesis(cluster: TestCluster, o: NemesisOptions): Promise<NemesisRun> {
  const random = seededRandom(o.seed);
  const between = ([min, max]: [number, number]) => Math.round(min + random() * (max - min));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const ended: string[] = [];
  const history: string[] = [];
  const started = Date.now();
  const note = (line: string) => {
    const entry = `+${((Date.now() - started) / 1000).toFixed(1)}s ${line}`;
    history.push(entry);
    o.log?.(entry);
  };
  const allIds = [...cluster.brokers.keys()].sort();
  let down: number | null = null;
  while (Date.now() - started < o.durationMs) {
    await delay(between(o.gapMs ?? [1000, 4000]));
    if (down !== null) {
      // The broker down comes back before anything else breaks (one fault at a time), though
      // etcd may restart first.
      if (random() < 0.2) {
        note('restart etcd');
        await cluster.restartEtcd();
      }
      note(`restart broker ${down}`);
      await cluster.restart(down);
      down = null;
      continue;
    }
    const fault: Fault = pick(['kill', 'kill', 'pause', 'pause', 'etcd']);
    const target = pick(allIds);
    if (fault === 'etcd') {
      note('restart etcd');
      await cluster.restartEtcd();
    } else if (fault === 'kill') {
      note(`kill -9 broker ${target}`);
      const broker = cluster.brokers.get(target)!;
      await cluster.kill(target);
      ended.push(broker.stderr());
      down = target;
    } else {
      const ms = between(o.pauseMs ?? [1000, 9000]);
      note(`pause broker ${target} for ${ms} ms`);
      cluster.pause(target);
      await delay(ms);
      cluster.resume(target);
      note(`resume broker ${target}`);
    }
  }
  if (down !== null) {
    note(`restart broker ${down} (healing)`);
    await cluster.restart(down);
  }
  return {
    history,
    brokerLogs: () => [...ended, ...[...cluster.brokers.values()].map((b) => b.stderr())],
  };
}

/**
 * Leader epochs claimed by more than one broker, from the brokers' logs (Kafka's Partition
 * line "Leader <tp> starts at leader epoch <e>"): each entry names the partition, the epoch and
 * the brokers. Empty when every epoch had one leader.
 */
export function epochsWithTwoLeaders(logs: readonly string[]): string[] {
  const leaders = new Map<string, Set<number>>();
  const line = /\[Partition (\S+) broker=(\d+)\] Leader \S+ starts at leader epoch (\d+)/g;
  for (const log of logs) {
    for (const m of log.matchAll(line)) {
      const key = `${m[1]} epoch ${m[3]}`;
      const set = leaders.get(key) ?? new Set<number>();
      set.add(Number(m[2]));
      leaders.set(key, set);
    }
  }
  return [...leaders]
    .filter(([, brokers]) => brokers.size > 1)
    .map(([key, brokers]) => `${key}: brokers ${[...brokers].join(', ')}`);
}

/** How many leader epochs the logs show (so a checker knows it looked at something). */
export function leaderEpochsSeen(logs: readonly string[]): number {
  const seen = new Set<string>();
  const line = /\[Partition (\S+) broker=\d+\] Leader \S+ starts at leader epoch (\d+)/g;
  for (const log of logs) for (const m of log.matchAll(line)) seen.add(`${m[1]}@${m[2]}`);
  return seen.size;
}
