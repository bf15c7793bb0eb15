// The Processor API under the test driver: sources, processors with a store, sinks, record
// context, punctuation on stream time and wall-clock time, and describe().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PunctuationType,
  Serdes,
  Stores,
  StreamRecord,
  Topology,
  TopologyTestDriver,
  type KeyValueStore,
  type ProcessorContext,
} from '../../src/streams/index.js';

function wordCountTopology(): Topology {
  const s = Serdes.String();
  const l = Serdes.Long();
  return new Topology()
    .addSource('Source', 'text', { keyDeserializer: s, valueDeserializer: s })
    .addProcessor(
      'Split',
      () => {
        let ctx: ProcessorContext<string, string>;
        return {
          init: (c: ProcessorContext<string, string>) => (ctx = c),
          process: (r: StreamRecord<string, string>) => {
            for (const w of r.value
              .toLowerCase()
              .split(/\W+/)
              .filter((x) => x !== ''))
              ctx.forward(r.withKey(w).withValue(w));
          },
        };
      },
      'Source',
    )
    .addProcessor(
      'Count',
      () => {
        let ctx: ProcessorContext<string, number>;
        let store: KeyValueStore<string, number>;
        return {
          init: (c: ProcessorContext<string, number>) => {
            ctx = c;
            store = c.getStateStore('counts');
            // Emits every count on each 10 s of stream time.
            c.schedule(10_000, PunctuationType.STREAM_TIME, (ts) => {
              for (const { key, value } of store.all())
                ctx.forward(new StreamRecord(key, value, ts));
            });
          },
          process: (r: StreamRecord<string, string>) => {
            store.put(r.key, (store.get(r.key) ?? 0) + 1);
          },
        };
      },
      'Split',
    )
    .addStateStore(Stores.keyValueStoreBuilder('counts', s, l), 'Count')
    .addSink('Sink', 'counts', { keySerializer: s, valueSerializer: l }, 'Count');
}

test('describe() prints sub-topologies, nodes and stores as Kafka Streams does', () => {
  assert.equal(
    wordCountTopology().describe().toString(),
    [
      'Topologies:',
      '   Sub-topology: 0',
      '    Source: Source (topics: [text])',
      '      --> Split',
      '    Processor: Split (stores: [])',
      '      --> Count',
      '      <-- Source',
      '    Processor: Count (stores: [counts])',
      '      --> Sink',
      '      <-- Split',
      '    Sink: Sink (topic: counts)',
      '      <-- Count',
      '',
    ].join('\n'),
  );
});

test('stream-time punctuation fires as stream time passes each interval', () => {
  const driver = new TopologyTestDriver(wordCountTopology(), { applicationId: 'wc' });
  const input = driver.createInputTopic('text', Serdes.String(), Serdes.String());
  const output = driver.createOutputTopic('counts', Serdes.String(), Serdes.Long());
  input.pipeInput(null, 'a b a', 1000);
  // The first record fires the punctuation (aligned to 0), after processing it.
  assert.deepEqual(output.readKeyValuesToList(), [
    { key: 'a', value: 2 },
    { key: 'b', value: 1 },
  ]);
  input.pipeInput(null, 'b', 9999);
  assert.ok(output.isEmpty());
  input.pipeInput(null, 'c', 5000); // out of order: stream time stays at 9999
  assert.ok(output.isEmpty());
  input.pipeInput(null, 'c', 10_000);
  const out = output.readRecordsToList();
  assert.deepEqual(
    out.map((r) => [r.key, r.value, r.timestamp]),
    [
      ['a', 2, 10_000],
      ['b', 2, 10_000],
      ['c', 2, 10_000],
    ],
  );
  assert.equal(driver.getKeyValueStore<string, number>('counts')!.get('c'), 2);
  // Every change went to the changelog with the application id's prefix.
  const changelog = driver.createOutputTopic('wc-counts-changelog', Serdes.String(), Serdes.Long());
  assert.deepEqual(
    changelog.readKeyValuesToList().map((kv) => `${kv.key}=${kv.value}`),
    ['a=1', 'b=1', 'a=2', 'b=2', 'c=1', 'c=2'],
  );
});

test('wall-clock punctuation and record context', () => {
  const seen: string[] = [];
  const topology = new Topology()
    .addSource('in', 'events', {
      keyDeserializer: Serdes.String(),
      valueDeserializer: Serdes.Integer(),
    })
    .addProcessor(
      'p',
      () => {
        let ctx: ProcessorContext<string, number>;
        let sum = 0;
        return {
          init: (c: ProcessorContext<string, number>) => {
            ctx = c;
            c.schedule(1000, PunctuationType.WALL_CLOCK_TIME, (now) => {
              ctx.forward(new StreamRecord('sum', sum, now));
              assert.equal(ctx.recordMetadata(), null);
            });
          },
          process: (r: StreamRecord<string, number>) => {
            const m = ctx.recordMetadata()!;
            seen.push(`${m.topic}/${m.partition}@${m.offset} ${r.timestamp} ${r.headers[0]?.key}`);
            sum += r.value;
          },
        };
      },
      'in',
    )
    .addSink(
      'out',
      'sums',
      { keySerializer: Serdes.String(), valueSerializer: Serdes.Integer() },
      'p',
    );
  const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 50_000 });
  const input = driver.createInputTopic('events', Serdes.String(), Serdes.Integer(), {
    startTimestampMs: 7,
    autoAdvanceMs: 3,
  });
  const output = driver.createOutputTopic('sums', Serdes.String(), Serdes.Integer());
  input.pipeInput('k', 4, undefined, [{ key: 'h', value: Buffer.from('x') }]);
  input.pipeInput('k', 5);
  assert.deepEqual(seen, ['events/0@0 7 h', 'events/0@1 10 undefined']);
  driver.advanceWallClockTime(999);
  assert.ok(output.isEmpty());
  driver.advanceWallClockTime(1);
  assert.deepEqual(
    output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
    [['sum', 9, 51_000]],
  );
  driver.advanceWallClockTime(2500); // missed punctuations are skipped, not replayed
  assert.deepEqual(output.readValuesToList(), [9]);
});

test('a processor reaches only the stores connected to it', () => {
  const topology = new Topology()
    .addSource('in', 't')
    .addProcessor(
      'p',
      () => {
        let ctx: ProcessorContext;
        return {
          init: (c: ProcessorContext) => (ctx = c),
          process: () => {
            ctx.getStateStore('other');
          },
        };
      },
      'in',
    )
    .addProcessor('q', () => ({ process: () => {} }), 'in')
    .addStateStore(Stores.keyValueStoreBuilder('other', Serdes.String(), Serdes.String()), 'q');
  assert.equal(topology.describe().subtopologies.length, 1);
  const driver = new TopologyTestDriver(topology);
  assert.throws(
    () =>
      driver
        .createInputTopic('t', Serdes.Bytes(), Serdes.Bytes())
        .pipeInput(null, Buffer.from('x')),
    /no access to store other/,
  );
});
