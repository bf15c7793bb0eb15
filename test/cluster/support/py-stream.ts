// A Python client as a child process that prints one JSON line per event (a delivery report, a
// finished transaction) until its stdin closes, then a last {"done": …} line. The cluster tests
// run their producers this way, so the test can act (kill, pause, restart) while they run.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../support/wait.js';

const here = dirname(fileURLToPath(import.meta.url));
/** test/cluster/support in the source tree (Python files are not compiled). */
export const CLUSTER_SUPPORT = join(here, '..', '..', '..', '..', 'test', 'cluster', 'support');

export interface PyStream<T> {
  /** Every event line so far. */
  events: T[];
  stderr(): string;
  /** Waits until `check` holds over the events, naming `what` if it never does. */
  until(what: string, check: (events: T[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Closes stdin and waits for the exit: the exit code and the {"done"} value. */
  stop(): Promise<{ code: number | null; done: unknown }>;
  kill(): void;
}

export function startPyStream<T>(script: string, args: object): PyStream<T> {
  const child: ChildProcess = spawn(
    '/usr/bin/python3',
    [join(CLUSTER_SUPPORT, script), JSON.stringify(args)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const events: T[] = [];
  let done: unknown = null;
  let stderr = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const parsed = JSON.parse(line) as T | { done: unknown };
      if (parsed !== null && typeof parsed === 'object' && 'done' in parsed) done = parsed.done;
      else events.push(parsed as T);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    // Only the tail is kept: a long run under faults logs many retries.
    stderr = (stderr + d).slice(-20_000);
  });
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    events,
    stderr: () => stderr,
    until: (what, check, timeoutMs = 60_000) =>
      waitFor(what, () => check(events), { timeoutMs, intervalMs: 50 }),
    stop: async () => {
      child.stdin!.end();
      const code = await exited;
      return { code, done };
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
