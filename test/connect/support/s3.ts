// An S3-compatible server for the S3 sink's tests: s3rver (npm), in this process, on a free
// port, storing objects in a temporary directory; and helpers that read a bucket back with
// the AWS SDK v3, path-style, as the connector writes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type _Object } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export interface S3Server {
  url: string;
  client: S3Client;
  /** Objects uploaded so far, in order (s3rver's ObjectCreated events). */
  created: string[];
  list(bucket: string, prefix?: string): Promise<string[]>;
  get(bucket: string, key: string): Promise<Buffer>;
  close(): Promise<void>;
}

export async function startS3(buckets: string[]): Promise<S3Server> {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-s3-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const created: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  server.on('event', (e: any) => {
    for (const r of e.Records ?? [])
      if (String(r.eventName).startsWith('ObjectCreated')) created.push(r.s3.object.key);
  });
  const { port } = (await server.run()) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    url,
    client,
    created,
    async list(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const r = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            ...(prefix !== undefined && { Prefix: prefix }),
            ...(token !== undefined && { ContinuationToken: token }),
          }),
        );
        keys.push(...(r.Contents ?? []).map((o: _Object) => o.Key!));
        token = r.IsTruncated === true ? r.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys.sort();
    },
    async get(bucket, key) {
      const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await r.Body!.transformToByteArray());
    },
    async close() {
      client.destroy();
      // Keep-alive connections of clients that are gone would hold close() open.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (server as any).httpServer?.closeAllConnections?.();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
