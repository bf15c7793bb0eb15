// Tools that ask the brokers about themselves:
// - `rivulet cluster-id`: kafka-cluster.sh cluster-id — `Cluster ID: <id>`.
// - `rivulet features describe`: kafka-features.sh describe — one line per feature with the
//   range the broker supports and the finalized level (metadata.version as release names).
// - `rivulet broker-api-versions`: kafka-broker-api-versions.sh — every broker's API ranges
//   and the version this client would use.
import { ApiKey, clientVersions, Connection, type Admin } from '../../client/index.js';
import { apis, type ApiVersionsResponse } from '../../protocol/index.js';
import {
  clientOptions,
  EXIT_OK,
  parseFlags,
  readPropertiesFile,
  requireFlag,
  stringFlag,
  subcommand,
  usageError,
  withAdmin,
  type FlagValues,
} from './tool-support.js';

const COMMON_OPTIONS = {
  'bootstrap-server': { type: 'string' },
  'command-config': { type: 'string' },
} as const;

const CLUSTER_ID_SPEC = {
  name: 'cluster-id',
  help: `Usage: rivulet cluster-id --bootstrap-server HOST:PORT [--command-config FILE]

Prints the cluster's id (kafka-cluster.sh cluster-id): Cluster ID: <id>.

Exit status: 0 done, 1 the operation failed, 2 bad command line.`,
  options: COMMON_OPTIONS,
} as const;

export async function runClusterId(args: string[]): Promise<number> {
  // kafka-cluster.sh takes the subcommand first: `kafka-cluster.sh cluster-id --bootstrap-server`.
  const { command, rest } = subcommand(CLUSTER_ID_SPEC, args);
  if (command !== undefined && command !== 'cluster-id')
    return usageError(CLUSTER_ID_SPEC.name, `'${command}' is not supported; only cluster-id is`);
  const flags = parseFlags(CLUSTER_ID_SPEC, rest);
  if (typeof flags === 'number') return flags;
  return withAdmin(CLUSTER_ID_SPEC.name, flags, async (admin) => {
    const { clusterId } = await admin.describeCluster();
    console.log(`Cluster ID: ${clusterId ?? ''}`);
    return EXIT_OK;
  });
}

const FEATURES_SPEC = {
  name: 'features',
  help: `Usage: rivulet features --bootstrap-server HOST:PORT describe [--command-config FILE]

Describes the cluster's feature flags (kafka-features.sh describe), one line per feature:
  Feature: NAME<TAB>SupportedMinVersion: V<TAB>SupportedMaxVersion: V<TAB>FinalizedVersionLevel: V<TAB>Epoch: N
metadata.version levels are printed as Kafka release names (3.3-IV3 ... 4.0-IV3); Epoch is
the offset of the metadata record that finalized them. Only describe is supported:
upgrade, downgrade and disable are not.

Exit status: 0 done, 1 the operation failed, 2 bad command line.`,
  options: COMMON_OPTIONS,
} as const;

/** metadata.version feature levels 1.. as Kafka's release names (MetadataVersion). */
const METADATA_VERSIONS = [
  '3.0-IV1',
  '3.1-IV0',
  '3.2-IV0',
  '3.3-IV0',
  '3.3-IV1',
  '3.3-IV2',
  '3.3-IV3',
  '3.4-IV0',
  '3.5-IV0',
  '3.5-IV1',
  '3.5-IV2',
  '3.6-IV0',
  '3.6-IV1',
  '3.6-IV2',
  '3.7-IV0',
  '3.7-IV1',
  '3.7-IV2',
  '3.7-IV3',
  '3.7-IV4',
  '3.8-IV0',
  '3.9-IV0',
  '4.0-IV0',
  '4.0-IV1',
  '4.0-IV2',
  '4.0-IV3',
];

function level(feature: string, v: number): string {
  if (feature !== 'metadata.version') return String(v);
  return METADATA_VERSIONS[v - 1] ?? String(v);
}

export async function runFeatures(args: string[]): Promise<number> {
  const { command, rest } = subcommand(FEATURES_SPEC, args);
  if (command === undefined && !rest.includes('--help') && !rest.includes('-h'))
    return usageError(FEATURES_SPEC.name, 'an action is required: describe');
  if (command !== undefined && command !== 'describe')
    return usageError(FEATURES_SPEC.name, `'${command}' is not supported; only describe is`);
  const flags = parseFlags(FEATURES_SPEC, rest);
  if (typeof flags === 'number') return flags;
  return withAdmin(FEATURES_SPEC.name, flags, async (admin) => {
    const r = await apiVersions(admin);
    const finalized = new Map(r.finalizedFeatures.map((f) => [f.name, f.maxVersionLevel]));
    const names = new Set([...r.supportedFeatures.map((f) => f.name), ...finalized.keys()]);
    for (const name of [...names].sort()) {
      const s = r.supportedFeatures.find((f) => f.name === name);
      const fin = finalized.get(name);
      console.log(
        [
          `Feature: ${name}`,
          `SupportedMinVersion: ${s === undefined ? '-' : level(name, s.minVersion)}`,
          `SupportedMaxVersion: ${s === undefined ? '-' : level(name, s.maxVersion)}`,
          `FinalizedVersionLevel: ${fin === undefined ? '-' : level(name, fin)}`,
          `Epoch: ${r.finalizedFeaturesEpoch < 0n ? '-' : r.finalizedFeaturesEpoch}`,
        ].join('\t'),
      );
    }
    return EXIT_OK;
  });
}

/** The full ApiVersions answer of any broker (features ride on v3+). */
async function apiVersions(admin: Admin): Promise<ApiVersionsResponse> {
  const connection = await admin.cluster.connection('any');
  return sendApiVersions(connection);
}

function sendApiVersions(connection: Connection): Promise<ApiVersionsResponse> {
  return connection.send<ApiVersionsResponse>(ApiKey.ApiVersions, {
    clientSoftwareName: 'rivulet-cli',
    clientSoftwareVersion: '0.1.0',
  });
}

const API_VERSIONS_SPEC = {
  name: 'broker-api-versions',
  help: `Usage: rivulet broker-api-versions --bootstrap-server HOST:PORT [--command-config FILE]

Prints the API versions each broker supports (kafka-broker-api-versions.sh):
  HOST:PORT (id: N rack: R) -> (
  	Produce(0): 0 to 12 [usable: 12],
  	...
  )
"usable" is the version this client sends; APIs the broker lacks are UNSUPPORTED.

Exit status: 0 done, 1 the operation failed, 2 bad command line.`,
  options: COMMON_OPTIONS,
} as const;

export async function runBrokerApiVersions(args: string[]): Promise<number> {
  const flags = parseFlags(API_VERSIONS_SPEC, args);
  if (typeof flags === 'number') return flags;
  return withAdmin(API_VERSIONS_SPEC.name, flags, async (admin) => {
    await admin.cluster.refreshMetadata();
    const brokers = [...admin.cluster.brokers.values()].sort((a, b) => a.nodeId - b.nodeId);
    for (const b of brokers) {
      // A connection of its own, so each broker is asked about itself.
      const connection = await Connection.connect(b.host, b.port, connectionOptions(flags));
      try {
        const r = await sendApiVersions(connection);
        console.log(`${b.host}:${b.port} (id: ${b.nodeId} rack: ${b.rack ?? 'null'}) -> (`);
        console.log(`\t${apiLines(r).join(',\n\t')}`);
        console.log(')');
      } finally {
        connection.close();
      }
    }
    return EXIT_OK;
  });
}

function connectionOptions(flags: FlagValues) {
  const file = stringFlag(flags, 'command-config');
  const props = file === undefined ? new Map<string, string>() : readPropertiesFile(file);
  return clientOptions(requireFlag(flags, 'bootstrap-server'), props);
}

/** One entry per API the broker listener serves, as Kafka's NodeApiVersions prints them. */
export function apiLines(r: ApiVersionsResponse): string[] {
  const broker = new Map(r.apiKeys.map((k) => [k.apiKey, k]));
  const lines: string[] = [];
  const known = new Set<number>();
  for (const api of [...apis].sort((a, b) => a.apiKey - b.apiKey)) {
    if (!api.listeners.includes('broker') || api.minVersion === undefined) continue;
    known.add(api.apiKey);
    const b = broker.get(api.apiKey);
    const name = `${api.name}(${api.apiKey})`;
    if (b === undefined) {
      lines.push(`${name}: UNSUPPORTED`);
      continue;
    }
    const range =
      b.minVersion === b.maxVersion ? `${b.minVersion}` : `${b.minVersion} to ${b.maxVersion}`;
    const mine = clientVersions(api.apiKey);
    let usable: string;
    if (mine === undefined || mine.maxVersion < b.minVersion) usable = '[unusable: node too new]';
    else if (mine.minVersion > b.maxVersion) usable = '[unusable: node too old]';
    else usable = `[usable: ${Math.min(mine.maxVersion, b.maxVersion)}]`;
    lines.push(`${name}: ${range} ${usable}`);
  }
  for (const b of r.apiKeys) {
    if (!known.has(b.apiKey))
      lines.push(`UNKNOWN(${b.apiKey}): ${b.minVersion} to ${b.maxVersion}`);
  }
  return lines;
}
