// The record decoders of `dump-log`, as kafka-dump-log.sh has them: --offsets-decoder for
// `__consumer_offsets` segments, --transaction-log-decoder for `__transaction_state` and
// --cluster-metadata-decoder for `__cluster_metadata`. Each turns a record's key and value into
// the JSON Kafka's tool prints: coordinator records as `key: {"type":"<record type>","data":
// {...}} payload: {"version":"<n>","data":{...}}` (a tombstone's payload is `<DELETE>`),
// metadata records as `payload: {"type":"TOPIC_RECORD","version":0,"data":{...}}`.
import {
  coordinatorRecordByApiKey,
  metadataRecordByApiKey,
  Reader,
  type DecodedRecord,
} from '../../protocol/index.js';

export type RecordDecoder = (record: DecodedRecord) => string;

/** Kafka's JSON for generated messages: int64 as numbers, bytes as base64. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return Number(v);
    if (v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer')
      return Buffer.from((v as { data: number[] }).data).toString('base64');
    return v;
  });
}

/** A decoder for one of the coordinator topics' record formats. */
export function coordinatorDecoder(
  folder: 'group-coordinator' | 'transaction-coordinator',
): RecordDecoder {
  return (record) => {
    if (record.key === null || record.key.length < 2) return ' key: <unknown> payload: <unknown>';
    const type = record.key.readInt16BE(0);
    const codecs = coordinatorRecordByApiKey(folder, type);
    if (codecs === undefined) return ` key: {"type":"${type}","data":"<unknown record type>"}`;
    let out: string;
    try {
      const key = codecs.key.decode(new Reader(record.key, 2), 0);
      out = ` key: {"type":"${type}","data":${toJson(key)}}`;
    } catch (err) {
      return ` key: <undecodable: ${(err as Error).message}>`;
    }
    if (record.value === null) return `${out} payload: <DELETE>`;
    const version = record.value.readInt16BE(0);
    try {
      const value = codecs.value.decode(new Reader(record.value, 2), version);
      return `${out} payload: {"version":"${version}","data":${toJson(value)}}`;
    } catch (err) {
      return `${out} payload: <undecodable: ${(err as Error).message}>`;
    }
  };
}

/** `TopicRecord` → `TOPIC_RECORD`, as Kafka's MetadataRecordType names it. */
function metadataTypeName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/**
 * KRaft metadata records: an unsigned varint frame version, record type and record version,
 * then the record.
 */
export const clusterMetadataDecoder: RecordDecoder = (record) => {
  if (record.value === null) return ' payload: null';
  try {
    const r = new Reader(record.value);
    r.uvarint();
    const type = r.uvarint();
    const version = r.uvarint();
    const codec = metadataRecordByApiKey(type);
    if (codec === undefined) return ` payload: {"type":"${type}","version":${version}}`;
    const data = codec.decode(r, version);
    return ` payload: {"type":"${metadataTypeName(codec.name)}","version":${version},"data":${toJson(data)}}`;
  } catch (err) {
    return ` payload: <undecodable: ${(err as Error).message}>`;
  }
};
