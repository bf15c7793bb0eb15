// A distributed worker's herder (Kafka Connect's DistributedHerder). Workers sharing a
// `group.id` form a group (protocol type "connect"); configs live in `config.storage.topic`
// with Kafka Connect's keys (`connector-<name>`, `task-<name>-<n>`, `commit-<name>`,
// `target-state-<name>`, `restart-connector-<name>`), and every worker replays them. The
// group's leader writes config changes (other workers forward REST writes to it) and assigns
// connectors and tasks incrementally: work that stays put keeps running, work that moves is
// first revoked from its old owner (which then rejoins) and given to the new one in the next
// round, and the work of a worker that vanished is held back for
// `scheduled.rebalance.max.delay.ms` in case it returns, then handed to the others.
import { ProtocolGroupMember, type ClusterOptions, type GroupRound } from '../../client/index.js';
import type { Logger } from '../../util/logger.js';
import { SerialQueue } from '../../util/serial-queue.js';
import type { TaskConfig } from '../connector.js';
import type { Plugins } from '../plugins.js';
import { NotLeaderError } from '../rest/connect-rest.js';
import {
  CONNECT_PROTOCOL,
  CONNECTOR_TASK,
  decodeAssignment,
  decodeMetadata,
  encodeAssignment,
  encodeMetadata,
  itemKey,
  type ConnectAssignment,
  type WorkItem,
} from './connect-protocol.js';
import {
  BaseHerder,
  HerderError,
  type ConnectorInfo,
  type Herder,
  type RestartOptions,
} from './herder.js';
import { KafkaTopicStore } from './kafka-topic-store.js';
import type { KafkaOffsetStore, KafkaStatusStore } from './kafka-stores.js';
import type { OffsetEntry } from './offset-store.js';
import type { TargetState, Worker } from './worker.js';

export interface DistributedHerderOptions {
  cluster: ClusterOptions;
  groupId: string;
  /** This worker's REST URL (its worker_id is host:port of it). */
  url: string;
  configTopic: { topic: string; replicationFactor: number };
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  scheduledRebalanceMaxDelayMs: number;
  logger: Logger;
}

export class DistributedHerder extends BaseHerder implements Herder {
  private readonly configStore: KafkaTopicStore;
  private readonly member: ProtocolGroupMember;
  private readonly queue = new SerialQueue();
  private configOffset = 0n;
  private readonly pendingTasks = new Map<string, Map<number, TaskConfig>>();
  /** The last assignment this worker got. */
  private assignment: ConnectAssignment | null = null;
  /** What this worker runs now, and the configs it started them with. */
  private readonly running = new Map<string, string>();
  /** Leader only: the owners it assigned last, and since when lost work has been missing. */
  private lastOwners = new Map<string, string>();
  private readonly lostSince = new Map<string, number>();
  private delayTimer: NodeJS.Timeout | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly worker: Worker,
    plugins: Plugins,
    private readonly statuses: KafkaStatusStore,
    private readonly offsetTopic: KafkaOffsetStore,
    private readonly o: DistributedHerderOptions,
  ) {
    super(plugins, statuses, offsetTopic);
    this.configStore = new KafkaTopicStore({
      ...o.cluster,
      topic: o.configTopic.topic,
      partitions: 1,
      replicationFactor: o.configTopic.replicationFactor,
      onRecord: (r) => {
        this.configOffset = r.offset + 1n;
        this.replay(
          r.key?.toString('utf8') ?? '',
          r.value === null
            ? null
            : (JSON.parse(r.value.toString('utf8')) as Record<string, unknown>),
        );
      },
    });
    this.member = new ProtocolGroupMember({
      ...o.cluster,
      groupId: o.groupId,
      protocolType: 'connect',
      sessionTimeoutMs: o.sessionTimeoutMs,
      rebalanceTimeoutMs: o.rebalanceTimeoutMs,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      protocols: () => [
        {
          name: CONNECT_PROTOCOL,
          metadata: encodeMetadata({
            url: o.url,
            configOffset: this.configOffset,
            owned: this.ownedItems(),
          }),
        },
      ],
      assign: (round, members) => this.assign(round, members),
      onAssigned: (bytes) => this.queue.run(() => this.applyAssignment(decodeAssignment(bytes))),
      onLost: () => this.queue.run(() => this.stopEverything()),
      onError: (err) => o.logger.warn(`Group ${o.groupId}: ${(err as Error).message}; retrying`),
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.statuses.start(), this.offsetTopic.start(), this.configStore.start()]);
    this.member.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.delayTimer);
    clearTimeout(this.changeTimer);
    await this.queue.run(() => this.stopEverything());
    await this.member.close();
    await Promise.all([this.configStore.stop(), this.statuses.stop(), this.offsetTopic.stop()]);
  }

  /** True once this worker has an assignment (the group formed). */
  get ready(): boolean {
    return this.assignment !== null && !this.member.joining;
  }

  get isLeader(): boolean {
    return this.assignment !== null && this.assignment.leader === this.member.memberId;
  }

  // ---- config topic replay ----

  private replay(key: string, value: Record<string, unknown> | null): void {
    let changed: string | undefined;
    if (key.startsWith('connector-')) {
      changed = key.slice('connector-'.length);
      if (value === null) {
        this.state.configs.delete(changed);
        this.state.taskConfigs.delete(changed);
        this.state.targets.delete(changed);
      } else this.state.configs.set(changed, value['properties'] as Record<string, string>);
    } else if (key.startsWith('task-')) {
      const rest = key.slice('task-'.length);
      const at = rest.lastIndexOf('-');
      const name = rest.slice(0, at);
      let m = this.pendingTasks.get(name);
      if (m === undefined) this.pendingTasks.set(name, (m = new Map()));
      if (value !== null) m.set(Number(rest.slice(at + 1)), value['properties'] as TaskConfig);
    } else if (key.startsWith('commit-')) {
      changed = key.slice('commit-'.length);
      const count = Number(value?.['tasks'] ?? 0);
      const pending = this.pendingTasks.get(changed) ?? new Map<number, TaskConfig>();
      const configs: TaskConfig[] = [];
      for (let i = 0; i < count; i++) {
        const c = pending.get(i);
        if (c === undefined) return; // An incomplete set: wait for the next commit.
        configs.push(c);
      }
      this.state.taskConfigs.set(changed, configs);
      this.pendingTasks.delete(changed);
    } else if (key.startsWith('target-state-')) {
      changed = key.slice('target-state-'.length);
      const state = (value?.['state.v2'] ?? value?.['state'] ?? 'STARTED') as TargetState;
      this.state.targets.set(changed, state);
    } else if (key.startsWith('restart-connector-')) {
      const name = key.slice('restart-connector-'.length);
      if (value !== null)
        void this.queue.run(() =>
          this.restartLocal(name, {
            includeTasks: value['include-tasks'] === true,
            onlyFailed: value['only-failed'] === true,
          }),
        );
      return;
    }
    if (changed !== undefined) this.configChanged();
  }

  /** After config changes settle, the group rebalances so that every worker sees them. */
  private configChanged(): void {
    clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => {
      if (!this.stopped) this.member.requestRejoin();
    }, 20);
  }

  // ---- the leader's assignment ----

  private async assign(
    round: GroupRound,
    members: readonly { memberId: string; metadata: Buffer }[],
  ): Promise<Map<string, Buffer>> {
    await this.configStore.readToEnd();
    const meta = new Map(members.map((m) => [m.memberId, decodeMetadata(m.metadata)]));
    const ids = [...meta.keys()].sort();
    const all: WorkItem[] = [];
    for (const name of this.connectors()) {
      all.push({ connector: name, task: CONNECTOR_TASK });
      const n =
        this.state.target(name) === 'STOPPED' ? 0 : (this.state.taskConfigs.get(name)?.length ?? 0);
      for (let t = 0; t < n; t++) all.push({ connector: name, task: t });
    }
    const wanted = new Set(all.map(itemKey));
    const owner = new Map<string, string>();
    for (const [id, m] of meta)
      for (const i of m.owned)
        if (wanted.has(itemKey(i)) && !owner.has(itemKey(i))) owner.set(itemKey(i), id);

    const now = Date.now();
    let delayMs = 0;
    const load = new Map(ids.map((id) => [id, 0]));
    for (const id of owner.values()) load.set(id, (load.get(id) ?? 0) + 1);
    const unowned = all.filter((i) => !owner.has(itemKey(i)));
    const toPlace: WorkItem[] = [];
    for (const i of unowned) {
      const k = itemKey(i);
      const previous = this.lastOwners.get(k);
      // Work whose worker vanished waits for it a while (it may be restarting).
      if (
        previous !== undefined &&
        !meta.has(previous) &&
        this.o.scheduledRebalanceMaxDelayMs > 0
      ) {
        const since = this.lostSince.get(k) ?? now;
        this.lostSince.set(k, since);
        const left = since + this.o.scheduledRebalanceMaxDelayMs - now;
        if (left > 0) {
          delayMs = delayMs === 0 ? left : Math.min(delayMs, left);
          continue;
        }
      }
      this.lostSince.delete(k);
      toPlace.push(i);
    }
    for (const i of toPlace) {
      const id = leastLoaded(ids, load);
      owner.set(itemKey(i), id);
      load.set(id, (load.get(id) ?? 0) + 1);
    }
    // Balance: while one worker has two more than another, it gives one up (revoked now,
    // placed next round); the receiver's count goes up at once so no more is revoked for it.
    const revoked = new Map<string, WorkItem[]>();
    if (delayMs === 0 && ids.length > 1) {
      const count = (id: string) => load.get(id) ?? 0;
      for (;;) {
        const sorted = [...ids].sort((a, b) => count(a) - count(b));
        const lo = sorted[0]!;
        const hi = sorted[sorted.length - 1]!;
        if (count(hi) - count(lo) <= 1) break;
        const mine = all.filter((i) => owner.get(itemKey(i)) === hi);
        const item = mine.filter((i) => i.task !== CONNECTOR_TASK).pop() ?? mine.pop();
        if (item === undefined) break;
        owner.delete(itemKey(item));
        revoked.set(hi, [...(revoked.get(hi) ?? []), item]);
        load.set(hi, count(hi) - 1);
        load.set(lo, count(lo) + 1);
      }
    }
    this.lastOwners = new Map(owner);
    const leaderUrl = meta.get(round.leaderId)?.url ?? this.o.url;
    const out = new Map<string, Buffer>();
    for (const id of ids) {
      out.set(
        id,
        encodeAssignment({
          error: 0,
          leader: round.leaderId,
          leaderUrl,
          configOffset: this.configOffset,
          assigned: all.filter((i) => owner.get(itemKey(i)) === id),
          revoked: revoked.get(id) ?? [],
          delayMs,
        }),
      );
    }
    return out;
  }

  // ---- running what is assigned ----

  private ownedItems(): WorkItem[] {
    return [...this.running.keys()].map((k) => {
      const [connector, task] = k.split('\u0000');
      return { connector: connector!, task: Number(task) };
    });
  }

  private async applyAssignment(a: ConnectAssignment): Promise<void> {
    this.assignment = a;
    clearTimeout(this.delayTimer);
    if (a.delayMs > 0) this.delayTimer = setTimeout(() => this.member.requestRejoin(), a.delayMs);
    await this.configStore.readToEnd();
    const assigned = new Set(a.assigned.map(itemKey));
    // Stop what is no longer ours first, so no task ever runs on two workers.
    for (const k of [...this.running.keys()]) if (!assigned.has(k)) await this.stopItem(k);
    for (const i of a.assigned) await this.ensureRunning(i);
    if (a.revoked.length > 0) this.member.requestRejoin();
  }

  private configSignature(i: WorkItem): string {
    const config = this.state.configs.get(i.connector);
    const target = this.state.target(i.connector);
    const task =
      i.task === CONNECTOR_TASK
        ? null
        : (this.state.taskConfigs.get(i.connector)?.[i.task] ?? null);
    return JSON.stringify([
      config,
      i.task === CONNECTOR_TASK ? target : target === 'STOPPED',
      task,
    ]);
  }

  private async ensureRunning(i: WorkItem): Promise<void> {
    const k = itemKey(i);
    const config = this.state.configs.get(i.connector);
    if (config === undefined) return;
    const signature = this.configSignature(i);
    const current = this.running.get(k);
    if (current === signature) return;
    const target = this.state.target(i.connector);
    if (current !== undefined) {
      // Only the target state changed for a task: pause or resume it in place.
      if (i.task !== CONNECTOR_TASK && this.sameButTarget(current, signature)) {
        this.worker.setTargetState(i.connector, target);
        this.running.set(k, signature);
        return;
      }
      await this.stopItem(k);
    }
    this.running.set(k, signature);
    if (i.task === CONNECTOR_TASK) {
      const ok = await this.worker.startConnector(i.connector, config, target);
      if (ok && target !== 'STOPPED') await this.publishTaskConfigs(i.connector);
      else if (
        ok &&
        target === 'STOPPED' &&
        (this.state.taskConfigs.get(i.connector)?.length ?? 0) > 0
      )
        await this.writeTaskConfigs(i.connector, []).catch((err: unknown) =>
          this.o.logger.warn(
            `Could not clear task configs of ${i.connector}: ${(err as Error).message}`,
          ),
        );
      return;
    }
    const tc = this.state.taskConfigs.get(i.connector)?.[i.task];
    if (tc === undefined) return;
    await this.worker.startTask(i.connector, i.task, config, tc, target);
  }

  private sameButTarget(a: string, b: string): boolean {
    const pa = JSON.parse(a) as unknown[];
    const pb = JSON.parse(b) as unknown[];
    return (
      JSON.stringify(pa[0]) === JSON.stringify(pb[0]) &&
      JSON.stringify(pa[2]) === JSON.stringify(pb[2]) &&
      pa[1] === false &&
      pb[1] === false
    );
  }

  private async stopItem(k: string): Promise<void> {
    const [connector, taskText] = k.split('\u0000');
    const task = Number(taskText);
    this.running.delete(k);
    if (task === CONNECTOR_TASK) await this.worker.stopConnector(connector!);
    else await this.worker.stopTask(connector!, task);
  }

  private async stopEverything(): Promise<void> {
    for (const k of [...this.running.keys()]) await this.stopItem(k);
  }

  /** The worker running a connector computes its task configs; the leader stores them. */
  private async publishTaskConfigs(name: string): Promise<void> {
    let configs: TaskConfig[];
    try {
      configs = await this.worker.taskConfigs(name);
    } catch (err) {
      this.o.logger.error(`Could not compute task configs of ${name}: ${(err as Error).message}`);
      return;
    }
    const current = this.state.taskConfigs.get(name) ?? [];
    if (JSON.stringify(current) === JSON.stringify(configs)) return;
    try {
      if (this.isLeader) await this.writeTaskConfigs(name, configs);
      else await this.forwardTaskConfigs(name, configs);
    } catch (err) {
      this.o.logger.warn(
        `Could not store task configs of ${name}: ${(err as Error).message}; retrying at the next rebalance`,
      );
    }
  }

  private async forwardTaskConfigs(name: string, configs: TaskConfig[]): Promise<void> {
    const url = this.assignment?.leaderUrl;
    if (url === undefined) throw new Error('no leader known');
    const res = await fetch(
      new URL(`/connectors/${encodeURIComponent(name)}/tasks?forward=false`, url),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(configs),
      },
    );
    if (!res.ok) throw new Error(`leader answered ${res.status}: ${await res.text()}`);
  }

  private async writeTaskConfigs(name: string, configs: TaskConfig[]): Promise<void> {
    await this.configStore.send([
      ...configs.map((c, i) => ({
        key: `task-${name}-${i}`,
        value: JSON.stringify({ properties: c }),
      })),
      { key: `commit-${name}`, value: JSON.stringify({ tasks: configs.length }) },
    ]);
    await this.configStore.readToEnd();
  }

  // ---- REST operations ----

  /** Writes go through the leader; during a rebalance there is none to go through. */
  private requireLeader(): void {
    if (this.assignment === null || this.member.joining) throw new NotLeaderError(null);
    if (!this.isLeader) throw new NotLeaderError(this.assignment.leaderUrl);
  }

  async putTaskConfigs(name: string, configs: TaskConfig[]): Promise<void> {
    this.requireLeader();
    this.config(name);
    await this.writeTaskConfigs(name, configs);
  }

  async putConnectorConfig(
    name: string,
    config: Record<string, string>,
    allowReplace: boolean,
  ): Promise<{ created: boolean; info: ConnectorInfo }> {
    this.requireLeader();
    const full = { ...config, name };
    this.checkConfig(name, full);
    await this.configStore.readToEnd();
    const exists = this.state.configs.has(name);
    if (exists && !allowReplace) throw new HerderError(409, `Connector ${name} already exists`);
    await this.configStore.send([
      { key: `connector-${name}`, value: JSON.stringify({ properties: full }) },
    ]);
    await this.configStore.readToEnd();
    return { created: !exists, info: this.connectorInfo(name) };
  }

  async patchConnectorConfig(
    name: string,
    patch: Record<string, string | null>,
  ): Promise<ConnectorInfo> {
    const merged: Record<string, string> = { ...this.config(name) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    return (await this.putConnectorConfig(name, merged, true)).info;
  }

  async deleteConnector(name: string): Promise<void> {
    this.requireLeader();
    this.config(name);
    const tasks = this.state.taskConfigs.get(name)?.length ?? 0;
    await this.configStore.send([
      { key: `connector-${name}`, value: null },
      { key: `target-state-${name}`, value: null },
      ...Array.from({ length: tasks }, (_v, i) => ({ key: `task-${name}-${i}`, value: null })),
    ]);
    await this.configStore.readToEnd();
    this.statuses.remove(name);
  }

  async setTargetState(name: string, state: TargetState): Promise<void> {
    this.requireLeader();
    this.config(name);
    // Kafka writes the v2 field for STOPPED (KIP-875) and PAUSED as the v1 state too.
    const value =
      state === 'STOPPED'
        ? { state: 'PAUSED', 'state.v2': 'STOPPED' }
        : { state, 'state.v2': state };
    await this.configStore.send([{ key: `target-state-${name}`, value: JSON.stringify(value) }]);
    await this.configStore.readToEnd();
  }

  async restartConnector(
    name: string,
    options: RestartOptions,
  ): Promise<Record<string, unknown> | null> {
    this.requireLeader();
    this.config(name);
    await this.configStore.send([
      {
        key: `restart-connector-${name}`,
        value: JSON.stringify({
          'include-tasks': options.includeTasks,
          'only-failed': options.onlyFailed,
        }),
      },
    ]);
    await this.configStore.readToEnd();
    if (!options.includeTasks && !options.onlyFailed) return null;
    return this.connectorStatus(name);
  }

  /** Restarts, on this worker, what a restart request names that runs here. */
  private async restartLocal(name: string, options: RestartOptions): Promise<void> {
    const connectorFailed = this.statusStore.connector(name)?.state === 'FAILED';
    for (const i of this.ownedItems()) {
      if (i.connector !== name) continue;
      const isConnector = i.task === CONNECTOR_TASK;
      if (!isConnector && !options.includeTasks) continue;
      const failed = isConnector
        ? connectorFailed
        : this.statusStore.tasks(name).get(i.task)?.state === 'FAILED';
      if (options.onlyFailed && !failed) continue;
      await this.stopItem(itemKey(i));
      await this.ensureRunning(i);
    }
  }

  async restartTask(name: string, task: number): Promise<void> {
    this.config(name);
    if ((this.state.taskConfigs.get(name)?.length ?? 0) <= task)
      throw new HerderError(404, `Task ${name}-${task} not found`);
    const k = itemKey({ connector: name, task });
    if (this.running.has(k)) {
      await this.queue.run(async () => {
        await this.stopItem(k);
        await this.ensureRunning({ connector: name, task });
      });
      return;
    }
    // Another worker runs it: its status names it (worker_id is its host:port).
    const owner = this.statusStore.tasks(name).get(task)?.workerId;
    if (owner === undefined || owner === '') throw new NotLeaderError(null);
    const res = await fetch(
      `http://${owner}/connectors/${encodeURIComponent(name)}/tasks/${task}/restart?forward=false`,
      { method: 'POST' },
    );
    if (!res.ok && res.status !== 204) throw new HerderError(res.status, await res.text());
  }

  async alterOffsets(name: string, entries: OffsetEntry[] | null): Promise<string> {
    this.requireLeader();
    this.checkStoppedForOffsets(name);
    const write =
      entries ?? this.offsetTopic.all(name).map((e) => ({ partition: e.partition, offset: null }));
    await this.offsetTopic.set(name, write);
    return entries === null
      ? 'The offsets for this connector have been reset successfully'
      : 'The offsets for this connector have been altered successfully';
  }
}

function leastLoaded(ids: readonly string[], load: Map<string, number>): string {
  let best = ids[0]!;
  for (const id of ids) if ((load.get(id) ?? 0) < (load.get(best) ?? 0)) best = id;
  return best;
}
