// `rivulet connect` (a distributed worker, like connect-distributed.sh) and
// `rivulet connect-standalone worker.properties connector.properties…` (like
// connect-standalone.sh). Worker settings use Kafka Connect's names; flags cover the common
// ones so a worker starts without a file.
import { readFileSync } from 'node:fs';
import { startConnectWorker } from '../../connect/index.js';
import { parseProperties } from '../../broker/config/properties.js';
import { createLogger } from '../../util/logger.js';
import {
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  describeError,
  parseFlags,
  type ToolSpec,
} from './tool-support.js';

const DISTRIBUTED: ToolSpec = {
  name: 'connect',
  help: `Usage: rivulet connect [worker.properties] --bootstrap-server HOST:PORT [options]
Runs a distributed Kafka Connect worker; workers with the same group.id share the work.

  --bootstrap-server HOST:PORT   bootstrap.servers
  --port N                       REST port (listeners=http://:N; default 8083)
  --group-id ID                  group.id (default connect-cluster)
  --override KEY=VALUE           any worker setting (repeatable)

Without a properties file the internal topics are connect-configs, connect-offsets and
connect-status.`,
  options: {
    'bootstrap-server': { type: 'string' },
    port: { type: 'string' },
    'group-id': { type: 'string' },
    override: { type: 'string', multiple: true },
  },
};

const STANDALONE: ToolSpec = {
  name: 'connect-standalone',
  help: `Usage: rivulet connect-standalone worker.properties [connector.properties ...] [options]
Runs a standalone Kafka Connect worker with the given connectors; offsets are kept in
offset.storage.file.filename.

  --bootstrap-server HOST:PORT   bootstrap.servers (overrides the file)
  --port N                       REST port (default 8083)
  --override KEY=VALUE           any worker setting (repeatable)`,
  options: {
    'bootstrap-server': { type: 'string' },
    port: { type: 'string' },
    override: { type: 'string', multiple: true },
  },
};

function split(args: string[]): { files: string[]; flags: string[] } {
  const files: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-')) {
      flags.push(a);
      if (!a.includes('=') && a !== '--help' && a !== '-h' && i + 1 < args.length)
        flags.push(args[++i]!);
    } else files.push(a);
  }
  return { files, flags };
}

function readProps(path: string): Record<string, string> {
  return Object.fromEntries(parseProperties(readFileSync(path, 'utf8')));
}

async function run(mode: 'standalone' | 'distributed', args: string[]): Promise<number> {
  const spec = mode === 'standalone' ? STANDALONE : DISTRIBUTED;
  const { files, flags: flagArgs } = split(args);
  const flags = parseFlags(spec, flagArgs);
  if (typeof flags === 'number') return flags;
  if (mode === 'standalone' && files.length === 0) {
    console.error(`${spec.name}: a worker.properties file is required\n\n${spec.help}`);
    return EXIT_USAGE;
  }
  let config: Record<string, string> = {};
  let connectors: Record<string, string>[] = [];
  try {
    if (files.length > 0) config = readProps(files[0]!);
    connectors = files.slice(1).map(readProps);
  } catch (err) {
    console.error(`${spec.name}: ${describeError(err)}`);
    return EXIT_USAGE;
  }
  if (typeof flags['bootstrap-server'] === 'string')
    config['bootstrap.servers'] = flags['bootstrap-server'];
  if (typeof flags['port'] === 'string') config['listeners'] = `http://:${flags['port']}`;
  if (mode === 'distributed') {
    config['group.id'] ??=
      typeof flags['group-id'] === 'string' ? flags['group-id'] : 'connect-cluster';
    config['config.storage.topic'] ??= 'connect-configs';
    config['offset.storage.topic'] ??= 'connect-offsets';
    config['status.storage.topic'] ??= 'connect-status';
  }
  for (const o of (flags['override'] as string[] | undefined) ?? []) {
    const at = o.indexOf('=');
    if (at <= 0) {
      console.error(`${spec.name}: --override takes KEY=VALUE, got "${o}"`);
      return EXIT_USAGE;
    }
    config[o.slice(0, at)] = o.slice(at + 1);
  }
  const logger = createLogger({});
  let worker;
  try {
    worker = await startConnectWorker({ mode, config, connectors, logger });
  } catch (err) {
    console.error(`${spec.name}: ${describeError(err)}`);
    return EXIT_FAILED;
  }
  console.log(`Kafka Connect worker (${mode}) listening on ${worker.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await worker.close();
  return EXIT_OK;
}

export function runConnect(args: string[]): Promise<number> {
  return run('distributed', args);
}

export function runConnectStandalone(args: string[]): Promise<number> {
  return run('standalone', args);
}
