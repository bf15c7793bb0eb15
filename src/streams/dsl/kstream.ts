// The DSL's streams and tables (Kafka's KStream, KTable, GlobalKTable, KGroupedStream,
// TimeWindowedKStream, BranchedKStream). Each operation adds processors to the topology as
// Kafka Streams does, with Kafka's generated names. Types flow through: a KStream<K, V> knows
// its key and value types, so a wrong joiner or serde does not compile. Tables pass Change
// records ({ newValue, oldValue }) between their processors, as Kafka's do.
//
// They live in one file because each returns the others (a stream becomes a table and back),
// and the layering rules forbid import cycles.
import { StreamRecord } from '../processor.js';
import { Serdes, type Serde } from '../serdes.js';
import type { KeyValue, KeyValueStore } from '../state/key-value-store.js';
import type { Windowed, WindowStore } from '../state/window-store.js';
import { Stores } from '../stores.js';
import type { Change, DslContext } from './context.js';
import type {
  Consumed,
  Grouped,
  Joined,
  Materialized,
  Produced,
  Repartitioned,
  StreamJoined,
  TableJoined,
} from './options.js';
import { forwardOnFlush, simple, withStores } from './processors.js';
import { addForeignKeyJoin } from './foreign-key-join.js';
import { addSessionAggregate } from './session-aggregate.js';
import { addSlidingAggregate } from './sliding-aggregate.js';
import { addTimeWindowAggregate } from './time-aggregate.js';
import { addTableAggregate, addTableRepartition, addTableSelect } from './table-aggregate.js';
import {
  JoinWindows,
  SessionWindows,
  SlidingWindows,
  TimeWindows,
  WindowedSerdes,
} from './windows.js';

type Rec = StreamRecord<unknown, unknown>;

function change<V>(r: Rec): Change<V> {
  return r.value as Change<V>;
}

export class KStream<K, V> {
  constructor(
    protected readonly ctx: DslContext,
    /** The node whose output this stream is. */
    readonly node: string,
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    /** The key changed since the source: a stateful operation must repartition first. */
    readonly repartitionRequired = false,
  ) {}

  private add(
    prefix: string,
    fn: (ctx: Parameters<Parameters<typeof simple>[0]>[0], r: Rec) => void,
  ): string {
    const name = this.ctx.newName(prefix);
    this.ctx.topology.addProcessor(name, simple(fn), this.node);
    return name;
  }

  private derive<K2, V2>(
    node: string,
    keySerde: Serde<K2> | null,
    valueSerde: Serde<V2> | null,
    repartition = this.repartitionRequired,
  ): KStream<K2, V2> {
    return new KStream(this.ctx, node, keySerde, valueSerde, repartition);
  }

  filter(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    const n = this.add('KSTREAM-FILTER', (c, r) => {
      if (predicate(r.key as K, r.value as V)) c.forward(r);
    });
    return this.derive(n, this.keySerde, this.valueSerde);
  }

  filterNot(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    const n = this.add('KSTREAM-FILTER', (c, r) => {
      if (!predicate(r.key as K, r.value as V)) c.forward(r);
    });
    return this.derive(n, this.keySerde, this.valueSerde);
  }

  map<K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>): KStream<K2, V2> {
    const n = this.add('KSTREAM-MAP', (c, r) => {
      const kv = mapper(r.key as K, r.value as V);
      c.forward(r.withKey(kv.key).withValue(kv.value));
    });
    return this.derive(n, null, null, true);
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2): KStream<K, V2> {
    const n = this.add('KSTREAM-MAPVALUES', (c, r) =>
      c.forward(r.withValue(mapper(r.value as V, r.key as K))),
    );
    return this.derive(n, this.keySerde, null);
  }

  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>): KStream<K2, V2> {
    const n = this.add('KSTREAM-FLATMAP', (c, r) => {
      for (const kv of mapper(r.key as K, r.value as V))
        c.forward(r.withKey(kv.key).withValue(kv.value));
    });
    return this.derive(n, null, null, true);
  }

  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>): KStream<K, V2> {
    const n = this.add('KSTREAM-FLATMAPVALUES', (c, r) => {
      for (const v of mapper(r.value as V, r.key as K)) c.forward(r.withValue(v));
    });
    return this.derive(n, this.keySerde, null);
  }

  selectKey<K2>(mapper: (key: K, value: V) => K2): KStream<K2, V> {
    const n = this.add('KSTREAM-KEY-SELECT', (c, r) =>
      c.forward(r.withKey(mapper(r.key as K, r.value as V))),
    );
    return this.derive(n, null, this.valueSerde, true);
  }

  peek(action: (key: K, value: V) => void): KStream<K, V> {
    const n = this.add('KSTREAM-PEEK', (c, r) => {
      action(r.key as K, r.value as V);
      c.forward(r);
    });
    return this.derive(n, this.keySerde, this.valueSerde);
  }

  foreach(action: (key: K, value: V) => void): void {
    this.add('KSTREAM-FOREACH', (_c, r) => action(r.key as K, r.value as V));
  }

  /** Splits the stream by predicates; each record goes to the first branch it matches. */
  split(options: { name?: string } = {}): BranchedKStream<K, V> {
    const name = options.name ?? this.ctx.newName('KSTREAM-BRANCH');
    return new BranchedKStream(this.ctx, this, name, options.name ?? name + '-');
  }

  merge(other: KStream<K, V>): KStream<K, V> {
    const name = this.ctx.newName('KSTREAM-MERGE');
    this.ctx.topology.addProcessor(
      name,
      simple((c, r) => c.forward(r)),
      this.node,
      other.node,
    );
    return new KStream(
      this.ctx,
      name,
      this.keySerde,
      this.valueSerde,
      this.repartitionRequired || other.repartitionRequired,
    );
  }

  /** Writes the stream to `<application.id>-<name>-repartition` and reads it back. */
  repartition(options: Repartitioned<K, V> = {}): KStream<K, V> {
    return this.repartitionAs(
      options.name ?? this.ctx.newName('KSTREAM-REPARTITION'),
      options.keySerde ?? this.keySerde,
      options.valueSerde ?? this.valueSerde,
      options.numberOfPartitions ?? null,
    );
  }

  /** @internal */
  repartitionAs(
    base: string,
    keySerde: Serde<K> | null,
    valueSerde: Serde<V> | null,
    partitions: number | null = null,
  ): KStream<K, V> {
    const t = this.ctx.topology;
    const topic = `${base}-repartition`;
    t.internalTopics.set(topic, { kind: 'repartition', partitions });
    const ks = this.ctx.keySerde(keySerde);
    const vs = this.ctx.valueSerde(valueSerde);
    // Records without a key cannot be partitioned by key: Kafka drops them here.
    const filter = this.add('KSTREAM-FILTER', (c, r) => {
      if (r.key !== null && r.key !== undefined) c.forward(r);
    });
    const sink = this.ctx.newName('KSTREAM-SINK');
    t.addSink(sink, topic, { keySerializer: ks, valueSerializer: vs }, filter);
    const source = this.ctx.newName('KSTREAM-SOURCE');
    t.addSource(source, topic, { keyDeserializer: ks, valueDeserializer: vs });
    return new KStream(this.ctx, source, keySerde, valueSerde, false);
  }

  to(topic: string, produced: Produced<K, V> = {}): void {
    const name = produced.processorName ?? this.ctx.newName('KSTREAM-SINK');
    this.ctx.topology.addSink(
      name,
      topic,
      {
        keySerializer: this.ctx.keySerde(produced.keySerde ?? this.keySerde),
        valueSerializer: this.ctx.valueSerde(produced.valueSerde ?? this.valueSerde),
        ...(produced.partitioner ? { partitioner: produced.partitioner } : {}),
      },
      this.node,
    );
  }

  /** The latest value per key as a table; a null value deletes the key. */
  toTable(materialized: Materialized<K, V> = {}): KTable<K, V> {
    const src = this.repartitionRequired
      ? this.repartitionAs(
          materialized.storeName ?? this.ctx.newName('KSTREAM-TOTABLE-STATE-STORE'),
          materialized.keySerde ?? this.keySerde,
          materialized.valueSerde ?? this.valueSerde,
        )
      : this;
    return materializeTable(
      this.ctx,
      src.node,
      'KSTREAM-TOTABLE',
      materialized,
      src.keySerde,
      src.valueSerde,
    );
  }

  groupByKey(grouped: Grouped<K, V> = {}): KGroupedStream<K, V> {
    return new KGroupedStream(this.ctx, this, grouped);
  }

  groupBy<K2>(
    selector: (key: K, value: V) => K2,
    grouped: Grouped<K2, V> = {},
  ): KGroupedStream<K2, V> {
    return this.selectKey(selector).groupByKey(grouped);
  }

  /** Stream-table join: each stream record looks up the table's current value for its key. */
  join<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT) => VR,
    joined?: Joined<K, V, VT>,
  ): KStream<K, VR>;
  /** Stream-globalTable join: the lookup key comes from the record. */
  join<GK, GV, VR>(
    table: GlobalKTable<GK, GV>,
    keySelector: (key: K, value: V) => GK,
    joiner: (value: V, tableValue: GV) => VR,
  ): KStream<K, VR>;
  /** Windowed stream-stream inner join. */
  join<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO) => VR,
    windows: JoinWindows,
    joined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  join(other: unknown, a: unknown, b?: unknown, c?: unknown): unknown {
    return this.joinAny('inner', other, a, b, c);
  }

  leftJoin<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT | null) => VR,
    joined?: Joined<K, V, VT>,
  ): KStream<K, VR>;
  leftJoin<GK, GV, VR>(
    table: GlobalKTable<GK, GV>,
    keySelector: (key: K, value: V) => GK,
    joiner: (value: V, tableValue: GV | null) => VR,
  ): KStream<K, VR>;
  leftJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO | null) => VR,
    windows: JoinWindows,
    joined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  leftJoin(other: unknown, a: unknown, b?: unknown, c?: unknown): unknown {
    return this.joinAny('left', other, a, b, c);
  }

  /** Windowed stream-stream outer join. */
  outerJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V | null, otherValue: VO | null) => VR,
    windows: JoinWindows,
    joined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR> {
    return this.joinAny('outer', other, joiner, windows, joined) as KStream<K, VR>;
  }

  private joinAny(
    kind: 'inner' | 'left' | 'outer',
    other: unknown,
    a: unknown,
    b: unknown,
    c: unknown,
  ): unknown {
    if (other instanceof KTable) {
      return this.tableJoin(kind === 'left', other, a as (v: V, t: unknown) => unknown);
    }
    if (other instanceof GlobalKTable) {
      return this.globalJoin(
        kind === 'left',
        other,
        a as (k: K, v: V) => unknown,
        b as (v: V, t: unknown) => unknown,
      );
    }
    if (other instanceof KStream) {
      return streamStreamJoin(
        this.ctx,
        kind,
        this as KStream<unknown, unknown>,
        other as KStream<unknown, unknown>,
        a as (v: unknown, o: unknown) => unknown,
        b as JoinWindows,
        (c ?? {}) as StreamJoined<unknown, unknown, unknown>,
      );
    }
    throw new Error('join needs a KTable, a GlobalKTable or a KStream');
  }

  private tableJoin<VT, VR>(
    left: boolean,
    table: KTable<K, VT>,
    joiner: (v: V, t: VT | null) => VR,
  ): KStream<K, VR> {
    const stream = this.repartitionRequired
      ? this.repartitionAs(
          this.ctx.newName('KSTREAM-JOIN-REPARTITION'),
          this.keySerde,
          this.valueSerde,
        )
      : this;
    const store = table.requireStore();
    const name = this.ctx.newName('KSTREAM-JOIN');
    this.ctx.topology.addProcessor(
      name,
      withStores([store], (ctx, [s]) => {
        const get = table.getter(s as KeyValueStore<unknown, unknown>);
        return (r) => {
          if (r.key === null || r.value === null) return;
          const tv = get(r.key as K);
          if (tv === null && !left) return;
          ctx.forward(r.withValue(joiner(r.value as V, tv)));
        };
      }),
      stream.node,
    );
    this.ctx.topology.connectProcessorAndStateStores([name], store);
    return new KStream(this.ctx, name, stream.keySerde, null, false);
  }

  private globalJoin<GK, GV, VR>(
    left: boolean,
    table: GlobalKTable<GK, GV>,
    keySelector: (k: K, v: V) => GK,
    joiner: (v: V, t: GV | null) => VR,
  ): KStream<K, VR> {
    const name = this.ctx.newName('KSTREAM-JOIN');
    this.ctx.topology.addProcessor(
      name,
      withStores([table.storeName], (ctx, [s]) => {
        const store = s as KeyValueStore<GK, GV>;
        return (r) => {
          if (r.value === null) return;
          const gk = keySelector(r.key as K, r.value as V);
          const tv = gk === null || gk === undefined ? null : store.get(gk);
          if (tv === null && !left) return;
          ctx.forward(r.withValue(joiner(r.value as V, tv)));
        };
      }),
      this.node,
    );
    return new KStream(this.ctx, name, this.keySerde, null, this.repartitionRequired);
  }
}

export class BranchedKStream<K, V> {
  private readonly branches: { predicate: (k: K, v: V) => boolean; child: string }[] = [];
  private readonly result = new Map<string, KStream<K, V>>();

  constructor(
    private readonly ctx: DslContext,
    private readonly parent: KStream<K, V>,
    private readonly node: string,
    private readonly prefix: string,
  ) {
    const branches = this.branches;
    ctx.topology.addProcessor(
      node,
      simple((c, r) => {
        const b = branches.find((x) => x.predicate(r.key as K, r.value as V));
        if (b !== undefined) c.forward(r, b.child);
      }),
      parent.node,
    );
  }

  /** A branch named `<split name><name>` (or its position, from 1). */
  branch(predicate: (key: K, value: V) => boolean, branched: { name?: string } = {}): this {
    const key = this.prefix + (branched.name ?? String(this.branches.length + 1));
    const child = this.ctx.newName('KSTREAM-BRANCH');
    this.ctx.topology.addProcessor(
      child,
      simple((c, r) => c.forward(r)),
      this.node,
    );
    this.branches.push({ predicate, child });
    this.result.set(
      key,
      new KStream(
        this.ctx,
        child,
        this.parent.keySerde,
        this.parent.valueSerde,
        this.parent.repartitionRequired,
      ),
    );
    return this;
  }

  /** The records no branch matched, named `<split name>0` unless named. */
  defaultBranch(branched: { name?: string } = {}): Map<string, KStream<K, V>> {
    this.branch(() => true, { name: branched.name ?? '0' });
    return this.result;
  }

  noDefaultBranch(): Map<string, KStream<K, V>> {
    return this.result;
  }
}

/** Adds a processor that keeps the latest value per key in a store and emits changes. */
function materializeTable<K, V>(
  ctx: DslContext,
  parent: string,
  prefix: string,
  materialized: Materialized<K, V>,
  keySerde: Serde<K> | null,
  valueSerde: Serde<V> | null,
): KTable<K, V> {
  const ks = materialized.keySerde ?? keySerde;
  const vs = materialized.valueSerde ?? valueSerde;
  const name = ctx.newName(prefix);
  const storeName = materialized.storeName ?? ctx.newName(`${prefix}-STATE-STORE`);
  ctx.topology.addProcessor(
    name,
    withStores([storeName], (c, [s]) => {
      const store = s as KeyValueStore<K, V>;
      return (r) => {
        if (r.key === null || r.key === undefined) return;
        const oldValue = store.get(r.key as K);
        store.put(r.key as K, r.value as V | null);
        c.forward(r.withValue({ newValue: r.value, oldValue }));
      };
    }),
    parent,
  );
  addKeyValueStore(ctx, storeName, ks, vs, materialized, name);
  return new KTable<K, V>(ctx, name, ks, vs, storeName, (_k, v) => v as V, null);
}

function addKeyValueStore<K, V>(
  ctx: DslContext,
  storeName: string,
  keySerde: Serde<K> | null,
  valueSerde: Serde<V> | null,
  materialized: Materialized<K, V>,
  processor: string,
): void {
  const builder = (
    materialized.storeType === 'PERSISTENT'
      ? Stores.persistentKeyValueStoreBuilder
      : Stores.keyValueStoreBuilder
  )(storeName, ctx.keySerde(keySerde), ctx.valueSerde(valueSerde));
  if (materialized.loggingEnabled === false) builder.withLoggingDisabled();
  else builder.withLoggingEnabled(materialized.logConfig ?? {});
  if (materialized.cachingEnabled !== false) builder.withCachingEnabled();
  ctx.topology.addStateStore(builder, processor);
}

export class KTable<K, V> {
  constructor(
    protected readonly ctx: DslContext,
    readonly node: string,
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    /** The store holding the values this table's values are computed from (null: none). */
    readonly storeName: string | null,
    /** How this table's value follows from the stored one (filters and mappers on top). */
    private readonly view: (key: K, stored: unknown) => V | null,
    /** Set on windowed aggregations: what suppress needs to know when windows close. */
    readonly windows: { graceMs: number } | null,
  ) {}

  /** The name of the store an interactive query reads (null if not materialized). */
  queryableStoreName(): string | null {
    return this.storeName;
  }

  /** @internal */
  requireStore(): string {
    if (this.storeName === null)
      throw new Error(`table ${this.node} is not materialized: pass Materialized to the operation`);
    return this.storeName;
  }

  /** @internal A lookup of this table's current value, given its store. */
  getter(store: KeyValueStore<unknown, unknown>): (key: K) => V | null {
    return (key) => {
      const stored = store.get(key);
      return stored === null ? null : this.view(key, stored);
    };
  }

  private addChange(prefix: string, map: (key: K, value: V) => unknown): string {
    const name = this.ctx.newName(prefix);
    this.ctx.topology.addProcessor(
      name,
      simple((c, r) => {
        const ch = change<V>(r);
        const apply = (v: V | null) => (v === null ? null : map(r.key as K, v));
        c.forward(r.withValue({ newValue: apply(ch.newValue), oldValue: apply(ch.oldValue) }));
      }),
      this.node,
    );
    return name;
  }

  filter(predicate: (key: K, value: V) => boolean): KTable<K, V> {
    const keep = (k: K, v: V) => (predicate(k, v) ? v : null);
    const name = this.addChange('KTABLE-FILTER', keep);
    return new KTable(
      this.ctx,
      name,
      this.keySerde,
      this.valueSerde,
      this.storeName,
      this.compose(keep),
      this.windows,
    );
  }

  filterNot(predicate: (key: K, value: V) => boolean): KTable<K, V> {
    return this.filter((k, v) => !predicate(k, v));
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2): KTable<K, V2> {
    const map = (k: K, v: V) => mapper(v, k);
    const name = this.addChange('KTABLE-MAPVALUES', map);
    return new KTable(
      this.ctx,
      name,
      this.keySerde,
      null,
      this.storeName,
      this.compose(map),
      this.windows,
    );
  }

  private compose<V2>(f: (k: K, v: V) => V2 | null): (k: K, stored: unknown) => V2 | null {
    return (k, stored) => {
      const v = this.view(k, stored);
      return v === null ? null : f(k, v);
    };
  }

  /**
   * Re-keys the table for an aggregation (Kafka's KTable.groupBy): each row moves to the group
   * the selector gives it; updates subtract the old row from its group and add the new one.
   */
  groupBy<K2, V2>(
    selector: (key: K, value: V) => KeyValue<K2, V2>,
    grouped: Grouped<K2, V2> = {},
  ): KGroupedTable<K2, V2> {
    const select = addTableSelect(this.ctx, this.node, selector);
    return new KGroupedTable(this.ctx, select, grouped);
  }

  /** The table's changes as a stream of updates; a deleted key comes as a tombstone. */
  toStream(): KStream<K, V> {
    const name = this.ctx.newName('KTABLE-TOSTREAM');
    this.ctx.topology.addProcessor(
      name,
      simple((c, r) => c.forward(r.withValue(change(r).newValue))),
      this.node,
    );
    return new KStream(this.ctx, name, this.keySerde, this.valueSerde, false);
  }

  /**
   * Holds back a windowed table's updates until each window closes (stream time passes its
   * end plus grace), then emits its final result once: Suppressed.untilWindowCloses with an
   * unbounded buffer. The buffer is a logged store, so it survives a move to another instance.
   */
  suppress(
    _suppressed: { untilWindowCloses: true } = Suppressed.untilWindowCloses(),
  ): KTable<K, V> {
    const windows = this.windows;
    if (windows === null) throw new Error('untilWindowCloses needs a windowed table');
    const name = this.ctx.newName('KTABLE-SUPPRESS');
    const storeName = this.ctx.newName('KTABLE-SUPPRESS-STATE-STORE');
    const ks = this.ctx.keySerde(this.keySerde);
    const vs = this.ctx.valueSerde(this.valueSerde);
    this.ctx.topology.addProcessor(
      name,
      withStores([storeName], (c, [s]) => {
        const buffer = s as KeyValueStore<Buffer, Buffer>;
        return (r) => {
          const w = r.key as Windowed<unknown>;
          const key = ks.serialize(storeName, r.key as K)!;
          const value = vs.serialize(storeName, change<V>(r).newValue);
          const entry = Buffer.alloc(17 + (value?.length ?? 0));
          entry.writeBigInt64BE(BigInt(w.window.endMs), 0);
          entry.writeBigInt64BE(BigInt(r.timestamp), 8);
          entry.writeUInt8(value === null ? 0 : 1, 16);
          value?.copy(entry, 17);
          buffer.put(key, entry);
          const closeMs = c.currentStreamTimeMs() - windows.graceMs;
          const due = buffer
            .all()
            .map((e) => ({ ...e, endMs: Number(e.value.readBigInt64BE(0)) }))
            .filter((e) => e.endMs <= closeMs)
            .sort((a, b) => a.endMs - b.endMs || Buffer.compare(a.key, b.key));
          for (const e of due) {
            buffer.delete(e.key);
            // A final result of a deleted window (a merged-away session) is nothing: Kafka
            // drops tombstones when emitting final results.
            if (e.value.readUInt8(16) === 0) continue;
            const v = vs.deserialize(storeName, e.value.subarray(17));
            c.forward(
              new StreamRecord(
                ks.deserialize(storeName, e.key),
                { newValue: v, oldValue: null },
                Number(e.value.readBigInt64BE(8)),
              ),
            );
          }
        };
      }),
      this.node,
    );
    addKeyValueStore(this.ctx, storeName, Serdes.Bytes(), Serdes.Bytes(), {}, name);
    return new KTable(this.ctx, name, this.keySerde, this.valueSerde, null, () => null, windows);
  }

  join<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V, other: VO) => VR,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>;
  /** Foreign-key join: each row joins the other table's row whose key it extracts (KIP-213). */
  join<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V) => KO | null,
    joiner: (value: V, other: VO) => VR,
    tableJoined?: TableJoined,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>;
  join(other: unknown, a: unknown, b?: unknown, c?: unknown, d?: unknown): unknown {
    if (typeof b === 'function')
      return this.foreignKeyJoin(
        false,
        other as KTable<unknown, unknown>,
        a,
        b,
        c as TableJoined,
        d,
      );
    return this.tableTableJoin(
      'inner',
      other as KTable<K, unknown>,
      a as (v: V | null, o: unknown) => unknown,
      (b ?? {}) as Materialized<K, unknown>,
    );
  }

  leftJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V, other: VO | null) => VR,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>;
  /** Foreign-key left join: rows without a matching other row join with null. */
  leftJoin<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V) => KO | null,
    joiner: (value: V, other: VO | null) => VR,
    tableJoined?: TableJoined,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>;
  leftJoin(other: unknown, a: unknown, b?: unknown, c?: unknown, d?: unknown): unknown {
    if (typeof b === 'function')
      return this.foreignKeyJoin(
        true,
        other as KTable<unknown, unknown>,
        a,
        b,
        c as TableJoined,
        d,
      );
    return this.tableTableJoin(
      'left',
      other as KTable<K, unknown>,
      a as (v: V | null, o: unknown) => unknown,
      (b ?? {}) as Materialized<K, unknown>,
    );
  }

  private foreignKeyJoin(
    leftJoin: boolean,
    other: KTable<unknown, unknown>,
    extractor: unknown,
    joiner: unknown,
    tableJoined: TableJoined | undefined,
    materialized: unknown,
  ): KTable<K, unknown> {
    const m = (materialized ?? {}) as Materialized<K, unknown>;
    const resolver = addForeignKeyJoin(this.ctx, {
      leftJoin,
      name: tableJoined?.name ?? null,
      leftNode: this.node,
      leftStore: this.requireStore(),
      leftGetter: (s) => this.getter(s),
      rightNode: other.node,
      rightStore: other.requireStore(),
      rightGetter: (s) => other.getter(s),
      keySerde: this.ctx.keySerde(this.keySerde),
      valueSerde: this.ctx.valueSerde(this.valueSerde),
      foreignKeySerde: this.ctx.keySerde(other.keySerde),
      foreignValueSerde: this.ctx.valueSerde(other.valueSerde),
      foreignKeyExtractor: extractor as (v: V) => unknown,
      joiner: joiner as (v: V, o: unknown) => unknown,
    });
    // The results become a table: changes, kept in a store when materialized.
    const name = this.ctx.newName('KTABLE-FK-JOIN-OUTPUT');
    const storeName = m.storeName ?? null;
    this.ctx.topology.addProcessor(
      name,
      withStores(storeName === null ? [] : [storeName], (c, [s]) => {
        const store = (s ?? null) as KeyValueStore<K, unknown> | null;
        return (r) => {
          const oldValue = store?.get(r.key as K) ?? null;
          store?.put(r.key as K, r.value);
          c.forward(r.withValue({ newValue: r.value, oldValue }));
        };
      }),
      resolver,
    );
    if (storeName !== null)
      addKeyValueStore(
        this.ctx,
        storeName,
        m.keySerde ?? this.keySerde,
        m.valueSerde ?? null,
        m,
        name,
      );
    return new KTable(
      this.ctx,
      name,
      this.keySerde,
      m.valueSerde ?? null,
      storeName,
      (_k, v) => v,
      null,
    );
  }

  outerJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V | null, other: VO | null) => VR,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR> {
    return this.tableTableJoin('outer', other, joiner, materialized ?? {});
  }

  /**
   * Table-table join on the primary key (Kafka's KTableKTableJoin): an update on either side
   * looks up the other side's current value and emits the joined value, or a tombstone when
   * the join no longer holds.
   */
  private tableTableJoin<VO, VR>(
    kind: 'inner' | 'left' | 'outer',
    other: KTable<K, VO>,
    joiner: (v: V | null, o: VO | null) => VR,
    materialized: Materialized<K, VR>,
  ): KTable<K, VR> {
    const t = this.ctx.topology;
    const thisStore = this.requireStore();
    const otherStore = other.requireStore();
    const merge = this.ctx.newName('KTABLE-MERGE');
    const side = (prefix: string, parent: string, lookupStore: string, thisSide: boolean) => {
      const name = this.ctx.newName(prefix);
      t.addProcessor(
        name,
        withStores([lookupStore], (c, [s]) => {
          const get = (
            thisSide
              ? other.getter(s as KeyValueStore<unknown, unknown>)
              : this.getter(s as KeyValueStore<unknown, unknown>)
          ) as (k: K) => unknown;
          return (r) => {
            const ch = change<unknown>(r);
            const found = get(r.key as K);
            const mine = ch.newValue;
            const [l, o] = thisSide ? [mine, found] : [found, mine];
            const holds =
              kind === 'inner'
                ? l !== null && o !== null
                : kind === 'left'
                  ? l !== null
                  : l !== null || o !== null;
            // Inner joins ignore updates whose other side is absent; the left join ignores
            // right-side updates without a left value (Kafka forwards nothing then).
            if (found === null && (kind === 'inner' || (kind === 'left' && !thisSide))) return;
            const value = holds ? joiner(l as V | null, o as VO | null) : null;
            c.forward(r.withValue({ newValue: value, oldValue: null }), merge);
          };
        }),
        parent,
      );
      t.connectProcessorAndStateStores([name], lookupStore);
      return name;
    };
    const a = side('KTABLE-JOINTHIS', this.node, otherStore, true);
    const b = side('KTABLE-JOINOTHER', other.node, thisStore, false);
    if (materialized.storeName === undefined) {
      t.addProcessor(
        merge,
        simple((c, r) => c.forward(r)),
        a,
        b,
      );
      return new KTable<K, VR>(this.ctx, merge, this.keySerde, null, null, () => null, null);
    }
    const storeName = materialized.storeName;
    t.addProcessor(
      merge,
      withStores([storeName], (c, [s]) => {
        const store = s as KeyValueStore<K, VR>;
        return (r) => {
          const oldValue = store.get(r.key as K);
          const newValue = change<VR>(r).newValue;
          store.put(r.key as K, newValue);
          c.forward(r.withValue({ newValue, oldValue }));
        };
      }),
      a,
      b,
    );
    addKeyValueStore(
      this.ctx,
      storeName,
      materialized.keySerde ?? this.keySerde,
      materialized.valueSerde ?? null,
      materialized,
      merge,
    );
    return new KTable(
      this.ctx,
      merge,
      this.keySerde,
      materialized.valueSerde ?? null,
      storeName,
      (_k, v) => v as VR,
      null,
    );
  }
}

/** Kafka's KGroupedTable: a re-keyed table to aggregate with an adder and a subtractor. */
export class KGroupedTable<K, V> {
  constructor(
    private readonly ctx: DslContext,
    private readonly selectNode: string,
    private readonly grouped: Grouped<K, V>,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<K, number> {
    return this.aggregateWith(
      'KTABLE-AGGREGATE',
      () => 0,
      (_k, _v, agg) => (agg ?? 0) + 1,
      (_k, _v, agg) => agg - 1,
      { valueSerde: Serdes.Long(), ...materialized },
    );
  }

  reduce(
    adder: (aggregate: V, value: V) => V,
    subtractor: (aggregate: V, value: V) => V,
    materialized: Materialized<K, V> = {},
  ): KTable<K, V> {
    return this.aggregateWith<V>(
      'KTABLE-REDUCE',
      () => null,
      (_k, v, agg) => (agg === null ? v : adder(agg, v)),
      (_k, v, agg) => subtractor(agg, v),
      {
        ...(this.grouped.valueSerde ? { valueSerde: this.grouped.valueSerde } : {}),
        ...materialized,
      },
    );
  }

  aggregate<VA>(
    initializer: () => VA,
    adder: (key: K, value: V, aggregate: VA) => VA,
    subtractor: (key: K, value: V, aggregate: VA) => VA,
    materialized: Materialized<K, VA> = {},
  ): KTable<K, VA> {
    return this.aggregateWith(
      'KTABLE-AGGREGATE',
      initializer,
      (k, v, agg) => adder(k, v, agg ?? initializer()),
      subtractor,
      materialized,
    );
  }

  private aggregateWith<VA>(
    prefix: string,
    initializer: () => VA | null,
    adder: (key: K, value: V, aggregate: VA | null) => VA,
    subtractor: (key: K, value: V, aggregate: VA) => VA,
    materialized: Materialized<K, VA>,
  ): KTable<K, VA> {
    const storeName = materialized.storeName ?? this.ctx.newName(`${prefix}-STATE-STORE`);
    const ks = this.ctx.keySerde(this.grouped.keySerde);
    const source = addTableRepartition(
      this.ctx,
      this.selectNode,
      this.grouped.name ?? storeName,
      ks,
      this.ctx.valueSerde(this.grouped.valueSerde),
    );
    const name = addTableAggregate(this.ctx, source, {
      prefix,
      storeName,
      initializer,
      adder,
      subtractor,
    });
    const keySerde = materialized.keySerde ?? ks;
    addKeyValueStore(
      this.ctx,
      storeName,
      keySerde,
      materialized.valueSerde ?? null,
      materialized,
      name,
    );
    return new KTable(
      this.ctx,
      name,
      keySerde,
      materialized.valueSerde ?? null,
      storeName,
      (_k, v) => v as VA,
      null,
    );
  }
}

export const Suppressed = {
  untilWindowCloses: (_bufferConfig: unknown = 'unbounded'): { untilWindowCloses: true } => ({
    untilWindowCloses: true,
  }),
};

/** A table replicated in full to every instance (all partitions), read by key from streams. */
export class GlobalKTable<K, V> {
  constructor(
    readonly storeName: string,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {}

  queryableStoreName(): string {
    return this.storeName;
  }
}

export class KGroupedStream<K, V> {
  constructor(
    private readonly ctx: DslContext,
    private readonly stream: KStream<K, V>,
    private readonly grouped: Grouped<K, V>,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<K, number> {
    return this.aggregate(
      () => 0,
      (_k, _v, agg) => agg + 1,
      { valueSerde: Serdes.Long(), ...materialized },
    );
  }

  reduce(
    reducer: (aggregate: V, value: V) => V,
    materialized: Materialized<K, V> = {},
  ): KTable<K, V> {
    const none = Symbol('none');
    return this.aggregateWith<V>(
      'KSTREAM-REDUCE',
      () => none as unknown as V,
      (_k, v, agg) => (agg === (none as unknown) ? v : reducer(agg, v)),
      {
        valueSerde: this.grouped.valueSerde ?? this.stream.valueSerde ?? undefined,
        ...materialized,
      },
    );
  }

  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    materialized: Materialized<K, VA> = {},
  ): KTable<K, VA> {
    return this.aggregateWith('KSTREAM-AGGREGATE', initializer, aggregator, materialized);
  }

  /** Starts a cogrouped aggregation: several grouped streams update one aggregate per key. */
  cogroup<VA>(aggregator: (key: K, value: V, aggregate: VA) => VA): CogroupedKStream<K, VA> {
    return new CogroupedKStream<K, VA>(this.ctx).cogroup(this, aggregator);
  }

  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: SlidingWindows): SlidingWindowedKStream<K, V>;
  windowedBy(
    windows: TimeWindows | SessionWindows | SlidingWindows,
  ): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> | SlidingWindowedKStream<K, V> {
    if (windows instanceof SessionWindows)
      return new SessionWindowedKStream(this.ctx, this, windows);
    if (windows instanceof SlidingWindows)
      return new SlidingWindowedKStream(this.ctx, this, windows);
    return new TimeWindowedKStream(this.ctx, this, windows);
  }

  /** @internal A reduce keeps values of the stream's type: its serde, if known. */
  reduceSerde<VA>(prefix: string): Serde<VA> | null {
    if (prefix !== 'KSTREAM-REDUCE') return null;
    return (this.grouped.valueSerde ?? this.stream.valueSerde) as Serde<VA> | null;
  }

  /** @internal The stream to aggregate, repartitioned by its new key when needed. */
  input(storeName: string): KStream<K, V> {
    const keySerde = this.grouped.keySerde ?? this.stream.keySerde;
    const valueSerde = this.grouped.valueSerde ?? this.stream.valueSerde;
    return this.stream.repartitionRequired
      ? this.stream.repartitionAs(this.grouped.name ?? storeName, keySerde, valueSerde)
      : new KStream(this.ctx, this.stream.node, keySerde, valueSerde, false);
  }

  private aggregateWith<VA>(
    prefix: string,
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    materialized: Materialized<K, VA>,
  ): KTable<K, VA> {
    const storeName = materialized.storeName ?? this.ctx.newName(`${prefix}-STATE-STORE`);
    const input = this.input(storeName);
    const name = this.ctx.newName(prefix);
    this.ctx.topology.addProcessor(
      name,
      withStores([storeName], (c, [s]) => {
        const store = s as KeyValueStore<K, VA>;
        // With the record cache on, changes go downstream when the cache flushes them.
        const cached = forwardOnFlush(c, store);
        return (r) => {
          // Kafka skips records with a null key or value in aggregations.
          if (r.key === null || r.key === undefined || r.value === null) return;
          const oldValue = store.get(r.key as K);
          const newValue = aggregator(r.key as K, r.value as V, oldValue ?? initializer());
          store.put(r.key as K, newValue);
          if (!cached) c.forward(r.withValue({ newValue, oldValue }));
        };
      }),
      input.node,
    );
    const keySerde = materialized.keySerde ?? input.keySerde;
    addKeyValueStore(
      this.ctx,
      storeName,
      keySerde,
      materialized.valueSerde ?? null,
      materialized,
      name,
    );
    return new KTable(
      this.ctx,
      name,
      keySerde,
      materialized.valueSerde ?? null,
      storeName,
      (_k, v) => v as VA,
      null,
    );
  }
}

/**
 * Kafka's CogroupedKStream: each input has its own aggregator, all update the same store, and
 * every update is emitted as the table's change.
 */
export class CogroupedKStream<K, VA> {
  private readonly inputs: CogroupInputs<K, VA> = [];

  constructor(private readonly ctx: DslContext) {}

  cogroup<V>(
    grouped: KGroupedStream<K, V>,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
  ): CogroupedKStream<K, VA> {
    this.inputs.push({
      grouped: grouped as KGroupedStream<K, unknown>,
      aggregator: aggregator as (key: K, value: unknown, aggregate: VA) => VA,
    });
    return this;
  }

  /** Windowed cogroup: every input updates the same windows (Kafka's windowedBy on a cogroup). */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedCogroupedKStream<K, VA>;
  windowedBy(windows: SessionWindows): SessionWindowedCogroupedKStream<K, VA>;
  windowedBy(
    windows: TimeWindows | SlidingWindows | SessionWindows,
  ): TimeWindowedCogroupedKStream<K, VA> | SessionWindowedCogroupedKStream<K, VA> {
    if (windows instanceof SessionWindows)
      return new SessionWindowedCogroupedKStream(this.ctx, this.inputs, windows);
    return new TimeWindowedCogroupedKStream(this.ctx, this.inputs, windows);
  }

  aggregate(initializer: () => VA, materialized: Materialized<K, VA> = {}): KTable<K, VA> {
    const t = this.ctx.topology;
    const storeName =
      materialized.storeName ?? this.ctx.newName('COGROUPKSTREAM-AGGREGATE-STATE-STORE');
    const names: string[] = [];
    let keySerde: Serde<K> | null = materialized.keySerde ?? null;
    this.inputs.forEach(({ grouped, aggregator }, i) => {
      const input = grouped.input(`${storeName}-${i}`);
      keySerde ??= input.keySerde;
      const name = this.ctx.newName('COGROUPKSTREAM-AGGREGATE');
      t.addProcessor(
        name,
        withStores([storeName], (c, [s]) => {
          const store = s as KeyValueStore<K, VA>;
          return (r) => {
            if (r.key === null || r.key === undefined || r.value === null) return;
            const oldValue = store.get(r.key as K);
            const newValue = aggregator(r.key as K, r.value, oldValue ?? initializer());
            store.put(r.key as K, newValue);
            c.forward(r.withValue({ newValue, oldValue }));
          };
        }),
        input.node,
      );
      names.push(name);
    });
    if (names.length === 0) throw new Error('cogroup needs at least one grouped stream');
    addKeyValueStore(
      this.ctx,
      storeName,
      keySerde,
      materialized.valueSerde ?? null,
      materialized,
      names[0]!,
    );
    t.connectProcessorAndStateStores(names.slice(1), storeName);
    const merge = this.ctx.newName('COGROUPKSTREAM-MERGE');
    t.addProcessor(
      merge,
      simple((c, r) => c.forward(r)),
      ...names,
    );
    return new KTable<K, VA>(
      this.ctx,
      merge,
      keySerde,
      materialized.valueSerde ?? null,
      storeName,
      (_k, v) => v as VA,
      null,
    );
  }
}

type CogroupInputs<K, VA> = {
  grouped: KGroupedStream<K, unknown>;
  aggregator: (key: K, value: unknown, aggregate: VA) => VA;
}[];

/**
 * Adds one windowed aggregation processor per cogrouped input, all on one store (added with
 * the first), and the merge node after them; returns the merge node and the key serde.
 */
function windowedCogroup<K, VA>(
  ctx: DslContext,
  inputs: CogroupInputs<K, VA>,
  storeName: string,
  materialized: Materialized<K, VA>,
  add: (
    parent: string,
    aggregator: (key: K, value: unknown, aggregate: VA) => VA,
    keySerde: Serde<K>,
    shared: boolean,
  ) => string,
): { merge: string; keySerde: Serde<K> } {
  if (inputs.length === 0) throw new Error('cogroup needs at least one grouped stream');
  const streams = inputs.map(({ grouped }, i) => grouped.input(`${storeName}-${i}`));
  const keySerde = ctx.keySerde(materialized.keySerde ?? streams[0]!.keySerde);
  const names = inputs.map(({ aggregator }, i) =>
    add(streams[i]!.node, aggregator, keySerde, i > 0),
  );
  const merge = ctx.newName('COGROUPKSTREAM-MERGE');
  ctx.topology.addProcessor(
    merge,
    simple((c, r) => c.forward(r)),
    ...names,
  );
  return { merge, keySerde };
}

/** Kafka's TimeWindowedCogroupedKStream (tumbling, hopping or sliding windows). */
export class TimeWindowedCogroupedKStream<K, VA> {
  constructor(
    private readonly ctx: DslContext,
    private readonly inputs: CogroupInputs<K, VA>,
    private readonly windows: TimeWindows | SlidingWindows,
  ) {}

  aggregate(
    initializer: () => VA,
    materialized: Materialized<K, VA> = {},
  ): KTable<Windowed<K>, VA> {
    const w = this.windows;
    const storeName =
      materialized.storeName ?? this.ctx.newName('COGROUPKSTREAM-AGGREGATE-STATE-STORE');
    const vs = this.ctx.valueSerde(materialized.valueSerde ?? null);
    const { merge, keySerde } = windowedCogroup(
      this.ctx,
      this.inputs,
      storeName,
      materialized,
      (parent, aggregator, ks, shared) => {
        const spec = {
          initializer,
          aggregator,
          materialized,
          storeName,
          prefix: 'COGROUPKSTREAM-AGGREGATE',
          keySerde: ks,
          valueSerde: vs,
          shared,
        };
        return w instanceof SlidingWindows
          ? addSlidingAggregate(this.ctx, parent, { ...spec, windows: w })
          : addTimeWindowAggregate(this.ctx, parent, { ...spec, windows: w });
      },
    );
    const sizeMs = w instanceof SlidingWindows ? w.timeDifferenceMs : w.sizeMs;
    return new KTable<Windowed<K>, VA>(
      this.ctx,
      merge,
      WindowedSerdes.timeWindowedSerdeFrom(keySerde, sizeMs),
      vs,
      null,
      () => null,
      w,
    );
  }
}

/** Kafka's SessionWindowedCogroupedKStream: the merger joins two sessions' aggregates. */
export class SessionWindowedCogroupedKStream<K, VA> {
  constructor(
    private readonly ctx: DslContext,
    private readonly inputs: CogroupInputs<K, VA>,
    private readonly windows: SessionWindows,
  ) {}

  aggregate(
    initializer: () => VA,
    merger: (key: K, aggOne: VA, aggTwo: VA) => VA,
    materialized: Materialized<K, VA> = {},
  ): KTable<Windowed<K>, VA> {
    const w = this.windows;
    const storeName =
      materialized.storeName ?? this.ctx.newName('COGROUPKSTREAM-AGGREGATE-STATE-STORE');
    const vs = this.ctx.valueSerde(materialized.valueSerde ?? null);
    const { merge, keySerde } = windowedCogroup(
      this.ctx,
      this.inputs,
      storeName,
      materialized,
      (parent, aggregator, ks, shared) =>
        addSessionAggregate(this.ctx, parent, {
          windows: w,
          initializer,
          aggregator,
          merger,
          materialized,
          storeName,
          prefix: 'COGROUPKSTREAM-AGGREGATE',
          keySerde: ks,
          valueSerde: vs,
          shared,
        }),
    );
    return new KTable<Windowed<K>, VA>(
      this.ctx,
      merge,
      WindowedSerdes.sessionWindowedSerdeFrom(keySerde),
      vs,
      null,
      () => null,
      { graceMs: w.graceMs + w.inactivityGapMs },
    );
  }
}

export class TimeWindowedKStream<K, V> {
  constructor(
    private readonly ctx: DslContext,
    private readonly grouped: KGroupedStream<K, V>,
    private readonly windows: TimeWindows,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.aggregate(
      () => 0,
      (_k, _v, agg) => agg + 1,
      { valueSerde: Serdes.Long(), ...materialized },
    );
  }

  reduce(
    reducer: (aggregate: V, value: V) => V,
    materialized: Materialized<K, V> = {},
  ): KTable<Windowed<K>, V> {
    const none = Symbol('none');
    return this.aggregate<V>(
      () => none as unknown as V,
      (_k, v, agg) => (agg === (none as unknown) ? v : reducer(agg, v)),
      materialized,
    );
  }

  /**
   * Adds the record to every window holding its timestamp, unless that window has closed
   * (stream time minus grace is past its end): such records are dropped as late.
   */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    materialized: Materialized<K, VA> = {},
  ): KTable<Windowed<K>, VA> {
    const w = this.windows;
    const storeName = materialized.storeName ?? this.ctx.newName('KSTREAM-AGGREGATE-STATE-STORE');
    const input = this.grouped.input(storeName);
    const ks = this.ctx.keySerde(materialized.keySerde ?? input.keySerde);
    const vs = this.ctx.valueSerde(materialized.valueSerde ?? null);
    const name = addTimeWindowAggregate(this.ctx, input.node, {
      windows: w,
      initializer,
      aggregator,
      materialized,
      storeName,
      prefix: 'KSTREAM-AGGREGATE',
      keySerde: ks,
      valueSerde: vs,
    });
    return new KTable<Windowed<K>, VA>(
      this.ctx,
      name,
      WindowedSerdes.timeWindowedSerdeFrom(ks, w.sizeMs),
      vs,
      null,
      () => null,
      w,
    );
  }
}

/**
 * Kafka's SessionWindowedKStream: aggregates per key and session; a table keyed by
 * Windowed<K> whose session windows merge as records bridge them (merged-away sessions are
 * deleted, so toStream() emits them as tombstones).
 */
export class SessionWindowedKStream<K, V> {
  constructor(
    private readonly ctx: DslContext,
    private readonly grouped: KGroupedStream<K, V>,
    private readonly windows: SessionWindows,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.aggregate(
      () => 0,
      (_k, _v, agg) => agg + 1,
      (_k, a, b) => a + b,
      { valueSerde: Serdes.Long(), ...materialized },
    );
  }

  reduce(
    reducer: (aggregate: V, value: V) => V,
    materialized: Materialized<K, V> = {},
  ): KTable<Windowed<K>, V> {
    const none = Symbol('none') as unknown as V;
    const reduce = (agg: V, v: V) => (agg === none ? v : reducer(agg, v));
    return this.aggregateWith<V>(
      'KSTREAM-REDUCE',
      () => none,
      (_k, v, agg) => reduce(agg, v),
      (_k, a, b) => reduce(a, b),
      materialized,
    );
  }

  /** The merger combines the aggregates of two sessions that a record joins into one. */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    merger: (key: K, aggOne: VA, aggTwo: VA) => VA,
    materialized: Materialized<K, VA> = {},
  ): KTable<Windowed<K>, VA> {
    return this.aggregateWith('KSTREAM-AGGREGATE', initializer, aggregator, merger, materialized);
  }

  private aggregateWith<VA>(
    prefix: string,
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    merger: (key: K, aggOne: VA, aggTwo: VA) => VA,
    materialized: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA> {
    const storeName = materialized.storeName ?? this.ctx.newName(`${prefix}-STATE-STORE`);
    const input = this.grouped.input(storeName);
    const ks = this.ctx.keySerde(materialized.keySerde ?? input.keySerde);
    const vs = this.ctx.valueSerde(materialized.valueSerde ?? this.grouped.reduceSerde<VA>(prefix));
    const name = addSessionAggregate(this.ctx, input.node, {
      windows: this.windows,
      initializer,
      aggregator,
      merger,
      materialized,
      storeName,
      prefix,
      keySerde: ks,
      valueSerde: vs,
    });
    return new KTable<Windowed<K>, VA>(
      this.ctx,
      name,
      WindowedSerdes.sessionWindowedSerdeFrom(ks),
      vs,
      null,
      () => null,
      // A session can still grow by a record up to the gap after its end: Kafka's suppress
      // waits the gap plus the grace period before a session's result is final.
      { graceMs: this.windows.graceMs + this.windows.inactivityGapMs },
    );
  }
}

/** Kafka's SlidingWindowedKStream (KIP-450): aggregates per key over sliding windows. */
export class SlidingWindowedKStream<K, V> {
  constructor(
    private readonly ctx: DslContext,
    private readonly grouped: KGroupedStream<K, V>,
    private readonly windows: SlidingWindows,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.aggregate(
      () => 0,
      (_k, _v, agg) => agg + 1,
      { valueSerde: Serdes.Long(), ...materialized },
    );
  }

  reduce(
    reducer: (aggregate: V, value: V) => V,
    materialized: Materialized<K, V> = {},
  ): KTable<Windowed<K>, V> {
    const none = Symbol('none') as unknown as V;
    return this.aggregateWith<V>(
      'KSTREAM-REDUCE',
      () => none,
      (_k, v, agg) => (agg === none ? v : reducer(agg, v)),
      materialized,
    );
  }

  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    materialized: Materialized<K, VA> = {},
  ): KTable<Windowed<K>, VA> {
    return this.aggregateWith('KSTREAM-AGGREGATE', initializer, aggregator, materialized);
  }

  private aggregateWith<VA>(
    prefix: string,
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    materialized: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA> {
    const storeName = materialized.storeName ?? this.ctx.newName(`${prefix}-STATE-STORE`);
    const input = this.grouped.input(storeName);
    const ks = this.ctx.keySerde(materialized.keySerde ?? input.keySerde);
    const vs = this.ctx.valueSerde(materialized.valueSerde ?? this.grouped.reduceSerde<VA>(prefix));
    const name = addSlidingAggregate(this.ctx, input.node, {
      windows: this.windows,
      initializer,
      aggregator,
      materialized,
      storeName,
      prefix,
      keySerde: ks,
      valueSerde: vs,
    });
    return new KTable<Windowed<K>, VA>(
      this.ctx,
      name,
      WindowedSerdes.timeWindowedSerdeFrom(ks, this.windows.timeDifferenceMs),
      vs,
      null,
      () => null,
      this.windows,
    );
  }
}

/**
 * Windowed stream-stream join (Kafka's KStreamKStreamJoin): each side keeps its records for
 * the join window plus grace in a window store; a record joins the other side's records of the
 * same key within the time difference. For left and outer joins, a record that found no
 * partner is held back and emitted with null only once its window has closed, so no spurious
 * left/outer result precedes a real join (KIP-633 semantics).
 */
function streamStreamJoin(
  ctx: DslContext,
  kind: 'inner' | 'left' | 'outer',
  left: KStream<unknown, unknown>,
  right: KStream<unknown, unknown>,
  joiner: (v: unknown, o: unknown) => unknown,
  windows: JoinWindows,
  joined: StreamJoined<unknown, unknown, unknown>,
): KStream<unknown, unknown> {
  const t = ctx.topology;
  const l = left.repartitionRequired
    ? left.repartitionAs(
        ctx.newName('KSTREAM-JOIN-LEFT'),
        joined.keySerde ?? left.keySerde,
        joined.valueSerde ?? left.valueSerde,
      )
    : left;
  const r = right.repartitionRequired
    ? right.repartitionAs(
        ctx.newName('KSTREAM-JOIN-RIGHT'),
        joined.keySerde ?? right.keySerde,
        joined.otherValueSerde ?? right.valueSerde,
      )
    : right;
  const retentionMs = windows.beforeMs + windows.afterMs + windows.graceMs + 1;
  const ks = ctx.keySerde(joined.keySerde ?? l.keySerde);
  // Values are kept as a JSON list of [timestamp, base64 bytes] per key and timestamp, since
  // several records of one key may share a timestamp.
  const listSerde = Serdes.Json<[number, string | null][]>();
  const base = joined.storeName ?? ctx.newName('KSTREAM-JOINTHIS');
  const thisStore = `${base}-this-join-store`;
  const otherStore = `${base}-other-join-store`;
  const outerStore = `${base}-outer-shared-join-store`;
  const merge = ctx.newName('KSTREAM-MERGE');
  const lvs = ctx.valueSerde(joined.valueSerde ?? l.valueSerde);
  const rvs = ctx.valueSerde(joined.otherValueSerde ?? r.valueSerde);
  const side = (prefix: string, parent: string, mine: string, theirs: string, isLeft: boolean) => {
    const name = ctx.newName(prefix);
    const ownSerde = isLeft ? lvs : rvs;
    const otherSerde = isLeft ? rvs : lvs;
    const holdBack = kind === 'outer' || (kind === 'left' && isLeft);
    t.addProcessor(
      name,
      withStores([mine, theirs, outerStore], (c, [m, o, u]) => {
        const myStore = m as WindowStore<unknown, [number, string | null][]>;
        const otherStoreS = o as WindowStore<unknown, [number, string | null][]>;
        const unmatched = u as KeyValueStore<Buffer, Buffer>;
        return (rec) => {
          if (rec.key === null || rec.key === undefined || rec.value === null) return;
          const ts = rec.timestamp;
          const closeMs = c.currentStreamTimeMs() - windows.graceMs;
          // A record older than the join window plus grace is late: Kafka drops it.
          if (ts + Math.max(windows.beforeMs, windows.afterMs) < closeMs) return;
          const enc = (v: unknown, s: Serde<unknown>) =>
            s.serialize('', v)?.toString('base64') ?? null;
          const list = myStore.fetch(rec.key, ts) ?? [];
          list.push([ts, enc(rec.value, ownSerde)]);
          myStore.put(rec.key, list, ts);
          const from = isLeft ? ts - windows.beforeMs : ts - windows.afterMs;
          const to = isLeft ? ts + windows.afterMs : ts + windows.beforeMs;
          let matched = false;
          for (const { value } of otherStoreS.fetchRange(rec.key, from, to)) {
            for (const [ots, ov] of value) {
              matched = true;
              const other = otherSerde.deserialize(
                '',
                ov === null ? null : Buffer.from(ov, 'base64'),
              );
              // The other side's record joined now: it is no longer waiting as unmatched.
              unmatched.delete(unmatchedKey(!isLeft, ots, ks.serialize('', rec.key)!, ov));
              const out = isLeft ? joiner(rec.value, other) : joiner(other, rec.value);
              c.forward(rec.withValue(out).withTimestamp(Math.max(ts, ots)), merge);
            }
          }
          if (!matched && holdBack) {
            unmatched.put(
              unmatchedKey(isLeft, ts, ks.serialize('', rec.key)!, enc(rec.value, ownSerde)),
              Buffer.alloc(0),
            );
          }
          emitClosed(c.currentStreamTimeMs());
        };
        function emitClosed(streamTimeMs: number): void {
          const expireMs = streamTimeMs - windows.graceMs;
          for (const { key } of unmatched.all()) {
            const e = parseUnmatched(key);
            const end = e.timestamp + (e.isLeft ? windows.afterMs : windows.beforeMs);
            if (end >= expireMs) break;
            unmatched.delete(key);
            const k = ks.deserialize('', e.key);
            const v = (e.isLeft ? lvs : rvs).deserialize(
              '',
              e.value === null ? null : Buffer.from(e.value, 'base64'),
            );
            const out = e.isLeft ? joiner(v, null) : joiner(null, v);
            c.forward(new StreamRecord(k, out, e.timestamp), merge);
          }
        }
      }),
      parent,
    );
    return name;
  };
  const a = side('KSTREAM-JOINTHIS', l.node, thisStore, otherStore, true);
  const b = side('KSTREAM-JOINOTHER', r.node, otherStore, thisStore, false);
  t.addProcessor(
    merge,
    simple((c, rec) => c.forward(rec)),
    a,
    b,
  );
  t.addStateStore(Stores.windowStoreBuilder(thisStore, retentionMs, ks, listSerde), a);
  t.addStateStore(Stores.windowStoreBuilder(otherStore, retentionMs, ks, listSerde), b);
  t.addStateStore(Stores.keyValueStoreBuilder(outerStore, Serdes.Bytes(), Serdes.Bytes()), a, b);
  t.connectProcessorAndStateStores([a], otherStore);
  t.connectProcessorAndStateStores([b], thisStore);
  return new KStream(ctx, merge, l.keySerde, null, false);
}

/** Unmatched-record keys sort by timestamp first, so expired ones are found from the front. */
function unmatchedKey(
  isLeft: boolean,
  timestamp: number,
  key: Buffer,
  value: string | null,
): Buffer {
  const v = Buffer.from(JSON.stringify(value));
  const b = Buffer.alloc(8 + 1 + 4 + key.length + v.length);
  b.writeBigInt64BE(BigInt(timestamp), 0);
  b.writeUInt8(isLeft ? 1 : 0, 8);
  b.writeUInt32BE(key.length, 9);
  key.copy(b, 13);
  v.copy(b, 13 + key.length);
  return b;
}

function parseUnmatched(b: Buffer): {
  timestamp: number;
  isLeft: boolean;
  key: Buffer;
  value: string | null;
} {
  const keyLength = b.readUInt32BE(9);
  return {
    timestamp: Number(b.readBigInt64BE(0)),
    isLeft: b.readUInt8(8) === 1,
    key: b.subarray(13, 13 + keyLength),
    value: JSON.parse(b.subarray(13 + keyLength).toString()) as string | null,
  };
}

export type { Consumed };
