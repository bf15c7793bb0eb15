// Small helpers to write the DSL's processors: each DSL node is one processor whose process()
// is a closure over its context and stores.
import { StreamRecord, type Processor, type ProcessorContext } from '../processor.js';
import { CachingKeyValueStore } from '../state/caching-key-value-store.js';
import type { StateStore } from '../state/state-store.js';

export type ProcessFn = (ctx: ProcessorContext, record: StreamRecord<unknown, unknown>) => void;

/** A processor whose behaviour is one function of its context and record. */
export function simple(fn: ProcessFn): () => Processor<unknown, unknown, unknown, unknown> {
  return () => {
    let ctx: ProcessorContext;
    return {
      init: (c) => (ctx = c as ProcessorContext),
      process: (r) => fn(ctx, r),
    };
  };
}

/** A processor that first looks up its stores by name. */
export function withStores(
  storeNames: string[],
  make: (
    ctx: ProcessorContext,
    stores: StateStore[],
  ) => (r: StreamRecord<unknown, unknown>) => void,
): () => Processor<unknown, unknown, unknown, unknown> {
  return () => {
    let process: (r: StreamRecord<unknown, unknown>) => void = () => {};
    return {
      init: (c) => {
        const ctx = c as ProcessorContext;
        process = make(
          ctx,
          storeNames.map((n) => ctx.getStateStore(n)),
        );
      },
      process: (r) => process(r),
    };
  };
}

/**
 * Makes a cached store forward `{ newValue, oldValue }` changes from its node when it flushes
 * them (Kafka's TimestampedCacheFlushListener); true when it will, so the processor does not
 * forward by itself.
 */
export function forwardOnFlush(ctx: ProcessorContext, store: StateStore): boolean {
  if (!(store instanceof CachingKeyValueStore)) return false;
  return (store as CachingKeyValueStore<unknown, unknown>).setFlushListener(
    (key, newValue, oldValue, timestampMs) =>
      ctx.forward(new StreamRecord(key, { newValue, oldValue }, timestampMs)),
  );
}
