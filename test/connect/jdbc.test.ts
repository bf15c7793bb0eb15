// The JDBC connectors against a real PostgreSQL (started by the test) and SQLite: rows
// inserted and updated in a table reach a topic through the JDBC source
// (timestamp+incrementing), and the JDBC sink upserts them into a second table (auto.create),
// until both tables are equal; a SQLite sink gets the same rows and honours tombstones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import Database from 'better-sqlite3';
import { startBroker } from '../../src/index.js';
import { Admin, Producer } from '../../src/client/index.js';
import { startConnectWorker } from '../../src/connect/index.js';
import { waitFor } from '../support/wait.js';
import { startPostgres } from './support/postgres.js';

test(
  'JDBC source → topic → JDBC sink with upserts on PostgreSQL, and a SQLite sink',
  { timeout: 180_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rivulet-jdbc-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const postgres = await startPostgres();
    // node:test runs after-hooks in the order they were added: this one, last to run, stops
    // the things the worker uses only after the worker and the others are closed.
    const closers: (() => Promise<unknown> | unknown)[] = [];
    t.after(async () => {
      for (const close of closers.reverse()) await close();
      await postgres.stop();
    });
    const db = new pg.Client({
      host: '127.0.0.1',
      port: postgres.port,
      user: 'postgres',
      database: 'postgres',
    });
    await db.connect();
    closers.push(() => db.end());
    await db.query(`CREATE TABLE customers (id SERIAL PRIMARY KEY, name TEXT NOT NULL, email TEXT, visits BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'))`);
    await db.query(
      `INSERT INTO customers (name, email, visits) VALUES ('ada', 'ada@example.com', 1), ('grace', NULL, 9007199254740993), ('linus', 'l@example.com', 3)`,
    );

    const broker = await startBroker();
    closers.push(() => broker.close());
    // The sink subscribes to both topics at start; a topic made later would be seen only at the
    // consumer's next metadata refresh.
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.createTopics([{ name: 'tombstones', numPartitions: 1 }]);
    admin.close();
    const worker = await startConnectWorker({
      mode: 'standalone',
      config: {
        'bootstrap.servers': broker.bootstrap,
        listeners: 'http://127.0.0.1:0',
        'offset.storage.file.filename': join(dir, 'offsets.json'),
        'offset.flush.interval.ms': '200',
      },
      connectors: [
        {
          name: 'pg-source',
          'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
          'connection.url': postgres.url,
          mode: 'timestamp+incrementing',
          'incrementing.column.name': 'id',
          'timestamp.column.name': 'updated_at',
          'table.whitelist': 'customers',
          'topic.prefix': 'pg-',
          'poll.interval.ms': '200',
        },
        {
          name: 'pg-sink',
          'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
          'connection.url': postgres.url,
          topics: 'pg-customers',
          'table.name.format': 'customers_copy',
          'insert.mode': 'upsert',
          'pk.mode': 'record_value',
          'pk.fields': 'id',
          'auto.create': 'true',
          'auto.evolve': 'true',
        },
        {
          name: 'sqlite-sink',
          'connector.class': 'JdbcSink',
          'connection.url': `jdbc:sqlite:${join(dir, 'copy.db')}`,
          topics: 'pg-customers,tombstones',
          'insert.mode': 'upsert',
          'pk.mode': 'record_key',
          'pk.fields': 'id',
          'delete.enabled': 'true',
          'auto.create': 'true',
          'table.name.format': 'customers',
          // Tombstones keep their own key: ValueToKey applies to records with a value only.
          transforms: 'key',
          'transforms.key.type': 'org.apache.kafka.connect.transforms.ValueToKey',
          'transforms.key.fields': 'id',
          'transforms.key.predicate': 'tombstone',
          'transforms.key.negate': 'true',
          predicates: 'tombstone',
          'predicates.tombstone.type':
            'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
        },
      ],
    });
    closers.push(() => worker.close());

    const rows = async (table: string) =>
      (
        await db
          .query(`SELECT id, name, email, visits::text AS visits FROM ${table} ORDER BY id`)
          .catch(() => ({ rows: [] }))
      ).rows as unknown[];
    const equal = async () =>
      JSON.stringify(await rows('customers')) === JSON.stringify(await rows('customers_copy'));
    await waitFor(
      'the copy to hold the three rows',
      async () => (await rows('customers_copy')).length === 3 && (await equal()),
      { timeoutMs: 60_000, intervalMs: 200 },
    );

    // An update (a later timestamp) and a new row.
    await db.query(
      `UPDATE customers SET name = 'ada lovelace', visits = visits + 1, updated_at = (now() AT TIME ZONE 'utc') + interval '1 second' WHERE id = 1`,
    );
    await db.query(`INSERT INTO customers (name, email) VALUES ('barbara', 'b@example.com')`);
    await waitFor(
      'the copy to follow the update and the insert',
      async () => (await rows('customers_copy')).length === 4 && (await equal()),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const copied = await rows('customers_copy');
    assert.deepEqual(copied[0], {
      id: 1,
      name: 'ada lovelace',
      email: 'ada@example.com',
      visits: '2',
    });
    assert.deepEqual(copied[1], { id: 2, name: 'grace', email: null, visits: '9007199254740993' });
    const columns = (
      await db.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'customers_copy' ORDER BY ordinal_position`,
      )
    ).rows;
    assert.deepEqual(
      columns.map((c: { column_name: string }) => c.column_name),
      ['id', 'name', 'email', 'visits', 'updated_at'],
    );

    // timeout 0: a read that meets the sink's write transaction fails at once instead of blocking
    // this process (the sink runs in it too) in SQLite's busy wait.
    const lite = new Database(join(dir, 'copy.db'), { readonly: true, timeout: 0 });
    closers.push(() => lite.close());
    const liteRows = () => {
      try {
        return lite.prepare('SELECT id, name FROM customers ORDER BY id').all() as {
          id: number;
          name: string;
        }[];
      } catch {
        return [];
      }
    };
    await waitFor(
      'the SQLite copy',
      () =>
        JSON.stringify(liteRows()) ===
        JSON.stringify([
          { id: 1, name: 'ada lovelace' },
          { id: 2, name: 'grace' },
          { id: 3, name: 'linus' },
          { id: 4, name: 'barbara' },
        ]),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // A tombstone keyed like the copy's rows deletes one (JsonConverter key with a schema).
    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    await producer.connect();
    closers.push(() => producer.close());
    await producer.send({
      topic: 'tombstones',
      key: JSON.stringify({
        schema: {
          type: 'struct',
          optional: false,
          fields: [{ field: 'id', type: 'int32', optional: false }],
        },
        payload: { id: 3 },
      }),
      value: null,
    });
    await waitFor('the tombstone to delete row 3', () => liteRows().every((r) => r.id !== 3), {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    assert.deepEqual(
      liteRows().map((r) => r.id),
      [1, 2, 4],
    );
  },
);
