// A standalone worker driven through its REST API with curl, as Kafka Connect's documentation
// shows it: FileStream source → topic → FileStream sink, status, pause and resume, validate,
// a failing task with its trace and a restart, errors.tolerance with a dead letter queue,
// offsets of a stopped connector, and a restart of the worker that resumes from its offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startBroker } from '../../src/index.js';
import { Consumer } from '../../src/client/index.js';
import { startConnectWorker } from '../../src/connect/index.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);

async function curl(...args: string[]): Promise<{ status: number; body: unknown }> {
  const { stdout } = await run('curl', ['-s', '-w', '\n%{http_code}', ...args]);
  const at = stdout.lastIndexOf('\n');
  const text = stdout.slice(0, at);
  return {
    status: Number(stdout.slice(at + 1)),
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

function lines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}

test(
  'standalone worker: FileStream pipeline through the REST API',
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rivulet-connect-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const broker = await startBroker();
    t.after(() => broker.close());
    const workerConfig = {
      'bootstrap.servers': broker.bootstrap,
      listeners: 'http://127.0.0.1:0',
      'offset.storage.file.filename': join(dir, 'offsets.json'),
      'offset.flush.interval.ms': '200',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    };
    let worker = await startConnectWorker({ mode: 'standalone', config: workerConfig });
    t.after(() => worker.close());
    let url = worker.url;
    const input = join(dir, 'input.txt');
    const output = join(dir, 'output.txt');
    writeFileSync(input, 'one\ntwo\nthree\n');

    const created = await curl(
      '-X',
      'POST',
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({
        name: 'local-file-source',
        config: {
          'connector.class': 'FileStreamSource',
          'tasks.max': '1',
          file: input,
          topic: 'connect-test',
        },
      }),
      `${url}/connectors`,
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual((created.body as { name: string }).name, 'local-file-source');
    const dup = await curl(
      '-X',
      'POST',
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({
        name: 'local-file-source',
        config: { 'connector.class': 'FileStreamSource', file: input, topic: 'connect-test' },
      }),
      `${url}/connectors`,
    );
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, {
      error_code: 409,
      message: 'Connector local-file-source already exists',
    });

    const sink = await curl(
      '-X',
      'PUT',
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
        'tasks.max': '1',
        file: output,
        topics: 'connect-test',
      }),
      `${url}/connectors/local-file-sink/config`,
    );
    assert.equal(sink.status, 201, JSON.stringify(sink.body));
    await waitFor('three lines in the sink file', () => lines(output).length >= 3);
    assert.deepEqual(lines(output), ['one', 'two', 'three']);

    const list = await curl(`${url}/connectors?expand=status&expand=info`);
    const expanded = list.body as Record<
      string,
      {
        status: { connector: { state: string }; tasks: { id: number; state: string }[] };
        info: { type: string };
      }
    >;
    assert.deepEqual(Object.keys(expanded).sort(), ['local-file-sink', 'local-file-source']);
    assert.equal(expanded['local-file-source']!.info.type, 'source');
    assert.equal(expanded['local-file-sink']!.status.connector.state, 'RUNNING');
    assert.deepEqual(
      expanded['local-file-sink']!.status.tasks.map((x) => [x.id, x.state]),
      [[0, 'RUNNING']],
    );
    const tasks = await curl(`${url}/connectors/local-file-source/tasks`);
    assert.equal(
      (
        tasks.body as { id: { connector: string; task: number }; config: Record<string, string> }[]
      )[0]!.config['file'],
      input,
    );

    // Pause, append, resume: the lines arrive after the resume.
    assert.equal(
      (await curl('-X', 'PUT', `${url}/connectors/local-file-source/pause`)).status,
      202,
    );
    const paused = (await curl(`${url}/connectors/local-file-source/status`)).body as {
      connector: { state: string };
      tasks: { state: string }[];
    };
    assert.equal(paused.connector.state, 'PAUSED');
    assert.equal(paused.tasks[0]!.state, 'PAUSED');
    appendFileSync(input, 'four\n');
    assert.equal(
      (await curl('-X', 'PUT', `${url}/connectors/local-file-source/resume`)).status,
      202,
    );
    await waitFor('the fourth line', () => lines(output).length >= 4);
    assert.deepEqual(lines(output), ['one', 'two', 'three', 'four']);

    // Validation names the field that is wrong.
    const validate = await curl(
      '-X',
      'PUT',
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({ 'connector.class': 'FileStreamSinkConnector', 'tasks.max': 'many' }),
      `${url}/connector-plugins/FileStreamSinkConnector/config/validate`,
    );
    const infos = validate.body as {
      error_count: number;
      configs: { value: { name: string; errors: string[] } }[];
    };
    assert.equal(validate.status, 200);
    const errors = Object.fromEntries(
      infos.configs
        .filter((c) => c.value.errors.length > 0)
        .map((c) => [c.value.name, c.value.errors[0]]),
    );
    assert.match(errors['tasks.max']!, /Invalid value many for configuration tasks.max/);
    assert.match(errors['file']!, /Missing required configuration "file"/);
    assert.match(errors['topics']!, /Must configure one of topics or topics.regex/);
    assert.equal(infos.error_count, Object.keys(errors).length);
    const refused = await curl(
      '-X',
      'PUT',
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({ 'connector.class': 'FileStreamSink' }),
      `${url}/connectors/bad/config`,
    );
    assert.equal(refused.status, 400);
    assert.match(
      (refused.body as { message: string }).message,
      /Missing required configuration "file"/,
    );

    // A sink whose converter cannot read the records fails with a trace, and a restart after a
    // config change with errors.tolerance=all sends them to the dead letter queue.
    const strict = {
      'connector.class': 'FileStreamSink',
      file: join(dir, 'json.txt'),
      topics: 'connect-test',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    };
    assert.equal(
      (
        await curl(
          '-X',
          'PUT',
          '-H',
          'Content-Type: application/json',
          '--data',
          JSON.stringify(strict),
          `${url}/connectors/json-sink/config`,
        )
      ).status,
      201,
    );
    await waitFor(
      'the json sink to fail',
      async () =>
        ((await curl(`${url}/connectors/json-sink/tasks/0/status`)).body as { state?: string })
          .state === 'FAILED',
    );
    const failed = (await curl(`${url}/connectors/json-sink/tasks/0/status`)).body as {
      state: string;
      trace: string;
      worker_id: string;
    };
    assert.match(failed.trace, /Tolerance exceeded in error handler/);
    assert.match(failed.trace, /serialization error/);
    const tolerant = {
      ...strict,
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': 'dlq-json',
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    };
    assert.equal(
      (
        await curl(
          '-X',
          'PUT',
          '-H',
          'Content-Type: application/json',
          '--data',
          JSON.stringify(tolerant),
          `${url}/connectors/json-sink/config`,
        )
      ).status,
      200,
    );
    const restarted = await curl(
      '-X',
      'POST',
      `${url}/connectors/json-sink/restart?includeTasks=true&onlyFailed=true`,
    );
    assert.ok(restarted.status === 202 || restarted.status === 204, String(restarted.status));
    const dlq = new Consumer({ bootstrapServers: broker.bootstrap });
    await dlq.connect();
    t.after(() => dlq.close());
    dlq.assign([{ topic: 'dlq-json', partition: 0, offset: 'earliest' }]);
    const dead: { value: string; stage: string }[] = [];
    await waitFor(
      'four records in the dead letter queue',
      async () => {
        for await (const b of dlq.batches()) {
          for (const r of b.records)
            dead.push({
              value: r.value!.toString(),
              stage: r.headers.find((h) => h.key === '__connect.errors.stage')!.value!.toString(),
            });
          break;
        }
        return dead.length >= 4;
      },
      { timeoutMs: 60_000 },
    );
    assert.deepEqual(
      dead.map((d) => d.value),
      ['one', 'two', 'three', 'four'],
    );
    assert.ok(dead.every((d) => d.stage === 'VALUE_CONVERTER'));
    await waitFor(
      'the json sink running',
      async () =>
        ((await curl(`${url}/connectors/json-sink/tasks/0/status`)).body as { state?: string })
          .state === 'RUNNING',
    );

    // Offsets of a stopped source connector (KIP-875).
    assert.equal((await curl('-X', 'PUT', `${url}/connectors/local-file-source/stop`)).status, 204);
    const offsets = (await curl(`${url}/connectors/local-file-source/offsets`)).body as {
      offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> }[];
    };
    assert.deepEqual(offsets.offsets, [
      { partition: { filename: input }, offset: { position: statSync(input).size } },
    ]);
    const notStopped = await curl('-X', 'DELETE', `${url}/connectors/local-file-sink/offsets`);
    assert.equal(notStopped.status, 400);
    assert.equal(
      (await curl('-X', 'PUT', `${url}/connectors/local-file-source/resume`)).status,
      202,
    );

    // A new worker over the same offset file resumes after the last line: no duplicates.
    await worker.close();
    appendFileSync(input, 'five\n');
    worker = await startConnectWorker({
      mode: 'standalone',
      config: workerConfig,
      connectors: [
        {
          name: 'local-file-source',
          'connector.class': 'FileStreamSource',
          file: input,
          topic: 'connect-test',
        },
        {
          name: 'local-file-sink',
          'connector.class': 'FileStreamSink',
          file: output,
          topics: 'connect-test',
        },
      ],
    });
    url = worker.url;
    await waitFor('the fifth line', () => lines(output).length >= 5);
    assert.deepEqual(lines(output), ['one', 'two', 'three', 'four', 'five']);
    assert.equal((await curl('-X', 'DELETE', `${url}/connectors/local-file-sink`)).status, 204);
    assert.equal((await curl(`${url}/connectors/local-file-sink`)).status, 404);
    const plugins = (await curl(`${url}/connector-plugins`)).body as {
      class: string;
      type: string;
    }[];
    assert.deepEqual(
      plugins.map((p) => p.class),
      [
        'io.confluent.connect.jdbc.JdbcSinkConnector',
        'io.confluent.connect.jdbc.JdbcSourceConnector',
        'io.confluent.connect.s3.S3SinkConnector',
        'org.apache.kafka.connect.file.FileStreamSinkConnector',
        'org.apache.kafka.connect.file.FileStreamSourceConnector',
      ],
    );
    const loggers = await curl(
      '-X',
      'PUT',
      '-H',
      'Content-Type: application/json',
      '--data',
      '{"level":"DEBUG"}',
      `${url}/admin/loggers/org.apache.kafka.connect`,
    );
    assert.deepEqual(loggers.body, ['org.apache.kafka.connect']);
    assert.deepEqual((await curl(`${url}/admin/loggers/org.apache.kafka.connect`)).body, {
      level: 'DEBUG',
    });
  },
);
