// `rivulet log-dirs`: kafka-log-dirs.sh --describe — each broker's log directories and the
// partitions in them (size in bytes, offset lag, isFuture), as Kafka's JSON line.
import { errorByCode } from '../../protocol/index.js';
import {
  EXIT_OK,
  parseFlags,
  stringFlag,
  UsageError,
  withAdmin,
  type FlagValues,
} from './tool-support.js';

const SPEC = {
  name: 'log-dirs',
  help: `Usage: rivulet log-dirs --bootstrap-server HOST:PORT --describe [options]

Prints the log directories of the brokers and the partitions they hold, as JSON
(kafka-log-dirs.sh).

Options:
  --bootstrap-server LIST      Brokers to connect to. Required.
  --describe                   Describe the log directories. Required.
  --broker-list IDS            Comma-separated broker ids (default all brokers).
  --topic-list TOPICS          Comma-separated topics (default all topics).
  --command-config FILE        Admin client properties file.
  -h, --help                   Show this help.

Exit status: 0 done, 1 the operation failed, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    describe: { type: 'boolean' },
    'broker-list': { type: 'string' },
    'topic-list': { type: 'string' },
    'command-config': { type: 'string' },
  },
} as const;

export async function runLogDirs(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  return withAdmin(SPEC.name, flags, async (admin) => {
    if (flags.describe !== true) throw new UsageError('--describe is required');
    const topics = new Set(commaList(flags, 'topic-list'));
    const asked = commaList(flags, 'broker-list').map((id) => {
      if (!/^\d+$/.test(id)) throw new UsageError(`--broker-list '${id}' is not a broker id`);
      return Number(id);
    });
    const { brokers } = await admin.describeCluster();
    const existing = brokers.map((b) => b.nodeId).sort((a, b) => a - b);
    const missing = asked.filter((id) => !existing.includes(id));
    if (missing.length > 0) {
      throw new Error(
        `ERROR: The given brokers do not exist from --broker-list: ${missing.join(',')}. Current existent brokers: ${existing.join(',')}`,
      );
    }
    const ids = asked.length > 0 ? [...new Set(asked)].sort((a, b) => a - b) : existing;
    console.log('Querying brokers for log directories information');
    const dirs = await admin.describeLogDirs(ids);
    console.log(`Received log directory information from brokers ${ids.join(',')}`);
    const json = {
      brokers: ids.map((broker) => ({
        broker,
        logDirs: dirs
          .filter((d) => d.brokerId === broker)
          .map((d) => ({
            partitions: d.partitions
              .filter((p) => topics.size === 0 || topics.has(p.topic))
              .map((p) => ({
                partition: `${p.topic}-${p.partition}`,
                size: Number(p.sizeBytes),
                offsetLag: Number(p.offsetLag),
                isFuture: false,
              })),
            error: d.errorCode === 0 ? null : errorByCode(d.errorCode).name,
            logDir: d.logDir,
          })),
      })),
      version: 1,
    };
    console.log(JSON.stringify(json));
    return EXIT_OK;
  });
}

function commaList(flags: FlagValues, name: string): string[] {
  return (stringFlag(flags, name) ?? '').split(',').filter((s) => s !== '');
}
