// Runs a produce load on a worker thread so that the load generator does not share the
// server's event loop: `inWorker(options)` resolves with the worker's LoadResult.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runProduceLoad, type LoadResult, type ProduceLoadOptions } from './produce-load.js';

export function inWorker(options: ProduceLoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: options });
    worker.once('message', (result: LoadResult | { error: string }) => {
      if ('error' in result) reject(new Error(result.error));
      else resolve(result);
    });
    worker.once('error', reject);
  });
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  runProduceLoad(workerData as ProduceLoadOptions).then(
    (result) => port.postMessage(result),
    (err: Error) => port.postMessage({ error: err.message }),
  );
}
