// The checker of the cluster fault tests: every record a producer had acknowledged is in the
// log exactly once, at the offset its acknowledgement named, in produce order per partition;
// and replicas agree byte for byte on every batch they hold at the same offset in the same
// leader epoch (two leaders writing in one epoch would break that).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { confluent } from '../../interop/support/clients.js';

/** A delivery report of acked_producer.py: partition, offset, value, error name or null. */
export interface Report {
  p: number;
  o: number;
  v: string;
  e: string | null;
}

/** Reads the topic from offset 0 and checks every acknowledged record (see the file note). */
export async function checkAcknowledged(
  bootstrap: string,
  topic: { name: string; partitions: number },
  reports: readonly Report[],
): Promise<{ acked: number; read: number }> {
  const acked = reports.filter((r) => r.e === null);
  const read = await confluent<{
    messages: { partition: number; offset: number; value: string }[];
  }>(
    'consume',
    {
      bootstrap,
      topic: topic.name,
      offsets: Object.fromEntries(Array.from({ length: topic.partitions }, (_, p) => [p, 0])),
      count: reports.length + 1,
      stop_at_eof: true,
      timeout: 90,
    },
    120_000,
  );
  const values = read.messages.map((m) => m.value);
  assert.equal(new Set(values).size, values.length, 'no record is stored twice');
  const at = new Map(read.messages.map((m) => [`${m.partition}@${m.offset}`, m.value]));
  const missing = acked.filter((r) => at.get(`${r.p}@${r.o}`) !== r.v);
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged records missing`);
  // Values are "<prefix><partition>-<n>": per producer (prefix) and partition, n ascends.
  const sequences = new Map<string, number[]>();
  for (const m of read.messages) {
    const dash = m.value.lastIndexOf('-');
    const key = `${m.value.slice(0, dash)}@${m.partition}`;
    sequences.set(key, [...(sequences.get(key) ?? []), Number(m.value.slice(dash + 1))]);
  }
  for (const [key, seqs] of sequences) {
    const sorted = [...seqs].sort((x, y) => x - y);
    assert.deepEqual(seqs, sorted, `${key} is in the order it was produced`);
  }
  return { acked: acked.length, read: read.messages.length };
}

/** Batches of a partition's log in one broker's data dir: base offset → (leader epoch, bytes). */
export function batchesOnDisk(
  brokerDir: string,
  topic: string,
  partition: number,
): Map<bigint, [number, Buffer]> {
  const find = (dir: string): string | null => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (!statSync(path).isDirectory()) continue;
      if (name === `${topic}-${partition}`) return path;
      const below = find(path);
      if (below !== null) return below;
    }
    return null;
  };
  const out = new Map<bigint, [number, Buffer]>();
  const dir = existsSync(brokerDir) ? find(brokerDir) : null;
  if (dir === null) return out;
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .sort()) {
    const bytes = readFileSync(join(dir, name));
    let at = 0;
    // baseOffset int64, batchLength int32, partitionLeaderEpoch int32, …
    while (at + 17 <= bytes.length) {
      const size = 12 + bytes.readInt32BE(at + 8);
      if (size <= 12 || at + size > bytes.length) break;
      const batch = bytes.subarray(at, at + size);
      out.set(batch.readBigInt64BE(0), [batch.readInt32BE(12), batch]);
      at += size;
    }
  }
  return out;
}

/** Replicas agree on every batch of the same offset and leader epoch; returns how many. */
export function checkReplicasAgree(
  clusterDir: string,
  topic: { name: string; partitions: number },
  nodeIds: readonly number[],
): number {
  let compared = 0;
  for (let p = 0; p < topic.partitions; p++) {
    const logs = nodeIds.map((id) =>
      batchesOnDisk(join(clusterDir, `broker-${id}`), topic.name, p),
    );
    for (let i = 0; i < logs.length; i++) {
      for (let j = i + 1; j < logs.length; j++) {
        for (const [offset, [epoch, bytes]] of logs[i]!) {
          const other = logs[j]!.get(offset);
          if (other === undefined || other[0] !== epoch) continue;
          compared++;
          assert.ok(
            bytes.equals(other[1]),
            `${topic.name}-${p} offset ${offset} epoch ${epoch}: brokers ${nodeIds[i]} and ${nodeIds[j]} differ`,
          );
        }
      }
    }
  }
  return compared;
}
