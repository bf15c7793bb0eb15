// StringConverter (UTF-8 text, optional STRING schema) and ByteArrayConverter (the bytes as
// they are, optional BYTES schema), Kafka Connect's two converters without a format.
import { optional, schemaOf } from '../data/schema.js';
import { ConversionError, type Converter, type SchemaAndValue } from './converter.js';

export class StringConverter implements Converter {
  private encoding: BufferEncoding = 'utf8';

  configure(props: Record<string, string>, _isKey = false): void {
    const e = (props['converter.encoding'] ?? 'UTF-8').toLowerCase().replace('-', '');
    this.encoding = e === 'utf8' ? 'utf8' : (e as BufferEncoding);
  }

  fromConnectData(_topic: string, _schema: unknown, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    if (Buffer.isBuffer(value)) return value;
    return Buffer.from(typeof value === 'string' ? value : stringify(value), this.encoding);
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return {
      schema: optional(schemaOf('STRING')),
      value: bytes === null ? null : bytes.toString(this.encoding),
    };
  }
}

function stringify(value: unknown): string {
  if (typeof value === 'object' && value !== null && !(value instanceof Date))
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

export class ByteArrayConverter implements Converter {
  configure(_props?: Record<string, string>, _isKey = false): void {}

  fromConnectData(
    _topic: string,
    schema: { type: string } | undefined,
    value: unknown,
  ): Buffer | null {
    if (schema !== undefined && schema.type !== 'BYTES')
      throw new ConversionError(`Invalid schema type for ByteArrayConverter: ${schema.type}`);
    if (value === null || value === undefined) return null;
    if (!Buffer.isBuffer(value))
      throw new ConversionError('ByteArrayConverter is not compatible with objects of this type');
    return value;
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return { schema: optional(schemaOf('BYTES')), value: bytes };
  }
}
