// Client quotas as replayed from ClientQuotaRecord: for each entity (a user, a client id, or
// both; a null name is the entity type's default, Kafka's `<default>`), the quota values by
// key (`producer_byte_rate`, `consumer_byte_rate`, `request_percentage`,
// `controller_mutation_rate`).

/** The entity types of client quotas. */
export const QUOTA_ENTITY_USER = 'user';
export const QUOTA_ENTITY_CLIENT_ID = 'client-id';

/** One part of an entity: its type and name (null: the default entity of that type). */
export interface QuotaEntityPart {
  entityType: string;
  entityName: string | null;
}

export interface ClientQuotaEntry {
  entity: readonly QuotaEntityPart[];
  values: ReadonlyMap<string, number>;
}

export class ClientQuotaImage {
  private readonly byEntity = new Map<
    string,
    { entity: QuotaEntityPart[]; values: Map<string, number> }
  >();
  private changes = 0;

  /** The quota values of exactly this entity (empty when none are set). */
  values(entity: readonly QuotaEntityPart[]): ReadonlyMap<string, number> {
    return this.byEntity.get(entityKey(entity))?.values ?? EMPTY;
  }

  /** Every entity with at least one value. */
  entries(): ClientQuotaEntry[] {
    return [...this.byEntity.values()];
  }

  get size(): number {
    return this.byEntity.size;
  }

  /** Bumped by every change, so readers may cache what they derived from the image. */
  get version(): number {
    return this.changes;
  }

  /** Applies one ClientQuotaRecord. */
  apply(record: { entity: QuotaEntityPart[]; key: string; value: number; remove: boolean }): void {
    this.changes++;
    const key = entityKey(record.entity);
    let entry = this.byEntity.get(key);
    if (record.remove) {
      entry?.values.delete(record.key);
      if (entry !== undefined && entry.values.size === 0) this.byEntity.delete(key);
      return;
    }
    if (entry === undefined) {
      entry = { entity: normalized(record.entity), values: new Map() };
      this.byEntity.set(key, entry);
    }
    entry.values.set(record.key, record.value);
  }
}

const EMPTY: ReadonlyMap<string, number> = new Map();

function normalized(entity: readonly QuotaEntityPart[]): QuotaEntityPart[] {
  return [...entity]
    .map(({ entityType, entityName }) => ({ entityType, entityName }))
    .sort((a, b) => (a.entityType < b.entityType ? -1 : a.entityType > b.entityType ? 1 : 0));
}

/** One string per entity, independent of the order of its parts. */
export function entityKey(entity: readonly QuotaEntityPart[]): string {
  return normalized(entity)
    .map((p) => `${p.entityType}=${p.entityName === null ? '\u0000' : p.entityName}`)
    .join('\u0001');
}
