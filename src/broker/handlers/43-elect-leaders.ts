// ElectLeaders v0-2 (KIP-183; v1 added the election type and a top-level error code, KIP-460;
// v2 is flexible). The active controller decides (broker/controller/leader-election.ts) and
// answers once the PartitionChangeRecords are replayed; another broker answers NOT_CONTROLLER,
// as for CreateTopics. Null partitions ask for every partition, and the answer then leaves out
// those that needed no election (ELECTION_NOT_NEEDED), as Kafka's does.
// Authorization: ALTER on the cluster, else CLUSTER_AUTHORIZATION_FAILED (as in Kafka).
import {
  ErrorCode,
  type ElectLeadersRequest,
  type ElectLeadersResponse,
} from '../../protocol/index.js';
import { electLeaders, ElectionType, type ElectionResult } from '../controller/leader-election.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { mayOnCluster } from './support/authorize.js';
import { notController } from './support/cluster-view.js';
import { TIMED_OUT, withTimeout } from './support/timeout.js';

export const electLeadersHandler: HandlerFactory = (broker) =>
  defineHandler<ElectLeadersRequest, ElectLeadersResponse>({
    apiKey: 43,
    name: 'ElectLeaders',
    minVersion: 0,
    maxVersion: 2,
    handle: async (request, ctx) => {
      const asked =
        request.topicPartitions?.flatMap((t) =>
          t.partitions.map((partition) => ({ topic: t.topic, partition })),
        ) ?? null;
      // v0 has no top-level error code: the partitions carry it.
      const topLevel = (errorCode: number) => (ctx.apiVersion >= 1 ? errorCode : ErrorCode.NONE);
      const refuse = (errorCode: number, errorMessage: string) =>
        answer(
          topLevel(errorCode),
          (asked ?? []).map((a) => ({ ...a, errorCode, errorMessage })),
        );
      if (!mayOnCluster(ctx, 'ALTER')) {
        return refuse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
      }
      if (notController(broker)) {
        return refuse(ErrorCode.NOT_CONTROLLER, 'This is not the active controller.');
      }
      if (
        request.electionType !== ElectionType.PREFERRED &&
        request.electionType !== ElectionType.UNCLEAN
      ) {
        return refuse(ErrorCode.INVALID_REQUEST, `Unknown election type ${request.electionType}.`);
      }
      const op = broker.metadata.commitWithResult((image) => {
        const { records, results } = electLeaders(image, request.electionType, asked);
        return { records, result: results };
      });
      const outcome = await withTimeout(op, request.timeoutMs, broker.environment.timers);
      if (outcome === TIMED_OUT) {
        return refuse(ErrorCode.REQUEST_TIMED_OUT, 'Timed out waiting for the elections.');
      }
      return answer(ErrorCode.NONE, outcome);
    },
  });

function answer(errorCode: number, results: readonly ElectionResult[]): ElectLeadersResponse {
  const byTopic = new Map<string, ElectLeadersResponse['replicaElectionResults'][number]>();
  for (const r of results) {
    let t = byTopic.get(r.topic);
    if (t === undefined) {
      t = { topic: r.topic, partitionResult: [] };
      byTopic.set(r.topic, t);
    }
    t.partitionResult.push({
      partitionId: r.partition,
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
    });
  }
  return { throttleTimeMs: 0, errorCode, replicaElectionResults: [...byTopic.values()] };
}
