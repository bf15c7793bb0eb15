// `rivulet transactions` against a started broker with an open transaction: list, describe,
// describe-producers, find-hanging and abort, in Kafka's tab-separated tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Consumer, Producer } from '../../../src/client/index.js';
import { startBroker } from '../../../src/index.js';
import { take } from '../../client/support/take.js';
import { runCli } from './run-cli.js';

/** A table's rows split into cells (Kafka ends every cell, the last too, with a tab). */
function table(stdout: string): string[][] {
  return stdout
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      assert.ok(line.endsWith('\t'), `row does not end with a tab: ${JSON.stringify(line)}`);
      return line
        .slice(0, -1)
        .split('\t')
        .map((c) => c.trimEnd());
    });
}

test(
  'transactions list, describe, describe-producers, find-hanging, abort',
  { timeout: 120_000 },
  async (t) => {
    const broker = await startBroker();
    t.after(() => broker.close());
    const bs = ['--bootstrap-server', broker.bootstrap];
    assert.equal(
      (await runCli(['topics', ...bs, '--create', '--topic', 'pay', '--partitions', '1'])).code,
      0,
    );

    // An open transaction: begun and written to, never ended (the producer is abandoned).
    const producer = new Producer({ bootstrapServers: broker.bootstrap, transactionalId: 'tx-1' });
    await producer.connect();
    await producer.initTransactions();
    producer.beginTransaction();
    await producer.send({ topic: 'pay', partition: 0, value: 'pending' });
    await producer.flush();

    const list = await runCli(['transactions', ...bs, 'list']);
    assert.equal(list.code, 0, list.stderr);
    const listed = table(list.stdout);
    assert.deepEqual(listed[0], [
      'TransactionalId',
      'Coordinator',
      'ProducerId',
      'TransactionState',
    ]);
    const row = listed.find((r) => r[0] === 'tx-1');
    assert.ok(row !== undefined, list.stdout);
    assert.equal(row[1], String(broker.nodeId));
    assert.equal(row[3], 'Ongoing');
    const producerId = row[2]!;

    const described = await runCli([
      'transactions',
      ...bs,
      'describe',
      '--transactional-id',
      'tx-1',
    ]);
    assert.equal(described.code, 0, described.stderr);
    const [head, d] = table(described.stdout);
    assert.deepEqual(head, [
      'CoordinatorId',
      'TransactionalId',
      'ProducerId',
      'ProducerEpoch',
      'TransactionState',
      'TransactionTimeoutMs',
      'CurrentTransactionStartTimeMs',
      'TransactionDurationMs',
      'TopicPartitions',
    ]);
    assert.equal(d![1], 'tx-1');
    assert.equal(d![2], producerId);
    assert.equal(d![4], 'Ongoing');
    assert.equal(d![8], 'pay-0');
    const unknown = await runCli([
      'transactions',
      ...bs,
      'describe',
      '--transactional-id',
      'nosuch',
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /TRANSACTIONAL_ID_NOT_FOUND/);

    const producers = await runCli([
      'transactions',
      ...bs,
      'describe-producers',
      '--topic',
      'pay',
      '--partition',
      '0',
    ]);
    assert.equal(producers.code, 0, producers.stderr);
    const [pHead, p] = table(producers.stdout);
    assert.deepEqual(pHead, [
      'ProducerId',
      'ProducerEpoch',
      'LatestCoordinatorEpoch',
      'LastSequence',
      'LastTimestamp',
      'CurrentTransactionStartOffset',
    ]);
    assert.equal(p![0], producerId);
    assert.equal(p![5], '0');

    // The coordinator knows this transaction's partition: it is open, not hanging.
    const hanging = await runCli([
      'transactions',
      ...bs,
      'find-hanging',
      '--topic',
      'pay',
      '--max-transaction-timeout',
      '0',
    ]);
    assert.equal(hanging.code, 0, hanging.stderr);
    assert.deepEqual(table(hanging.stdout), [
      [
        'Topic',
        'Partition',
        'ProducerId',
        'ProducerEpoch',
        'CoordinatorEpoch',
        'StartOffset',
        'LastTimestamp',
        'Duration(min)',
      ],
    ]);
    const unscoped = await runCli(['transactions', ...bs, 'find-hanging']);
    assert.equal(unscoped.code, 2);

    const noOpen = await runCli([
      'transactions',
      ...bs,
      'abort',
      '--topic',
      'pay',
      '--partition',
      '0',
      '--start-offset',
      '7',
    ]);
    assert.equal(noOpen.code, 1);
    assert.match(
      noOpen.stderr,
      /Could not find any open transactions starting at offset 7 on partition pay-0/,
    );
    const aborted = await runCli([
      'transactions',
      ...bs,
      'abort',
      '--topic',
      'pay',
      '--partition',
      '0',
      '--start-offset',
      '0',
    ]);
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.equal(aborted.stdout, '');
    const after = table(
      (
        await runCli([
          'transactions',
          ...bs,
          'describe-producers',
          '--topic',
          'pay',
          '--partition',
          '0',
        ])
      ).stdout,
    );
    assert.equal(after[1]![5], 'None');

    // With the transaction aborted the last stable offset moves on: a read_committed consumer
    // sees a record written after it, and not the aborted one.
    const later = new Producer({ bootstrapServers: broker.bootstrap });
    await later.connect();
    await later.send({ topic: 'pay', partition: 0, value: 'after' });
    await later.close();
    const consumer = new Consumer({
      bootstrapServers: broker.bootstrap,
      isolationLevel: 'read_committed',
    });
    await consumer.connect();
    t.after(() => consumer.close());
    consumer.assign([{ topic: 'pay', partition: 0, offset: 'earliest' }]);
    const [first] = await take(consumer.records(), 1);
    assert.equal(first?.value?.toString(), 'after');
    // The abandoned producer's sockets.
    await producer.close().catch(() => {});

    // abort by producer id, epoch and coordinator epoch (-1 stands for 0, as in Kafka).
    const second = new Producer({ bootstrapServers: broker.bootstrap, transactionalId: 'tx-2' });
    await second.connect();
    await second.initTransactions();
    second.beginTransaction();
    await second.send({ topic: 'pay', partition: 0, value: 'pending-2' });
    await second.flush();
    const open = table(
      (
        await runCli([
          'transactions',
          ...bs,
          'describe-producers',
          '--topic',
          'pay',
          '--partition',
          '0',
        ])
      ).stdout,
    ).find((r) => r[5] !== 'None' && r[0] !== 'ProducerId');
    assert.ok(open !== undefined);
    const missingEpoch = await runCli([
      'transactions',
      ...bs,
      'abort',
      '--topic',
      'pay',
      '--partition',
      '0',
      '--producer-id',
      open[0]!,
    ]);
    assert.equal(missingEpoch.code, 2);
    assert.match(missingEpoch.stderr, /Missing required argument --producer-epoch/);
    const byId = await runCli([
      'transactions',
      ...bs,
      'abort',
      '--topic',
      'pay',
      '--partition',
      '0',
      '--producer-id',
      open[0]!,
      '--producer-epoch',
      open[1]!,
      '--coordinator-epoch',
      '-1',
    ]);
    assert.equal(byId.code, 0, byId.stderr);
    const closed = table(
      (
        await runCli([
          'transactions',
          ...bs,
          'describe-producers',
          '--topic',
          'pay',
          '--partition',
          '0',
        ])
      ).stdout,
    );
    assert.ok(
      closed.slice(1).every((r) => r[5] === 'None'),
      JSON.stringify(closed),
    );
    await second.close().catch(() => {});
  },
);
