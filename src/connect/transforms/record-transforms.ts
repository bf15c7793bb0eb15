// Transforms of the record as a whole and of its headers, with Kafka's config names:
// SetSchemaMetadata, TimestampRouter, RegexRouter, Filter, DropHeaders, InsertHeader,
// HeaderFrom.
import type { ConnectRecord } from '../connector.js';
import { ConfigDef, validString } from '../config-def.js';
import { Struct, schemaOf, type Schema } from '../data/schema.js';
import { formatDate } from './date-format.js';
import {
  getSide,
  listDef,
  requireMap,
  requireStruct,
  withSide,
  type Side,
  type Transformation,
} from './transformation.js';

export class SetSchemaMetadata implements Transformation {
  private name: string | undefined;
  private version: number | undefined;
  constructor(private readonly side: Side) {}
  config(): ConfigDef {
    return new ConfigDef()
      .define({
        name: 'schema.name',
        type: 'STRING',
        defaultValue: '',
        documentation: 'Schema name to set.',
      })
      .define({
        name: 'schema.version',
        type: 'INT',
        defaultValue: 0,
        documentation: 'Schema version to set.',
      });
  }
  configure(props: Record<string, string>): void {
    const c = this.config().parse(props);
    this.name = c['schema.name'] === '' ? undefined : (c['schema.name'] as string);
    this.version = c['schema.version'] === 0 ? undefined : (c['schema.version'] as number);
    if (this.name === undefined && this.version === undefined)
      throw new Error('Neither schema name nor version configured');
  }
  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = getSide(record, this.side);
    if (schema === undefined) throw new Error('Schema required for [updating schema metadata]');
    const updated: Schema = {
      ...schema,
      ...(this.name !== undefined && { name: this.name }),
      ...(this.version !== undefined && { version: this.version }),
    };
    // A Struct carries its schema: rebuild it on the renamed schema.
    let newValue = value;
    if (value instanceof Struct) {
      const s = new Struct(updated);
      for (const f of updated.fields ?? []) s.put(f.name, value.get(f.name));
      newValue = s;
    }
    return withSide(record, this.side, updated, newValue);
  }
}

export class TimestampRouter implements Transformation {
  private topicFormat = '${topic}-${timestamp}';
  private timestampFormat = 'yyyyMMdd';
  config(): ConfigDef {
    return new ConfigDef()
      .define({
        name: 'topic.format',
        type: 'STRING',
        defaultValue: '${topic}-${timestamp}',
        documentation:
          'Format string which can contain ${topic} and ${timestamp} as placeholders for the topic and timestamp, respectively.',
      })
      .define({
        name: 'timestamp.format',
        type: 'STRING',
        defaultValue: 'yyyyMMdd',
        documentation:
          'Format string for the timestamp that is compatible with java.text.SimpleDateFormat.',
      });
  }
  configure(props: Record<string, string>): void {
    const c = this.config().parse(props);
    this.topicFormat = c['topic.format'] as string;
    this.timestampFormat = c['timestamp.format'] as string;
  }
  apply(record: ConnectRecord): ConnectRecord {
    if (record.timestamp === null) throw new Error(`Timestamp missing on record: ${record.topic}`);
    const topic = this.topicFormat
      .replaceAll('${topic}', record.topic)
      .replaceAll('${timestamp}', formatDate(record.timestamp, this.timestampFormat));
    return { ...record, topic };
  }
}

export class RegexRouter implements Transformation {
  private regex = /^$/;
  private replacement = '';
  config(): ConfigDef {
    return new ConfigDef()
      .define({
        name: 'regex',
        type: 'STRING',
        documentation: 'Regular expression to use for matching.',
      })
      .define({ name: 'replacement', type: 'STRING', documentation: 'Replacement string.' });
  }
  configure(props: Record<string, string>): void {
    const c = this.config().parse(props);
    // Java's Matcher.matches(): the whole topic must match.
    this.regex = new RegExp(`^(?:${c['regex'] as string})$`);
    this.replacement = c['replacement'] as string;
  }
  apply(record: ConnectRecord): ConnectRecord {
    if (!this.regex.test(record.topic)) return record;
    return { ...record, topic: record.topic.replace(this.regex, this.replacement) };
  }
}

/** Drops every record (used with a predicate, as Kafka's Filter). */
export class Filter implements Transformation {
  config(): ConfigDef {
    return new ConfigDef();
  }
  configure(): void {}
  apply(): null {
    return null;
  }
}

export class DropHeaders implements Transformation {
  private names = new Set<string>();
  config(): ConfigDef {
    return listDef('headers', 'The name of the headers to be removed.');
  }
  configure(props: Record<string, string>): void {
    this.names = new Set(this.config().parse(props)['headers'] as string[]);
  }
  apply(record: ConnectRecord): ConnectRecord {
    return { ...record, headers: record.headers.filter((h) => !this.names.has(h.key)) };
  }
}

export class InsertHeader implements Transformation {
  private header = '';
  private literal = '';
  config(): ConfigDef {
    return new ConfigDef()
      .define({ name: 'header', type: 'STRING', documentation: 'The name of the header.' })
      .define({
        name: 'value.literal',
        type: 'STRING',
        documentation: 'The literal value that is to be set as the header value on all records.',
      });
  }
  configure(props: Record<string, string>): void {
    const c = this.config().parse(props);
    this.header = c['header'] as string;
    this.literal = c['value.literal'] as string;
  }
  apply(record: ConnectRecord): ConnectRecord {
    return {
      ...record,
      headers: [
        ...record.headers,
        { key: this.header, schema: schemaOf('STRING'), value: this.literal },
      ],
    };
  }
}

export class HeaderFrom implements Transformation {
  private fields: string[] = [];
  private headers: string[] = [];
  private move = false;
  constructor(private readonly side: Side) {}
  config(): ConfigDef {
    return new ConfigDef()
      .define({
        name: 'fields',
        type: 'LIST',
        documentation:
          'Field names in the record whose values are to be copied or moved to headers.',
      })
      .define({
        name: 'headers',
        type: 'LIST',
        documentation:
          'Header names, in the same order as the field names listed in the fields configuration property.',
      })
      .define({
        name: 'operation',
        type: 'STRING',
        validator: validString('move', 'copy'),
        documentation:
          'Either move if the fields are to be moved to the headers (removed from the key/value), or copy if the fields are to be copied to the headers (retained in the key/value).',
      });
  }
  configure(props: Record<string, string>): void {
    const c = this.config().parse(props);
    this.fields = c['fields'] as string[];
    this.headers = c['headers'] as string[];
    this.move = c['operation'] === 'move';
    if (this.fields.length !== this.headers.length)
      throw new Error("'fields' config must have the same number of elements as 'headers' config.");
  }
  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = getSide(record, this.side);
    const added = [...record.headers];
    if (schema === undefined) {
      const map = { ...requireMap(value, 'header from') };
      this.fields.forEach((f, i) => {
        added.push({ key: this.headers[i]!, value: map[f] ?? null });
        if (this.move) delete map[f];
      });
      return { ...withSide(record, this.side, undefined, map), headers: added };
    }
    const struct = requireStruct(value, 'header from');
    this.fields.forEach((f, i) => {
      const fs = schema.fields?.find((x) => x.name === f);
      added.push({ key: this.headers[i]!, schema: fs?.schema, value: struct.get(f) });
    });
    if (!this.move) return { ...record, headers: added };
    const kept = (schema.fields ?? []).filter((f) => !this.fields.includes(f.name));
    const newSchema: Schema = { ...schema, fields: kept.map((f, index) => ({ ...f, index })) };
    const out = new Struct(newSchema);
    for (const f of kept) out.put(f.name, struct.get(f.name));
    return { ...withSide(record, this.side, newSchema, out), headers: added };
  }
}
