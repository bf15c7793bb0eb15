// `rivulet dump-log`: kafka-dump-log.sh for segment files — one line per batch (offsets,
// count, producer id/epoch/sequence, compression, size, CRC validity) and, with
// --print-data-log, one line per record, decoded as offsets, transaction-log or cluster-metadata
// records when asked. Reading stops at the first damaged batch, which is reported, as recovery
// would truncate there. Index, time-index, txn-index and snapshot files are listed entry by
// entry (dump-index.ts).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  BatchHeader,
  checkBatchFrame,
  decodeRecordBatch,
  LOG_OVERHEAD_BYTES,
  type DecodedRecordBatch,
} from '../../protocol/index.js';
import { clusterMetadataDecoder, coordinatorDecoder, type RecordDecoder } from './dump-decoders.js';
import { dumpSideFile } from './dump-index.js';
import { decodeControlRecord, ControlRecordType } from '../../protocol/index.js';
import {
  EXIT_FAILED,
  EXIT_OK,
  failure,
  listFlag,
  parseFlags,
  UsageError,
  type FlagValues,
} from './tool-support.js';

const SPEC = {
  name: 'dump-log',
  help: `Usage: rivulet dump-log --files FILE[,FILE...] [--print-data-log]

Prints the record batches of log segment files (.log), and the entries of .index, .timeindex,
.txnindex and .snapshot files, like kafka-dump-log.sh.

Options:
  --files FILES           Comma-separated segment files; repeatable. Required.
  --print-data-log        Also print every record (offset, timestamp, key, value, headers).
  --deep-iteration        Same as --print-data-log without payloads.
  --offsets-decoder       Decode records as __consumer_offsets records (implies
                          --print-data-log).
  --transaction-log-decoder
                          Decode records as __transaction_state records.
  --cluster-metadata-decoder
                          Decode records as __cluster_metadata (KRaft) records.
  -h, --help              Show this help.

Exit status: 0 every file read cleanly, 1 a file is missing or damaged, 2 bad command line.`,
  options: {
    files: { type: 'string', multiple: true },
    'print-data-log': { type: 'boolean' },
    'deep-iteration': { type: 'boolean' },
    'offsets-decoder': { type: 'boolean' },
    'transaction-log-decoder': { type: 'boolean' },
    'cluster-metadata-decoder': { type: 'boolean' },
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
    const decoder = recordDecoder(flags);
    const payloads = flags['print-data-log'] === true || decoder !== null;
    const records = payloads || flags['deep-iteration'] === true;
    let code = EXIT_OK;
    for (const file of files) {
      if (!(await dumpFile(file, { records, payloads, decoder }))) code = EXIT_FAILED;
    }
    return code;
  } catch (err) {
    return failure(SPEC.name, err);
  }
}

function recordDecoder(flags: FlagValues): RecordDecoder | null {
  const chosen = [
    flags['offsets-decoder'] === true ? coordinatorDecoder('group-coordinator') : null,
    flags['transaction-log-decoder'] === true
      ? coordinatorDecoder('transaction-coordinator')
      : null,
    flags['cluster-metadata-decoder'] === true ? clusterMetadataDecoder : null,
  ].filter((d) => d !== null);
  if (chosen.length > 1) throw new UsageError('give at most one record decoder');
  return chosen[0] ?? null;
}

interface DumpOptions {
  records: boolean;
  payloads: boolean;
  decoder: RecordDecoder | null;
}

async function dumpFile(file: string, o: DumpOptions): Promise<boolean> {
  console.log(`Dumping ${file}`);
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    console.error(`rivulet dump-log: cannot read ${file}: ${(err as Error).message}`);
    return false;
  }
  const side = dumpSideFile(file, buf);
  if (side !== null) {
    for (const line of side) console.log(line);
    return true;
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
      for (const line of recordLines(batch, o)) console.log(line);
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

function recordLines(batch: DecodedRecordBatch, o: DumpOptions): string[] {
  const timestampType = batch.timestampType === 'log-append-time' ? 'LogAppendTime' : 'CreateTime';
  return batch.records.map((r, i) => {
    const sequence = batch.baseSequence < 0 ? -1 : batch.baseSequence + i;
    let line =
      `| offset: ${r.offset} ${timestampType}: ${r.timestamp} keySize: ${r.key?.length ?? -1}` +
      ` valueSize: ${r.value?.length ?? -1} sequence: ${sequence}` +
      ` headerKeys: [${r.headers.map((h) => h.key).join(',')}]`;
    if (batch.isControl) return line + controlText(r);
    if (o.decoder !== null) return line + o.decoder(r);
    if (o.payloads) {
      if (r.key !== null) line += ` key: ${r.key.toString('utf8')}`;
      line += ` payload: ${r.value === null ? 'null' : r.value.toString('utf8')}`;
    }
    return line;
  });
}

/** A control record as Kafka's tool shows it: a transaction marker, or the control type. */
function controlText(r: DecodedRecordBatch['records'][number]): string {
  try {
    const c = decodeControlRecord(r);
    if (c.type === ControlRecordType.Abort || c.type === ControlRecordType.Commit) {
      const type = c.type === ControlRecordType.Abort ? 'ABORT' : 'COMMIT';
      return ` endTxnMarker: ${type} coordinatorEpoch: ${c.coordinatorEpoch}`;
    }
    const typeId = c.type === 'unknown' ? c.typeId : c.type;
    return ` controlType: ${CONTROL_NAMES[typeId] ?? 'UNKNOWN'}(${typeId})`;
  } catch (err) {
    return ` controlType: <undecodable: ${(err as Error).message}>`;
  }
}

const CONTROL_NAMES: Record<number, string> = {
  2: 'LEADER_CHANGE',
  3: 'SNAPSHOT_HEADER',
  4: 'SNAPSHOT_FOOTER',
  5: 'KRAFT_VERSION',
  6: 'KRAFT_VOTERS',
};
