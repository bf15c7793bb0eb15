#!/usr/bin/env node
// `npm run soak -- --seed N --minutes M`: the cluster nemesis test (test/cluster/nemesis.test.ts)
// alone, for as long as asked, with a chosen seed (random when none is given; it is printed,
// so a failure replays with --seed). Not part of `npm test` beyond its short CI run.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const seed = value('--seed') ?? String(Math.floor(Math.random() * 2 ** 31));
const minutes = value('--minutes') ?? '10';
if (!/^\d+$/.test(seed) || !(Number(minutes) > 0)) {
  console.error('usage: npm run soak -- [--seed N] [--minutes M]');
  process.exit(2);
}
console.log(`soak: seed ${seed}, ${minutes} min`);
const result = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', 'dist/test/cluster/nemesis.test.js'],
  {
    stdio: 'inherit',
    env: { ...process.env, RIVULET_NEMESIS_SEED: seed, RIVULET_NEMESIS_MINUTES: minutes },
  },
);
if (result.status !== 0) console.error(`soak failed: replay with npm run soak -- --seed ${seed}`);
process.exit(result.status ?? 1);
