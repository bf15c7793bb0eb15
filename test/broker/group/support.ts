// Helpers for driving a GroupCoordinator on simulated time (`timer` is its environment).
import {
  createJoinGroupRequest,
  createSyncGroupRequest,
  type JoinGroupResponse,
  type SyncGroupResponse,
} from '../../../src/protocol/index.js';
import {
  GroupCoordinator,
  MemoryCoordinatorLog,
  type GroupConfig,
} from '../../../src/broker/group/index.js';
import { SimulatedEnvironment } from '../../../src/util/index.js';

export interface Harness {
  coordinator: GroupCoordinator;
  timer: SimulatedEnvironment;
  log: MemoryCoordinatorLog;
}

export async function harness(
  config: Partial<GroupConfig> = {},
  shared?: { log: MemoryCoordinatorLog; timer: SimulatedEnvironment },
): Promise<Harness> {
  const timer = shared?.timer ?? new SimulatedEnvironment();
  const log = shared?.log ?? new MemoryCoordinatorLog();
  let n = 0;
  const coordinator = new GroupCoordinator({
    log,
    environment: timer,
    config: { groupInitialRebalanceDelayMs: 3000, offsetsTopicNumPartitions: 4, ...config },
    randomUUID: () => `id${++n}`,
  });
  await coordinator.load();
  return { coordinator, timer, log };
}

/** Lets promise callbacks (log appends, replays) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface JoinOptions {
  memberId?: string;
  instanceId?: string | null;
  version?: number;
  protocols?: { name: string; metadata: Buffer }[];
  protocolType?: string;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  clientId?: string;
}

export function join(h: Harness, groupId: string, o: JoinOptions = {}): Promise<JoinGroupResponse> {
  return h.coordinator.joinGroup(
    createJoinGroupRequest({
      groupId,
      memberId: o.memberId ?? '',
      groupInstanceId: o.instanceId ?? null,
      protocolType: o.protocolType ?? 'consumer',
      protocols: o.protocols ?? [{ name: 'range', metadata: Buffer.from('m') }],
      sessionTimeoutMs: o.sessionTimeoutMs ?? 10000,
      rebalanceTimeoutMs: o.rebalanceTimeoutMs ?? 30000,
    }),
    { clientId: o.clientId ?? 'c', clientHost: '/127.0.0.1', apiVersion: o.version ?? 9 },
  );
}

/** A dynamic member's two-step join (KIP-394): returns the second join's pending response. */
export async function joinDynamic(
  h: Harness,
  groupId: string,
  o: JoinOptions = {},
): Promise<{ memberId: string; response: Promise<JoinGroupResponse> }> {
  const first = await join(h, groupId, o);
  if (first.errorCode !== 79)
    throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.errorCode}`);
  return {
    memberId: first.memberId,
    response: join(h, groupId, { ...o, memberId: first.memberId }),
  };
}

export function sync(
  h: Harness,
  groupId: string,
  o: {
    memberId: string;
    generationId: number;
    instanceId?: string | null;
    assignments?: { memberId: string; assignment: Buffer }[];
  },
): Promise<SyncGroupResponse> {
  return h.coordinator.syncGroup(
    createSyncGroupRequest({
      groupId,
      memberId: o.memberId,
      generationId: o.generationId,
      groupInstanceId: o.instanceId ?? null,
      protocolType: null,
      protocolName: null,
      assignments: o.assignments ?? [],
    }),
    { clientId: 'c', clientHost: '/127.0.0.1', apiVersion: 5 },
  );
}

export function heartbeat(
  h: Harness,
  groupId: string,
  memberId: string,
  generationId: number,
  instanceId: string | null = null,
): number {
  return h.coordinator.heartbeat({ groupId, memberId, generationId, groupInstanceId: instanceId });
}

/**
 * Forms a group of `n` dynamic members in one generation: all join inside the initial delay,
 * then time passes until the join completes. Returns the member ids and join responses.
 */
export async function formGroup(
  h: Harness,
  groupId: string,
  n: number,
  o: JoinOptions = {},
): Promise<{ memberIds: string[]; responses: JoinGroupResponse[] }> {
  const members = [];
  for (let i = 0; i < n; i++) members.push(await joinDynamic(h, groupId, o));
  h.timer.advance(h.coordinator.config.groupInitialRebalanceDelayMs * 2);
  const responses = await Promise.all(members.map((m) => m.response));
  return { memberIds: members.map((m) => m.memberId), responses };
}

/** Forms a group and completes SyncGroup with the leader assigning `assignment(memberId)`. */
export async function stableGroup(
  h: Harness,
  groupId: string,
  n: number,
  o: JoinOptions = {},
): Promise<{ memberIds: string[]; generationId: number; leaderId: string }> {
  const { memberIds, responses } = await formGroup(h, groupId, n, o);
  const generationId = responses[0]!.generationId;
  const leaderId = responses[0]!.leader;
  const assignments = memberIds.map((memberId) => ({
    memberId,
    assignment: Buffer.from(memberId),
  }));
  await Promise.all(
    memberIds.map((memberId) =>
      sync(h, groupId, {
        memberId,
        generationId,
        assignments: memberId === leaderId ? assignments : [],
      }),
    ),
  );
  return { memberIds, generationId, leaderId };
}
