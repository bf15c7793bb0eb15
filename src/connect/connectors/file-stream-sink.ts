// Kafka's FileStreamSinkConnector: every record's value is appended to `file` as one line.
// flush() fsyncs the file, and the worker commits the consumer offsets only after it, so a
// line is on disk before its record counts as delivered (at least once).
import { open, type FileHandle } from 'node:fs/promises';
import { ConfigDef } from '../config-def.js';
import type { SinkConnector, SinkRecord, SinkTask, TaskConfig } from '../connector.js';
import { Struct } from '../data/schema.js';
import { VERSION } from '../version.js';

const CONFIG = new ConfigDef().define({
  name: 'file',
  type: 'STRING',
  documentation: 'Destination filename.',
  importance: 'HIGH',
});

export class FileStreamSinkConnector implements SinkConnector {
  readonly kind = 'sink';
  private props: Record<string, string> = {};
  version(): string {
    return VERSION;
  }
  config(): ConfigDef {
    return CONFIG;
  }
  start(props: Record<string, string>): void {
    CONFIG.parse(props);
    this.props = props;
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    // Several tasks appending to one file would interleave lines: one task only.
    return maxTasks > 0 ? [{ ...this.props }] : [];
  }
  stop(): void {}
  taskFactory(): SinkTask {
    return new FileStreamSinkTask();
  }
}

export class FileStreamSinkTask implements SinkTask {
  private handle: FileHandle | undefined;
  version(): string {
    return VERSION;
  }
  async start(props: TaskConfig): Promise<void> {
    const file = CONFIG.parse(props)['file'] as string;
    this.handle = await open(file, 'a');
  }
  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const text = records.map((r) => `${render(r.value)}\n`).join('');
    await this.handle!.write(text);
  }
  async flush(): Promise<void> {
    await this.handle?.sync();
  }
  async stop(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

/** What Java's String.valueOf prints for the value, as Kafka's sink writes it. */
function render(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Struct)
    return `Struct{${(value.schema.fields ?? []).map((f) => `${f.name}=${render(value.get(f.name))}`).join(',')}}`;
  if (value instanceof Map)
    return `{${[...value].map(([k, v]) => `${render(k)}=${render(v)}`).join(', ')}}`;
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  return String(value);
}
