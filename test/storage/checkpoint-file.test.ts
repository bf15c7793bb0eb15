import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../src/storage/index.js';
import { readCheckpoint, writeCheckpoint } from '../../src/storage/checkpoint-file.js';

test('checkpoints round-trip in Kafka text format', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/d');
  await writeCheckpoint(fs, '/d/cp', [
    { topic: 'a-b', partition: 3, offset: 42 },
    { topic: 'x', partition: 0, offset: 0 },
  ]);
  assert.equal(fs.peek('/d/cp')!.toString(), '0\n2\na-b 3 42\nx 0 0\n');
  assert.deepEqual(
    [...(await readCheckpoint(fs, '/d/cp'))],
    [
      ['a-b-3', 42],
      ['x-0', 0],
    ],
  );
  assert.equal((await readCheckpoint(fs, '/d/missing')).size, 0);
  fs.poke('/d/cp', 0, Buffer.from('9'));
  assert.equal((await readCheckpoint(fs, '/d/cp')).size, 0, 'an unknown version reads as empty');
});

test('a crash while writing a checkpoint leaves the old or the new file, never a torn one', async () => {
  for (let budget = 0; budget < 40; budget += 3) {
    const fs = new MemoryFileSystem();
    await fs.mkdir('/d');
    await writeCheckpoint(fs, '/d/cp', [{ topic: 't', partition: 0, offset: 1 }]);
    fs.crashAfterBytes(budget);
    await writeCheckpoint(fs, '/d/cp', [{ topic: 't', partition: 0, offset: 123456 }]).catch(
      () => undefined,
    );
    for (const pick of [0, 0.5, 0.999]) {
      const after = fs.crash({ random: () => pick });
      const offset = (await readCheckpoint(after, '/d/cp')).get('t-0');
      assert.ok(offset === 1 || offset === 123456, `budget ${budget}: read ${offset}`);
    }
  }
});
