// DescribeLogDirs v1-5 (v0 was removed in Kafka 4.0). Notes:
// - One result per log dir, with the partitions of existing topics stored there (the
//   metadata log is not a topic and is left out). Sizes are the bytes of the partition's
//   segments as the log knows them (Kafka's Log.size): no directory is scanned, so asking about
//   a few partitions of a broker holding thousands costs only those few.
// - topics null = every partition; otherwise only those asked for, in topic and partition order.
// - v4+ total and usable bytes of the dir's file system (one statfs per dir); v5 is_cordoned
//   (always false). A dir whose file system cannot be read is KAFKA_STORAGE_ERROR.
// - offset_lag is 0: there are no future replicas moving between dirs.
// Authorization: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED (v3+ top-level code;
// older versions simply list nothing, as in Kafka).
import {
  ErrorCode,
  type DescribeLogDirsRequest,
  type DescribeLogDirsResponse,
  type DescribeLogDirsResponseDescribeLogDirsTopic as ResultTopic,
} from '../../protocol/index.js';
import type { BrokerContext } from '../broker-context.js';
import { mayOnCluster } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { logDirSpace } from './support/log-dir-space.js';

export const describeLogDirsHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeLogDirsRequest, DescribeLogDirsResponse>({
    apiKey: 35,
    name: 'DescribeLogDirs',
    minVersion: 1,
    maxVersion: 5,
    handle: async (request, ctx) => {
      if (!mayOnCluster(ctx, 'DESCRIBE')) {
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          results: [],
        };
      }
      const byDir = partitionSizes(broker, request.topics);
      const spaces = await Promise.all(broker.logDirs.map((dir) => logDirSpace(dir)));
      const results = spaces.map((space) => ({
        errorCode: space.error === null ? ErrorCode.NONE : ErrorCode.KAFKA_STORAGE_ERROR,
        logDir: space.logDir,
        topics: space.error === null ? (byDir.get(space.logDir) ?? []) : [],
        totalBytes: ctx.apiVersion >= 4 ? BigInt(space.totalBytes) : -1n,
        usableBytes: ctx.apiVersion >= 4 ? BigInt(space.usableBytes) : -1n,
        isCordoned: false,
      }));
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results };
    },
  });

/**
 * The partitions asked about (all when `topics` is null) that have a log here, with their
 * sizes, grouped by log dir, in topic and partition order.
 */
function partitionSizes(
  broker: BrokerContext,
  topics: DescribeLogDirsRequest['topics'],
): Map<string, ResultTopic[]> {
  const logs = broker.replicas.logs;
  const image = broker.metadata.image;
  const found: { dir: string; topic: string; partition: number; size: number }[] = [];
  const add = (topic: string, partition: number) => {
    const log = logs.getLog(topic, partition);
    const dir = logs.logDirOf(topic, partition);
    if (log === undefined || dir === undefined || image.topic(topic) === undefined) return;
    found.push({ dir, topic, partition, size: log.size });
  };
  if (topics === null) for (const log of logs.allLogs()) add(log.topic, log.partition);
  else for (const t of topics) for (const p of new Set(t.partitions)) add(t.topic, p);
  found.sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
  const byDir = new Map<string, ResultTopic[]>();
  for (const f of found) {
    let list = byDir.get(f.dir);
    if (list === undefined) byDir.set(f.dir, (list = []));
    let last = list[list.length - 1];
    if (last === undefined || last.name !== f.topic)
      list.push((last = { name: f.topic, partitions: [] }));
    last.partitions.push({
      partitionIndex: f.partition,
      partitionSize: BigInt(f.size),
      offsetLag: 0n,
      isFutureKey: false,
    });
  }
  return byDir;
}
