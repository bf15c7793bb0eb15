// Loading damaged partition folders: random byte flips, truncations and lost files in log and
// index files. Recovery must never throw, must serve only whole, CRC-valid batches with
// growing offsets, and must keep every batch before the first damaged byte. (A batch's base
// offset and leader epoch are outside its CRC, as in Kafka: a flipped bit there can pass as
// long as offsets still grow; the records served are still real ones.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_LOG_CONFIG,
  MemoryFileSystem,
  PartitionLog,
  resolveLogConfig,
} from '../../src/storage/index.js';
import { batchesOf, makeBatch, mulberry32 } from './helpers.js';

const DIR = '/data/dmg-0';
const config = resolveLogConfig(DEFAULT_LOG_CONFIG, {
  segmentBytes: 2000,
  indexIntervalBytes: 100,
});

async function buildDisk(): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  const log = await PartitionLog.open({ fs, dir: DIR, topic: 'dmg', partition: 0, config });
  for (let i = 0; i < 120; i++) {
    await log.append(
      makeBatch({ records: 1 + (i % 3), payloadBytes: 10 + ((i * 37) % 150), fill: i }),
    );
  }
  await log.close();
  return fs;
}

async function readAll(log: PartitionLog): Promise<number[]> {
  const bases: number[] = [];
  let offset = log.logStartOffset;
  // batchesOf checks every CRC.
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, { maxBytes: 1 << 20 });
    assert.equal(r.error, null);
    if (r.records.length === 0) break;
    for (const h of batchesOf(r.records)) {
      if (bases.length > 0) assert.ok(h.baseOffsetNumber > bases[bases.length - 1]!);
      bases.push(h.baseOffsetNumber);
      offset = h.lastOffsetNumber + 1;
    }
  }
  return bases;
}

test('damaged files: recovery never throws, serves only valid batches, keeps the good prefix', async () => {
  const pristine = await buildDisk();
  const reference = await PartitionLog.open({
    fs: pristine.crash(),
    dir: DIR,
    topic: 'dmg',
    partition: 0,
    config,
    cleanShutdown: true,
  });
  const all = await readAll(reference);
  assert.equal(all.length, 120);
  const rand = mulberry32(42);
  const int = (n: number): number => Math.floor(rand() * n);
  for (let round = 0; round < 150; round++) {
    const fs = pristine.crash();
    const names = (await fs.readdir(DIR)).filter((n) => /\.(log|index|timeindex)$/.test(n));
    const damagedLog = new Set<string>();
    for (let k = 0; k < 1 + int(3); k++) {
      const name = names[int(names.length)]!;
      const path = `${DIR}/${name}`;
      const contents = fs.peek(path);
      if (!contents) continue;
      const size = contents.length;
      const what = rand();
      if (what < 0.6 && size > 0) fs.poke(path, int(size), Buffer.from([int(256)]));
      else if (what < 0.85) {
        const f = await fs.open(path);
        await f.truncate(int(size + 1));
        await f.close();
      } else await fs.unlink(path);
      if (name.endsWith('.log')) damagedLog.add(name);
    }
    // Damaged log bytes are only caught by a recovery scan; damaged indexes must be caught always.
    const cleanShutdown = damagedLog.size === 0 && rand() < 0.5;
    const log = await PartitionLog.open({
      fs,
      dir: DIR,
      topic: 'dmg',
      partition: 0,
      config,
      cleanShutdown,
    });
    const bases = await readAll(log);
    const firstDamaged = Math.min(...[...damagedLog].map((n) => Number(n.slice(0, 20))));
    const intact = all.filter((b) => b < firstDamaged);
    assert.deepEqual(bases.slice(0, intact.length), intact, `round ${round}: good prefix kept`);
    for (const b of bases.filter((x) => x < firstDamaged))
      assert.ok(all.includes(b), `round ${round}: ${b}`);
    assert.ok((await log.append(makeBatch())).baseOffset >= bases.length);
  }
});
