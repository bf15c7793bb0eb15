// `rivulet metadata-quorum describe --status | --replication`: kafka-metadata-quorum.sh over
// DescribeQuorum for __cluster_metadata-0. On a single Rivulet node the metadata log is local:
// one voter (this node) that leads, epoch 0 (no election ever happens), high watermark and log
// end offset both the offset after the last metadata record, no observers, and timestamps -1
// (no follower fetches). See docs/cli.md.
import {
  createDescribeQuorumRequest,
  uuidToBytes,
  type DescribeQuorumResponse,
} from '../../protocol/index.js';
import { KafkaError, type Admin } from '../../client/index.js';
import {
  EXIT_OK,
  parseFlags,
  printTabTable,
  subcommand,
  usageError,
  withAdmin,
} from './tool-support.js';

const DESCRIBE_QUORUM = 55;

const SPEC = {
  name: 'metadata-quorum',
  help: `Usage: rivulet metadata-quorum --bootstrap-server HOST:PORT describe (--status | --replication)

Describes the metadata log's quorum (kafka-metadata-quorum.sh describe).

  --status        ClusterId, LeaderId, LeaderEpoch, HighWatermark, MaxFollowerLag,
                  MaxFollowerLagTimeMs, CurrentVoters, CurrentObservers.
  --replication   One row per voter and observer: NodeId, DirectoryId, LogEndOffset, Lag,
                  LastFetchTimestamp, LastCaughtUpTimestamp, Status.
  --human-readable  With --replication: timestamps as "N ms ago".

A single node keeps its metadata log on its own disk: it is the only voter and the leader,
the epoch is 0 (there is no election), HighWatermark is the offset after the last metadata
record, and the timestamps are -1 (no follower fetches).

Options:
  --bootstrap-server LIST       Brokers to connect to. Required.
  --command-config FILE         Admin client properties file.
  -h, --help                    Show this help.

Exit status: 0 done, 1 the operation failed, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    'command-config': { type: 'string' },
    status: { type: 'boolean' },
    replication: { type: 'boolean' },
    'human-readable': { type: 'boolean' },
  },
} as const;

export async function runMetadataQuorum(args: string[]): Promise<number> {
  const { command, rest } = subcommand(SPEC, args);
  const flags = parseFlags(SPEC, rest);
  if (typeof flags === 'number') return flags;
  if (command !== 'describe')
    return usageError(
      SPEC.name,
      command === undefined
        ? 'a command is required: describe'
        : `'${command}' is not supported; only describe is`,
    );
  if ((flags.status === true) === (flags.replication === true))
    return usageError(SPEC.name, 'describe needs exactly one of --status and --replication');
  return withAdmin(SPEC.name, flags, async (admin) => {
    const { partition, nodes } = await describeQuorum(admin);
    const leader = partition.currentVoters.find((v) => v.replicaId === partition.leaderId);
    if (leader === undefined) throw new Error(`the leader ${partition.leaderId} is not a voter`);
    if (flags.status === true) {
      const { clusterId } = await admin.describeCluster();
      const laggiest = partition.currentVoters.reduce((a, b) =>
        b.logEndOffset < a.logEndOffset ? b : a,
      );
      let lagTimeMs = 0n;
      if (laggiest !== leader)
        lagTimeMs =
          leader.lastCaughtUpTimestamp >= 0n && laggiest.lastCaughtUpTimestamp >= 0n
            ? leader.lastCaughtUpTimestamp - laggiest.lastCaughtUpTimestamp
            : -1n;
      const replicas = (list: typeof partition.currentVoters) =>
        `[${list
          .map((r) => {
            let s = `{"id": ${r.replicaId}`;
            if (r.replicaDirectoryId !== ZERO)
              s += `, "directoryId": "${base64Id(r.replicaDirectoryId)}"`;
            const endpoints = nodes.get(r.replicaId) ?? [];
            if (endpoints.length > 0)
              s += `, "endpoints": [${endpoints.map((e) => `"${e}"`).join(', ')}]`;
            return `${s}}`;
          })
          .join(', ')}]`;
      const rows: [string, string][] = [
        ['ClusterId:', clusterId ?? ''],
        ['LeaderId:', String(partition.leaderId)],
        ['LeaderEpoch:', String(partition.leaderEpoch)],
        ['HighWatermark:', String(partition.highWatermark)],
        ['MaxFollowerLag:', String(leader.logEndOffset - laggiest.logEndOffset)],
        ['MaxFollowerLagTimeMs:', String(lagTimeMs)],
        ['CurrentVoters:', replicas(partition.currentVoters)],
        ['CurrentObservers:', replicas(partition.observers)],
      ];
      for (const [label, value] of rows) console.log(`${label.padEnd(24)}${value}`);
      return EXIT_OK;
    }
    const human = flags['human-readable'] === true;
    const time = (ts: bigint) =>
      ts < 0n ? '-1' : human ? `${Date.now() - Number(ts)} ms ago` : String(ts);
    const row = (r: (typeof partition.currentVoters)[number], status: string) => [
      String(r.replicaId),
      base64Id(r.replicaDirectoryId),
      String(r.logEndOffset),
      String(leader.logEndOffset - r.logEndOffset),
      time(r.lastFetchTimestamp),
      time(r.lastCaughtUpTimestamp),
      status,
    ];
    printTabTable(
      [
        'NodeId',
        'DirectoryId',
        'LogEndOffset',
        'Lag',
        'LastFetchTimestamp',
        'LastCaughtUpTimestamp',
        'Status',
      ],
      [
        row(leader, 'Leader'),
        ...partition.currentVoters.filter((v) => v !== leader).map((v) => row(v, 'Follower')),
        ...partition.observers.map((o) => row(o, 'Observer')),
      ],
    );
    return EXIT_OK;
  });
}

const ZERO = '00000000-0000-0000-0000-000000000000';

/** Kafka prints uuids in URL-safe base64 without padding. */
function base64Id(uuid: string): string {
  const bytes = Buffer.alloc(16);
  uuidToBytes(uuid, bytes, 0);
  return bytes.toString('base64url');
}

async function describeQuorum(admin: Admin) {
  const r = await admin.cluster.retry(() =>
    admin.cluster.send<DescribeQuorumResponse>(
      'any',
      DESCRIBE_QUORUM,
      createDescribeQuorumRequest({
        topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }],
      }),
    ),
  );
  if (r.errorCode !== 0) throw new KafkaError(r.errorCode, r.errorMessage);
  const partition = r.topics[0]?.partitions[0];
  if (partition === undefined) throw new KafkaError(-1, 'empty DescribeQuorum answer');
  if (partition.errorCode !== 0) throw new KafkaError(partition.errorCode, partition.errorMessage);
  const nodes = new Map(
    r.nodes.map((n) => [n.nodeId, n.listeners.map((l) => `${l.name}://${l.host}:${l.port}`)]),
  );
  return { partition, nodes };
}
