#!/usr/bin/python3
"""A confluent-kafka-python (librdkafka) consume-transform-produce loop with exactly-once
semantics, driven from the interop tests.

Usage: txn_loop.py <operation> '<json arguments>'. Prints one JSON document on stdout (the
"loop" operation with "hang_at" prints a line "HANGING" first and then waits to be killed).

Operations:
  loop       read `input` in group `group` (read_committed), and per batch of at most `batch`
             records: begin a transaction, write each record to `output` (key "p:o" of the
             input record, value "T-" + value), send the consumer's positions with
             send_offsets_to_transaction, then commit, or abort every `abort_every`-th
             transaction (and rewind to the committed offsets). Stops after `stop_after`
             committed input records, or `idle` seconds without input once input came.
  committed  the group's committed offsets of `topic` partitions 0..`partitions`-1.
  read       every record of `topic` up to its end with `isolation` (read_committed or
             read_uncommitted), as a list of keys.
"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition, KafkaException, OFFSET_BEGINNING


def loop(a):
    c = Consumer({
        'bootstrap.servers': a['bootstrap'],
        'group.id': a['group'],
        'enable.auto.commit': False,
        'auto.offset.reset': 'earliest',
        'isolation.level': 'read_committed',
        'session.timeout.ms': 6000,
    })
    p = Producer({
        'bootstrap.servers': a['bootstrap'],
        'transactional.id': a['transactional_id'],
        'transaction.timeout.ms': a.get('transaction_timeout_ms', 60000),
        'linger.ms': 5,
    })
    p.init_transactions(30)
    c.subscribe([a['input']])
    txns = 0
    committed = 0
    aborted = 0
    processed = []
    last_input = None
    deadline = time.time() + a.get('timeout', 60)
    while len(processed) < a.get('stop_after', 1 << 30) and time.time() < deadline:
        msgs = c.consume(num_messages=a['batch'], timeout=0.5)
        for m in msgs:
            if m.error():
                raise KafkaException(m.error())
        if not msgs:
            # Joining the group may take a while; idle counts once records came.
            if last_input is not None and time.time() - last_input > a.get('idle', 5):
                break
            continue
        last_input = time.time()
        p.begin_transaction()
        for m in msgs:
            p.produce(a['output'], key=f'{m.partition()}:{m.offset()}'.encode(),
                      value=b'T-' + (m.value() or b''))
        # Sent before the transaction ends, so an aborted one leaves its records in the log
        # (librdkafka drops unsent records on abort).
        p.flush(30)
        positions = [tp for tp in c.position(c.assignment()) if tp.offset >= 0]
        p.send_offsets_to_transaction(positions, c.consumer_group_metadata(), 30)
        txns += 1
        if a.get('hang_at') == txns:
            print('HANGING', flush=True)
            time.sleep(3600)
        if a.get('abort_every') and txns % a['abort_every'] == 0:
            p.abort_transaction(30)
            aborted += 1
            # The aborted records are read again: back to the committed offsets.
            for tp in c.committed(c.assignment(), timeout=30):
                tp.offset = tp.offset if tp.offset >= 0 else OFFSET_BEGINNING
                c.seek(tp)
        else:
            p.commit_transaction(30)
            committed += 1
            processed.extend(f'{m.partition()}:{m.offset()}' for m in msgs)
    c.close()
    return {'committed': committed, 'aborted': aborted, 'processed': processed}


def committed(a):
    c = Consumer({
        'bootstrap.servers': a['bootstrap'],
        'group.id': a['group'],
        'enable.auto.commit': False,
        'isolation.level': 'read_committed',
    })
    tps = [TopicPartition(a['topic'], i) for i in range(a['partitions'])]
    got = c.committed(tps, timeout=30)
    c.close()
    return {'offsets': {str(tp.partition): tp.offset for tp in got}}


def read(a):
    c = Consumer({
        'bootstrap.servers': a['bootstrap'],
        'group.id': 'txn-loop-reader',
        'enable.auto.commit': False,
        'enable.partition.eof': True,
        'isolation.level': a.get('isolation', 'read_committed'),
    })
    tps = [TopicPartition(a['topic'], i, OFFSET_BEGINNING) for i in range(a['partitions'])]
    c.assign(tps)
    keys = []
    eof = set()
    deadline = time.time() + a.get('timeout', 30)
    while len(eof) < len(tps) and time.time() < deadline:
        msg = c.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == -191:  # _PARTITION_EOF
                eof.add(msg.partition())
                continue
            raise KafkaException(msg.error())
        eof.discard(msg.partition())
        keys.append(msg.key().decode())
    c.close()
    return {'keys': keys, 'complete': len(eof) == len(tps)}


if __name__ == '__main__':
    op, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps({'loop': loop, 'committed': committed, 'read': read}[op](args)))
