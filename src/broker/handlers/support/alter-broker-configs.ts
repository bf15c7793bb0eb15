// Dynamic broker configs through AlterConfigs and IncrementalAlterConfigs, as Kafka's
// ConfigAdminManager checks them: the resource name is this node's id or '' (the cluster-wide
// default); keys that cannot change at run time, and bad values, give INVALID_REQUEST
// (KAFKA-13609 keeps that code for compatibility). Accepted changes become ConfigRecords for
// the BROKER resource; replaying them applies the new values (see metadata-sync.ts).
import { ErrorCode } from '../../../protocol/index.js';
import type { BrokerContext } from '../../broker-context.js';
import { dynamicChangeProblem } from '../../config/index.js';
import { ResourceType } from './config-resources.js';
import { configChanges } from './config-changes.js';

interface AlterOutcome {
  errorCode: number;
  errorMessage: string | null;
}

/** A broker resource: this node's dynamic configs, or ('') the cluster-wide defaults. */
export interface BrokerTarget {
  brokerResource: string;
  /** Its dynamic configs as they stand. */
  configs: ReadonlyMap<string, string>;
}

const OK: AlterOutcome = { errorCode: ErrorCode.NONE, errorMessage: null };

const invalidRequest = (errorMessage: string): AlterOutcome => ({
  errorCode: ErrorCode.INVALID_REQUEST,
  errorMessage,
});

export function resolveBrokerTarget(
  broker: BrokerContext,
  resourceName: string,
): BrokerTarget | AlterOutcome {
  const nodeId = broker.config.nodeId;
  if (resourceName !== '') {
    if (!/^-?\d+$/.test(resourceName)) {
      return invalidRequest(`Node id must be an integer, but it is: ${resourceName}`);
    }
    if (Number(resourceName) !== nodeId) {
      return invalidRequest(
        `Unexpected broker id, expected ${nodeId}, but received ${resourceName}`,
      );
    }
  }
  const configs = broker.metadata.image.brokerConfigs(resourceName === '' ? null : nodeId);
  return { brokerResource: resourceName, configs };
}

/** Validates `next` as the resource's complete dynamic configs and commits what differs. */
export async function replaceBrokerConfigs(
  broker: BrokerContext,
  change: { target: BrokerTarget; next: ReadonlyMap<string, string | null>; validateOnly: boolean },
): Promise<AlterOutcome> {
  const { target, next, validateOnly } = change;
  const nulls = [...next].filter(([, v]) => v === null).map(([n]) => n);
  if (nulls.length > 0) return invalidRequest(`Null value not supported for : ${nulls.join(', ')}`);
  const values = next as ReadonlyMap<string, string>;
  const problem = dynamicChangeProblem(values);
  if (problem !== null) return invalidRequest(problem);
  if (validateOnly) return OK;
  const changes = configChanges(target.configs, values);
  if (changes.length === 0) return OK;
  return broker.metadata.alterConfigs(
    changes.map((c) => ({
      resourceType: ResourceType.Broker,
      resourceName: target.brokerResource,
      ...c,
    })),
  );
}
