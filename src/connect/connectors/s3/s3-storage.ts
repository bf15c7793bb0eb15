// The S3 side of the sink: one client (AWS SDK v3) for Amazon S3 or any S3-compatible store
// at `store.url`, with path-style addressing when asked. An object up to `s3.part.size` is one
// PutObject; a larger one is a multipart upload in parts of that size, aborted if a part
// fails, so a half-written object never appears under its name.
import type { S3SinkSettings } from './s3-sink-config.js';

type S3Module = typeof import('@aws-sdk/client-s3');

export class S3Storage {
  private constructor(
    private readonly sdk: S3Module,
    private readonly client: InstanceType<S3Module['S3Client']>,
    private readonly bucket: string,
    private readonly partSizeBytes: number,
  ) {}

  static async open(s: S3SinkSettings): Promise<S3Storage> {
    // Loaded on first use: a worker without S3 connectors never pays for the SDK.
    const sdk = await import('@aws-sdk/client-s3');
    const client = new sdk.S3Client({
      region: s.region,
      forcePathStyle: s.pathStyle,
      ...(s.storeUrl !== '' && { endpoint: s.storeUrl }),
      ...(s.accessKeyId !== '' && {
        credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
      }),
      // Checksums only where S3 requires them: S3-compatible stores often reject the
      // flexible-checksum headers newer SDKs send by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const storage = new S3Storage(sdk, client, s.bucket, s.partSizeBytes);
    try {
      await client.send(new sdk.HeadBucketCommand({ Bucket: s.bucket }));
    } catch (err) {
      client.destroy();
      throw new Error(`Non-existent S3 bucket: ${s.bucket} (${(err as Error).name})`, {
        cause: err,
      });
    }
    return storage;
  }

  async put(key: string, body: Buffer): Promise<void> {
    const { sdk, client, bucket } = this;
    if (body.length <= this.partSizeBytes) {
      await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      return;
    }
    const { UploadId } = await client.send(
      new sdk.CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
    );
    try {
      const parts: { PartNumber: number; ETag: string }[] = [];
      for (let at = 0, n = 1; at < body.length; at += this.partSizeBytes, n++) {
        const part = await client.send(
          new sdk.UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            PartNumber: n,
            Body: body.subarray(at, at + this.partSizeBytes),
          }),
        );
        parts.push({ PartNumber: n, ETag: part.ETag! });
      }
      await client.send(
        new sdk.CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (err) {
      await client
        .send(new sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
        .catch(() => undefined);
      throw err;
    }
  }

  close(): void {
    this.client.destroy();
  }
}
