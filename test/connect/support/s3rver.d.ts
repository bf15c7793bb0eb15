// s3rver ships no types: the part of its API the tests use.
declare module 's3rver' {
  import { EventEmitter } from 'node:events';
  export default class S3rver extends EventEmitter {
    constructor(options: {
      port?: number;
      address?: string;
      silent?: boolean;
      directory: string;
      configureBuckets?: { name: string }[];
    });
    run(): Promise<{ port: number; address: string }>;
    close(): Promise<void>;
  }
}
