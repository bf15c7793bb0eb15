// Small helpers to write the DSL's processors: each DSL node is one processor whose process()
// is a closure over its context and stores.
import type { Processor, ProcessorContext, StreamRecord } from '../processor.js';
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
