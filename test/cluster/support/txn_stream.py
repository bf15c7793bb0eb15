#!/usr/bin/python3
"""A stream of transactions from confluent-kafka-python's transactional producer, until stdin
closes.

Usage: txn_stream.py '<json arguments>' with "bootstrap", "topic", "partitions",
"transactional_id", optional "per_partition" (records per partition per transaction, default 2),
"abort_every" (default 3) and "config". Transaction n writes "<n>-<partition>-<i>" to every
partition 0..partitions-1, then commits, or aborts when n % abort_every == 0. Prints one JSON
line per transaction: {"t": n, "r": "commit" | "abort" | "unknown"}: "commit" once
commit_transaction returned, "abort" once it was aborted, "unknown" when the outcome cannot be
known (a fatal error after the commit was asked for: then a new producer instance takes the
transactional id over and the transaction is either whole or invisible). Errors go to stderr.
After stdin closes it prints {"done": transactions}.
"""
import json
import sys
import threading

from confluent_kafka import KafkaException, Producer

a = json.loads(sys.argv[1])
conf = {
    'bootstrap.servers': a['bootstrap'],
    'transactional.id': a['transactional_id'],
    'transaction.timeout.ms': 60000,
    'linger.ms': 5,
    'message.timeout.ms': 60000,
}
conf.update(a.get('config', {}))
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()


def out(line):
    sys.stdout.write(json.dumps(line) + '\n')
    sys.stdout.flush()


def log(what, err):
    sys.stderr.write(f'{what}: {err}\n')
    sys.stderr.flush()


def new_producer():
    while True:
        p = Producer(conf)
        try:
            p.init_transactions(60)
            return p
        except KafkaException as e:
            log('init_transactions', e)


def retrying(what, fn):
    """Runs fn until it succeeds or fails for good: True, or the KafkaError that ended it."""
    while True:
        try:
            fn()
            return True
        except KafkaException as e:
            err = e.args[0]
            log(what, err)
            if err.retriable() and not err.fatal() and not err.txn_requires_abort():
                continue
            return err


p = new_producer()
n = 0
per = a.get('per_partition', 2)
abort_every = a.get('abort_every', 3)
while not stop.is_set():
    n += 1
    commit = n % abort_every != 0
    began = retrying('begin_transaction', p.begin_transaction)
    if began is not True:
        p = new_producer()
        out({'t': n, 'r': 'abort'})  # nothing was produced in it
        continue
    try:
        for part in range(a['partitions']):
            for i in range(per):
                p.produce(a['topic'], value=f'{n}-{part}-{i}'.encode(), partition=part)
    except (KafkaException, BufferError) as e:
        log('produce', e)
        commit = False
    if commit:
        ended = retrying('commit_transaction', lambda: p.commit_transaction(60))
        if ended is True:
            out({'t': n, 'r': 'commit'})
            continue
        if ended.fatal() or not ended.txn_requires_abort():
            # The commit may or may not have been decided: a new instance fences this one.
            out({'t': n, 'r': 'unknown'})
            p = new_producer()
            continue
    ended = retrying('abort_transaction', lambda: p.abort_transaction(60))
    if ended is True:
        out({'t': n, 'r': 'abort'})
    else:
        # Aborted by the next instance's init_transactions (it ends the open transaction).
        p = new_producer()
        out({'t': n, 'r': 'abort'})
out({'done': n})
