// Window and session stores: put and fetch ops/s of the in-memory and the persistent (LMDB)
// stores, against a plain Map keyed by "<key>@<window start>" in the same run (the floor any
// store pays for serdes and ordering sits above). Then sliding- and session-window counts
// through the TopologyTestDriver, as records/s against a tumbling-window count of the same
// records (the simplest windowed aggregation).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Consumed,
  InMemorySessionStore,
  InMemoryWindowStore,
  LmdbSessionStore,
  LmdbWindowStore,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  TimeWindows,
  TopologyTestDriver,
  type StateStore,
  type Topology,
} from '../../src/streams/index.js';
import { fmt } from '../broker/support/servers.js';

const OPS = 50_000;
const KEYS = 500;
const S = Serdes.String();
const L = Serdes.Long();
const dir = await mkdtemp(join(tmpdir(), 'rivulet-bench-windows-'));
const context = { changeLogger: null, streamTimeMs: () => -1, stateDir: dir };

function rate(fn: () => void): number {
  const start = performance.now();
  fn();
  return OPS / ((performance.now() - start) / 1000);
}

// Windows of 1 s, a new one every 10 ms per key: a store holds up to 100 windows per key.
const key = (i: number) => `key${i % KEYS}`;
const start = (i: number) => Math.floor(i / KEYS) * 10;

const map = new Map<string, number>();
const mapPut = rate(() => {
  for (let i = 0; i < OPS; i++) map.set(`${key(i)}@${start(i)}`, i);
});
let sink = 0;
const mapGet = rate(() => {
  for (let i = 0; i < OPS; i++) sink += map.get(`${key(i)}@${start(i)}`) ?? 0;
});
console.log(`Map put: ${fmt(mapPut, 0)} ops/s, get: ${fmt(mapGet, 0)} ops/s (baseline)`);

async function windowStore(
  name: string,
  store: InMemoryWindowStore<string, number>,
): Promise<void> {
  store.init(context);
  const put = rate(() => {
    for (let i = 0; i < OPS; i++) store.put(key(i), i, start(i));
  });
  const get = rate(() => {
    for (let i = 0; i < OPS; i++) sink += store.fetch(key(i), start(i)) ?? 0;
  });
  console.log(
    `${name} window store put: ${fmt(put, 0)} ops/s (${fmt(put / mapPut, 3)}x a Map), fetch: ${fmt(get, 0)} ops/s (${fmt(get / mapGet, 3)}x a Map)`,
  );
  await (store as StateStore).close();
}

async function sessionStore(
  name: string,
  store: InMemorySessionStore<string, number>,
): Promise<void> {
  store.init(context);
  const session = (i: number) => ({
    key: key(i),
    window: { startMs: start(i), endMs: start(i) + 5 },
  });
  const put = rate(() => {
    for (let i = 0; i < OPS; i++) store.put(session(i), i);
  });
  const find = rate(() => {
    for (let i = 0; i < OPS; i++) sink += store.findSessions(key(i), start(i), start(i)).length;
  });
  console.log(
    `${name} session store put: ${fmt(put, 0)} ops/s (${fmt(put / mapPut, 3)}x a Map), findSessions: ${fmt(find, 0)} ops/s (${fmt(find / mapGet, 3)}x a Map get)`,
  );
  await (store as StateStore).close();
}

const retentionMs = 1_000;
await windowStore('in-memory', new InMemoryWindowStore('w', retentionMs, S, L));
await windowStore('persistent (LMDB)', new LmdbWindowStore('w', retentionMs, S, L));
await sessionStore('in-memory', new InMemorySessionStore('s', retentionMs, S, L));
await sessionStore('persistent (LMDB)', new LmdbSessionStore('s', retentionMs, S, L));

function counting(windows: TimeWindows | SlidingWindows | SessionWindows): Topology {
  const b = new StreamsBuilder();
  const g = b.stream('in', Consumed.with(S, S)).groupByKey();
  if (windows instanceof SessionWindows) g.windowedBy(windows).count();
  else if (windows instanceof SlidingWindows) g.windowedBy(windows).count();
  else g.windowedBy(windows).count();
  return b.build();
}

async function throughput(windows: TimeWindows | SlidingWindows | SessionWindows): Promise<number> {
  const driver = new TopologyTestDriver(counting(windows));
  const input = driver.createInputTopic('in', S, S);
  const startMs = performance.now();
  for (let i = 0; i < OPS; i++) input.pipeInput(key(i), 'x', i * 2);
  const perSecond = OPS / ((performance.now() - startMs) / 1000);
  await driver.close();
  return perSecond;
}

const tumbling = await throughput(TimeWindows.ofSizeWithNoGrace(1_000));
const sliding = await throughput(SlidingWindows.ofTimeDifferenceWithNoGrace(1_000));
const sessions = await throughput(SessionWindows.ofInactivityGapWithNoGrace(1_000));
console.log(`tumbling-window count (test driver): ${fmt(tumbling, 0)} records/s (baseline)`);
console.log(`sliding-window count:  ${fmt(sliding, 0)} records/s (${fmt(sliding / tumbling, 2)}x)`);
console.log(
  `session-window count:  ${fmt(sessions, 0)} records/s (${fmt(sessions / tumbling, 2)}x)`,
);
await rm(dir, { recursive: true, force: true });
if (sink < 0) console.log(sink);
