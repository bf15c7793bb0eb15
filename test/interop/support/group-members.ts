// Consumer-group members built on the real clients, for the group interop tests. Each reports
// its current assignment (after every rebalance) and the records it has read.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Consumer as PlatformaticConsumer } from '@platformatic/kafka';
import { AssignerProtocol, Kafka, logLevel, type PartitionAssigner } from 'kafkajs';

const here = dirname(fileURLToPath(import.meta.url));
const supportDir = join(here, '..', '..', '..', '..', 'test', 'interop', 'support');

export interface GroupMember {
  name: string;
  /** Partitions owned after the last rebalance this member saw. */
  assigned: number[];
  /** How many assignments it has received. */
  assignments: number;
  /** `partition:offset` of every record read. */
  records: Set<string>;
  /** Leaves the group cleanly. */
  stop(): Promise<void>;
  /** kill -9 (process members only). */
  kill(): void;
}

export interface MemberOptions {
  bootstrap: string;
  group: string;
  topic: string;
  sessionTimeoutMs?: number;
  instanceId?: string;
  timeoutMs?: number;
}

function processMember(
  name: string,
  child: ChildProcess,
  parse: (line: string, m: GroupMember) => void,
  stderrParse?: (line: string, m: GroupMember) => void,
): GroupMember {
  const member: GroupMember = {
    name,
    assigned: [],
    assignments: 0,
    records: new Set(),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
        if (name === 'kcat') child.kill('SIGTERM');
      }),
    kill: () => child.kill('SIGKILL'),
  };
  const lines = (stream: NodeJS.ReadableStream | null, fn: (line: string) => void) => {
    let buf = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        fn(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
  };
  lines(child.stdout, (l) => parse(l, member));
  lines(child.stderr, (l) => stderrParse?.(l, member));
  return member;
}

/** confluent-kafka-python or kafka-python, through group_member.py. */
export function pythonMember(kind: 'confluent' | 'kafka-python', o: MemberOptions): GroupMember {
  const args = {
    bootstrap: o.bootstrap,
    group: o.group,
    topic: o.topic,
    session_timeout_ms: o.sessionTimeoutMs ?? 6000,
    instance_id: o.instanceId,
    timeout: (o.timeoutMs ?? 60000) / 1000,
    client_id: kind,
  };
  const child = spawn(
    '/usr/bin/python3',
    [join(supportDir, 'group_member.py'), kind, JSON.stringify(args)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  return processMember(kind, child, (line, m) => {
    if (!line.startsWith('{')) return;
    const event = JSON.parse(line) as { assigned?: number[]; record?: [number, number] };
    if (event.assigned) {
      m.assigned = event.assigned;
      m.assignments++;
    }
    if (event.record) m.records.add(`${event.record[0]}:${event.record[1]}`);
  });
}

/** @platformatic/kafka in a child process (see platformatic-member-process.ts). */
export function platformaticProcessMember(
  o: MemberOptions & { groupProtocol?: 'classic' | 'consumer' },
): GroupMember {
  const child = spawn(
    process.execPath,
    [join(here, 'platformatic-member-process.js'), JSON.stringify(o)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  return processMember('platformatic', child, (line, m) => {
    if (!line.startsWith('{')) return;
    const event = JSON.parse(line) as { assigned?: number[]; record?: [number, number] };
    if (event.assigned) {
      m.assigned = event.assigned;
      m.assignments++;
    }
    if (event.record) m.records.add(`${event.record[0]}:${event.record[1]}`);
  });
}

/** kcat -G: records on stdout as `partition offset`, rebalances on stderr. */
export function kcatMember(o: MemberOptions): GroupMember {
  const child = spawn(
    'kcat',
    [
      '-b',
      o.bootstrap,
      '-G',
      o.group,
      o.topic,
      '-f',
      '%p %o\\n',
      '-u',
      '-X',
      'partition.assignment.strategy=roundrobin',
      '-X',
      'auto.offset.reset=earliest',
      '-X',
      `session.timeout.ms=${o.sessionTimeoutMs ?? 6000}`,
      '-X',
      'heartbeat.interval.ms=500',
      '-X',
      'auto.commit.interval.ms=200',
      '-X',
      'client.id=kcat',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  return processMember(
    'kcat',
    child,
    (line, m) => {
      const [p, off] = line.trim().split(' ');
      if (p !== undefined && off !== undefined) m.records.add(`${p}:${off}`);
    },
    (line, m) => {
      // "% Group g rebalanced (memberid …): assigned: t [0], t [3]"
      const assigned = /rebalanced .*: assigned: (.*)$/.exec(line);
      if (assigned) {
        m.assigned = [...assigned[1]!.matchAll(/\[(\d+)\]/g)]
          .map((x) => Number(x[1]))
          .sort((a, b) => a - b);
        m.assignments++;
      } else if (/rebalanced .*: revoked:/.test(line)) {
        m.assigned = [];
      }
    },
  );
}

/**
 * KafkaJS names its built-in assigner "RoundRobinAssigner", which no other client offers; a
 * mixed group needs a protocol in common, so this one is "roundrobin" with the standard
 * consumer protocol encoding (what Java's and librdkafka's round-robin assigners read).
 */
const roundRobin: PartitionAssigner = ({ cluster }) => ({
  name: 'roundrobin',
  version: 0,
  async assign({ members, topics }) {
    const ids = members.map((m) => m.memberId).sort();
    const plan = new Map<string, Record<string, number[]>>(ids.map((id) => [id, {}]));
    let i = 0;
    for (const topic of [...topics].sort()) {
      const partitions = cluster
        .findTopicPartitionMetadata(topic)
        .map((p) => p.partitionId)
        .sort((a, b) => a - b);
      for (const p of partitions) {
        const owner = plan.get(ids[i++ % ids.length]!)!;
        (owner[topic] ??= []).push(p);
      }
    }
    return ids.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 0,
        assignment: plan.get(memberId)!,
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: 'roundrobin',
      metadata: AssignerProtocol.MemberMetadata.encode({
        version: 0,
        topics,
        userData: Buffer.alloc(0),
      }),
    };
  },
});

export async function kafkajsMember(o: MemberOptions): Promise<GroupMember> {
  const kafka = new Kafka({
    clientId: 'kafkajs',
    // A cluster's bootstrap lists several brokers, comma-separated.
    brokers: o.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({
    groupId: o.group,
    sessionTimeout: o.sessionTimeoutMs ?? 6000,
    heartbeatInterval: 500,
    partitionAssigners: [roundRobin],
    retry: { retries: 10 },
  });
  const member: GroupMember = {
    name: 'kafkajs',
    assigned: [],
    assignments: 0,
    records: new Set(),
    stop: () => consumer.disconnect(),
    kill: () => {
      throw new Error('kafkajs runs in this process');
    },
  };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    member.assigned = [...(payload.memberAssignment[o.topic] ?? [])].sort((a, b) => a - b);
    member.assignments++;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      member.records.add(`${partition}:${message.offset}`);
    },
  });
  return member;
}

export async function platformaticMember(
  o: MemberOptions & { groupProtocol?: 'classic' | 'consumer' },
): Promise<GroupMember> {
  const consumer = new PlatformaticConsumer({
    ...(o.groupProtocol === 'consumer' ? { groupProtocol: 'consumer' as const } : {}),
    clientId: 'platformatic',
    groupId: o.group,
    bootstrapBrokers: [o.bootstrap],
    sessionTimeout: o.sessionTimeoutMs ?? 6000,
    heartbeatInterval: 500,
    retries: 10,
    // Its default says subscription version 1 but writes a version 0 body (no owned
    // partitions), which librdkafka as leader cannot read; version 0 is what it really writes.
    protocols: [{ name: 'roundrobin', version: 0 }],
  });
  const member: GroupMember = {
    name: 'platformatic',
    assigned: [],
    assignments: 0,
    records: new Set(),
    stop: () => new Promise<void>((resolve) => consumer.close(true, () => resolve())),
    kill: () => {
      throw new Error('@platformatic/kafka runs in this process');
    },
  };
  consumer.on(
    'consumer:group:join',
    (event: { assignments?: { topic: string; partitions: number[] }[] }) => {
      const mine = (event.assignments ?? []).find((a) => a.topic === o.topic);
      member.assigned = [...(mine?.partitions ?? [])].sort((a, b) => a - b);
      member.assignments++;
    },
  );
  const stream = await consumer.consume({
    topics: [o.topic],
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: 200,
  });
  stream.on('data', (message: { partition: number; offset: bigint }) => {
    member.records.add(`${message.partition}:${message.offset}`);
  });
  stream.on('error', () => {});
  if (o.groupProtocol === 'consumer') {
    // KIP-848: the assignment arrives with heartbeats; there is no group:join event.
    const poll = setInterval(() => {
      const mine = (consumer.assignments ?? []).find((a) => a.topic === o.topic);
      const next = [...(mine?.partitions ?? [])].sort((a, b) => a - b);
      if (JSON.stringify(next) !== JSON.stringify(member.assigned)) {
        member.assigned = next;
        member.assignments++;
      }
    }, 50);
    const stop = member.stop;
    member.stop = () => {
      clearInterval(poll);
      return stop();
    };
  }
  return member;
}
