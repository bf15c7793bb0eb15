// DescribeLogDirs v1-5 (v0 was removed in Kafka 4.0). Notes:
// - One result per log dir, with the partitions of existing topics stored there (the
//   metadata log is not a topic and is left out). Sizes are the bytes of the segment files.
// - topics null = every partition; otherwise only those asked for.
// - v4+ total and usable bytes of the dir's file system; v5 is_cordoned (always false).
// - offset_lag is 0: there are no future replicas moving between dirs.
// Authorization: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED (v3+ top-level code;
// older versions simply list nothing, as in Kafka).
import {
  ErrorCode,
  type DescribeLogDirsRequest,
  type DescribeLogDirsResponse,
  type DescribeLogDirsResponseDescribeLogDirsTopic as ResultTopic,
} from '../../protocol/index.js';
import { mayOnCluster } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { logDirUsage } from './support/log-dir-usage.js';

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
      const wanted =
        request.topics === null
          ? null
          : new Set(request.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`)));
      const image = broker.metadata.image;
      const usages = await Promise.all(broker.logDirs.map((dir) => logDirUsage(dir)));
      const results = usages.map((usage) => {
        const topics: ResultTopic[] = [];
        for (const topic of image.topics()) {
          const partitions = [];
          for (const p of topic.partitions) {
            const key = `${topic.name}-${p.partitionId}`;
            const size = usage.partitions.get(key);
            if (size === undefined || (wanted !== null && !wanted.has(key))) continue;
            partitions.push({
              partitionIndex: p.partitionId,
              partitionSize: BigInt(size),
              offsetLag: 0n,
              isFutureKey: false,
            });
          }
          if (partitions.length > 0) topics.push({ name: topic.name, partitions });
        }
        return {
          errorCode: usage.error === null ? ErrorCode.NONE : ErrorCode.KAFKA_STORAGE_ERROR,
          logDir: usage.logDir,
          topics,
          totalBytes: ctx.apiVersion >= 4 ? BigInt(usage.totalBytes) : -1n,
          usableBytes: ctx.apiVersion >= 4 ? BigInt(usage.usableBytes) : -1n,
          isCordoned: false,
        };
      });
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results };
    },
  });
