// Where source offsets are kept: per connector, a map from source partition to source offset.
// Standalone workers keep them in a file (`offset.storage.file.filename`); distributed
// workers in the compacted `offset.storage.topic`, with Kafka Connect's record format: the
// key is the JSON array `["<connector>", {<partition>}]`, the value the JSON offset (null
// deletes it), so tools that read Connect's offsets topic understand ours.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { SourceOffset, SourcePartition } from '../connector.js';
import { writeJson } from '../converters/json-converter.js';

export interface OffsetEntry {
  partition: SourcePartition;
  offset: SourceOffset | null;
}

export interface OffsetBackingStore {
  start(): Promise<void>;
  get(connector: string, partition: SourcePartition): SourceOffset | null;
  /** Every partition of a connector with its offset. */
  all(connector: string): OffsetEntry[];
  /** Stores offsets durably before resolving. */
  set(connector: string, entries: readonly OffsetEntry[]): Promise<void>;
  stop(): Promise<void>;
}

/** A canonical text of a partition map, so lookups do not depend on key order. */
export function partitionKey(connector: string, partition: SourcePartition): string {
  return writeJson([connector, sortKeys(partition)]);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value))
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** The in-memory map both stores keep, filled by replay. */
export class OffsetMap {
  private readonly entries = new Map<
    string,
    { connector: string; partition: SourcePartition; offset: SourceOffset }
  >();

  apply(connector: string, partition: SourcePartition, offset: SourceOffset | null): void {
    const key = partitionKey(connector, partition);
    if (offset === null) this.entries.delete(key);
    else this.entries.set(key, { connector, partition, offset });
  }

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.entries.get(partitionKey(connector, partition))?.offset ?? null;
  }

  all(connector: string): OffsetEntry[] {
    return [...this.entries.values()]
      .filter((e) => e.connector === connector)
      .map((e) => ({ partition: e.partition, offset: e.offset }));
  }

  dump(): { connector: string; partition: SourcePartition; offset: SourceOffset }[] {
    return [...this.entries.values()];
  }
}

export class FileOffsetStore implements OffsetBackingStore {
  private readonly map = new OffsetMap();
  constructor(private readonly path: string) {}

  async start(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const rows = JSON.parse(text) as {
      connector: string;
      partition: SourcePartition;
      offset: SourceOffset;
    }[];
    for (const r of rows) this.map.apply(r.connector, r.partition, r.offset);
  }

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.map.get(connector, partition);
  }

  all(connector: string): OffsetEntry[] {
    return this.map.all(connector);
  }

  async set(connector: string, entries: readonly OffsetEntry[]): Promise<void> {
    for (const e of entries) this.map.apply(connector, e.partition, e.offset);
    // Write a new file and rename it over the old one, so a crash leaves one or the other.
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, writeJson(this.map.dump()));
    await rename(tmp, this.path);
  }

  async stop(): Promise<void> {}
}
