// `rivulet console-producer`: kafka-console-producer.sh — one record per line of stdin. With
// parse.key the line is KEY<key.separator>VALUE; with parse.headers it starts with
// H1:V1,H2:V2<headers.delimiter>. At end of input every record is flushed before exit.
import { createInterface } from 'node:readline';
import { Producer, type CompressionName, type ProducerRecord } from '../../client/index.js';
import {
  clientOptions,
  describeError,
  EXIT_FAILED,
  EXIT_OK,
  failure,
  keyValues,
  listFlag,
  parseFlags,
  readPropertiesFile,
  requireFlag,
  stringFlag,
  unescape,
  UsageError,
} from './tool-support.js';
import { FORMAT_HELP, FORMAT_OPTIONS, recordEncoder } from './schema-record-codec.js';

const SPEC = {
  name: 'console-producer',
  help: `Usage: rivulet console-producer --bootstrap-server HOST:PORT --topic TOPIC [options] < input

Reads lines from standard input and sends each as a record to TOPIC.

Options:
  --bootstrap-server LIST       Brokers to connect to. Required.
  --topic TOPIC                 Topic to write to. Required.
  --property KEY=VALUE          Line reader settings; repeatable:
                                  parse.key=true, key.separator (default TAB),
                                  parse.headers=true, headers.delimiter (default TAB),
                                  headers.separator (default ,), headers.key.separator (default :),
                                  null.marker (a value that stands for null).
  --compression-codec CODEC     none, gzip, snappy, lz4 or zstd (default none).
  --request-required-acks ACKS  all, -1, 0 or 1 (default all).
  --producer-property KEY=VALUE Producer setting (linger.ms, batch.size, acks, ...); repeatable.
  --producer.config FILE        Producer properties file.
  --sync                        Wait for each record before reading the next line.
${FORMAT_HELP}
  -h, --help                    Show this help.

A record that fails is reported on standard error and the next lines are still sent.
Ctrl-C stops reading, sends what was read and reports how many records were sent.

Exit status: 0 all records delivered, 1 a record failed, 2 bad command line.`,
  aliases: {
    'reader-property': 'property',
    'command-property': 'producer-property',
    'command-config': 'producer.config',
  },
  options: {
    'bootstrap-server': { type: 'string' },
    topic: { type: 'string' },
    property: { type: 'string', multiple: true },
    'compression-codec': { type: 'string' },
    'request-required-acks': { type: 'string' },
    'producer-property': { type: 'string', multiple: true },
    'producer.config': { type: 'string' },
    sync: { type: 'boolean' },
    ...FORMAT_OPTIONS,
  },
} as const;

const CODECS = new Set(['none', 'gzip', 'snappy', 'lz4', 'zstd']);

interface LineFormat {
  parseKey: boolean;
  keySeparator: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
  nullMarker: string | undefined;
}

export async function runConsoleProducer(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  let producer: Producer | null = null;
  try {
    const topic = requireFlag(flags, 'topic');
    const bootstrap = requireFlag(flags, 'bootstrap-server');
    const configFile = stringFlag(flags, 'producer.config');
    const props =
      configFile === undefined ? new Map<string, string>() : readPropertiesFile(configFile);
    for (const [k, v] of keyValues(listFlag(flags, 'producer-property'))) props.set(k, v);
    const format = lineFormat(keyValues(listFlag(flags, 'property')));
    const codec = stringFlag(flags, 'compression-codec') ?? props.get('compression.type') ?? 'none';
    if (!CODECS.has(codec))
      throw new UsageError(
        `--compression-codec '${codec}' is not one of none, gzip, snappy, lz4, zstd`,
      );
    const acks = parseAcks(
      stringFlag(flags, 'request-required-acks') ?? props.get('acks') ?? 'all',
    );
    producer = new Producer({
      ...clientOptions(bootstrap, props),
      compression: codec as CompressionName,
      acks,
      idempotent: acks === 'all' && props.get('enable.idempotence') !== 'false',
      lingerMs: props.has('linger.ms') ? Number(props.get('linger.ms')) : 5,
      batchSize: props.has('batch.size') ? Number(props.get('batch.size')) : 16_384,
    });
    const encode = recordEncoder(
      {
        keyFormat: stringFlag(flags, 'key-format'),
        valueFormat: stringFlag(flags, 'value-format'),
        registryUrl: stringFlag(flags, 'schema-registry-url'),
      },
      keyValues(listFlag(flags, 'property')),
    );
    await producer.connect();
    return await produceLines(producer, topic, format, flags.sync === true, encode);
  } catch (err) {
    return failure(SPEC.name, err);
  } finally {
    await producer?.close().catch(() => {});
  }
}

/**
 * Sends each line; a record that fails is reported (as Kafka's ErrorLoggingCallback does) and
 * the next lines are still sent. Ctrl-C (SIGINT) or SIGTERM stops reading and flushes what was
 * read. Exits 1 when any record failed.
 */
async function produceLines(
  producer: Producer,
  topic: string,
  format: LineFormat,
  sync: boolean,
  encode: ((record: ProducerRecord) => Promise<ProducerRecord>) | null = null,
) {
  let failed = 0;
  let sent = 0;
  const deliveries = new Set<Promise<void>>();
  const onError = (record: ProducerRecord, err: unknown) => {
    failed++;
    console.error(
      `Error when sending message to topic ${topic} with key: ${describeBytes(record.key)}, value: ${describeBytes(record.value)} with error: ${describeError(err)}`,
    );
  };
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    lines.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for await (const line of lines) {
      const parsed = parseLine(topic, line, format);
      const record = encode === null ? parsed : await encode(parsed);
      const delivery = producer.send(record).then(
        () => void sent++,
        (err: unknown) => onError(record, err),
      );
      deliveries.add(delivery);
      void delivery.then(() => deliveries.delete(delivery));
      if (sync) await delivery;
    }
    await producer.flush();
    await Promise.all(deliveries);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
  if (interrupted) console.error(`Interrupted: ${sent} records sent, ${failed} failed.`);
  if (failed > 0) {
    console.error(`rivulet ${SPEC.name}: ${failed} of ${sent + failed} records failed`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

function describeBytes(v: ProducerRecord['key']): string {
  if (v === null || v === undefined) return 'null';
  return `${typeof v === 'string' ? Buffer.byteLength(v) : v.length} bytes`;
}

function lineFormat(p: ReadonlyMap<string, string>): LineFormat {
  return {
    parseKey: p.get('parse.key') === 'true',
    keySeparator: unescape(p.get('key.separator') ?? '\t'),
    parseHeaders: p.get('parse.headers') === 'true',
    headersDelimiter: unescape(p.get('headers.delimiter') ?? '\t'),
    headersSeparator: unescape(p.get('headers.separator') ?? ','),
    headersKeySeparator: unescape(p.get('headers.key.separator') ?? ':'),
    nullMarker: p.get('null.marker'),
  };
}

/** Splits a line into headers, key and value the way kafka-console-producer does. */
export function parseLine(topic: string, line: string, f: LineFormat): ProducerRecord {
  let rest = line;
  const headers: { key: string; value: string | null }[] = [];
  if (f.parseHeaders) {
    const at = rest.indexOf(f.headersDelimiter);
    if (at < 0) throw new UsageError(`no headers delimiter in line '${line}'`);
    const part = rest.slice(0, at);
    rest = rest.slice(at + f.headersDelimiter.length);
    for (const h of part === '' ? [] : part.split(f.headersSeparator)) {
      const sep = h.indexOf(f.headersKeySeparator);
      const key = sep < 0 ? h : h.slice(0, sep);
      const value = sep < 0 ? null : h.slice(sep + f.headersKeySeparator.length);
      headers.push({ key, value: value === f.nullMarker ? null : value });
    }
  }
  let key: string | null = null;
  if (f.parseKey) {
    const at = rest.indexOf(f.keySeparator);
    if (at < 0) throw new UsageError(`no key separator in line '${line}'`);
    key = rest.slice(0, at);
    rest = rest.slice(at + f.keySeparator.length);
    if (key === f.nullMarker) key = null;
  }
  const value = rest === f.nullMarker ? null : rest;
  return { topic, key, value, headers };
}

function parseAcks(v: string): 'all' | 0 | 1 {
  if (v === 'all' || v === '-1') return 'all';
  if (v === '0' || v === '1') return Number(v) as 0 | 1;
  throw new UsageError(`acks '${v}' is not one of all, -1, 0, 1`);
}
