// Kafka's FileStreamSourceConnector, for trying Connect: each line of `file` (or stdin when
// no file is given) becomes a record with a STRING value in `topic`. The source offset is the
// byte position after the line (`{"position": N}` under `{"filename": file}`), so a restarted
// task resumes exactly after the last committed line.
import { open, type FileHandle } from 'node:fs/promises';
import { ConfigDef, nonEmptyString, range } from '../config-def.js';
import type {
  SourceConnector,
  SourceRecord,
  SourceTask,
  SourceTaskContext,
  TaskConfig,
} from '../connector.js';
import { optional, schemaOf } from '../data/schema.js';
import { VERSION } from '../version.js';

const CONFIG = new ConfigDef()
  .define({
    name: 'file',
    type: 'STRING',
    defaultValue: '',
    documentation: 'Source filename. If not specified, the standard input will be used',
    importance: 'HIGH',
  })
  .define({
    name: 'topic',
    type: 'STRING',
    validator: nonEmptyString(),
    documentation: 'The topic to publish data to',
    importance: 'HIGH',
  })
  .define({
    name: 'batch.size',
    type: 'INT',
    defaultValue: 2000,
    validator: range(1),
    documentation:
      'The maximum number of records the source task can read from the file each time it is polled',
    importance: 'LOW',
  });

export class FileStreamSourceConnector implements SourceConnector {
  readonly kind = 'source';
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
  taskConfigs(): TaskConfig[] {
    // One file, one reader: more tasks would read the same lines twice.
    return [{ ...this.props }];
  }
  stop(): void {}
  taskFactory(): SourceTask {
    return new FileStreamSourceTask();
  }
  exactlyOnceSupport(): 'SUPPORTED' {
    return 'SUPPORTED';
  }
}

const LINE_SCHEMA = optional(schemaOf('STRING'));
const CHUNK_BYTES = 64 * 1024;

export class FileStreamSourceTask implements SourceTask {
  private file = '';
  private topic = '';
  private batchSize = 2000;
  private handle: FileHandle | undefined;
  private position = 0;
  private pending = Buffer.alloc(0);
  private stopped = false;

  version(): string {
    return VERSION;
  }

  async start(props: TaskConfig, context: SourceTaskContext): Promise<void> {
    const c = CONFIG.parse(props);
    this.file = c['file'] as string;
    this.topic = c['topic'] as string;
    this.batchSize = c['batch.size'] as number;
    if (this.file === '')
      throw new Error(
        'FileStreamSource: reading stdin is not supported by this worker; set "file"',
      );
    const offset = await context.offsetStorageReader.offset({ filename: this.file });
    const pos = offset?.['position'];
    this.position = typeof pos === 'number' ? pos : typeof pos === 'bigint' ? Number(pos) : 0;
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.stopped) return null;
    if (this.handle === undefined) {
      try {
        this.handle = await open(this.file, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return wait(null);
        throw err;
      }
    }
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    const start = this.position + this.pending.length;
    const { bytesRead } = await this.handle.read(buf, 0, CHUNK_BYTES, start);
    if (bytesRead > 0) this.pending = Buffer.concat([this.pending, buf.subarray(0, bytesRead)]);
    const records: SourceRecord[] = [];
    let nl: number;
    while (records.length < this.batchSize && (nl = this.pending.indexOf(0x0a)) !== -1) {
      let line = this.pending.subarray(0, nl);
      if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
      this.position += nl + 1;
      this.pending = this.pending.subarray(nl + 1);
      records.push({
        topic: this.topic,
        kafkaPartition: null,
        key: null,
        valueSchema: LINE_SCHEMA,
        value: line.toString('utf8'),
        timestamp: null,
        headers: [],
        sourcePartition: { filename: this.file },
        sourceOffset: { position: this.position },
      });
    }
    return records.length > 0 ? records : wait(records);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.handle?.close();
    this.handle = undefined;
  }
}

/** Nothing new in the file: poll again a little later rather than spin. */
function wait<T>(value: T): Promise<T> {
  return new Promise((r) => setTimeout(() => r(value), 200));
}
