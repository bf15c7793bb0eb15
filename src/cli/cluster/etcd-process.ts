// Runs one etcd member as a child process (Debian's `etcd-server` package installs `etcd`): for
// `rivulet cluster up` and for the cluster tests. Ports are chosen by the caller or probed free;
// a restart reuses the data dir and ports, so the cluster's keys survive it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface EtcdProcessOptions {
  /** etcd's data dir (created by etcd when missing). */
  dataDir: string;
  /** Client port; 0 probes a free one. */
  clientPort?: number;
  /** Peer port; 0 probes a free one. */
  peerPort?: number;
  /** The `etcd` executable. Default: `etcd` from the PATH. */
  command?: string;
  /** How long to wait for "ready to serve client requests". Default 20 s. */
  readyTimeoutMs?: number;
  /**
   * TLS on the client port (an https:// endpoint): etcd's certificate and key, and with
   * `trustedCaFile` client certificates are required (etcd's --client-cert-auth).
   */
  tls?: { certFile: string; keyFile: string; trustedCaFile?: string };
}

export interface EtcdProcess {
  /** `http://127.0.0.1:<client port>` (https with TLS), for `metadata.etcd.endpoints`. */
  endpoint: string;
  clientPort: number;
  peerPort: number;
  child: ChildProcess;
  /** Everything etcd logged so far. */
  output(): string;
  /** Sends `signal` and resolves once it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Raised when `etcd` is not on the PATH: the message says how to install it. */
export class EtcdNotFoundError extends Error {
  constructor(command: string) {
    super(
      `cannot run '${command}': etcd is not installed (Debian/Ubuntu: apt-get install etcd-server)`,
    );
  }
}

/** A port nobody listens on now (another process may still take it before etcd binds). */
export function probeFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startEtcd(options: EtcdProcessOptions): Promise<EtcdProcess> {
  const clientPort = options.clientPort || (await probeFreePort());
  const peerPort = options.peerPort || (await probeFreePort());
  const command = options.command ?? 'etcd';
  const client = `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name',
    'rivulet',
    '--data-dir',
    options.dataDir,
    '--listen-client-urls',
    client,
    '--advertise-client-urls',
    client,
    '--listen-peer-urls',
    peer,
    '--initial-advertise-peer-urls',
    peer,
    '--initial-cluster',
    `rivulet=${peer}`,
  ];
  if (options.tls !== undefined) {
    args.push('--cert-file', options.tls.certFile, '--key-file', options.tls.keyFile);
    if (options.tls.trustedCaFile !== undefined) {
      args.push('--client-cert-auth', '--trusted-ca-file', options.tls.trustedCaFile);
    }
  }
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (d: string) => (output += d);
  child.stdout!.setEncoding('utf8').on('data', onData);
  child.stderr!.setEncoding('utf8').on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timeoutMs = options.readyTimeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`etcd did not become ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new EtcdNotFoundError(command) : err);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`etcd exited before it was ready:\n${output}`));
    });
    const check = () => {
      if (!output.includes('ready to serve client requests')) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      resolve();
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
  });
  return {
    endpoint: client,
    clientPort,
    peerPort,
    child,
    output: () => output,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
