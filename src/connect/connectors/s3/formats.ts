// The object formats of the S3 sink, as Confluent's: JsonFormat writes one JSON value per line
// (JsonConverter without schemas; `.json`, or `.json.gz` with s3.compression.type=gzip), and
// AvroFormat writes an Avro object container file (`.avro`) whose schema is the records'
// Connect schema converted to Avro. A file holds records of one schema; a record with another
// schema starts a new file.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { SinkRecord } from '../../connector.js';
import { ConnectError } from '../../connector.js';
import { JsonConverter } from '../../converters/json-converter.js';
import {
  avroLongType,
  avroTypeFor,
  fromConnectSchema,
  fromConnectValue,
} from '../../data/avro-data.js';
import { schemaEquals, type Schema } from '../../data/schema.js';

export interface FormatWriter {
  /** False when the record cannot go into this file (another schema): rotate first. */
  accepts(record: SinkRecord): boolean;
  write(record: SinkRecord): void;
  /** The whole object. */
  finish(): Buffer;
}

export interface Format {
  readonly extension: string;
  newWriter(): FormatWriter;
}

export function makeFormat(format: 'json' | 'avro', gzip: boolean): Format {
  if (format === 'avro') return { extension: '.avro', newWriter: () => new AvroWriter() };
  const converter = new JsonConverter();
  converter.configure({ 'schemas.enable': 'false' }, false);
  return {
    extension: gzip ? '.json.gz' : '.json',
    newWriter: () => new JsonWriter(converter, gzip),
  };
}

class JsonWriter implements FormatWriter {
  private readonly chunks: Buffer[] = [];
  constructor(
    private readonly converter: JsonConverter,
    private readonly gzip: boolean,
  ) {}
  accepts(): boolean {
    return true;
  }
  write(r: SinkRecord): void {
    const bytes = this.converter.fromConnectData(r.topic, r.valueSchema, r.value);
    this.chunks.push(bytes ?? Buffer.from('null'), NEWLINE);
  }
  finish(): Buffer {
    const all = Buffer.concat(this.chunks);
    return this.gzip ? gzipSync(all) : all;
  }
}

const NEWLINE = Buffer.from('\n');
const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
/** Records per container block. */
const BLOCK_RECORDS = 1000;

/* eslint-disable @typescript-eslint/no-explicit-any */
class AvroWriter implements FormatWriter {
  private schema: Schema | undefined;
  private type: any;
  private avroSchema: unknown = 'null';
  private readonly sync = randomBytes(16);
  private readonly blocks: Buffer[] = [];
  private block: Buffer[] = [];

  accepts(r: SinkRecord): boolean {
    return this.schema === undefined || schemaEquals(this.schema, r.valueSchema);
  }

  write(r: SinkRecord): void {
    if (r.valueSchema === undefined)
      throw new ConnectError(
        `AvroFormat needs records with a value schema: ${r.topic}-${r.kafkaPartition}@${r.kafkaOffset} has none`,
      );
    if (this.schema === undefined) {
      this.schema = r.valueSchema;
      this.avroSchema = fromConnectSchema(r.valueSchema);
      this.type = avroTypeFor(this.avroSchema);
    }
    this.block.push(this.type.toBuffer(fromConnectValue(r.valueSchema, r.value)));
    if (this.block.length >= BLOCK_RECORDS) this.endBlock();
  }

  private endBlock(): void {
    if (this.block.length === 0) return;
    const data = Buffer.concat(this.block);
    const long = avroLongType();
    this.blocks.push(
      long.toBuffer(BigInt(this.block.length)),
      long.toBuffer(BigInt(data.length)),
      data,
      this.sync,
    );
    this.block = [];
  }

  finish(): Buffer {
    this.endBlock();
    const meta = avroTypeFor({ type: 'map', values: 'bytes' });
    const header = meta.toBuffer({
      'avro.schema': Buffer.from(JSON.stringify(this.avroSchema)),
      'avro.codec': Buffer.from('null'),
    });
    return Buffer.concat([MAGIC, header, this.sync, ...this.blocks]);
  }
}
