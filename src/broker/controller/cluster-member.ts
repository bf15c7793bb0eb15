// One broker's membership in a cluster on etcd: its registration lease, the controller
// election, and (while it is the active controller) the controller's reactions to brokers
// coming and going.
//
// - Registration: the broker holds an etcd lease of `broker.session.timeout.ms` (rounded up to
//   whole seconds: etcd's unit) and keeps it alive every `broker.heartbeat.interval.ms`. Under
//   it sits `<prefix>/brokers/<node.id>`: this start's incarnation id, endpoints and rack. The
//   key vanishes when the lease expires, which is how the controller learns of a dead broker.
// - Self-fencing: the lease can only have expired in etcd after TTL has passed since the last
//   keep-alive that etcd answered was *sent*, so the broker knows a deadline before which
//   nobody can have fenced it. Past it (a SIGSTOP, a long pause, etcd unreachable) it refuses
//   writes as leader. With a new lease it leads again only once its image holds the new
//   registration, which the controller writes after the fencing of the old one: so two brokers
//   never accept writes in the same partition epoch.
// - Election (etcd's concurrency election): whoever creates `<prefix>/controller` under its
//   lease is the active controller; the others watch the key and campaign when it is deleted.
// - The active controller first catches up with the metadata log, then compares the
//   registrations in etcd with the image (fencing brokers that vanished while no controller
//   was active, registering new ones) and from that revision on watches the registrations:
//   a new key registers and unfences the broker, a deleted one fences it and moves its
//   leaderships, a registration that asks to shut down gets its leaderships moved away.
import { EtcdLeaseInvalidError, type Etcd3, type IKeyValue, type Lease, type Watcher } from 'etcd3';
import {
  MetadataRecordType,
  encodeMetadataBatch,
  type ClusterMetadata,
  type EtcdMetadataLogStore,
  type MetadataRecord,
} from '../../metadata/index.js';
import { SerialQueue } from '../../util/serial-queue.js';
import type { Logger } from '../logger.js';
import type { ListenerAddress } from '../server/index.js';
import type { ClusterRole } from './cluster-role.js';
import { rebalanceRecords } from './leader-election.js';
import {
  controlledShutdownRecords,
  fenceBrokerRecords,
  unfenceBrokerRecords,
  type ElectionOptions,
} from './partition-elections.js';

/** Kafka's SecurityProtocol ids, as broker registrations carry them. */
const SECURITY_PROTOCOL_IDS: Readonly<Record<string, number>> = {
  PLAINTEXT: 0,
  SSL: 1,
  SASL_PLAINTEXT: 2,
  SASL_SSL: 3,
};

export interface ClusterMemberOptions {
  client: Etcd3;
  /** Keys of this cluster start with it (`metadata.etcd.prefix`). */
  prefix: string;
  /** The endpoints, for error messages. */
  endpoints: readonly string[];
  nodeId: number;
  rack: string | null;
  /** The advertised listeners, registered for the other brokers and clients. */
  listeners: readonly ListenerAddress[];
  metadata: ClusterMetadata;
  store: EtcdMetadataLogStore;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  uncleanLeaderElection: boolean;
  /** FeatureLevelRecords the first controller writes (metadata.version). */
  features: ReadonlyMap<string, number>;
  /** Batches between two metadata snapshots (`metadata.etcd.snapshot.interval.batches`). */
  snapshotIntervalBatches: number;
  /**
   * `auto.leader.rebalance.enable`, `leader.imbalance.check.interval.seconds` (in ms here) and
   * `leader.imbalance.per.broker.percentage`: the active controller's leader balance.
   */
  leaderBalance?: { enabled: boolean; intervalMs: number; percentage: number };
  nowMs: () => number;
  randomUuid: () => string;
  logger: Logger;
}

/** What a broker's registration key holds. */
interface RegistrationValue {
  incarnationId: string;
  rack: string | null;
  endpoints: { name: string; host: string; port: number; securityProtocol: number }[];
  /** Set by a controlled shutdown: move my leaderships away. */
  shuttingDown?: boolean;
}

const MAX_RETRY_DELAY_MS = 2000;

export class ClusterMember implements ClusterRole {
  private readonly queue = new SerialQueue();
  private lease: Lease | null = null;
  private leaseId: string | null = null;
  /** Before this time the lease is surely alive in etcd. */
  private leaseDeadlineMs = 0;
  private incarnationId = '';
  private activeController = false;
  private currentControllerId = -1;
  private controllerWatch: Watcher | null = null;
  private brokersWatch: Watcher | null = null;
  private closed = false;
  private shuttingDown = false;
  private leaseLoopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private snapshotTimer: NodeJS.Timeout | null = null;
  private balanceTimer: NodeJS.Timeout | null = null;
  private lastSnapshotEnd = 0;

  constructor(private readonly options: ClusterMemberOptions) {}

  controllerId(): number {
    return this.currentControllerId;
  }

  isActiveController(): boolean {
    return this.activeController && this.leaseValid();
  }

  mayLead(): boolean {
    if (!this.leaseValid()) return false;
    const me = this.options.metadata.image.broker(this.options.nodeId);
    return me !== undefined && me.incarnationId === this.incarnationId && !me.fenced;
  }

  /** Registers (retrying until etcd answers) and resolves once the image shows it unfenced. */
  async start(): Promise<void> {
    await this.watchController();
    this.leaseLoopDone = this.leaseLoop();
    const { metadata } = this.options;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (this.closed) reject(new Error('the broker closed before it joined the cluster'));
        else if (this.mayLead()) resolve();
        else return false;
        return true;
      };
      if (check()) return;
      const unsubscribe = metadata.subscribe(() => {
        if (check()) unsubscribe();
      });
      const timer = setInterval(() => {
        if (check()) {
          clearInterval(timer);
          unsubscribe();
        }
      }, 100);
      timer.unref();
    });
  }

  /**
   * Controlled shutdown: asks the controller to move this broker's leaderships away and waits
   * (at most `timeoutMs`) until the image shows it leads nothing another live ISR member could
   * lead; then resigns as controller and revokes the lease, so it is fenced at once.
   */
  async shutdown(options: { timeoutMs: number }): Promise<void> {
    if (this.closed) return;
    this.shuttingDown = true;
    const { nodeId } = this.options;
    if (this.leaseValid() && this.leaseId !== null) {
      try {
        await this.putRegistration(this.leaseId, true);
        const deadline = this.options.nowMs() + options.timeoutMs;
        while (this.options.nowMs() < deadline && this.leadsMovable()) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (this.leadsMovable()) {
          this.options.logger.warn(
            `[ControlledShutdown id=${nodeId}] leaderships did not move within ${options.timeoutMs} ms`,
          );
        }
      } catch (err) {
        this.options.logger.warn(`[ControlledShutdown id=${nodeId}] failed`, { err });
      }
    }
    await this.close();
  }

  /** Stops everything and revokes the lease (the registration and any controller key go). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.stopControlling();
    await this.controllerWatch?.cancel().catch(() => undefined);
    const lease = this.lease;
    this.lease = null;
    this.leaseId = null;
    this.leaseDeadlineMs = 0;
    await lease?.revoke().catch(() => undefined);
    await this.leaseLoopDone;
    await this.queue.idle();
  }

  private leaseValid(): boolean {
    return this.leaseId !== null && this.options.nowMs() < this.leaseDeadlineMs;
  }

  /** Whether this broker leads a partition whose ISR has another live member. */
  private leadsMovable(): boolean {
    const { metadata, nodeId } = this.options;
    const image = metadata.image;
    const live = new Set(
      image
        .brokers()
        .filter((b) => !b.fenced)
        .map((b) => b.brokerId),
    );
    return image
      .topics()
      .some((t) =>
        t.partitions.some(
          (p) => p.leader === nodeId && p.isr.some((id) => id !== nodeId && live.has(id)),
        ),
      );
  }

  private get keys() {
    const base = this.options.prefix.replace(/\/+$/, '');
    return {
      brokers: `${base}/brokers/`,
      broker: (id: number) => `${base}/brokers/${id}`,
      controller: `${base}/controller`,
    };
  }

  /** Grants a lease, registers, campaigns, keeps the lease alive; again after losing it. */
  private async leaseLoop(): Promise<void> {
    const { client, nodeId, logger } = this.options;
    const ttlSeconds = Math.max(1, Math.ceil(this.options.sessionTimeoutMs / 1000));
    let failures = 0;
    while (!this.closed) {
      const lease = client.lease(ttlSeconds, { autoKeepAlive: false });
      lease.on('lost', () => undefined);
      try {
        const sentAt = this.options.nowMs();
        const id = await lease.grant();
        this.incarnationId = this.options.randomUuid();
        await this.putRegistration(id, this.shuttingDown, { create: true });
        this.lease = lease;
        this.leaseId = id;
        this.leaseDeadlineMs = sentAt + ttlSeconds * 1000;
        if (failures > 0) logger.info(`[BrokerLifecycleManager id=${nodeId}] registered again`);
        failures = 0;
        await this.campaign();
        await this.keepAlive(lease, ttlSeconds);
      } catch (err) {
        if (this.closed) break;
        failures++;
        const delay = Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** Math.min(failures, 5));
        logger.error(
          `[BrokerLifecycleManager id=${nodeId}] cannot register with etcd at ${this.options.endpoints.join(',')}: ${describe(err)}; retrying in ${delay} ms`,
        );
        await lease.revoke().catch(() => undefined);
        await this.sleep(delay);
      }
      this.lease = null;
      this.leaseId = null;
      this.stopControlling();
    }
  }

  /**
   * Keeps `lease` alive until etcd says it is gone. While etcd does not answer, the broker
   * stops leading once the deadline passes but keeps the lease: etcd may come back with it
   * still alive (a restarted etcd renews every lease), and then nothing has to move.
   */
  private async keepAlive(lease: Lease, ttlSeconds: number): Promise<void> {
    const { logger, nodeId } = this.options;
    let overdue = false;
    while (!this.closed) {
      await this.sleep(this.options.heartbeatIntervalMs);
      if (this.closed) return;
      const sentAt = this.options.nowMs();
      if (sentAt >= this.leaseDeadlineMs && !overdue) {
        overdue = true;
        logger.error(
          `[BrokerLifecycleManager id=${nodeId}] no heartbeat answered within the session timeout: not leading until etcd confirms the registration lease`,
        );
      }
      try {
        const timeoutMs = Math.max(1000, this.options.heartbeatIntervalMs * 2);
        await lease.keepaliveOnce({ deadline: Date.now() + timeoutMs });
        this.leaseDeadlineMs = sentAt + ttlSeconds * 1000;
        if (overdue) logger.info(`[BrokerLifecycleManager id=${nodeId}] registration lease kept`);
        overdue = false;
        // A controller key deleted while this broker could not campaign leaves no controller.
        if (this.currentControllerId === -1) await this.campaign();
      } catch (err) {
        if (this.closed) return;
        if (isLeaseGone(err)) {
          logger.error(`[BrokerLifecycleManager id=${nodeId}] registration lease expired`);
          return;
        }
        if (!overdue) {
          logger.warn(
            `[BrokerLifecycleManager id=${nodeId}] heartbeat to etcd at ${this.options.endpoints.join(',')} failed: ${describe(err)}`,
          );
        }
      }
    }
  }

  private async putRegistration(
    leaseId: string,
    shuttingDown: boolean,
    options: { create?: boolean } = {},
  ): Promise<void> {
    const { client, nodeId, listeners, rack } = this.options;
    const value: RegistrationValue = {
      incarnationId: this.incarnationId,
      rack,
      endpoints: listeners.map(({ name, host, port, securityProtocol }) => ({
        name,
        host,
        port,
        securityProtocol: SECURITY_PROTOCOL_IDS[securityProtocol ?? 'PLAINTEXT'] ?? 0,
      })),
      ...(shuttingDown ? { shuttingDown: true } : {}),
    };
    const key = this.keys.broker(nodeId);
    const put = client.put(key).value(JSON.stringify(value)).lease(leaseId);
    if (options.create !== true) {
      await put.exec();
      return;
    }
    // Another live process with this node.id holds the key under its own lease.
    const res = await client.if(key, 'Create', '==', 0).then(put).commit();
    if (!res.succeeded) {
      throw new Error(
        `node.id ${nodeId} is still registered: by another live broker, or by this one before a restart until that lease expires`,
      );
    }
  }

  /** Tracks who the controller is; campaigns when the key is deleted. */
  private async watchController(): Promise<void> {
    const key = this.keys.controller;
    const watcher = this.options.client.watch().key(key).watcher();
    watcher.on('put', (kv) => this.setController(kv));
    watcher.on('delete', () => {
      this.setController(null);
      if (this.leaseValid()) void this.campaign().catch(() => undefined);
    });
    watcher.on('connected', () => void this.readController().catch(() => undefined));
    watcher.on('error', () => undefined);
    this.controllerWatch = watcher;
    await this.readController().catch(() => undefined);
  }

  private async readController(): Promise<void> {
    const res = await this.options.client.get(this.keys.controller).exec();
    this.setController(res.kvs[0] ?? null);
  }

  private setController(kv: IKeyValue | null): void {
    const id = kv === null ? -1 : Number(kv.value.toString());
    if (id === this.currentControllerId) return;
    this.currentControllerId = id;
    this.options.logger.info(`[ControllerRegistrationManager] the active controller is ${id}`);
  }

  /** Creates the controller key under this broker's lease unless someone holds it. */
  private async campaign(): Promise<void> {
    const { client, nodeId } = this.options;
    const leaseId = this.leaseId;
    if (leaseId === null || this.closed || this.activeController) return;
    const key = this.keys.controller;
    const res = await client
      .if(key, 'Create', '==', 0)
      .then(client.put(key).value(String(nodeId)).lease(leaseId))
      .else(client.get(key))
      .commit();
    if (!res.succeeded || leaseId !== this.leaseId) return;
    this.currentControllerId = nodeId;
    this.activeController = true;
    this.options.logger.info(`[QuorumController id=${nodeId}] became the active controller`);
    void this.queue
      .run(() => this.takeOver(leaseId))
      .catch((err: unknown) => {
        this.options.logger.error(`[QuorumController id=${nodeId}] taking over failed`, { err });
        // Give the role up: another broker (or this one, again) campaigns.
        this.stopControlling();
        void this.resign(leaseId);
      });
  }

  private async resign(leaseId: string): Promise<void> {
    const key = this.keys.controller;
    await this.options.client
      .if(key, 'Lease', '==', leaseId)
      .then(this.options.client.delete().key(key))
      .commit()
      .catch(() => undefined);
  }

  /** Catches up, reconciles the registrations with the image, then watches them. */
  private async takeOver(leaseId: string): Promise<void> {
    const { client, metadata, store } = this.options;
    await metadata.follower.waitFor((await store.nextOffset()) - 1);
    const res = await client.getAll().prefix(this.keys.brokers).exec();
    if (!this.activeController || leaseId !== this.leaseId) return;
    const present = new Map<number, RegistrationValue>();
    for (const kv of res.kvs) present.set(brokerIdOf(kv), parseRegistration(kv));
    for (const b of metadata.image.brokers()) {
      if (!present.has(b.brokerId)) await this.brokerGone(b.brokerId);
    }
    for (const [id, value] of present) await this.brokerRegistered(id, value);
    const watcher = client
      .watch()
      .prefix(this.keys.brokers)
      .startRevision(String(Number(res.header.revision) + 1))
      .watcher();
    watcher.on('put', (kv) => {
      const id = brokerIdOf(kv);
      const value = parseRegistration(kv);
      void this.queue
        .run(() => this.brokerRegistered(id, value))
        .catch((err: unknown) => this.failed(err));
    });
    watcher.on('delete', (kv) => {
      const id = brokerIdOf(kv);
      void this.queue.run(() => this.brokerGone(id)).catch((err: unknown) => this.failed(err));
    });
    watcher.on('error', () => undefined);
    this.brokersWatch = watcher;
    this.lastSnapshotEnd = metadata.image.lastOffset + 1;
    this.snapshotTimer = setInterval(
      () => void this.queue.run(() => this.maybeSnapshot()).catch(() => undefined),
      5000,
    );
    this.snapshotTimer.unref();
    const balance = this.options.leaderBalance;
    if (balance?.enabled === true) {
      this.balanceTimer = setInterval(
        () => void this.queue.run(() => this.balanceLeaders()).catch((err) => this.failed(err)),
        balance.intervalMs,
      );
      this.balanceTimer.unref();
    }
  }

  /** Moves leaderships back to preferred replicas where a broker's imbalance is too high. */
  private async balanceLeaders(): Promise<void> {
    const balance = this.options.leaderBalance;
    if (!this.activeController || balance === undefined) return;
    const { metadata, logger, nodeId } = this.options;
    const moved = await metadata.commitRecords((image) =>
      rebalanceRecords(image, balance.percentage),
    );
    if (moved)
      logger.info(`[QuorumController id=${nodeId}] moved leaderships to preferred replicas`);
  }

  private failed(err: unknown): void {
    this.options.logger.error(`[QuorumController id=${this.options.nodeId}] an update failed`, {
      err,
    });
  }

  private stopControlling(): void {
    if (this.activeController) {
      this.options.logger.info(`[QuorumController id=${this.options.nodeId}] no longer active`);
    }
    this.activeController = false;
    if (this.currentControllerId === this.options.nodeId) this.currentControllerId = -1;
    void this.brokersWatch?.cancel().catch(() => undefined);
    this.brokersWatch = null;
    if (this.snapshotTimer !== null) clearInterval(this.snapshotTimer);
    this.snapshotTimer = null;
    if (this.balanceTimer !== null) clearInterval(this.balanceTimer);
    this.balanceTimer = null;
  }

  private get electionOptions(): ElectionOptions {
    return { uncleanLeaderElection: this.options.uncleanLeaderElection };
  }

  /** A registration key appeared or changed. */
  private async brokerRegistered(brokerId: number, value: RegistrationValue): Promise<void> {
    if (!this.activeController) return;
    const { metadata, logger, nodeId } = this.options;
    const known = metadata.image.broker(brokerId);
    if (known !== undefined && known.incarnationId !== value.incarnationId && !known.fenced) {
      // The old registration's lease expiry was missed: it is fenced first.
      await this.brokerGone(brokerId);
    }
    await metadata.commitRecords((image) => {
      const current = image.broker(brokerId);
      if (current?.incarnationId === value.incarnationId) return null;
      const records: MetadataRecord[] = [];
      for (const [name, featureLevel] of this.options.features) {
        if (image.features().has(name)) continue;
        records.push({ type: MetadataRecordType.FeatureLevel, value: { name, featureLevel } });
      }
      records.push({
        type: MetadataRecordType.RegisterBroker,
        value: {
          brokerId,
          isMigratingZkBroker: false,
          incarnationId: value.incarnationId,
          brokerEpoch: (current?.brokerEpoch ?? -1n) + 1n,
          endPoints: value.endpoints,
          features: [],
          rack: value.rack,
          fenced: true,
          inControlledShutdown: false,
          logDirs: [],
          cordonedLogDirs: null,
        },
      });
      return records;
    });
    if (value.shuttingDown === true) {
      const moved = await metadata.commitRecords((image) =>
        controlledShutdownRecords(image, brokerId, this.electionOptions),
      );
      logger.info(
        `[QuorumController id=${nodeId}] controlled shutdown of broker ${brokerId}${moved ? ': leaderships moved' : ''}`,
      );
      return;
    }
    const unfenced = await metadata.commitRecords((image) =>
      image.broker(brokerId)?.fenced === true
        ? unfenceBrokerRecords(image, brokerId, this.electionOptions)
        : null,
    );
    if (unfenced)
      logger.info(`[QuorumController id=${nodeId}] broker ${brokerId} registered and unfenced`);
  }

  /** A registration key vanished: its lease expired or the broker shut down. */
  private async brokerGone(brokerId: number): Promise<void> {
    if (!this.activeController) return;
    const { metadata, logger, nodeId } = this.options;
    const fenced = await metadata.commitRecords((image) =>
      fenceBrokerRecords(image, brokerId, this.electionOptions),
    );
    if (fenced) logger.info(`[QuorumController id=${nodeId}] fenced broker ${brokerId}`);
  }

  /** Writes a snapshot once enough batches followed the last one. */
  private async maybeSnapshot(): Promise<void> {
    if (!this.activeController) return;
    const { metadata, store, snapshotIntervalBatches } = this.options;
    const end = metadata.image.lastOffset + 1;
    if (end - this.lastSnapshotEnd < snapshotIntervalBatches) return;
    const batch = encodeMetadataBatch(metadata.image.snapshotRecords(), this.options.nowMs());
    if (await store.writeSnapshot(batch, end)) {
      this.lastSnapshotEnd = end;
      this.options.logger.info(`[QuorumController] wrote a metadata snapshot at offset ${end}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

function brokerIdOf(kv: IKeyValue): number {
  const key = kv.key.toString();
  return Number(key.slice(key.lastIndexOf('/') + 1));
}

function parseRegistration(kv: IKeyValue): RegistrationValue {
  return JSON.parse(kv.value.toString()) as RegistrationValue;
}

function isLeaseGone(err: unknown): boolean {
  return err instanceof EtcdLeaseInvalidError || /lease not found/i.test(describe(err));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
