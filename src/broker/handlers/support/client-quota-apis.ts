// What DescribeClientQuotas and AlterClientQuotas share, after Kafka's ClientQuotaControlManager:
// the entity shapes a quota may have (user, client-id, user + client-id, ip), the keys each
// takes, and value checks (byte rates are whole numbers).
import {
  QUOTA_ENTITY_CLIENT_ID,
  QUOTA_ENTITY_USER,
  type QuotaEntityPart,
} from '../../../metadata/index.js';

export const QUOTA_ENTITY_IP = 'ip';

/** Keys of user and client-id quotas, and whether each is a whole number (Kafka's LONG). */
const CLIENT_KEYS = new Map<string, boolean>([
  ['producer_byte_rate', true],
  ['consumer_byte_rate', true],
  ['request_percentage', false],
  ['controller_mutation_rate', false],
]);
/** Keys of ip quotas (enforced by the connection quotas of the listeners). */
const IP_KEYS = new Map<string, boolean>([['connection_creation_rate', true]]);

/** Why an entity cannot carry quotas, or null. */
export function entityProblem(entity: readonly QuotaEntityPart[]): string | null {
  if (entity.length === 0) return 'Invalid empty client quota entity';
  const types = entity.map((e) => e.entityType);
  if (new Set(types).size !== types.length) return 'Duplicate entity type in client quota entity';
  for (const t of types) {
    if (t !== QUOTA_ENTITY_USER && t !== QUOTA_ENTITY_CLIENT_ID && t !== QUOTA_ENTITY_IP) {
      return `Unhandled client quota entity type: ${t}`;
    }
  }
  if (types.includes(QUOTA_ENTITY_IP) && types.length > 1) {
    return 'Invalid quota entity combination, IP entity should not be combined with User or ClientId entity types';
  }
  return null;
}

/** Why `key` = `value` is not a quota of this entity, or null. */
export function quotaValueProblem(
  entity: readonly QuotaEntityPart[],
  op: { key: string; value: number; remove: boolean },
): string | null {
  const keys = entity.some((e) => e.entityType === QUOTA_ENTITY_IP) ? IP_KEYS : CLIENT_KEYS;
  const whole = keys.get(op.key);
  if (whole === undefined) return `Invalid configuration key ${op.key}`;
  if (op.remove) return null;
  if (!Number.isFinite(op.value)) return `Invalid value ${op.value} for ${op.key}`;
  if (whole && !Number.isInteger(op.value)) {
    return `Configuration ${op.key} must be a Long value`;
  }
  return null;
}
