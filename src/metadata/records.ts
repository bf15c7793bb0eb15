// Metadata records as KRaft stores them in `__cluster_metadata` (protocol README §8): each
// record value is an unsigned varint frame version (1), an unsigned varint record type (the
// metadata spec's apiKey), an unsigned varint record version and the record itself; record
// keys are null. Records of one operation travel in one record batch, so an operation is
// applied whole or not at all.
import {
  Reader,
  Writer,
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  metadataRecordByApiKey,
  type AccessControlEntryRecord,
  type ClientQuotaRecord,
  type ConfigRecord,
  type FeatureLevelRecord,
  type FenceBrokerRecord,
  type UnfenceBrokerRecord,
  type PartitionChangeRecord,
  type PartitionRecord,
  type ProducerIdsRecord,
  type RegisterBrokerRecord,
  type RemoveAccessControlEntryRecord,
  type RemoveTopicRecord,
  type TopicRecord,
  type UserScramCredentialRecord,
  type RemoveUserScramCredentialRecord,
} from '../protocol/index.js';

/** Record type ids (the `apiKey` of each metadata spec file). */
export const MetadataRecordType = Object.freeze({
  RegisterBroker: 0,
  Topic: 2,
  Partition: 3,
  Config: 4,
  PartitionChange: 5,
  FenceBroker: 7,
  UnfenceBroker: 8,
  RemoveTopic: 9,
  FeatureLevel: 12,
  ProducerIds: 15,
  UserScramCredential: 11,
  RemoveUserScramCredential: 22,
  ClientQuota: 14,
  AccessControlEntry: 18,
  RemoveAccessControlEntry: 19,
} as const);

/** The metadata records this broker writes and replays. */
export type MetadataRecord =
  | { type: typeof MetadataRecordType.RegisterBroker; value: RegisterBrokerRecord }
  | { type: typeof MetadataRecordType.Topic; value: TopicRecord }
  | { type: typeof MetadataRecordType.Partition; value: PartitionRecord }
  | { type: typeof MetadataRecordType.Config; value: ConfigRecord }
  | { type: typeof MetadataRecordType.PartitionChange; value: PartitionChangeRecord }
  | { type: typeof MetadataRecordType.FenceBroker; value: FenceBrokerRecord }
  | { type: typeof MetadataRecordType.UnfenceBroker; value: UnfenceBrokerRecord }
  | { type: typeof MetadataRecordType.RemoveTopic; value: RemoveTopicRecord }
  | { type: typeof MetadataRecordType.FeatureLevel; value: FeatureLevelRecord }
  | { type: typeof MetadataRecordType.ProducerIds; value: ProducerIdsRecord }
  | { type: typeof MetadataRecordType.UserScramCredential; value: UserScramCredentialRecord }
  | {
      type: typeof MetadataRecordType.RemoveUserScramCredential;
      value: RemoveUserScramCredentialRecord;
    }
  | { type: typeof MetadataRecordType.ClientQuota; value: ClientQuotaRecord }
  | { type: typeof MetadataRecordType.AccessControlEntry; value: AccessControlEntryRecord }
  | {
      type: typeof MetadataRecordType.RemoveAccessControlEntry;
      value: RemoveAccessControlEntryRecord;
    };

/** A record of a type this broker does not replay (kept so replay can skip it knowingly). */
export interface UnknownMetadataRecord {
  type: number;
  value: unknown;
}

/** ConfigRecord resource types (Kafka's ConfigResource.Type). */
export const ConfigResourceType = Object.freeze({ Topic: 2, Broker: 4, Group: 32 } as const);

const FRAME_VERSION = 1;

/** Record versions written; the newest each spec defines that this code fills in. */
const WRITE_VERSION: Record<number, number> = {
  [MetadataRecordType.RegisterBroker]: 1,
  [MetadataRecordType.Partition]: 0,
  [MetadataRecordType.PartitionChange]: 0,
};

export function encodeMetadataRecord(record: MetadataRecord): Buffer {
  const codec = metadataRecordByApiKey(record.type);
  if (codec === undefined) throw new Error(`no codec for metadata record type ${record.type}`);
  const version = WRITE_VERSION[record.type] ?? 0;
  const w = new Writer(128);
  w.uvarint(FRAME_VERSION);
  w.uvarint(record.type);
  w.uvarint(version);
  codec.encode(w, version, record.value);
  return w.toBuffer();
}

/** Decodes one record value; throws ProtocolDecodeError on malformed bytes. */
export function decodeMetadataRecord(value: Buffer): MetadataRecord | UnknownMetadataRecord {
  const r = new Reader(value);
  const frameVersion = r.uvarint();
  if (frameVersion !== FRAME_VERSION) r.fail(`metadata record frame version ${frameVersion}`);
  const type = r.uvarint();
  const version = r.uvarint();
  const codec = metadataRecordByApiKey(type);
  if (codec === undefined) return { type, value: undefined };
  return { type, value: codec.decode(r, version) } as MetadataRecord;
}

/** One batch holding the records of one operation; the log assigns its offsets. */
export function encodeMetadataBatch(records: readonly MetadataRecord[], timestampMs: number) {
  return encodeRecordBatchSync(
    records.map((rec) => ({ key: null, value: encodeMetadataRecord(rec) })),
    { timestamp: timestampMs },
  );
}

/** The records of one stored batch (control batches hold none). */
export function decodeMetadataBatch(batch: Buffer): (MetadataRecord | UnknownMetadataRecord)[] {
  const decoded = decodeRecordBatchSync(batch);
  if (decoded.isControl) return [];
  return decoded.records.map((rec) => {
    if (rec.value === null) throw new Error(`metadata record at offset ${rec.offset} has no value`);
    return decodeMetadataRecord(rec.value);
  });
}
