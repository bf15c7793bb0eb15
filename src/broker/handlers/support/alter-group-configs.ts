// Group configs (GROUP resources, KIP-848) through AlterConfigs and IncrementalAlterConfigs,
// checked as Kafka's controller checks them: no default ('') group, no null values, then
// GroupConfig's validation of the group's complete new set (INVALID_CONFIG). Accepted changes
// become ConfigRecords for the GROUP resource; the coordinator reads them from the image.
import { ErrorCode } from '../../../protocol/index.js';
import type { BrokerContext } from '../../broker-context.js';
import { groupConfigProblem } from '../../config/index.js';
import { ResourceType } from './config-resources.js';
import { configChanges } from './config-changes.js';

interface AlterOutcome {
  errorCode: number;
  errorMessage: string | null;
}

/** A group resource and its overrides as they stand. */
export interface GroupTarget {
  groupResource: string;
  configs: ReadonlyMap<string, string>;
}

const OK: AlterOutcome = { errorCode: ErrorCode.NONE, errorMessage: null };

export function resolveGroupTarget(
  broker: BrokerContext,
  groupId: string,
): GroupTarget | AlterOutcome {
  if (groupId === '') {
    const why = 'Default group resources are not allowed.';
    return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: why };
  }
  return { groupResource: groupId, configs: broker.metadata.image.groupConfigs(groupId) };
}

/** Validates `next` as the group's complete overrides and commits what differs. */
export async function replaceGroupConfigs(
  broker: BrokerContext,
  change: { target: GroupTarget; next: ReadonlyMap<string, string | null>; validateOnly: boolean },
): Promise<AlterOutcome> {
  const { target, next, validateOnly } = change;
  const nulls = [...next].filter(([, v]) => v === null).map(([n]) => n);
  if (nulls.length > 0) {
    const why = `Null value not supported for group configs: ${nulls.join(',')}`;
    return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: why };
  }
  const values = next as ReadonlyMap<string, string>;
  const problem = groupConfigProblem(values, broker.config);
  if (problem !== null) return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: problem };
  if (validateOnly) return OK;
  const changes = configChanges(target.configs, values);
  if (changes.length === 0) return OK;
  return broker.metadata.alterConfigs(
    changes.map((c) => ({
      resourceType: ResourceType.Group,
      resourceName: target.groupResource,
      ...c,
    })),
  );
}
