// A TopologyTestDriver runs a topology without a broker (Kafka's TopologyTestDriver): records
// piped into input topics are processed at once by one task per sub-topology (partition 0),
// records written to topics that the topology also reads (repartition topics) are processed in
// turn, and everything written can be read back from output topics. Wall-clock time is
// simulated and moves only when the test advances it.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deserializer, Serializer } from './serdes.js';
import type { RecordHeader } from './processor.js';
import { StreamTask, type OutgoingRecord } from './stream-task.js';
import type { Topology } from './topology.js';
import type { StateStore } from './state/state-store.js';
import type { KeyValueStore } from './state/key-value-store.js';
import type { WindowStore } from './state/window-store.js';
import type { SessionStore } from './state/session-store.js';

let driverCount = 0;

export interface TestRecord<K, V> {
  key: K | null;
  value: V | null;
  timestamp: number;
  headers: readonly RecordHeader[];
}

export class TopologyTestDriver {
  private readonly tasks: StreamTask[] = [];
  private readonly globalStores = new Map<string, StateStore>();
  private readonly outputs = new Map<string, OutgoingRecord[]>();
  private readonly pending: OutgoingRecord[] = [];
  private readonly offsets = new Map<string, bigint>();
  private wallClockMs: number;
  private draining = false;
  readonly applicationId: string;
  /** Where persistent stores of this driver live; removed by close(). */
  private readonly stateRoot: string;

  constructor(
    private readonly topology: Topology,
    options: { applicationId?: string; initialWallClockTimeMs?: number; stateDir?: string } = {},
  ) {
    this.applicationId = options.applicationId ?? 'test-driver-application';
    this.wallClockMs = options.initialWallClockTimeMs ?? 0;
    this.stateRoot = join(
      options.stateDir ?? tmpdir(),
      `rivulet-streams-${process.pid}-${driverCount++}`,
    );
    const collector = { send: (r: OutgoingRecord) => this.collect(r) };
    for (const [name, g] of topology.globalStores) {
      const store = g.builder.build();
      store.init({ changeLogger: null, streamTimeMs: () => -1 });
      this.globalStores.set(name, store);
    }
    for (const st of topology.subTopologies()) {
      this.tasks.push(
        new StreamTask(topology, st, 0, {
          applicationId: this.applicationId,
          collector,
          nowMs: () => this.wallClockMs,
          topicName: (name) => this.topicName(name),
          globalStores: this.globalStores,
          stateDir: join(
            options.stateDir ?? tmpdir(),
            `rivulet-streams-${process.pid}-${driverCount++}`,
            this.applicationId,
          ),
        }),
      );
    }
    for (const t of this.tasks) t.init();
  }

  createInputTopic<K, V>(
    topic: string,
    keySerializer: Serializer<K>,
    valueSerializer: Serializer<V>,
    options: { startTimestampMs?: number; autoAdvanceMs?: number } = {},
  ): TestInputTopic<K, V> {
    return new TestInputTopic(this, topic, keySerializer, valueSerializer, {
      startTimestampMs: options.startTimestampMs ?? this.wallClockMs,
      autoAdvanceMs: options.autoAdvanceMs ?? 0,
    });
  }

  createOutputTopic<K, V>(
    topic: string,
    keyDeserializer: Deserializer<K>,
    valueDeserializer: Deserializer<V>,
  ): TestOutputTopic<K, V> {
    return new TestOutputTopic(this, topic, keyDeserializer, valueDeserializer);
  }

  /** Processes one record of an input topic (called by TestInputTopic). */
  pipe(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: readonly RecordHeader[] = [],
  ): void {
    for (const [name, g] of this.topology.globalStores) {
      if (g.topic === topic) {
        this.globalStores.get(name)!.restore(key ?? Buffer.alloc(0), value);
        return;
      }
    }
    const task = this.taskFor(topic);
    if (task === undefined) throw new Error(`topic ${topic} is not a source of the topology`);
    const offset = this.offsets.get(topic) ?? 0n;
    this.offsets.set(topic, offset + 1n);
    task.process({ topic, partition: 0, offset, timestamp, key, value, headers });
    this.drain();
  }

  advanceWallClockTime(ms: number): void {
    this.wallClockMs += ms;
    for (const t of this.tasks) t.punctuateWallClock(this.wallClockMs);
    this.drain();
  }

  /** Takes the records written to a topic so far. */
  readOutput(topic: string): OutgoingRecord[] {
    const list = this.outputs.get(topic) ?? [];
    this.outputs.set(topic, []);
    return list;
  }

  getStateStore<S extends StateStore>(name: string): S | null {
    const global = this.globalStores.get(name);
    if (global !== undefined) return global as S;
    for (const t of this.tasks) {
      const s = t.stores.get(name);
      if (s !== undefined) return s as S;
    }
    return null;
  }

  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> | null {
    return this.getStateStore<KeyValueStore<K, V>>(name);
  }

  getWindowStore<K, V>(name: string): WindowStore<K, V> | null {
    return this.getStateStore<WindowStore<K, V>>(name);
  }

  getSessionStore<K, V>(name: string): SessionStore<K, V> | null {
    return this.getStateStore<SessionStore<K, V>>(name);
  }

  /** Names of internal topics carry the application id, as at run time. */
  topicName(name: string): string {
    return this.topology.internalTopics.has(name) || name.endsWith('-changelog')
      ? `${this.applicationId}-${name}`
      : name;
  }

  async close(): Promise<void> {
    for (const t of this.tasks) await t.close();
    rmSync(this.stateRoot, { recursive: true, force: true });
  }

  private taskFor(topic: string): StreamTask | undefined {
    return this.tasks.find((t) =>
      t.subTopology.sourceTopics.some((s) => this.topicName(s) === topic),
    );
  }

  private collect(r: OutgoingRecord): void {
    const list = this.outputs.get(r.topic) ?? [];
    list.push(r);
    this.outputs.set(r.topic, list);
    if (this.taskFor(r.topic) !== undefined) this.pending.push(r);
  }

  /** Records written to topics the topology reads are processed in the order written. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let r = this.pending.shift(); r !== undefined; r = this.pending.shift()) {
        // Consumed here, so not left for readOutput (Kafka's driver hides internal topics).
        const list = this.outputs.get(r.topic)!;
        list.splice(list.indexOf(r), 1);
        this.pipe(r.topic, r.key, r.value, r.timestamp, r.headers);
      }
    } finally {
      this.draining = false;
    }
  }
}

export class TestInputTopic<K, V> {
  private nextTimestampMs: number;

  constructor(
    private readonly driver: TopologyTestDriver,
    readonly name: string,
    private readonly keySerializer: Serializer<K>,
    private readonly valueSerializer: Serializer<V>,
    private readonly o: { startTimestampMs: number; autoAdvanceMs: number },
  ) {
    this.nextTimestampMs = o.startTimestampMs;
  }

  pipeInput(
    key: K | null,
    value: V | null,
    timestampMs?: number,
    headers: readonly RecordHeader[] = [],
  ): void {
    const ts = timestampMs ?? this.nextTimestampMs;
    if (timestampMs === undefined) this.nextTimestampMs += this.o.autoAdvanceMs;
    this.driver.pipe(
      this.name,
      this.keySerializer.serialize(this.name, key),
      this.valueSerializer.serialize(this.name, value),
      ts,
      headers,
    );
  }

  pipeValueList(values: readonly V[]): void {
    for (const v of values) this.pipeInput(null, v);
  }

  pipeKeyValueList(list: readonly { key: K; value: V | null; timestamp?: number }[]): void {
    for (const kv of list) this.pipeInput(kv.key, kv.value, kv.timestamp);
  }
}

export class TestOutputTopic<K, V> {
  private buffered: TestRecord<K, V>[] = [];

  constructor(
    private readonly driver: TopologyTestDriver,
    readonly name: string,
    private readonly keyDeserializer: Deserializer<K>,
    private readonly valueDeserializer: Deserializer<V>,
  ) {}

  readRecord(): TestRecord<K, V> {
    this.fill();
    const r = this.buffered.shift();
    if (r === undefined) throw new Error(`no record in output topic ${this.name}`);
    return r;
  }

  readRecordsToList(): TestRecord<K, V>[] {
    this.fill();
    const all = this.buffered;
    this.buffered = [];
    return all;
  }

  readKeyValue(): { key: K | null; value: V | null } {
    const r = this.readRecord();
    return { key: r.key, value: r.value };
  }

  readKeyValuesToList(): { key: K | null; value: V | null }[] {
    return this.readRecordsToList().map((r) => ({ key: r.key, value: r.value }));
  }

  readValue(): V | null {
    return this.readRecord().value;
  }

  readValuesToList(): (V | null)[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  isEmpty(): boolean {
    this.fill();
    return this.buffered.length === 0;
  }

  private fill(): void {
    for (const r of this.driver.readOutput(this.name)) {
      this.buffered.push({
        key: this.keyDeserializer.deserialize(this.name, r.key),
        value: this.valueDeserializer.deserialize(this.name, r.value),
        timestamp: r.timestamp,
        headers: r.headers,
      });
    }
  }
}
