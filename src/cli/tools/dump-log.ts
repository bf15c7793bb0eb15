// `rivulet dump-log`: kafka-dump-log.sh for segment files — one line per batch (offsets,
// count, producer id/epoch/sequence, compression, size, CRC validity) and, with
// --print-data-log, one line per record. Reading stops at the first damaged batch, which is
// reported, as recovery would truncate there.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  BatchHeader,
  checkBatchFrame,
  decodeRecordBatch,
  LOG_OVERHEAD_BYTES,
  type DecodedRecordBatch,
} from '../../protocol/index.js';
import { EXIT_FAILED, EXIT_OK, failure, listFlag, parseFlags, UsageError } from './tool-support.js';

const SPEC = {
  name: 'dump-log',
  help: `Usage: rivulet dump-log --files FILE[,FILE...] [--print-data-log]

Prints the record batches of log segment files (.log), like kafka-dump-log.sh.

Options:
  --files FILES           Comma-separated segment files; repeatable. Required.
  --print-data-log        Also print every record (offset, timestamp, key, value, headers).
  --deep-iteration        Same as --print-data-log without payloads.
  -h, --help              Show this help.

Exit status: 0 every file read cleanly, 1 a file is missing or damaged, 2 bad command line.`,
  options: {
    files: { type: 'string', multiple: true },
    'print-data-log': { type: 'boolean' },
    'deep-iteration': { type: 'boolean' },
  },
} as const;

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export async function runDumpLog(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  try {
    const files = listFlag(flags, 'files')
      .flatMap((f) => f.split(','))
      .filter((f) => f !== '');
    if (files.length === 0) throw new UsageError('--files is required');
    const records = flags['print-data-log'] === true || flags['deep-iteration'] === true;
    const payloads = flags['print-data-log'] === true;
    let code = EXIT_OK;
    for (const file of files) {
      if (!(await dumpFile(file, { records, payloads }))) code = EXIT_FAILED;
    }
    return code;
  } catch (err) {
    return failure(SPEC.name, err);
  }
}

async function dumpFile(
  file: string,
  o: { records: boolean; payloads: boolean },
): Promise<boolean> {
  console.log(`Dumping ${file}`);
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    console.error(`rivulet dump-log: cannot read ${file}: ${(err as Error).message}`);
    return false;
  }
  const base = /^(\d{20})\.log$/.exec(basename(file));
  if (base !== null) console.log(`Log starting offset: ${BigInt(base[1]!)}`);
  let pos = 0;
  while (pos < buf.length) {
    const size = checkBatchFrame(buf, pos, buf.length, false);
    if (typeof size !== 'number') {
      // A segment preallocated or cut by a crash ends in zeros or a partial batch.
      if (buf.subarray(pos).every((b) => b === 0)) break;
      console.log(
        `Found ${size} at position ${pos}; ${buf.length - pos} bytes after it were not read.`,
      );
      return false;
    }
    const h = new BatchHeader(buf, pos);
    const crcValid = h.isCrcValid();
    console.log(batchLine(h, pos, crcValid));
    if (o.records && crcValid) {
      const batch = await decodeRecordBatch(buf.subarray(pos, pos + size));
      for (const line of recordLines(batch, o.payloads)) console.log(line);
    }
    pos += size;
  }
  return true;
}

function batchLine(h: BatchHeader, position: number, crcValid: boolean): string {
  const count = h.recordCount;
  const lastOffset = h.baseOffset + BigInt(h.lastOffsetDelta);
  const lastSequence = h.baseSequence < 0 ? -1 : h.baseSequence + h.lastOffsetDelta;
  const timestampType = (h.attributes & 0x08) !== 0 ? 'LogAppendTime' : 'CreateTime';
  return [
    `baseOffset: ${h.baseOffset} lastOffset: ${lastOffset} count: ${count}`,
    `baseSequence: ${h.baseSequence} lastSequence: ${lastSequence}`,
    `producerId: ${h.producerId} producerEpoch: ${h.producerEpoch}`,
    `partitionLeaderEpoch: ${h.buf.readInt32BE(h.pos + LOG_OVERHEAD_BYTES)}`,
    `isTransactional: ${h.isTransactional} isControl: ${h.isControl}`,
    `position: ${position} ${timestampType}: ${h.maxTimestamp} size: ${h.totalSize}`,
    `magic: ${h.magic} compresscodec: ${CODECS[h.compression] ?? h.compression} crcValid: ${crcValid}`,
  ].join(' ');
}

function recordLines(batch: DecodedRecordBatch, payloads: boolean): string[] {
  const timestampType = batch.timestampType === 'log-append-time' ? 'LogAppendTime' : 'CreateTime';
  return batch.records.map((r, i) => {
    const sequence = batch.baseSequence < 0 ? -1 : batch.baseSequence + i;
    let line =
      `| offset: ${r.offset} ${timestampType}: ${r.timestamp} keySize: ${r.key?.length ?? -1}` +
      ` valueSize: ${r.value?.length ?? -1} sequence: ${sequence}` +
      ` headerKeys: [${r.headers.map((h) => h.key).join(',')}]`;
    if (payloads) {
      if (r.key !== null) line += ` key: ${r.key.toString('utf8')}`;
      line += ` payload: ${r.value === null ? 'null' : r.value.toString('utf8')}`;
    }
    return line;
  });
}
