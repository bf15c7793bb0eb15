// The JDBC source connector, with the config names of Confluent's: it copies tables (or one
// custom `query`) into topics named `topic.prefix` + table, in the modes `bulk` (the whole
// table every `poll.interval.ms`), `incrementing` (rows whose strictly increasing
// `incrementing.column.name` is above the last one seen), `timestamp` (rows whose
// `timestamp.column.name` moved past the last one seen, up to now minus
// `timestamp.delay.interval.ms`) and `timestamp+incrementing` (both: a row is new when its
// timestamp is later, or equal with a higher id, which catches updates without missing rows
// that share a timestamp). The offset of a table is where the last row delivered stands.
import { ConfigDef, range, validString } from '../../config-def.js';
import type {
  SourceConnector,
  SourceRecord,
  SourceTask,
  SourceTaskContext,
  TaskConfig,
} from '../../connector.js';
import { LOGICAL, Struct, structSchema, type Schema } from '../../data/schema.js';
import { VERSION } from '../../version.js';
import { columnSchema, openDialect, type Column, type Dialect } from './dialect.js';

type Mode = 'bulk' | 'incrementing' | 'timestamp' | 'timestamp+incrementing';

const CONFIG = new ConfigDef()
  .define({
    name: 'connection.url',
    type: 'STRING',
    documentation:
      'JDBC connection URL: jdbc:postgresql://host:port/database or jdbc:sqlite:/path.',
    importance: 'HIGH',
    group: 'Database',
  })
  .define({
    name: 'connection.user',
    type: 'STRING',
    defaultValue: '',
    documentation: 'JDBC connection user.',
    importance: 'HIGH',
    group: 'Database',
  })
  .define({
    name: 'connection.password',
    type: 'PASSWORD',
    defaultValue: '',
    documentation: 'JDBC connection password.',
    importance: 'HIGH',
    group: 'Database',
  })
  .define({
    name: 'table.whitelist',
    type: 'LIST',
    defaultValue: [],
    documentation: 'Tables to copy (deprecated name of table.include.list).',
    importance: 'MEDIUM',
    group: 'Database',
  })
  .define({
    name: 'table.include.list',
    type: 'LIST',
    defaultValue: [],
    documentation: 'Tables to copy; all tables when empty.',
    importance: 'MEDIUM',
    group: 'Database',
  })
  .define({
    name: 'table.blacklist',
    type: 'LIST',
    defaultValue: [],
    documentation: 'Tables not to copy (deprecated name of table.exclude.list).',
    importance: 'MEDIUM',
    group: 'Database',
  })
  .define({
    name: 'table.exclude.list',
    type: 'LIST',
    defaultValue: [],
    documentation: 'Tables not to copy.',
    importance: 'MEDIUM',
    group: 'Database',
  })
  .define({
    name: 'mode',
    type: 'STRING',
    validator: validString('bulk', 'incrementing', 'timestamp', 'timestamp+incrementing'),
    documentation: 'The mode for updating a table each time it is polled.',
    importance: 'HIGH',
    group: 'Mode',
  })
  .define({
    name: 'incrementing.column.name',
    type: 'STRING',
    defaultValue: '',
    documentation: 'The name of the strictly incrementing column used to detect new rows.',
    importance: 'MEDIUM',
    group: 'Mode',
  })
  .define({
    name: 'timestamp.column.name',
    type: 'LIST',
    defaultValue: [],
    documentation:
      'Timestamp columns used to detect new or modified rows (the first non-null one counts).',
    importance: 'MEDIUM',
    group: 'Mode',
  })
  .define({
    name: 'query',
    type: 'STRING',
    defaultValue: '',
    documentation: 'A custom query instead of copying tables; its rows go to topic.prefix.',
    importance: 'MEDIUM',
    group: 'Mode',
  })
  .define({
    name: 'topic.prefix',
    type: 'STRING',
    documentation:
      'Prefix prepended to table names to generate the topic name (the whole topic name with a query).',
    importance: 'HIGH',
    group: 'Connector',
  })
  .define({
    name: 'poll.interval.ms',
    type: 'INT',
    defaultValue: 5000,
    validator: range(1),
    documentation: 'Frequency in ms to poll for new data in each table.',
    importance: 'HIGH',
    group: 'Connector',
  })
  .define({
    name: 'batch.max.rows',
    type: 'INT',
    defaultValue: 100,
    validator: range(1),
    documentation: 'Maximum number of rows to include in a single batch when polling for new data.',
    importance: 'LOW',
    group: 'Connector',
  })
  .define({
    name: 'timestamp.delay.interval.ms',
    type: 'LONG',
    defaultValue: 0,
    validator: range(0),
    documentation:
      'How long to wait after a row with a certain timestamp appears before including it.',
    importance: 'HIGH',
    group: 'Connector',
  })
  .define({
    name: 'table.poll.interval.ms',
    type: 'LONG',
    defaultValue: 60_000,
    validator: range(1),
    documentation: 'Frequency in ms to poll for new or removed tables.',
    importance: 'LOW',
    group: 'Connector',
  });

export class JdbcSourceConnector implements SourceConnector {
  readonly kind = 'source';
  private props: Record<string, string> = {};
  private tables: string[] = [];

  version(): string {
    return VERSION;
  }
  config(): ConfigDef {
    return CONFIG;
  }
  validate(props: Record<string, string>): Record<string, string[]> {
    const errors: Record<string, string[]> = {};
    const mode = props['mode'];
    if (
      (mode === 'incrementing' || mode === 'timestamp+incrementing') &&
      !props['incrementing.column.name']
    )
      errors['incrementing.column.name'] = [
        `incrementing.column.name is required with mode=${mode}`,
      ];
    if (
      (mode === 'timestamp' || mode === 'timestamp+incrementing') &&
      !props['timestamp.column.name']
    )
      errors['timestamp.column.name'] = [`timestamp.column.name is required with mode=${mode}`];
    return errors;
  }
  async start(props: Record<string, string>): Promise<void> {
    const c = CONFIG.parse(props);
    this.props = props;
    if ((c['query'] as string) !== '') return;
    const dialect = await openDialect(settings(c));
    try {
      const include = [
        ...(c['table.include.list'] as string[]),
        ...(c['table.whitelist'] as string[]),
      ];
      const exclude = new Set([
        ...(c['table.exclude.list'] as string[]),
        ...(c['table.blacklist'] as string[]),
      ]);
      const all = await dialect.tables();
      this.tables = (include.length > 0 ? include.filter((t) => all.includes(t)) : all).filter(
        (t) => !exclude.has(t),
      );
    } finally {
      await dialect.close();
    }
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    if ((this.props['query'] ?? '') !== '') return [{ ...this.props }];
    const groups: string[][] = Array.from(
      { length: Math.min(maxTasks, Math.max(this.tables.length, 1)) },
      () => [],
    );
    this.tables.forEach((t, i) => groups[i % groups.length]!.push(t));
    return groups.filter((g) => g.length > 0).map((g) => ({ ...this.props, tables: g.join(',') }));
  }
  stop(): void {}
  taskFactory(): SourceTask {
    return new JdbcSourceTask();
  }
  exactlyOnceSupport(): 'SUPPORTED' {
    return 'SUPPORTED';
  }
}

function settings(c: Record<string, unknown>) {
  return {
    url: c['connection.url'] as string,
    ...((c['connection.user'] as string) !== '' && { user: c['connection.user'] as string }),
    ...((c['connection.password'] as string) !== '' && {
      password: c['connection.password'] as string,
    }),
  };
}

interface TableState {
  /** The table name, or null for the custom query. */
  table: string | null;
  topic: string;
  partition: Record<string, string>;
  schema?: Schema;
  columns?: Column[];
  incrementing?: bigint;
  timestampMs?: number;
  lastPollMs: number;
  buffer: SourceRecord[];
}

export class JdbcSourceTask implements SourceTask {
  private dialect: Dialect | undefined;
  private mode: Mode = 'bulk';
  private c: Record<string, unknown> = {};
  private states: TableState[] = [];
  private stopped = false;

  version(): string {
    return VERSION;
  }

  async start(props: TaskConfig, context: SourceTaskContext): Promise<void> {
    this.c = CONFIG.parse(props);
    this.mode = this.c['mode'] as Mode;
    this.dialect = await openDialect(settings(this.c));
    const prefix = this.c['topic.prefix'] as string;
    const query = this.c['query'] as string;
    const tables = query !== '' ? [null] : (props['tables'] ?? '').split(',').filter(Boolean);
    for (const table of tables) {
      // Confluent's partition keys: {"protocol":"1","table":...} or {"query":"query"}.
      const partition: Record<string, string> =
        table === null ? { query: 'query' } : { protocol: '1', table };
      const offset = await context.offsetStorageReader.offset(partition);
      this.states.push({
        table,
        topic: table === null ? prefix : `${prefix}${table}`,
        partition,
        ...(offset?.['incrementing'] !== undefined && {
          incrementing: BigInt(offset['incrementing'] as number | string),
        }),
        ...(offset?.['timestamp'] !== undefined && { timestampMs: Number(offset['timestamp']) }),
        lastPollMs: 0,
        buffer: [],
      });
    }
  }

  async poll(): Promise<SourceRecord[] | null> {
    const batchMax = this.c['batch.max.rows'] as number;
    const pollMs = this.c['poll.interval.ms'] as number;
    for (const s of this.states) {
      if (s.buffer.length === 0 && Date.now() - s.lastPollMs >= pollMs) {
        s.lastPollMs = Date.now();
        s.buffer = await this.read(s);
      }
      if (s.buffer.length > 0) return s.buffer.splice(0, batchMax);
    }
    // Nothing due: wait until the next table is, without spinning.
    const next = Math.min(...this.states.map((s) => s.lastPollMs + pollMs)) - Date.now();
    await new Promise((r) => setTimeout(r, Math.max(10, Math.min(next, 1000))));
    return this.stopped ? null : [];
  }

  private async read(s: TableState): Promise<SourceRecord[]> {
    const d = this.dialect!;
    const inc = this.c['incrementing.column.name'] as string;
    const tsCols = this.c['timestamp.column.name'] as string[];
    const from = s.table === null ? `(${this.c['query'] as string}) AS q` : d.quote(s.table);
    if (s.columns === undefined && s.table !== null) {
      s.columns = await d.columns(s.table);
      s.schema = structSchema(
        s.columns.map((c) => ({ name: c.name, schema: columnSchema(c) })),
        { name: s.table },
      );
    }
    const ts =
      tsCols.length === 0
        ? ''
        : tsCols.length === 1
          ? d.quote(tsCols[0]!)
          : `COALESCE(${tsCols.map((c) => d.quote(c)).join(', ')})`;
    const upper = new Date(Date.now() - (this.c['timestamp.delay.interval.ms'] as number));
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), d.param(params.length));
    let where = '';
    let order = '';
    const sinceTs = new Date(s.timestampMs ?? 0);
    const sinceInc = s.incrementing ?? -1n;
    const incParam = (v: bigint) => (d.name === 'PostgreSqlDatabaseDialect' ? v.toString() : v);
    switch (this.mode) {
      case 'incrementing':
        where = `WHERE ${d.quote(inc)} > ${p(incParam(sinceInc))}`;
        order = `ORDER BY ${d.quote(inc)} ASC`;
        break;
      case 'timestamp':
        where = `WHERE ${ts} > ${p(tsParam(d, sinceTs))} AND ${ts} < ${p(tsParam(d, upper))}`;
        order = `ORDER BY ${ts} ASC`;
        break;
      case 'timestamp+incrementing':
        where = `WHERE ${ts} < ${p(tsParam(d, upper))} AND ((${ts} = ${p(tsParam(d, sinceTs))} AND ${d.quote(inc)} > ${p(incParam(sinceInc))}) OR ${ts} > ${p(tsParam(d, sinceTs))})`;
        order = `ORDER BY ${ts}, ${d.quote(inc)} ASC`;
        break;
      case 'bulk':
        break;
    }
    const rows = await d.query(`SELECT * FROM ${from} ${where} ${order}`, params);
    if (s.schema === undefined && rows.length > 0) {
      // A custom query: the columns of its first row, strings unless the value says otherwise.
      s.schema = structSchema(
        Object.keys(rows[0]!).map((name) => ({
          name,
          schema: columnSchema({ name, type: guessType(rows[0]![name]), nullable: true }),
        })),
        { name: 'query' },
      );
    }
    return rows.map((row) => {
      const value = new Struct(s.schema!);
      for (const f of s.schema!.fields ?? []) value.put(f.name, coerce(f.schema, row[f.name]));
      let offset: Record<string, unknown> | null = null;
      if (this.mode !== 'bulk') {
        offset = {};
        if (this.mode !== 'timestamp') {
          s.incrementing = BigInt(row[inc] as number | bigint | string);
          offset['incrementing'] = Number(s.incrementing);
        }
        if (this.mode !== 'incrementing') {
          const t = tsCols.map((c) => row[c]).find((v) => v !== null && v !== undefined);
          s.timestampMs = toMs(t);
          offset['timestamp'] = s.timestampMs;
          offset['timestamp_nanos'] = 0;
        }
      }
      return {
        topic: s.topic,
        kafkaPartition: null,
        key: null,
        valueSchema: s.schema,
        value,
        timestamp: null,
        headers: [],
        sourcePartition: this.mode === 'bulk' ? null : s.partition,
        sourceOffset: offset,
      };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.dialect?.close();
    this.dialect = undefined;
  }
}

function tsParam(d: Dialect, t: Date): unknown {
  // SQLite keeps timestamps as ISO text, which compares in time order.
  return d.name === 'SqliteDatabaseDialect'
    ? t.toISOString().replace('T', ' ').replace('Z', '')
    : t;
}

function toMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string')
    return Date.parse(v.includes('T') || v.endsWith('Z') ? v : `${v.replace(' ', 'T')}Z`);
  return Number(v);
}

function guessType(v: unknown): string {
  if (typeof v === 'bigint') return 'bigint';
  if (typeof v === 'number') return Number.isInteger(v) ? 'bigint' : 'double precision';
  if (typeof v === 'boolean') return 'boolean';
  if (v instanceof Date) return 'timestamp';
  if (Buffer.isBuffer(v)) return 'bytea';
  return 'text';
}

/** A database value as the Connect type of its column. */
function coerce(schema: Schema, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (schema.name === LOGICAL.timestamp || schema.name === LOGICAL.date) return new Date(toMs(v));
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return Number(v);
    case 'INT64':
      return BigInt(v as number | bigint | string);
    case 'FLOAT32':
    case 'FLOAT64':
      return Number(v);
    case 'BOOLEAN':
      return v === true || v === 1 || v === 1n || v === 't' || v === 'true';
    case 'BYTES':
      return Buffer.isBuffer(v) ? v : Buffer.from(String(v));
    default:
      return v instanceof Date ? v.toISOString() : String(v);
  }
}
