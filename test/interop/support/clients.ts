// Runs the real third-party clients that the interop tests drive: kcat, confluent-kafka-python
// and kafka-python (Debian packages, for /usr/bin/python3). Each call is bounded in time.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

// Python tools are not compiled; they are read from the source tree next to this file's source.
const here = dirname(fileURLToPath(import.meta.url));
const supportDir = join(here, '..', '..', '..', '..', 'test', 'interop', 'support');
const PYTHON = '/usr/bin/python3';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with optional stdin, killing it after `timeoutMs`. */
export function run(
  command: string,
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits before reading its input must not fail the test with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

async function pythonTool<T>(tool: string, op: string, args: object, timeoutMs: number) {
  const r = await run(PYTHON, [join(supportDir, tool), op, JSON.stringify(args)], { timeoutMs });
  if (r.code !== 0) {
    throw new Error(`${tool} ${op} exited ${r.code}:\n${r.stderr.slice(-4000)}`);
  }
  return JSON.parse(r.stdout) as T;
}

/** confluent-kafka-python (librdkafka 2.0.2). */
export function confluent<T = unknown>(op: string, args: object, timeoutMs = 60_000): Promise<T> {
  return pythonTool<T>('confluent_tool.py', op, args, timeoutMs);
}

/** kafka-python 2.0.2. */
export function kafkaPython<T = unknown>(op: string, args: object, timeoutMs = 60_000) {
  return pythonTool<T>('kafka_python_tool.py', op, args, timeoutMs);
}

/** kcat (librdkafka 2.0.2). Throws when kcat exits non-zero. */
export async function kcat(args: string[], input?: string, timeoutMs = 60_000): Promise<string> {
  const r = await run('kcat', args, { input, timeoutMs });
  if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}
