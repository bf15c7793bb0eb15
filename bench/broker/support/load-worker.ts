// Runs a load on a worker thread so that the load generator does not share the server's
// event loop: `inWorker('produce', options)` resolves with the worker's result.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runFetchLoad, type FetchLoadOptions, type FetchLoadResult } from './fetch-load.js';
import { runProduceLoad, type LoadResult, type ProduceLoadOptions } from './produce-load.js';

interface Loads {
  produce: [ProduceLoadOptions, LoadResult];
  fetch: [FetchLoadOptions, FetchLoadResult];
}

export function inWorker<K extends keyof Loads>(
  kind: K,
  options: Loads[K][0],
): Promise<Loads[K][1]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { kind, options } });
    worker.once('message', (result: Loads[K][1] | { error: string }) => {
      if ('error' in result) reject(new Error(result.error));
      else resolve(result);
    });
    worker.once('error', reject);
  });
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  const { kind, options } = workerData as { kind: keyof Loads; options: never };
  const run = kind === 'produce' ? runProduceLoad(options) : runFetchLoad(options);
  run.then(
    (result) => port.postMessage(result),
    (err: Error) => port.postMessage({ error: err.message }),
  );
}
