// Runs `rivulet start` as a child process (the compiled CLI through bin/rivulet.js), for tests
// that stop it with signals: SIGTERM for a graceful stop, SIGKILL for a crash.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const RIVULET = join(here, '..', '..', '..', '..', 'bin', 'rivulet.js');

export interface RivuletProcess {
  child: ChildProcess;
  port: number;
  bootstrap: string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Sends `signal` and resolves with the exit code (null when killed by the signal). */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts a broker on a free port over `dataDir`; resolves once it prints its address. */
export function startRivulet(
  dataDir: string,
  args: string[] = [],
  options: {
    timeoutMs?: number;
    maxHeapMb?: number;
    /** A command that runs node, e.g. `['prlimit', '--nofile=256:256']`. */
    wrapper?: readonly string[];
  } = {},
): Promise<RivuletProcess> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const node = options.maxHeapMb === undefined ? [] : [`--max-old-space-size=${options.maxHeapMb}`];
  // E.g. RIVULET_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the brokers of a run.
  node.push(...(process.env['RIVULET_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== ''));
  const command = [
    ...(options.wrapper ?? []),
    process.execPath,
    ...node,
    RIVULET,
    'start',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    ...args,
  ];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rivulet start did not listen within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`rivulet start exited ${code}:\n${stderr}`));
    });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const match = /listening on (\S+):(\d+)/.exec(stdout);
      if (match === null) return;
      clearTimeout(timer);
      const port = Number(match[2]);
      resolve({
        child,
        port,
        bootstrap: `${match[1]}:${port}`,
        stderr: () => stderr,
        stop: (signal) => {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}
