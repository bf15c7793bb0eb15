// `meta.properties` in each log dir, as Kafka writes it in KRaft mode: the cluster id, this
// node's id and the directory's own id. The cluster id is made once, when the first log dir
// is formatted, and read back on every start, so clients see a stable cluster id.
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';

export const META_PROPERTIES_FILE = 'meta.properties';

export interface MetaProperties {
  clusterId: string;
  nodeId: number;
  directoryId: string;
}

/** A new Kafka-style id: 16 random bytes in URL-safe base64 without padding (22 characters). */
export function newKafkaId(random: (n: number) => Buffer = randomBytes): string {
  return random(16).toString('base64url');
}

/**
 * Reads meta.properties in every log dir; writes it where missing, with the cluster id of
 * the others (or a new one). Fails if the dirs disagree or were formatted for another node.
 */
export async function ensureMetaProperties(
  logDirs: readonly string[],
  nodeId: number,
  /** The source of new cluster and directory ids (the environment's). */
  random: (n: number) => Buffer = randomBytes,
  /** The cluster's id when it is kept elsewhere (in etcd, for a cluster): the dirs must match. */
  expectedClusterId?: string,
): Promise<string> {
  const found = await Promise.all(logDirs.map((dir) => readMetaProperties(dir)));
  let clusterId: string | undefined = expectedClusterId;
  for (const [i, props] of found.entries()) {
    if (props === undefined) continue;
    if (props.nodeId !== nodeId) {
      throw new Error(
        `${join(logDirs[i]!, META_PROPERTIES_FILE)} belongs to node ${props.nodeId}, not node.id ${nodeId}`,
      );
    }
    if (clusterId !== undefined && props.clusterId !== clusterId) {
      throw new Error(`log dirs belong to different clusters: ${clusterId}, ${props.clusterId}`);
    }
    clusterId = props.clusterId;
  }
  clusterId ??= newKafkaId(random);
  for (const [i, props] of found.entries()) {
    if (props !== undefined) continue;
    await writeMetaProperties(logDirs[i]!, { clusterId, nodeId, directoryId: newKafkaId(random) });
  }
  return clusterId;
}

export async function readMetaProperties(dir: string): Promise<MetaProperties | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, META_PROPERTIES_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    const at = line.indexOf('=');
    values.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const clusterId = values.get('cluster.id');
  const nodeId = Number(values.get('node.id'));
  if (clusterId === undefined || !Number.isInteger(nodeId)) {
    throw new Error(`${join(dir, META_PROPERTIES_FILE)} lacks cluster.id or node.id`);
  }
  return { clusterId, nodeId, directoryId: values.get('directory.id') ?? '' };
}

/** Writes the file atomically (temporary file, fsync, rename). */
async function writeMetaProperties(dir: string, props: MetaProperties): Promise<void> {
  const text =
    `#\n#${new Date().toUTCString()}\n` +
    `node.id=${props.nodeId}\ndirectory.id=${props.directoryId}\nversion=1\n` +
    `cluster.id=${props.clusterId}\n`;
  const path = join(dir, META_PROPERTIES_FILE);
  const tmp = `${path}.tmp`;
  await writeFile(tmp, text);
  const handle = await open(tmp, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}
