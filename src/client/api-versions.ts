// Which version of each API the client sends: the highest version both this client and the
// broker support (the broker's range comes from its ApiVersions answer). The client's own
// range is the generated codec's range, capped where a newer version changes how a request is
// addressed (topic ids instead of names) and the client code builds the older shape.
import { apiByKey } from '../protocol/index.js';
import { ClientError } from './errors.js';

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  DescribeLogDirs: 35,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
  IncrementalAlterConfigs: 44,
  OffsetDelete: 47,
  DescribeUserScramCredentials: 50,
  AlterUserScramCredentials: 51,
  DescribeCluster: 60,
  ConsumerGroupHeartbeat: 68,
  ConsumerGroupDescribe: 69,
} as const;

/** Highest versions the client code builds requests for, where lower than the codec's. */
const CLIENT_MAX: ReadonlyMap<number, number> = new Map([
  // v13 addresses topics by id only.
  [ApiKey.Produce, 12],
  [ApiKey.Fetch, 12],
  // v10 of both address topics by id.
  [ApiKey.OffsetCommit, 9],
  [ApiKey.OffsetFetch, 9],
  // v6 names topics by id or name; v5 by name only.
  [ApiKey.DeleteTopics, 5],
  // v4+ is the brokers' batched form (KIP-890); clients send v3.
  [ApiKey.AddPartitionsToTxn, 3],
  // v5 of these belong to transaction.version 2 (KIP-890 part 2: an epoch bump per
  // transaction), which this client does not implement; v6 of InitProducerId is KIP-939.
  [ApiKey.EndTxn, 4],
  [ApiKey.TxnOffsetCommit, 4],
  [ApiKey.InitProducerId, 5],
]);

export interface VersionRange {
  minVersion: number;
  maxVersion: number;
}

/** The range of versions this client can send for `apiKey`. */
export function clientVersions(apiKey: number): VersionRange | undefined {
  const api = apiByKey(apiKey);
  if (api?.minVersion === undefined || api.maxVersion === undefined) return undefined;
  let maxVersion = api.latestVersionUnstable ? api.maxVersion - 1 : api.maxVersion;
  maxVersion = Math.min(maxVersion, CLIENT_MAX.get(apiKey) ?? maxVersion);
  return { minVersion: api.minVersion, maxVersion };
}

/**
 * The highest version both sides support, or a ClientError when the ranges do not meet
 * (the broker is too old or too new for this request).
 */
export function pickVersion(apiKey: number, broker: VersionRange | undefined): number {
  const client = clientVersions(apiKey);
  const name = apiByKey(apiKey)?.name ?? `api ${apiKey}`;
  if (client === undefined || broker === undefined) {
    throw new ClientError('ERR_UNSUPPORTED_VERSION', `The broker does not support ${name}.`);
  }
  const version = Math.min(client.maxVersion, broker.maxVersion);
  if (version < client.minVersion || version < broker.minVersion) {
    throw new ClientError(
      'ERR_UNSUPPORTED_VERSION',
      `No common version of ${name}: broker ${broker.minVersion}-${broker.maxVersion}, ` +
        `client ${client.minVersion}-${client.maxVersion}.`,
    );
  }
  return version;
}
