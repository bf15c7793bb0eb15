// The session-window aggregation (Kafka's KStreamSessionWindowAggregate). A record of key k at
// time t finds the sessions of k that end at or after t - gap and start at or before t + gap,
// merges them with the record into one session [min start, max end], and emits the change:
// each merged-away session as a tombstone (its key no longer exists), then the merged session
// with its new aggregate. Emitted records carry the session's end as their timestamp. A record
// whose merged session would end before stream time minus grace is late and dropped.
import { StreamRecord } from '../processor.js';
import type { Serde } from '../serdes.js';
import type { SessionStore } from '../state/session-store.js';
import type { Windowed } from '../state/window-store.js';
import { Stores } from '../stores.js';
import type { DslContext } from './context.js';
import type { Materialized } from './options.js';
import { withStores } from './processors.js';
import { addWindowedStore } from './time-aggregate.js';
import type { SessionWindows } from './windows.js';

export interface SessionAggregateSpec<K, V, VA> {
  windows: SessionWindows;
  initializer: () => VA;
  aggregator: (key: K, value: V, aggregate: VA) => VA;
  merger: (key: K, aggOne: VA, aggTwo: VA) => VA;
  materialized: Materialized<K, VA>;
  storeName: string;
  /** KSTREAM-AGGREGATE or KSTREAM-REDUCE, as Kafka names the processor. */
  prefix: string;
  /** The store was added by another input of the same cogroup: only connect to it. */
  shared?: boolean;
  keySerde: Serde<K>;
  valueSerde: Serde<VA>;
}

/** Adds the aggregating processor and its session store; returns the processor's name. */
export function addSessionAggregate<K, V, VA>(
  ctx: DslContext,
  parent: string,
  spec: SessionAggregateSpec<K, V, VA>,
): string {
  const { windows: w, initializer, aggregator, merger, storeName } = spec;
  const name = ctx.newName(spec.prefix);
  let observedStreamTimeMs = -1;
  ctx.topology.addProcessor(
    name,
    withStores([storeName], (c, [s]) => {
      const store = s as SessionStore<K, VA>;
      observedStreamTimeMs = -1;
      return (r) => {
        // Kafka skips records with a null key here; a null value still counts.
        if (r.key === null || r.key === undefined) return;
        const key = r.key as K;
        const ts = r.timestamp;
        observedStreamTimeMs = Math.max(observedStreamTimeMs, c.currentStreamTimeMs(), ts);
        const closeMs = observedStreamTimeMs - w.graceMs;
        const found = store.findSessions(key, ts - w.inactivityGapMs, ts + w.inactivityGapMs);
        let agg = initializer();
        let startMs = ts;
        let endMs = ts;
        for (const f of found) {
          agg = merger(key, agg, f.value);
          startMs = Math.min(startMs, f.key.window.startMs);
          endMs = Math.max(endMs, f.key.window.endMs);
        }
        if (endMs < closeMs) return; // late: the merged session has closed
        const forward = (k: Windowed<K>, newValue: VA | null, oldValue: VA | null) =>
          c.forward(new StreamRecord(k, { newValue, oldValue }, k.window.endMs, r.headers));
        if (startMs !== ts || endMs !== ts) {
          for (const f of found) {
            store.remove(f.key);
            forward(f.key, null, f.value);
          }
        }
        agg = aggregator(key, r.value as V, agg);
        const session: Windowed<K> = { key, window: { startMs, endMs } };
        store.put(session, agg);
        forward(session, agg, null);
      };
    }),
    parent,
  );
  const m = spec.materialized;
  addWindowedStore(ctx, name, spec as SessionAggregateSpec<unknown, unknown, unknown>, () =>
    (m.storeType === 'PERSISTENT'
      ? Stores.persistentSessionStoreBuilder
      : Stores.sessionStoreBuilder)(
      storeName,
      m.retentionMs ?? w.inactivityGapMs + w.graceMs,
      spec.keySerde,
      spec.valueSerde,
    ),
  );
  return name;
}
