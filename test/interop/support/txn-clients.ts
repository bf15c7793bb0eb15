// Helpers of the transaction interop tests: confluent-kafka-python transactional producers
// (txn_tool.py) and reading a topic to its end with a chosen isolation level.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { confluent, run } from './clients.js';

const here = dirname(fileURLToPath(import.meta.url));
// Python tools are read from the source tree, next to this file's source.
const TXN_TOOL = join(here, '..', '..', '..', '..', 'test', 'interop', 'support', 'txn_tool.py');

export interface TxnError {
  name: string;
  fatal: boolean;
  abortable: boolean;
}

/** Runs an operation of txn_tool.py. */
export async function txnTool<T>(op: string, args: object, timeoutMs = 60_000): Promise<T> {
  const r = await run('/usr/bin/python3', [TXN_TOOL, op, JSON.stringify(args)], { timeoutMs });
  if (r.code !== 0) {
    throw new Error(`txn_tool.py ${op} exited ${r.code}:\n${r.stderr.slice(-4000)}`);
  }
  return JSON.parse(r.stdout) as T;
}

/** Every value of `topic` (partitions 0..partitions-1), read to the end, sorted. */
export async function readAll(
  bootstrap: string,
  topic: string,
  isolation: 'read_committed' | 'read_uncommitted',
  partitions = 2,
): Promise<string[]> {
  const { messages } = await confluent<{ messages: { value: string | null }[] }>('consume', {
    bootstrap,
    topic,
    offsets: Object.fromEntries(Array.from({ length: partitions }, (_, p) => [p, 0])),
    count: 1_000_000,
    stop_at_eof: true,
    timeout: 30,
    config: { 'isolation.level': isolation },
  });
  return messages.map((m) => m.value ?? '').sort();
}
