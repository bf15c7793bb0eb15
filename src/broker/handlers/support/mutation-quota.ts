// The controller mutation quota (KIP-599) as CreateTopics, CreatePartitions and DeleteTopics
// charge it: one MutationQuota per request, asked per topic with the partitions it creates or
// deletes. Versions from `strictSinceVersion` on are refused a topic once the quota is
// exceeded (THROTTLING_QUOTA_EXCEEDED); older ones are only throttled. Without a
// controller_mutation_rate for the principal and client id, everything is admitted.
import { ErrorCode } from '../../../protocol/index.js';
import type { ApiRequestContext, MutationQuota } from '../../server/index.js';

const UNLIMITED: MutationQuota = { admit: () => true, throttleTimeMs: () => 0 };

export const THROTTLED = {
  errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED,
  errorMessage: 'The throttling quota has been exceeded.',
} as const;

/** This request's controller mutation quota. */
export function mutationQuota(ctx: ApiRequestContext, strictSinceVersion: number): MutationQuota {
  const quota = ctx.quotas.controllerMutationQuota?.(ctx.session, {
    clientId: ctx.clientId,
    strict: ctx.apiVersion >= strictSinceVersion,
  });
  return quota ?? UNLIMITED;
}

/**
 * The response's throttle_time_ms after the mutations were charged; the pipeline mutes the
 * connection for it.
 */
export function mutationThrottleTimeMs(ctx: ApiRequestContext, quota: MutationQuota): number {
  ctx.throttleTimeMs = Math.max(ctx.throttleTimeMs, quota.throttleTimeMs());
  return ctx.throttleTimeMs;
}
