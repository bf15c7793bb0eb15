// KTable.groupBy and its aggregations (Kafka's KTableRepartitionMap, KTableAggregate and
// KTableReduce). A table update (old value → new value) re-keys both values with the selector;
// the old pair goes out as a subtraction and the new pair as an addition, each through the
// repartition topic `<application.id>-<store or Grouped name>-repartition`, so every
// aggregate sees a row leave the group it was in and join the one it is in now. When both pairs
// have the same key they travel as one change (KIP-904), and the aggregate subtracts the old
// value, then adds the new one.
import type { Serde } from '../serdes.js';
import type { KeyValue, KeyValueStore } from '../state/key-value-store.js';
import type { Change, DslContext } from './context.js';
import { simple, withStores } from './processors.js';

/** The selector's processor (KTABLE-SELECT): re-keyed changes, old first. */
export function addTableSelect<K, V, K2, V2>(
  ctx: DslContext,
  parent: string,
  selector: (key: K, value: V) => KeyValue<K2, V2>,
): string {
  const name = ctx.newName('KTABLE-SELECT');
  ctx.topology.addProcessor(
    name,
    simple((c, r) => {
      const ch = r.value as Change<V>;
      const pair = (v: V | null) => {
        if (v === null) return null;
        const kv = selector(r.key as K, v);
        return kv.key === null || kv.key === undefined || kv.value === null ? null : kv;
      };
      const oldPair = pair(ch.oldValue);
      const newPair = pair(ch.newValue);
      if (oldPair !== null && newPair !== null && sameKey(oldPair.key, newPair.key)) {
        c.forward(
          r.withKey(newPair.key).withValue({ newValue: newPair.value, oldValue: oldPair.value }),
        );
        return;
      }
      if (oldPair !== null)
        c.forward(r.withKey(oldPair.key).withValue({ newValue: null, oldValue: oldPair.value }));
      if (newPair !== null)
        c.forward(r.withKey(newPair.key).withValue({ newValue: newPair.value, oldValue: null }));
    }),
    parent,
  );
  return name;
}

function sameKey(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (typeof a === 'object' && a !== null) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

/**
 * Change values on the repartition topic: each side as a 4-byte length (-1: null) and its
 * bytes, new value first.
 */
export function changeSerde<V>(inner: Serde<V>): Serde<Change<V>> {
  return {
    serialize: (topic, ch) => {
      if (ch === null) return null;
      const parts = [ch.newValue, ch.oldValue].map((v) =>
        v === null ? null : inner.serialize(topic, v),
      );
      const out: Buffer[] = [];
      for (const p of parts) {
        const len = Buffer.alloc(4);
        len.writeInt32BE(p === null ? -1 : p.length);
        out.push(len, ...(p === null ? [] : [p]));
      }
      return Buffer.concat(out);
    },
    deserialize: (topic, b) => {
      if (b === null) return null;
      const values: (V | null)[] = [];
      let at = 0;
      for (let i = 0; i < 2; i++) {
        const len = b.readInt32BE(at);
        at += 4;
        values.push(len < 0 ? null : inner.deserialize(topic, b.subarray(at, at + len)));
        at += Math.max(len, 0);
      }
      return { newValue: values[0] ?? null, oldValue: values[1] ?? null };
    },
  };
}

/** Writes the re-keyed changes to the repartition topic and reads them back. */
export function addTableRepartition<K2, V2>(
  ctx: DslContext,
  parent: string,
  base: string,
  keySerde: Serde<K2>,
  valueSerde: Serde<V2>,
): string {
  const t = ctx.topology;
  const topic = `${base}-repartition`;
  t.internalTopics.set(topic, { kind: 'repartition', partitions: null });
  const vs = changeSerde(valueSerde);
  const sink = ctx.newName('KSTREAM-SINK');
  const source = ctx.newName('KSTREAM-SOURCE');
  t.addSink(sink, topic, { keySerializer: keySerde, valueSerializer: vs }, parent);
  t.addSource(source, topic, { keyDeserializer: keySerde, valueDeserializer: vs });
  return source;
}

/**
 * The aggregation of re-keyed changes: subtract the old value (when the key had an aggregate),
 * then add the new one (starting from the initializer when there was none). The result is
 * stored and emitted as a change of the aggregate table.
 */
export function addTableAggregate<K, V, VA>(
  ctx: DslContext,
  parent: string,
  spec: {
    prefix: string;
    storeName: string;
    initializer: () => VA | null;
    adder: (key: K, value: V, aggregate: VA | null) => VA;
    subtractor: (key: K, value: V, aggregate: VA) => VA;
  },
): string {
  const name = ctx.newName(spec.prefix);
  ctx.topology.addProcessor(
    name,
    withStores([spec.storeName], (c, [s]) => {
      const store = s as KeyValueStore<K, VA>;
      return (r) => {
        if (r.key === null || r.key === undefined) return;
        const key = r.key as K;
        const ch = r.value as Change<V>;
        const oldAgg = store.get(key);
        const intermediate =
          ch.oldValue !== null && oldAgg !== null
            ? spec.subtractor(key, ch.oldValue, oldAgg)
            : oldAgg;
        const newAgg =
          ch.newValue !== null
            ? spec.adder(key, ch.newValue, intermediate ?? spec.initializer())
            : intermediate;
        store.put(key, newAgg);
        c.forward(r.withValue({ newValue: newAgg, oldValue: oldAgg }));
      };
    }),
    parent,
  );
  return name;
}
