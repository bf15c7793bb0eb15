// The sliding-window aggregation (Kafka's KStreamSlidingWindowAggregate, KIP-450). Windows are
// [start, start + d], both ends inclusive, and exist only where records define them: a record at
// t has a left window [t - d, t] and, once a later record falls in (t, t + d + 1], a right window
// [t + 1, t + 1 + d]. The store keeps, per window, the aggregate and the largest record timestamp
// in it (Kafka's ValueAndTimestamp); emitted updates carry that timestamp. A record updates every
// existing window that holds it, then creates the windows it defines. Records earlier than d
// share the window [0, d], as in Kafka, since windows cannot start before 0.
import { StreamRecord } from '../processor.js';
import type { Serde } from '../serdes.js';
import type { Windowed, WindowStore } from '../state/window-store.js';
import { Stores } from '../stores.js';
import type { DslContext } from './context.js';
import type { Materialized } from './options.js';
import { withStores } from './processors.js';
import { addWindowedStore } from './time-aggregate.js';
import { valueAndTimestampSerde, type SlidingWindows, type ValueAndTimestamp } from './windows.js';

export interface SlidingAggregateSpec<K, V, VA> {
  windows: SlidingWindows;
  initializer: () => VA;
  aggregator: (key: K, value: V, aggregate: VA) => VA;
  materialized: Materialized<K, VA>;
  storeName: string;
  /** KSTREAM-AGGREGATE or KSTREAM-REDUCE, as Kafka names the processor. */
  prefix: string;
  /** The store was added by another input of the same cogroup: only connect to it. */
  shared?: boolean;
  keySerde: Serde<K>;
  valueSerde: Serde<VA>;
}

type Agg<VA> = ValueAndTimestamp<VA>;

export function addSlidingAggregate<K, V, VA>(
  ctx: DslContext,
  parent: string,
  spec: SlidingAggregateSpec<K, V, VA>,
): string {
  const { windows: w, storeName } = spec;
  const d = w.timeDifferenceMs;
  const name = ctx.newName(spec.prefix);
  let observedStreamTimeMs = -1;
  ctx.topology.addProcessor(
    name,
    withStores([storeName], (c, [s]) => {
      const store = s as WindowStore<K, Agg<VA>>;
      observedStreamTimeMs = -1;
      return (r) => {
        if (r.key === null || r.key === undefined || r.value === null) return;
        const ts = r.timestamp;
        observedStreamTimeMs = Math.max(observedStreamTimeMs, c.currentStreamTimeMs(), ts);
        const closeMs = observedStreamTimeMs - w.graceMs;
        // Even the record's right window has closed: late.
        if (ts + 1 + d <= closeMs) return;
        const run: Run<K, V, VA> = {
          key: r.key as K,
          value: r.value as V,
          ts,
          closeMs,
          store,
          spec,
          forward: (startMs, newValue, timestamp) => {
            const key: Windowed<K> = { key: r.key as K, window: { startMs, endMs: startMs + d } };
            c.forward(new StreamRecord(key, { newValue, oldValue: null }, timestamp, r.headers));
          },
        };
        if (ts < d) processEarly(run);
        else processRecord(run);
      };
    }),
    parent,
  );
  const m = spec.materialized;
  addWindowedStore(ctx, name, spec as SlidingAggregateSpec<unknown, unknown, unknown>, () =>
    (m.storeType === 'PERSISTENT'
      ? Stores.persistentWindowStoreBuilder
      : Stores.windowStoreBuilder)(
      storeName,
      m.retentionMs ?? 2 * d + w.graceMs,
      spec.keySerde,
      valueAndTimestampSerde(spec.valueSerde),
    ),
  );
  return name;
}

interface Run<K, V, VA> {
  key: K;
  value: V;
  ts: number;
  closeMs: number;
  store: WindowStore<K, Agg<VA>>;
  spec: SlidingAggregateSpec<K, V, VA>;
  forward: (startMs: number, value: VA, timestamp: number) => void;
}

/**
 * Walks the key's windows from the newest start back (as Kafka does with a reverse iterator, so
 * updates come out in the same order), updating those that hold the record.
 */
function processRecord<K, V, VA>(run: Run<K, V, VA>): void {
  const d = run.spec.windows.timeDifferenceMs;
  const { ts } = run;
  const starts = new Set<number>();
  let leftAgg: Agg<VA> | null = null;
  let rightAgg: Agg<VA> | null = null;
  let leftCreated = false;
  let rightCreated = false;
  let previousTs: number | null = null;
  const windows = run.store.fetchRange(run.key, Math.max(0, ts - 2 * d), ts + 1).reverse();
  for (const { windowStartMs: start, value } of windows) {
    starts.add(start);
    const end = start + d;
    if (start === ts + 1) {
      rightCreated = true;
    } else if (end > ts) {
      rightAgg ??= value;
      update(run, start, value);
    } else if (end === ts) {
      leftCreated = true;
      update(run, start, value);
      // The left window already holds a record at or after this one: nothing more to create.
      if (value.timestamp >= ts) return;
      previousTs = value.timestamp;
    } else {
      leftAgg = value;
      previousTs = value.timestamp;
      break;
    }
  }
  createWindows(run, { starts, leftAgg, rightAgg, leftCreated, rightCreated, previousTs });
}

function createWindows<K, V, VA>(
  run: Run<K, V, VA>,
  o: {
    starts: Set<number>;
    leftAgg: Agg<VA> | null;
    rightAgg: Agg<VA> | null;
    leftCreated: boolean;
    rightCreated: boolean;
    previousTs: number | null;
  },
): void {
  const d = run.spec.windows.timeDifferenceMs;
  const { ts } = run;
  // The previous record's right window, if this record falls in it and it does not exist yet.
  if (o.previousTs !== null) {
    const start = o.previousTs + 1;
    if (!o.starts.has(start) && start + d >= ts) update(run, start, null);
  }
  if (!o.leftCreated) {
    const leftNotEmpty = o.previousTs !== null && ts - d <= o.previousTs;
    const base = leftNotEmpty && o.leftAgg !== null ? o.leftAgg : null;
    update(run, ts - d, base === null ? null : { value: base.value, timestamp: ts });
  }
  if (!o.rightCreated && o.rightAgg !== null && o.rightAgg.timestamp > ts)
    createRightWindow(run, o.rightAgg);
}

/** Records before d: they all share [0, d]; their right windows are made as in Kafka. */
function processEarly<K, V, VA>(run: Run<K, V, VA>): void {
  const { ts } = run;
  let combined: { start: number; value: Agg<VA> } | null = null;
  let rightAgg: Agg<VA> | null = null;
  let rightCreated = false;
  let previousTs: number | null = null;
  const starts = new Set<number>();
  for (const { windowStartMs: start, value } of run.store.fetchRange(run.key, 0, ts + 1)) {
    starts.add(start);
    if (start === 0) {
      combined = { start, value };
      if (value.timestamp < ts) previousTs = value.timestamp;
    } else if (start <= ts) {
      rightAgg = value;
      update(run, start, value);
    } else if (start === ts + 1) {
      rightCreated = true;
    }
  }
  if (rightAgg === null && combined !== null && combined.value.timestamp > ts)
    rightAgg = combined.value;
  if (!rightCreated && rightAgg !== null && rightAgg.timestamp > ts)
    createRightWindow(run, rightAgg);
  if (previousTs !== null && !starts.has(previousTs + 1)) update(run, previousTs + 1, null);
  update(run, 0, combined === null ? null : combined.value);
}

/** The record's right window starts with what the next records already aggregated. */
function createRightWindow<K, V, VA>(run: Run<K, V, VA>, agg: Agg<VA>): void {
  run.store.put(run.key, agg, run.ts + 1);
  run.forward(run.ts + 1, agg.value, agg.timestamp);
}

/** Adds the record to the window starting at start (null: a new, empty one) unless closed. */
function updateWindow<K, V, VA>(run: Run<K, V, VA>, start: number, agg: Agg<VA> | null): void {
  const d = run.spec.windows.timeDifferenceMs;
  if (start + d < run.closeMs) return; // the window has closed: Kafka drops the update
  const old = agg === null ? run.spec.initializer() : agg.value;
  const value = run.spec.aggregator(run.key, run.value, old);
  const timestamp = agg === null ? run.ts : Math.max(run.ts, agg.timestamp);
  run.store.put(run.key, { value, timestamp }, start);
  run.forward(start, value, timestamp);
}

const update = updateWindow;
