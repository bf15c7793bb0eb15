// The metadata and assignments Connect workers exchange in their group (protocol type
// "connect"), laid out as Kafka Connect's incremental cooperative protocol ("compatible",
// version 1): a member's metadata is its REST URL, the config-topic offset it has read, and
// what it runs now; an assignment names the leader and its URL, the config offset to read to,
// the connectors and tasks to run (task -1 stands for the connector itself), the ones revoked,
// and a delay before the next rebalance when lost work is being held back
// (`scheduled.rebalance.max.delay.ms`).
export const CONNECT_PROTOCOL = 'compatible';
const VERSION = 1;
export const CONNECTOR_TASK = -1;

export interface WorkItem {
  connector: string;
  /** -1: the connector instance itself. */
  task: number;
}

export interface MemberMetadata {
  url: string;
  configOffset: bigint;
  owned: WorkItem[];
}

export interface ConnectAssignment {
  error: number;
  leader: string;
  leaderUrl: string;
  configOffset: bigint;
  assigned: WorkItem[];
  revoked: WorkItem[];
  delayMs: number;
}

class Writer {
  private readonly parts: Buffer[] = [];
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  int64(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    this.parts.push(b);
    return this;
  }
  string(s: string): this {
    const bytes = Buffer.from(s, 'utf8');
    this.int16(bytes.length);
    this.parts.push(bytes);
    return this;
  }
  bytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    this.parts.push(b);
    return this;
  }
  items(items: readonly WorkItem[]): this {
    const byConnector = new Map<string, number[]>();
    for (const i of items)
      byConnector.set(i.connector, [...(byConnector.get(i.connector) ?? []), i.task]);
    this.int32(byConnector.size);
    for (const [connector, tasks] of byConnector) {
      this.string(connector).int32(tasks.length);
      for (const t of tasks) this.int32(t);
    }
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class Reader {
  private at = 0;
  constructor(private readonly b: Buffer) {}
  private need(n: number): void {
    if (this.at + n > this.b.length) throw new Error('truncated Connect protocol message');
  }
  int16(): number {
    this.need(2);
    const v = this.b.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.b.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  int64(): bigint {
    this.need(8);
    const v = this.b.readBigInt64BE(this.at);
    this.at += 8;
    return v;
  }
  string(): string {
    const n = this.int16();
    this.need(n);
    const s = this.b.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }
  bytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    this.need(n);
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  items(): WorkItem[] {
    const out: WorkItem[] = [];
    const count = this.int32();
    for (let i = 0; i < count; i++) {
      const connector = this.string();
      const tasks = this.int32();
      for (let t = 0; t < tasks; t++) out.push({ connector, task: this.int32() });
    }
    return out;
  }
}

export function encodeMetadata(m: MemberMetadata): Buffer {
  const allocation = new Writer().int16(VERSION).items(m.owned).done();
  return new Writer().int16(VERSION).string(m.url).int64(m.configOffset).bytes(allocation).done();
}

export function decodeMetadata(b: Buffer): MemberMetadata {
  const r = new Reader(b);
  r.int16();
  const url = r.string();
  const configOffset = r.int64();
  const allocation = r.bytes();
  let owned: WorkItem[] = [];
  if (allocation !== null) {
    const a = new Reader(allocation);
    a.int16();
    owned = a.items();
  }
  return { url, configOffset, owned };
}

export function encodeAssignment(a: ConnectAssignment): Buffer {
  return new Writer()
    .int16(VERSION)
    .int16(a.error)
    .string(a.leader)
    .string(a.leaderUrl)
    .int64(a.configOffset)
    .items(a.assigned)
    .items(a.revoked)
    .int32(a.delayMs)
    .done();
}

export function decodeAssignment(b: Buffer): ConnectAssignment {
  const r = new Reader(b);
  r.int16();
  return {
    error: r.int16(),
    leader: r.string(),
    leaderUrl: r.string(),
    configOffset: r.int64(),
    assigned: r.items(),
    revoked: r.items(),
    delayMs: r.int32(),
  };
}

export function itemKey(i: WorkItem): string {
  return `${i.connector}\u0000${i.task}`;
}
