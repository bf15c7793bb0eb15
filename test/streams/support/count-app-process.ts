// One instance of an exactly-once counting application, in its own process so a test can
// kill -9 it: counts records per key from `events` into `counts` (one output per input).
// Prints JSON lines: {"state": ...} on each transition and {"tasks": [...]} when they change.
import {
  Consumed,
  KafkaStreams,
  Produced,
  Serdes,
  StreamsBuilder,
} from '../../../src/streams/index.js';

const [bootstrap, applicationId] = process.argv.slice(2) as [string, string];
const S = Serdes.String();
const b = new StreamsBuilder();
b.stream('events', Consumed.with(S, S))
  .groupByKey()
  .count({ storeName: 'event-counts' })
  .toStream()
  .mapValues((n, k) => `${k}:${n}`)
  .to('counts', Produced.with(S, S));
const streams = new KafkaStreams(b.build(), {
  applicationId,
  bootstrapServers: bootstrap,
  processingGuarantee: 'exactly_once_v2',
  commitIntervalMs: 100,
  sessionTimeoutMs: 6000,
  transactionTimeoutMs: 5000,
  // One output per input: no record cache to fold updates of a key together.
  statestoreCacheMaxBytes: 0,
});
streams.setStateListener((state) => process.stdout.write(`${JSON.stringify({ state })}\n`));
let tasks = '';
setInterval(() => {
  const now = JSON.stringify(streams.localTaskIds());
  if (now !== tasks) {
    tasks = now;
    process.stdout.write(`${JSON.stringify({ tasks: streams.localTaskIds() })}\n`);
  }
}, 50);
await streams.start();
process.stdin.resume();
process.stdin.on('end', () => void streams.close().then(() => process.exit(0)));
