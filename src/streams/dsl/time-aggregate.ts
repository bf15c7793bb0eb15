// The tumbling and hopping window aggregation (Kafka's KStreamWindowAggregate): a record is
// added to every window holding its timestamp, unless that window has closed (its end is at or
// before stream time minus grace); records for closed windows are dropped as late.
import { StreamRecord } from '../processor.js';
import type { Serde } from '../serdes.js';
import type { StoreBuilder } from '../state/state-store.js';
import type { Windowed, WindowStore } from '../state/window-store.js';
import { Stores } from '../stores.js';
import type { DslContext } from './context.js';
import type { Materialized } from './options.js';
import { withStores } from './processors.js';
import type { TimeWindows } from './windows.js';

export interface TimeAggregateSpec<K, V, VA> {
  windows: TimeWindows;
  initializer: () => VA;
  aggregator: (key: K, value: V, aggregate: VA) => VA;
  materialized: Materialized<K, VA>;
  storeName: string;
  /** KSTREAM-AGGREGATE, or COGROUPKSTREAM-AGGREGATE for one input of a cogroup. */
  prefix: string;
  keySerde: Serde<K>;
  valueSerde: Serde<VA>;
  /** The store was added by another input of the same cogroup: only connect to it. */
  shared?: boolean;
}

export function addTimeWindowAggregate<K, V, VA>(
  ctx: DslContext,
  parent: string,
  spec: TimeAggregateSpec<K, V, VA>,
): string {
  const { windows: w, initializer, aggregator } = spec;
  const name = ctx.newName(spec.prefix);
  let observedStreamTimeMs = -1;
  ctx.topology.addProcessor(
    name,
    withStores([spec.storeName], (c, [s]) => {
      const store = s as WindowStore<K, VA>;
      observedStreamTimeMs = -1;
      return (r) => {
        if (r.key === null || r.key === undefined || r.value === null) return;
        observedStreamTimeMs = Math.max(observedStreamTimeMs, c.currentStreamTimeMs(), r.timestamp);
        const closeMs = observedStreamTimeMs - w.graceMs;
        for (const win of w.windowsFor(r.timestamp)) {
          if (win.endMs <= closeMs) continue;
          const oldValue = store.fetch(r.key as K, win.startMs);
          const newValue = aggregator(r.key as K, r.value as V, oldValue ?? initializer());
          store.put(r.key as K, newValue, win.startMs);
          const key: Windowed<K> = { key: r.key as K, window: win };
          c.forward(new StreamRecord(key, { newValue, oldValue }, r.timestamp, r.headers));
        }
      };
    }),
    parent,
  );
  const m = spec.materialized;
  addWindowedStore(ctx, name, spec, () =>
    (m.storeType === 'PERSISTENT'
      ? Stores.persistentWindowStoreBuilder
      : Stores.windowStoreBuilder)(
      spec.storeName,
      m.retentionMs ?? w.sizeMs + w.graceMs,
      spec.keySerde,
      spec.valueSerde,
    ),
  );
  return name;
}

/** Adds a windowed aggregation's store (logged unless disabled), or connects to a shared one. */
export function addWindowedStore(
  ctx: DslContext,
  processor: string,
  spec: { storeName: string; materialized: Materialized<unknown, unknown>; shared?: boolean },
  build: () => StoreBuilder,
): void {
  if (spec.shared === true) {
    ctx.topology.connectProcessorAndStateStores([processor], spec.storeName);
    return;
  }
  const m = spec.materialized;
  const builder = build();
  if (m.loggingEnabled === false) builder.withLoggingDisabled();
  else builder.withLoggingEnabled({ ...(m.logConfig ?? {}) });
  ctx.topology.addStateStore(builder, processor);
}
