// Membership with group.protocol=consumer (KIP-848): every round is one ConsumerGroupHeartbeat
// (consumer-group-membership.ts sends it). It reports what this member owns when that changed,
// and moves to a new assignment the broker sends, revoking first; the next heartbeat, sent at
// once, reports the result. A fenced member loses its partitions and rejoins with epoch 0.
import type { Cluster } from '../cluster.js';
import { ConsumerGroupMembership, type Subscription } from './consumer-group-membership.js';
import type { GroupMembership, MembershipHost } from './group-membership.js';

export interface ConsumerProtocolMembershipOptions {
  groupId: string;
  groupInstanceId: string | null;
  rebalanceTimeoutMs?: number;
  /** group.remote.assignor: 'uniform' or 'range'; the broker's default when absent. */
  serverAssignor: string | null;
}

export class ConsumerProtocolMembership implements GroupMembership {
  /** The member id and epoch of the last heartbeat answered. */
  memberId = '';
  generationId = -1;
  readonly joining = false;
  readonly brokerMatchesPatterns = true;
  private readonly requests: ConsumerGroupMembership;
  private readonly host: MembershipHost;
  /** The owned partitions changed since the last heartbeat. */
  private ownedChanged = true;
  private heartbeatNow = true;

  constructor(cluster: Cluster, host: MembershipHost, options: ConsumerProtocolMembershipOptions) {
    this.host = host;
    this.requests = new ConsumerGroupMembership(cluster, options.groupId, {
      groupInstanceId: options.groupInstanceId,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs,
      serverAssignor: options.serverAssignor,
    });
  }

  get pending(): boolean {
    return this.heartbeatNow;
  }

  /** The interval the broker asks for (group.consumer.heartbeat.interval.ms). */
  get heartbeatIntervalMs(): number {
    return this.requests.heartbeatIntervalMs;
  }

  subscriptionChanged(): void {
    this.ownedChanged = true;
    this.heartbeatNow = true;
  }

  async round(): Promise<void> {
    const owned = this.ownedChanged ? [...this.host.owned()] : null;
    this.ownedChanged = false;
    const result = await this.subscription()
      .then((subscription) => this.requests.heartbeat(subscription, owned))
      .catch((err: unknown) => {
        this.ownedChanged = true;
        throw err;
      });
    if (result.kind === 'fenced') {
      this.generationId = -1;
      this.heartbeatNow = true;
      await this.host.lost();
      this.ownedChanged = true;
      return;
    }
    this.generationId = this.requests.memberEpoch;
    this.memberId = this.requests.memberId;
    if (result.assignment !== null) {
      await this.host.assigned(result.assignment);
      this.ownedChanged = true;
    }
    this.heartbeatNow = this.ownedChanged;
  }

  leave(): Promise<void> {
    return this.requests.leave();
  }

  /**
   * Topic names, or the pattern for the broker to match; ConsumerGroupHeartbeat v0 has no
   * regex field, so there the pattern is matched here, as the classic protocol does.
   */
  private async subscription(): Promise<Subscription> {
    const pattern = this.host.pattern();
    if (pattern !== null) {
      if (await this.requests.supportsRegex()) return { regex: pattern };
      await this.host.matchPattern();
    }
    return { topics: this.host.topics() };
  }
}
