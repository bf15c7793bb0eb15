// `rivulet cluster up`: a whole cluster on this machine, for trying replication without
// Docker. It starts etcd from the PATH (Debian: etcd-server) and N `rivulet start` processes
// on consecutive ports, each with its own data dir under --dir, prints the bootstrap list, and
// on Ctrl-C (or SIGTERM) stops the brokers (a controlled shutdown each) and then etcd.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EtcdNotFoundError, startEtcd, type EtcdProcess } from './etcd-process.js';

const HELP = `Usage: rivulet cluster up [options]

Starts etcd and N brokers on this machine (a local cluster), prints the bootstrap servers
and runs until Ctrl-C, which stops them all.

Options:
  --brokers N           Number of brokers (default 3).
  --base-port N         Port of broker 1; broker i listens on base-port + i - 1 (default 9092).
  --dir DIR             Data of etcd and every broker (default ./rivulet-cluster).
  --etcd-port N         etcd's client port (default 2379; its peer port is this + 1).
  --override KEY=VALUE  A broker configuration key for every broker; repeatable.
  -h, --help            Show this help.

Needs etcd on the PATH (Debian/Ubuntu: apt-get install etcd-server).`;

const USAGE_ERROR = 2;
const RIVULET = fileURLToPath(new URL('../../../../bin/rivulet.js', import.meta.url));

interface Flags {
  brokers?: string;
  'base-port'?: string;
  dir?: string;
  'etcd-port'?: string;
  override?: string[];
  help?: boolean;
}

export async function runClusterUp(args: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseArgs({
      args,
      options: {
        brokers: { type: 'string' },
        'base-port': { type: 'string' },
        dir: { type: 'string' },
        'etcd-port': { type: 'string' },
        override: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values as Flags;
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    return USAGE_ERROR;
  }
  if (flags.help === true) {
    console.log(HELP);
    return 0;
  }
  const count = positiveInt(flags.brokers ?? '3');
  const basePort = positiveInt(flags['base-port'] ?? '9092');
  const etcdPort = positiveInt(flags['etcd-port'] ?? '2379');
  if (count === null || basePort === null || etcdPort === null) {
    console.error(`--brokers, --base-port and --etcd-port take positive integers\n\n${HELP}`);
    return USAGE_ERROR;
  }
  const dir = resolve(flags.dir ?? 'rivulet-cluster');
  await mkdir(dir, { recursive: true });
  let etcd: EtcdProcess;
  try {
    etcd = await startEtcd({
      dataDir: join(dir, 'etcd'),
      clientPort: etcdPort,
      peerPort: etcdPort + 1,
    });
  } catch (err) {
    console.error(err instanceof EtcdNotFoundError ? err.message : `etcd: ${String(err)}`);
    return 1;
  }
  console.log(`etcd listening on ${etcd.endpoint} (data: ${join(dir, 'etcd')})`);
  const brokers: ChildProcess[] = [];
  const stopAll = async () => {
    await Promise.all(brokers.map((b) => stopChild(b, 'SIGTERM')));
    await etcd.stop('SIGTERM');
  };
  try {
    for (let i = 1; i <= count; i++) {
      brokers.push(await startBrokerProcess(i, { dir, basePort, etcd, overrides: flags.override }));
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    await stopAll();
    return 1;
  }
  const bootstrap = brokers.map((_, i) => `127.0.0.1:${basePort + i}`).join(',');
  console.log(`cluster up: ${count} brokers; bootstrap servers ${bootstrap}`);
  console.log('Ctrl-C stops the brokers and etcd.');
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  console.log('stopping the brokers and etcd');
  await stopAll();
  return 0;
}

/** Starts broker `nodeId`; resolves once it listens (its output goes to this terminal). */
function startBrokerProcess(
  nodeId: number,
  options: { dir: string; basePort: number; etcd: EtcdProcess; overrides?: string[] },
): Promise<ChildProcess> {
  const port = options.basePort + nodeId - 1;
  const args = [
    RIVULET,
    'start',
    '--port',
    String(port),
    '--data-dir',
    join(options.dir, `broker-${nodeId}`),
    '--override',
    `node.id=${nodeId}`,
    '--override',
    `metadata.etcd.endpoints=${options.etcd.endpoint}`,
    ...(options.overrides ?? []).flatMap((o) => ['--override', o]),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolveStart, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`broker ${nodeId} exited ${code}`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      process.stdout.write(d);
      out += d;
      if (out.includes('listening on')) resolveStart(child);
    });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill(signal);
  });
}

function positiveInt(value: string): number | null {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : null;
}
