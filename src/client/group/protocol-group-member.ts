// A member of a classic group with a protocol of the application's own (JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup), for groups that are not consumer groups: Kafka Connect's workers
// (protocol type "connect") and the like. The application gives each join its protocols and
// their metadata; the member the coordinator makes leader computes every member's assignment
// bytes; each member is handed its own. A heartbeat that finds the group rebalancing, or a
// rejoin the application asks for, starts the next round.
import {
  createHeartbeatRequest,
  createJoinGroupRequest,
  createLeaveGroupRequest,
  createSyncGroupRequest,
  type HeartbeatResponse,
  type JoinGroupResponse,
  type SyncGroupResponse,
} from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import { Cluster, type ClusterOptions } from '../cluster.js';
import { KafkaError } from '../errors.js';
import { findGroupCoordinator } from '../group-requests.js';

const REBALANCE_IN_PROGRESS = 27;
const UNKNOWN_MEMBER_ID = 25;
const ILLEGAL_GENERATION = 22;
const MEMBER_ID_REQUIRED = 79;
const ERROR_BACKOFF_MS = 200;

export interface GroupRound {
  generationId: number;
  memberId: string;
  leaderId: string;
  protocol: string;
}

export interface ProtocolGroupMemberOptions extends ClusterOptions {
  groupId: string;
  protocolType: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** The protocols this member supports, in preference order, with its metadata for each. */
  protocols(): { name: string; metadata: Buffer }[];
  /** Leader only: every member's assignment, from their metadata under the chosen protocol. */
  assign(
    round: GroupRound,
    members: readonly { memberId: string; metadata: Buffer }[],
  ): Promise<Map<string, Buffer>>;
  /** This member's assignment for the round. */
  onAssigned(assignment: Buffer, round: GroupRound): Promise<void>;
  /** Told when the member drops out of the group (its assignment is no longer its own). */
  onLost?(): Promise<void>;
  /** Told of an error a round met; the member tries again after a heartbeat interval. */
  onError?(err: unknown): void;
}

export class ProtocolGroupMember {
  memberId = '';
  generationId = -1;
  /** A rebalance is under way (from the join until the assignment is applied). */
  joining = false;
  private rejoin = true;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly cluster: Cluster;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly o: ProtocolGroupMemberOptions) {
    this.cluster = new Cluster(o);
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Starts a new round as soon as possible (the application's view changed). */
  requestRejoin(): void {
    this.rejoin = true;
    this.wake?.();
  }

  /** Leaves the group and stops. */
  async close(): Promise<void> {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.wake?.();
    await this.loop?.catch(() => undefined);
    if (this.memberId !== '') {
      try {
        const connection = await this.coordinator();
        await connection.send(
          ApiKey.LeaveGroup,
          createLeaveGroupRequest({
            groupId: this.o.groupId,
            memberId: this.memberId,
            members: [
              { memberId: this.memberId, groupInstanceId: null, reason: 'the member is closing' },
            ],
          }),
        );
      } catch {
        // The coordinator drops the member after its session timeout anyway.
      }
    }
    this.cluster.close();
  }

  private coordinator() {
    return findGroupCoordinator(this.cluster, this.o.groupId).then((id) =>
      this.cluster.connection(id),
    );
  }

  private async run(): Promise<void> {
    while (this.running) {
      let failed = false;
      try {
        if (this.rejoin) await this.joinAndSync();
        else await this.heartbeat();
      } catch (err) {
        if (!this.running) break;
        failed = true;
        this.o.onError?.(err);
      }
      if (!this.running) break;
      // A failed round waits before the next (the coordinator may be moving or down).
      if (this.rejoin && !failed) continue;
      const waitMs = failed
        ? Math.min(this.o.heartbeatIntervalMs, ERROR_BACKOFF_MS)
        : this.o.heartbeatIntervalMs;
      await new Promise<void>((resolve) => {
        this.wake = failed ? null : resolve;
        this.timer = setTimeout(resolve, waitMs);
      });
      this.wake = null;
    }
  }

  private async joinAndSync(): Promise<void> {
    this.joining = true;
    try {
      const connection = await this.coordinator();
      const join = await connection.send<JoinGroupResponse>(
        ApiKey.JoinGroup,
        createJoinGroupRequest({
          groupId: this.o.groupId,
          sessionTimeoutMs: this.o.sessionTimeoutMs,
          rebalanceTimeoutMs: this.o.rebalanceTimeoutMs,
          memberId: this.memberId,
          groupInstanceId: null,
          protocolType: this.o.protocolType,
          protocols: this.o.protocols(),
        }),
        { timeoutMs: this.o.rebalanceTimeoutMs + 5000 },
      );
      if (join.errorCode === MEMBER_ID_REQUIRED) {
        this.memberId = join.memberId;
        return;
      }
      if (join.errorCode === UNKNOWN_MEMBER_ID || join.errorCode === ILLEGAL_GENERATION) {
        this.memberId = '';
        await this.lose();
        return;
      }
      if (join.errorCode === REBALANCE_IN_PROGRESS) return;
      if (join.errorCode !== 0) throw new KafkaError(join.errorCode);
      this.memberId = join.memberId;
      this.generationId = join.generationId;
      const round: GroupRound = {
        generationId: join.generationId,
        memberId: join.memberId,
        leaderId: join.leader,
        protocol: join.protocolName ?? '',
      };
      const assignments =
        join.leader === join.memberId
          ? [...(await this.o.assign(round, join.members))].map(([memberId, assignment]) => ({
              memberId,
              assignment,
            }))
          : [];
      const sync = await connection.send<SyncGroupResponse>(
        ApiKey.SyncGroup,
        createSyncGroupRequest({
          groupId: this.o.groupId,
          generationId: join.generationId,
          memberId: join.memberId,
          groupInstanceId: null,
          protocolType: this.o.protocolType,
          protocolName: round.protocol,
          assignments,
        }),
        { timeoutMs: this.o.rebalanceTimeoutMs + 5000 },
      );
      if (sync.errorCode === REBALANCE_IN_PROGRESS) return;
      if (sync.errorCode === UNKNOWN_MEMBER_ID || sync.errorCode === ILLEGAL_GENERATION) {
        if (sync.errorCode === UNKNOWN_MEMBER_ID) this.memberId = '';
        await this.lose();
        return;
      }
      if (sync.errorCode !== 0) throw new KafkaError(sync.errorCode);
      this.rejoin = false;
      await this.o.onAssigned(sync.assignment, round);
    } finally {
      this.joining = false;
    }
  }

  private async heartbeat(): Promise<void> {
    const connection = await this.coordinator();
    const r = await connection.send<HeartbeatResponse>(
      ApiKey.Heartbeat,
      createHeartbeatRequest({
        groupId: this.o.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
      }),
    );
    if (r.errorCode === 0) return;
    if (r.errorCode === REBALANCE_IN_PROGRESS) {
      this.rejoin = true;
      return;
    }
    if (r.errorCode === UNKNOWN_MEMBER_ID || r.errorCode === ILLEGAL_GENERATION) {
      if (r.errorCode === UNKNOWN_MEMBER_ID) this.memberId = '';
      await this.lose();
      return;
    }
    throw new KafkaError(r.errorCode);
  }

  private async lose(): Promise<void> {
    this.generationId = -1;
    this.rejoin = true;
    await this.o.onLost?.();
  }
}
