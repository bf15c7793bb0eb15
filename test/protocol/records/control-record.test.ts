import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ControlRecordType,
  controlRecordKey,
  decodeControlRecord,
  endTxnMarker,
} from '../../../src/protocol/records/control-record.js';
import {
  decodeRecordBatchSync,
  encodeRecordBatchSync,
} from '../../../src/protocol/records/record-batch.js';
import { RecordDecodeError } from '../../../src/protocol/records/record-decode-error.js';

test('commit and abort markers round-trip inside a control batch', () => {
  for (const type of [ControlRecordType.Commit, ControlRecordType.Abort]) {
    const marker = endTxnMarker(type, 17);
    assert.equal(marker.key!.toString('hex'), `0000000${type}`);
    assert.equal(marker.value!.toString('hex'), '000000000011');
    const buf = encodeRecordBatchSync([marker], {
      isControl: true,
      isTransactional: true,
      producerId: 5n,
      producerEpoch: 1,
      timestamp: 1_700_000_000_000,
    });
    const batch = decodeRecordBatchSync(buf);
    assert.equal(batch.isControl, true);
    assert.equal(batch.isTransactional, true);
    assert.deepEqual(decodeControlRecord(batch.records[0]!), {
      type,
      version: 0,
      coordinatorEpoch: 17,
    });
  }
});

test('KRaft control types and unknown types are recognised, not rejected', () => {
  const value = Buffer.from('0001', 'hex');
  const leader = decodeControlRecord({
    key: controlRecordKey(ControlRecordType.LeaderChange),
    value,
  });
  assert.deepEqual(leader, { type: ControlRecordType.LeaderChange, version: 0, value });
  const future = Buffer.from('00000063', 'hex');
  assert.deepEqual(decodeControlRecord({ key: future, value: null }), {
    type: 'unknown',
    typeId: 99,
    version: 0,
    value: null,
  });
});

test('malformed control records are typed errors', () => {
  assert.throws(() => decodeControlRecord({ key: null, value: null }), RecordDecodeError);
  assert.throws(
    () => decodeControlRecord({ key: Buffer.from('00'), value: null }),
    RecordDecodeError,
  );
  assert.throws(
    () => decodeControlRecord({ key: controlRecordKey(ControlRecordType.Commit), value: null }),
    RecordDecodeError,
  );
});
