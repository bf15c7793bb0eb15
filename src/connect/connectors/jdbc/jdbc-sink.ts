// The JDBC sink connector, with the config names of Confluent's: records (with schemas: a
// Struct value) become rows of the table `table.name.format` names (`${topic}` by default),
// by `insert.mode` insert, upsert or update; the primary key comes from `pk.mode` (none,
// kafka: topic/partition/offset, record_key, record_value) and `pk.fields`; `auto.create`
// makes a missing table and `auto.evolve` adds missing (optional) columns; with
// `delete.enabled` a tombstone deletes the row of its key. Each put is one transaction, so
// what the worker commits afterwards is in the database.
import { ConfigDef, range, validString } from '../../config-def.js';
import type { SinkConnector, SinkRecord, SinkTask, TaskConfig } from '../../connector.js';
import { ConnectError } from '../../connector.js';
import { Struct, optional, schemaOf, type Schema } from '../../data/schema.js';
import { VERSION } from '../../version.js';
import { openDialect, type Dialect } from './dialect.js';

type InsertMode = 'insert' | 'upsert' | 'update';
type PkMode = 'none' | 'kafka' | 'record_key' | 'record_value';

const CONFIG = new ConfigDef()
  .define({
    name: 'connection.url',
    type: 'STRING',
    documentation:
      'JDBC connection URL: jdbc:postgresql://host:port/database or jdbc:sqlite:/path.',
    importance: 'HIGH',
    group: 'Connection',
  })
  .define({
    name: 'connection.user',
    type: 'STRING',
    defaultValue: '',
    documentation: 'JDBC connection user.',
    importance: 'HIGH',
    group: 'Connection',
  })
  .define({
    name: 'connection.password',
    type: 'PASSWORD',
    defaultValue: '',
    documentation: 'JDBC connection password.',
    importance: 'HIGH',
    group: 'Connection',
  })
  .define({
    name: 'insert.mode',
    type: 'STRING',
    defaultValue: 'insert',
    validator: validString('insert', 'upsert', 'update'),
    documentation: 'The insertion mode to use.',
    importance: 'HIGH',
    group: 'Writes',
  })
  .define({
    name: 'batch.size',
    type: 'INT',
    defaultValue: 3000,
    validator: range(0),
    documentation:
      'Specifies how many records to attempt to batch together for insertion into the destination table.',
    importance: 'MEDIUM',
    group: 'Writes',
  })
  .define({
    name: 'delete.enabled',
    type: 'BOOLEAN',
    defaultValue: false,
    documentation:
      'Whether to treat null record values as deletes. Requires pk.mode to be record_key.',
    importance: 'MEDIUM',
    group: 'Writes',
  })
  .define({
    name: 'table.name.format',
    type: 'STRING',
    defaultValue: '${topic}',
    documentation: 'A format string for the destination table name, which may contain ${topic}.',
    importance: 'MEDIUM',
    group: 'Data Mapping',
  })
  .define({
    name: 'pk.mode',
    type: 'STRING',
    defaultValue: 'none',
    validator: validString('none', 'kafka', 'record_key', 'record_value'),
    documentation: 'The primary key mode.',
    importance: 'HIGH',
    group: 'Data Mapping',
  })
  .define({
    name: 'pk.fields',
    type: 'LIST',
    defaultValue: [],
    documentation: 'List of comma-separated primary key field names.',
    importance: 'MEDIUM',
    group: 'Data Mapping',
  })
  .define({
    name: 'fields.whitelist',
    type: 'LIST',
    defaultValue: [],
    documentation: 'List of comma-separated record value field names; all when empty.',
    importance: 'MEDIUM',
    group: 'Data Mapping',
  })
  .define({
    name: 'auto.create',
    type: 'BOOLEAN',
    defaultValue: false,
    documentation: 'Whether to automatically create the destination table based on record schema.',
    importance: 'MEDIUM',
    group: 'DDL Support',
  })
  .define({
    name: 'auto.evolve',
    type: 'BOOLEAN',
    defaultValue: false,
    documentation:
      'Whether to automatically add columns in the table schema when found to be missing relative to the record schema.',
    importance: 'MEDIUM',
    group: 'DDL Support',
  });

export class JdbcSinkConnector implements SinkConnector {
  readonly kind = 'sink';
  private props: Record<string, string> = {};
  version(): string {
    return VERSION;
  }
  config(): ConfigDef {
    return CONFIG;
  }
  validate(props: Record<string, string>): Record<string, string[]> {
    if (props['delete.enabled'] === 'true' && props['pk.mode'] !== 'record_key')
      return { 'delete.enabled': ['Deletes are only supported for pk.mode record_key'] };
    return {};
  }
  start(props: Record<string, string>): void {
    CONFIG.parse(props);
    this.props = props;
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop(): void {}
  taskFactory(): SinkTask {
    return new JdbcSinkTask();
  }
}

interface Row {
  table: string;
  pk: [string, Schema, unknown][];
  fields: [string, Schema, unknown][];
  /** A tombstone: delete the row of this key. */
  delete: boolean;
}

export class JdbcSinkTask implements SinkTask {
  private dialect: Dialect | undefined;
  private c: Record<string, unknown> = {};
  /** Tables known to exist, with their column names. */
  private readonly tables = new Map<string, Set<string>>();

  version(): string {
    return VERSION;
  }

  async start(props: TaskConfig): Promise<void> {
    this.c = CONFIG.parse(props);
    this.dialect = await openDialect({
      url: this.c['connection.url'] as string,
      ...((this.c['connection.user'] as string) !== '' && {
        user: this.c['connection.user'] as string,
      }),
      ...((this.c['connection.password'] as string) !== '' && {
        password: this.c['connection.password'] as string,
      }),
    });
  }

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const batch = Math.max(1, this.c['batch.size'] as number);
    for (let i = 0; i < records.length; i += batch) {
      const rows = records
        .slice(i, i + batch)
        .map((r) => this.row(r))
        .filter((r): r is Row => r !== null);
      await this.dialect!.transaction(async () => {
        for (const group of this.groups(rows)) {
          if (group.length === 1) await this.write(group[0]!);
          else await this.insertMany(group);
        }
      });
    }
  }

  private row(r: SinkRecord): Row | null {
    const table = (this.c['table.name.format'] as string).replaceAll('${topic}', r.topic);
    const pkMode = this.c['pk.mode'] as PkMode;
    const pkFields = this.c['pk.fields'] as string[];
    const pk: [string, Schema, unknown][] = [];
    if (pkMode === 'kafka') {
      const [t, p, o] =
        pkFields.length === 3
          ? pkFields
          : ['__connect_topic', '__connect_partition', '__connect_offset'];
      pk.push(
        [t!, schemaOf('STRING'), r.topic],
        [p!, schemaOf('INT32'), r.kafkaPartition],
        [o!, schemaOf('INT64'), r.kafkaOffset],
      );
    } else if (pkMode === 'record_key') {
      if (r.key instanceof Struct) {
        const names =
          pkFields.length > 0 ? pkFields : (r.key.schema.fields ?? []).map((f) => f.name);
        for (const n of names)
          pk.push([n, r.key.schema.fields!.find((f) => f.name === n)!.schema, r.key.get(n)]);
      } else {
        if (r.key === null || r.key === undefined)
          throw new ConnectError(
            `Sink record with a null key cannot be written with pk.mode=record_key (topic ${r.topic}, offset ${r.kafkaOffset})`,
          );
        pk.push([pkFields[0] ?? '__connect_key', r.keySchema ?? schemaOf('STRING'), r.key]);
      }
    }
    if (r.value === null || r.value === undefined) {
      if (this.c['delete.enabled'] === true) return { table, pk, fields: [], delete: true };
      return null;
    }
    if (!(r.value instanceof Struct))
      throw new ConnectError(
        `The JDBC sink needs records with a schema (a struct value); topic ${r.topic} offset ${r.kafkaOffset} has none. Use a converter with schemas (JsonConverter with schemas.enable=true, or a schema registry converter).`,
      );
    const whitelist = new Set(this.c['fields.whitelist'] as string[]);
    const fields: [string, Schema, unknown][] = [];
    const keyNames = new Set(pkMode === 'record_value' ? [] : pk.map(([n]) => n));
    for (const f of r.value.schema.fields ?? []) {
      if (whitelist.size > 0 && !whitelist.has(f.name)) continue;
      // A key column is written from the key (as Confluent's sink does), not twice.
      if (keyNames.has(f.name)) continue;
      if (pkMode === 'record_value' && (pkFields.length === 0 || pkFields.includes(f.name)))
        pk.push([f.name, f.schema, r.value.get(f.name)]);
      else fields.push([f.name, f.schema, r.value.get(f.name)]);
    }
    return { table, pk, fields, delete: false };
  }

  private async ensureTable(row: Row): Promise<void> {
    const d = this.dialect!;
    let known = this.tables.get(row.table);
    if (known === undefined) {
      const cols = await d.columns(row.table);
      if (cols.length === 0) {
        if (this.c['auto.create'] !== true)
          throw new ConnectError(`Table "${row.table}" is missing and auto.create is disabled`);
        const defs = [
          ...row.pk.map(([n, s]) => `${d.quote(n)} ${d.sqlType(s)} NOT NULL`),
          ...row.fields.map(
            ([n, s]) => `${d.quote(n)} ${d.sqlType(s)}${s.optional ? '' : ' NOT NULL'}`,
          ),
        ];
        const pk =
          row.pk.length > 0 ? `, PRIMARY KEY (${row.pk.map(([n]) => d.quote(n)).join(', ')})` : '';
        await d.execute(`CREATE TABLE ${d.quote(row.table)} (${defs.join(', ')}${pk})`);
        known = new Set([...row.pk, ...row.fields].map(([n]) => n));
      } else known = new Set(cols.map((c) => c.name));
      this.tables.set(row.table, known);
    }
    for (const [name, schema] of [...row.pk, ...row.fields]) {
      if (known.has(name)) continue;
      if (this.c['auto.evolve'] !== true)
        throw new ConnectError(
          `Table "${row.table}" has no column "${name}" and auto.evolve is disabled`,
        );
      if (!schema.optional && schema.defaultValue === undefined)
        throw new ConnectError(
          `Cannot ALTER TABLE "${row.table}" to add missing field ${name}, as the field is not optional and does not have a default value`,
        );
      await d.execute(
        `ALTER TABLE ${d.quote(row.table)} ADD COLUMN ${d.quote(name)} ${d.sqlType(optional(schema))}`,
      );
      known.add(name);
    }
  }

  /**
   * Consecutive rows that one multi-row INSERT can write: insert or upsert mode, same table
   * and columns, bounded by the databases' limit on parameters (SQLite's 32766; PostgreSQL's
   * 65535). An upsert keeps the last row of each key, as one statement may not touch a row
   * twice; deletes and updates go one by one.
   */
  private groups(rows: Row[]): Row[][] {
    const mode = this.c['insert.mode'] as InsertMode;
    const out: Row[][] = [];
    let current: Row[] = [];
    let shape = '';
    const flush = () => {
      if (current.length > 0) out.push(current);
      current = [];
      shape = '';
    };
    for (const row of rows) {
      if (row.delete || mode === 'update') {
        flush();
        out.push([row]);
        continue;
      }
      const s = `${row.table}\u0000${[...row.pk, ...row.fields].map(([n]) => n).join('\u0000')}`;
      const width = row.pk.length + row.fields.length;
      if (s !== shape || (current.length + 1) * width > 32_766) flush();
      shape = s;
      if (mode === 'upsert') {
        const key = pkKey(row);
        const at = current.findIndex((r) => pkKey(r) === key);
        if (at >= 0) current.splice(at, 1);
      }
      current.push(row);
    }
    flush();
    return out;
  }

  private async insertMany(rows: Row[]): Promise<void> {
    const d = this.dialect!;
    for (const row of rows) await this.ensureTable(row);
    const first = rows[0]!;
    const all = [...first.pk, ...first.fields];
    const cols = all.map(([n]) => d.quote(n)).join(', ');
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of rows) {
      const at = params.length;
      for (const [, sc, v] of [...row.pk, ...row.fields]) params.push(toSql(d, sc, v));
      tuples.push(`(${all.map((_v, i) => d.param(at + i + 1)).join(', ')})`);
    }
    let sql = `INSERT INTO ${d.quote(first.table)} (${cols}) VALUES ${tuples.join(', ')}`;
    if ((this.c['insert.mode'] as InsertMode) === 'upsert') {
      if (first.pk.length === 0)
        throw new ConnectError('insert.mode=upsert needs a primary key: set pk.mode');
      const update = first.fields.map(([n]) => `${d.quote(n)} = EXCLUDED.${d.quote(n)}`).join(', ');
      sql += ` ON CONFLICT (${first.pk.map(([n]) => d.quote(n)).join(', ')}) DO ${update === '' ? 'NOTHING' : `UPDATE SET ${update}`}`;
    }
    await d.execute(sql, params);
  }

  private async write(row: Row): Promise<void> {
    const d = this.dialect!;
    const value = (s: Schema, v: unknown) => toSql(d, s, v);
    if (row.delete) {
      if (!this.tables.has(row.table) && (await d.columns(row.table)).length === 0) return;
      const where = row.pk.map(([n], i) => `${d.quote(n)} = ${d.param(i + 1)}`).join(' AND ');
      await d.execute(
        `DELETE FROM ${d.quote(row.table)} WHERE ${where}`,
        row.pk.map(([, s, v]) => value(s, v)),
      );
      return;
    }
    await this.ensureTable(row);
    const mode = this.c['insert.mode'] as InsertMode;
    const all = [...row.pk, ...row.fields];
    const cols = all.map(([n]) => d.quote(n)).join(', ');
    const params = all.map(([, s, v]) => value(s, v));
    const placeholders = all.map((_v, i) => d.param(i + 1)).join(', ');
    if (mode === 'update') {
      const set = row.fields.map(([n], i) => `${d.quote(n)} = ${d.param(i + 1)}`).join(', ');
      const where = row.pk
        .map(([n], i) => `${d.quote(n)} = ${d.param(row.fields.length + i + 1)}`)
        .join(' AND ');
      await d.execute(`UPDATE ${d.quote(row.table)} SET ${set} WHERE ${where}`, [
        ...row.fields.map(([, s, v]) => value(s, v)),
        ...row.pk.map(([, s, v]) => value(s, v)),
      ]);
      return;
    }
    let sql = `INSERT INTO ${d.quote(row.table)} (${cols}) VALUES (${placeholders})`;
    if (mode === 'upsert') {
      if (row.pk.length === 0)
        throw new ConnectError('insert.mode=upsert needs a primary key: set pk.mode');
      const update = row.fields.map(([n]) => `${d.quote(n)} = EXCLUDED.${d.quote(n)}`).join(', ');
      sql += ` ON CONFLICT (${row.pk.map(([n]) => d.quote(n)).join(', ')}) DO ${update === '' ? 'NOTHING' : `UPDATE SET ${update}`}`;
    }
    await d.execute(sql, params);
  }

  async stop(): Promise<void> {
    await this.dialect?.close();
    this.dialect = undefined;
  }
}

function toSql(d: Dialect, _s: Schema, v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint' && d.name === 'PostgreSqlDatabaseDialect') return v.toString();
  return v;
}

function pkKey(row: Row): string {
  return JSON.stringify(
    row.pk.map(([, , v]) => v),
    (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('base64') : v,
  );
}
