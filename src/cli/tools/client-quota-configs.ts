// The client quota part of `rivulet configs` (kafka-configs.sh --entity-type users|clients):
// describe, set (--add-config producer_byte_rate=…) and delete (--delete-config) quotas of a
// user, a client id, both, or their defaults (--entity-default), through DescribeClientQuotas
// and AlterClientQuotas. The SCRAM credentials of `--entity-type users` are another part.
import type { Admin, ClientQuotaEntity, ClientQuotaFilterComponent } from '../../client/index.js';
import { EXIT_OK, listFlag, stringFlag, UsageError, type FlagValues } from './tool-support.js';

const TYPE_OF = { users: 'user', clients: 'client-id' } as const;
const LABEL = { user: 'user-principal', 'client-id': 'client-id' } as const;

/** Whether the flags name a quota entity (users or clients), which this module handles. */
export function namesQuotaEntity(flags: FlagValues): boolean {
  const t = stringFlag(flags, 'entity-type');
  return t === 'users' || t === 'clients' || flags.user !== undefined || flags.client !== undefined;
}

/**
 * The entity: each part a type and a name (null: the default; undefined with --describe: every
 * entity of the type).
 */
function entityOf(
  flags: FlagValues,
): { type: 'user' | 'client-id'; name: string | null | undefined }[] {
  const parts: { type: 'user' | 'client-id'; name: string | null | undefined }[] = [];
  const t = stringFlag(flags, 'entity-type');
  if (t !== undefined) {
    if (t !== 'users' && t !== 'clients') {
      throw new UsageError('a quota entity is --entity-type users or clients');
    }
    const name = stringFlag(flags, 'entity-name');
    if (name !== undefined && flags['entity-default'] === true) {
      throw new UsageError('give --entity-name or --entity-default, not both');
    }
    parts.push({ type: TYPE_OF[t], name: flags['entity-default'] === true ? null : name });
  }
  const user = stringFlag(flags, 'user');
  if (user !== undefined) parts.push({ type: 'user', name: user });
  const client = stringFlag(flags, 'client');
  if (client !== undefined) parts.push({ type: 'client-id', name: client });
  if (new Set(parts.map((p) => p.type)).size !== parts.length) {
    throw new UsageError('each quota entity type may be given once');
  }
  return parts;
}

function describeEntity(entity: ClientQuotaEntity): string {
  return (['user', 'client-id'] as const)
    .filter((t) => t in entity)
    .map((t) => (entity[t] === null ? `the default ${LABEL[t]}` : `${LABEL[t]} '${entity[t]}'`))
    .join(', ');
}

/** Java prints quota values as doubles: 1048576.0. */
function formatValue(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

export async function runQuotaConfigs(admin: Admin, flags: FlagValues): Promise<number> {
  const parts = entityOf(flags);
  if (flags.describe === true) {
    const components: ClientQuotaFilterComponent[] = parts.map((p) =>
      p.name === undefined
        ? { entityType: p.type, matchSpecified: true }
        : p.name === null
          ? { entityType: p.type, matchDefault: true }
          : { entityType: p.type, match: p.name },
    );
    const entries = await admin.describeClientQuotas({ components, strict: true });
    for (const e of entries) {
      const values = Object.entries(e.values)
        .map(([k, v]) => `${k}=${formatValue(v)}`)
        .join(', ');
      console.log(`Quota configs for ${describeEntity(e.entity)} are ${values}`);
    }
    return EXIT_OK;
  }
  if (parts.some((p) => p.name === undefined)) {
    throw new UsageError('an entity name or --entity-default must be specified with --alter');
  }
  const entity: ClientQuotaEntity = Object.fromEntries(parts.map((p) => [p.type, p.name!]));
  const ops: { key: string; value: number | null }[] = [];
  for (const raw of listFlag(flags, 'add-config')) {
    // Quota values are numbers: no bracketed lists to keep together.
    for (const item of raw
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '')) {
      const [key, value] = item.split('=');
      const n = Number(value);
      if (key === undefined || value === undefined || value.trim() === '' || Number.isNaN(n)) {
        throw new UsageError(`--add-config '${item}' is not quota=number`);
      }
      ops.push({ key: key.trim(), value: n });
    }
  }
  for (const raw of listFlag(flags, 'delete-config')) {
    for (const key of raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')) {
      ops.push({ key, value: null });
    }
  }
  if (ops.length === 0) throw new UsageError('--alter needs --add-config or --delete-config');
  const [error] = await admin.alterClientQuotas([{ entity, ops }]);
  if (error) throw error;
  console.log(`Completed updating config for ${describeEntity(entity)}.`);
  return EXIT_OK;
}
