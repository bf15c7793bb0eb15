// The records of the `_schemas` topic, in the JSON formats Confluent's schema registry writes,
// so that a registry reads a topic another wrote. Every key names its `keytype` and a `magic`
// field (1 for SCHEMA keys, 0 for the others, as Confluent writes them); a null value is a
// tombstone: a hard-deleted version, or a subject's config or mode removed.

export type KeyType = 'SCHEMA' | 'CONFIG' | 'MODE' | 'DELETE_SUBJECT' | 'CLEAR_SUBJECT' | 'NOOP';

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

export interface SchemaRecordValue {
  subject: string;
  version: number;
  id: number;
  /** Absent for AVRO, as Confluent writes it. */
  schemaType?: string;
  references?: SchemaReference[];
  schema: string;
  deleted: boolean;
}

export type RecordKey =
  | { keytype: 'SCHEMA'; subject: string; version: number; magic: number }
  | { keytype: 'CONFIG'; subject: string | null; magic: number }
  | { keytype: 'MODE'; subject: string | null; magic: number }
  | { keytype: 'DELETE_SUBJECT'; subject: string; magic: number }
  | { keytype: 'CLEAR_SUBJECT'; subject: string; magic: number }
  | { keytype: 'NOOP'; magic: number };

export type RegistryRecord =
  | { key: Extract<RecordKey, { keytype: 'SCHEMA' }>; value: SchemaRecordValue | null }
  | {
      key: Extract<RecordKey, { keytype: 'CONFIG' }>;
      value: { compatibilityLevel: string } | null;
    }
  | { key: Extract<RecordKey, { keytype: 'MODE' }>; value: { mode: string } | null }
  | {
      key: Extract<RecordKey, { keytype: 'DELETE_SUBJECT' }>;
      value: { subject: string; version: number } | null;
    }
  | { key: Extract<RecordKey, { keytype: 'CLEAR_SUBJECT' }>; value: { subject: string } | null }
  | { key: Extract<RecordKey, { keytype: 'NOOP' }>; value: null };

export function schemaKey(subject: string, version: number): RecordKey {
  return { keytype: 'SCHEMA', subject, version, magic: 1 };
}

/** Encodes a key with Confluent's field order (keytype, subject, version, magic). */
export function encodeKey(key: RecordKey): string {
  return JSON.stringify(key);
}

export function encodeValue(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}

/**
 * Decodes one record of `_schemas`, or returns null for a record this registry does not know
 * (an unknown keytype from a newer registry is skipped rather than stopping the replay).
 */
export function decodeRecord(key: Buffer | null, value: Buffer | null): RegistryRecord | null {
  if (key === null) return null;
  let k: Record<string, unknown>;
  let v: unknown = null;
  try {
    k = JSON.parse(key.toString('utf8')) as Record<string, unknown>;
    if (value !== null && value.length > 0) v = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  const subject = typeof k.subject === 'string' ? k.subject : null;
  const magic = typeof k.magic === 'number' ? k.magic : 0;
  switch (k.keytype) {
    case 'SCHEMA':
      if (subject === null || typeof k.version !== 'number') return null;
      return {
        key: { keytype: 'SCHEMA', subject, version: k.version, magic },
        value: v as SchemaRecordValue | null,
      };
    case 'CONFIG':
      return {
        key: { keytype: 'CONFIG', subject, magic },
        value: v as { compatibilityLevel: string } | null,
      };
    case 'MODE':
      return { key: { keytype: 'MODE', subject, magic }, value: v as { mode: string } | null };
    case 'DELETE_SUBJECT':
      if (subject === null) return null;
      return {
        key: { keytype: 'DELETE_SUBJECT', subject, magic },
        value: v as { subject: string; version: number } | null,
      };
    case 'CLEAR_SUBJECT':
      if (subject === null) return null;
      return {
        key: { keytype: 'CLEAR_SUBJECT', subject, magic },
        value: v as { subject: string } | null,
      };
    case 'NOOP':
      return { key: { keytype: 'NOOP', magic }, value: null };
    default:
      return null;
  }
}
