// The databases the JDBC connectors speak, chosen from `connection.url` as Confluent's
// connector does: `jdbc:postgresql://host:port/db` through `pg`, and `jdbc:sqlite:<path>`
// through better-sqlite3. A dialect runs parameterised SQL, describes a table's columns and
// primary key, quotes identifiers, and writes the upsert its database understands
// (`INSERT … ON CONFLICT (…) DO UPDATE`, which both have).
import type { Schema, SchemaType } from '../../data/schema.js';
import { LOGICAL, optional, schemaOf } from '../../data/schema.js';

export interface Column {
  name: string;
  /** The database's type name, lower case. */
  type: string;
  nullable: boolean;
}

export interface Dialect {
  readonly name: 'PostgreSqlDatabaseDialect' | 'SqliteDatabaseDialect';
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Placeholder for the n-th parameter (1-based). */
  param(n: number): string;
  quote(identifier: string): string;
  tables(): Promise<string[]>;
  /** The table's columns in order, or [] if it does not exist. */
  columns(table: string): Promise<Column[]>;
  primaryKey(table: string): Promise<string[]>;
  sqlType(schema: Schema): string;
  close(): Promise<void>;
}

export interface ConnectionSettings {
  url: string;
  user?: string;
  password?: string;
}

export async function openDialect(settings: ConnectionSettings): Promise<Dialect> {
  const url = settings.url;
  if (url.startsWith('jdbc:postgresql:')) return openPostgres(settings);
  if (url.startsWith('jdbc:sqlite:')) return openSqlite(url.slice('jdbc:sqlite:'.length));
  throw new Error(
    `connection.url ${url}: no dialect for it (jdbc:postgresql://host:port/database or jdbc:sqlite:/path/to/file are supported)`,
  );
}

async function openPostgres(s: ConnectionSettings): Promise<Dialect> {
  const { default: pg } = await import('pg');
  // JDBC's URL with query parameters user= and password= as alternatives to the settings.
  const u = new URL(s.url.slice('jdbc:'.length));
  const client = new pg.Client({
    host: u.hostname,
    port: u.port === '' ? 5432 : Number(u.port),
    database: decodeURIComponent(u.pathname.slice(1)),
    user: s.user ?? u.searchParams.get('user') ?? undefined,
    password: s.password ?? u.searchParams.get('password') ?? undefined,
    // Exact values: BIGINT and NUMERIC as text (turned into bigint/strings by the source).
  });
  await client.connect();
  let txDepth = 0;
  return {
    name: 'PostgreSqlDatabaseDialect',
    async query(sql, params = []) {
      return (await client.query(sql, [...params])).rows as Record<string, unknown>[];
    },
    async execute(sql, params = []) {
      return (await client.query(sql, [...params])).rowCount ?? 0;
    },
    async transaction(fn) {
      if (txDepth > 0) return fn();
      txDepth++;
      await client.query('BEGIN');
      try {
        const r = await fn();
        await client.query('COMMIT');
        return r;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        txDepth--;
      }
    },
    param: (n) => `$${n}`,
    quote: (id) => `"${id.replaceAll('"', '""')}"`,
    async tables() {
      const rows = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
      );
      return rows.rows.map((r: { table_name: string }) => r.table_name);
    },
    async columns(table) {
      const rows = await client.query(
        'SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
        [table],
      );
      return rows.rows.map(
        (r: { column_name: string; data_type: string; is_nullable: string }) => ({
          name: r.column_name,
          type: r.data_type.toLowerCase(),
          nullable: r.is_nullable === 'YES',
        }),
      );
    },
    async primaryKey(table) {
      const rows = await client.query(
        `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
        [`"${table.replaceAll('"', '""')}"`],
      );
      return rows.rows.map((r: { attname: string }) => r.attname);
    },
    sqlType: (schema) => sqlType(schema, 'postgres'),
    async close() {
      // A server that went away first would leave end() waiting: give up after a while.
      await Promise.race([client.end(), new Promise((r) => setTimeout(r, 5000).unref())]);
    },
  };
}

async function openSqlite(path: string): Promise<Dialect> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  let txDepth = 0;
  const toSqlite = (v: unknown): unknown => {
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof Date) return v.toISOString();
    return v;
  };
  return {
    name: 'SqliteDatabaseDialect',
    query(sql, params = []) {
      return Promise.resolve(
        db
          .prepare(sql)
          .safeIntegers(true)
          .all(...params.map(toSqlite)) as Record<string, unknown>[],
      );
    },
    execute(sql, params = []) {
      return Promise.resolve(db.prepare(sql).run(...params.map(toSqlite)).changes);
    },
    async transaction(fn) {
      if (txDepth > 0) return fn();
      txDepth++;
      db.exec('BEGIN');
      try {
        const r = await fn();
        db.exec('COMMIT');
        return r;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      } finally {
        txDepth--;
      }
    },
    param: () => '?',
    quote: (id) => `"${id.replaceAll('"', '""')}"`,
    tables() {
      const rows = db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .all() as { name: string }[];
      return Promise.resolve(rows.map((r) => r.name));
    },
    columns(table) {
      const rows = db.prepare(`PRAGMA table_info("${table.replaceAll('"', '""')}")`).all() as {
        name: string;
        type: string;
        notnull: number;
      }[];
      return Promise.resolve(
        rows.map((r) => ({ name: r.name, type: r.type.toLowerCase(), nullable: r.notnull === 0 })),
      );
    },
    primaryKey(table) {
      const rows = db.prepare(`PRAGMA table_info("${table.replaceAll('"', '""')}")`).all() as {
        name: string;
        pk: number;
      }[];
      return Promise.resolve(
        rows
          .filter((r) => r.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((r) => r.name),
      );
    },
    sqlType: (schema) => sqlType(schema, 'sqlite'),
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}

function sqlType(schema: Schema, db: 'postgres' | 'sqlite'): string {
  if (schema.name === LOGICAL.timestamp) return db === 'postgres' ? 'TIMESTAMP' : 'TEXT';
  if (schema.name === LOGICAL.date) return db === 'postgres' ? 'DATE' : 'TEXT';
  if (schema.name === LOGICAL.decimal) return db === 'postgres' ? 'NUMERIC' : 'NUMERIC';
  const pg: Partial<Record<SchemaType, string>> = {
    INT8: 'SMALLINT',
    INT16: 'SMALLINT',
    INT32: 'INT',
    INT64: 'BIGINT',
    FLOAT32: 'REAL',
    FLOAT64: 'DOUBLE PRECISION',
    BOOLEAN: 'BOOLEAN',
    STRING: 'TEXT',
    BYTES: 'BYTEA',
  };
  const lite: Partial<Record<SchemaType, string>> = {
    INT8: 'INTEGER',
    INT16: 'INTEGER',
    INT32: 'INTEGER',
    INT64: 'INTEGER',
    FLOAT32: 'REAL',
    FLOAT64: 'REAL',
    BOOLEAN: 'INTEGER',
    STRING: 'TEXT',
    BYTES: 'BLOB',
  };
  const t = (db === 'postgres' ? pg : lite)[schema.type];
  if (t === undefined) throw new Error(`No SQL type for ${schema.type} fields`);
  return t;
}

/** The Connect schema of a database column, as the JDBC source reports it. */
export function columnSchema(c: Column): Schema {
  const t = c.type;
  let s: Schema;
  if (/^(smallint|int2)$/.test(t)) s = schemaOf('INT16');
  else if (/^(integer|int|int4|mediumint)$/.test(t)) s = schemaOf('INT32');
  else if (/^(bigint|int8)$/.test(t)) s = schemaOf('INT64');
  else if (/^(real|float4|float)$/.test(t)) s = schemaOf('FLOAT32');
  else if (/^(double precision|float8|double)$/.test(t)) s = schemaOf('FLOAT64');
  else if (/^(boolean|bool)$/.test(t)) s = schemaOf('BOOLEAN');
  else if (/^(bytea|blob)$/.test(t)) s = schemaOf('BYTES');
  else if (/^timestamp/.test(t) || t === 'datetime')
    s = schemaOf('INT64', { name: LOGICAL.timestamp, version: 1 });
  else if (t === 'date') s = schemaOf('INT32', { name: LOGICAL.date, version: 1 });
  else s = schemaOf('STRING');
  return c.nullable ? optional(s) : s;
}
