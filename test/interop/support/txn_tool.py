#!/usr/bin/python3
"""confluent-kafka-python (librdkafka) transactional producers, driven from the interop tests.

Usage: txn_tool.py <operation> '<json arguments>'. Prints one JSON document on stdout.
Every operation takes "bootstrap" and "topic".
"""
import json
import sys

from confluent_kafka import Producer, KafkaException


def b(v):
    return None if v is None else v.encode('utf-8')


def producer(a, transactional_id):
    conf = {
        'bootstrap.servers': a['bootstrap'],
        'transactional.id': transactional_id,
        'linger.ms': 5,
    }
    conf.update(a.get('config', {}))
    return Producer(conf)


def error_of(e):
    err = e.args[0] if e.args else None
    if err is None or not hasattr(err, 'name'):
        return {'name': str(e), 'fatal': False, 'abortable': False}
    return {'name': err.name(), 'fatal': err.fatal(), 'abortable': err.txn_requires_abort()}


def send(p, topic, messages):
    for m in messages:
        kwargs = {'value': b(m.get('value')), 'key': b(m.get('key'))}
        if 'partition' in m:
            kwargs['partition'] = m['partition']
        p.produce(topic, **kwargs)
        p.poll(0)


def transactions(a):
    """Runs each transaction of a['transactions'] ({messages, end: commit|abort}) in turn."""
    p = producer(a, a['transactional_id'])
    p.init_transactions(30)
    out = []
    for t in a['transactions']:
        p.begin_transaction()
        send(p, a['topic'], t['messages'])
        try:
            if t['end'] == 'commit':
                p.commit_transaction(30)
            else:
                p.flush(30)
                p.abort_transaction(30)
            out.append({'error': None})
        except KafkaException as e:
            out.append({'error': error_of(e)})
    return {'results': out}


def zombie(a):
    """Two producers with one transactional id: the first is fenced by the second's init."""
    tid = a['transactional_id']
    old = producer(a, tid)
    old.init_transactions(30)
    old.begin_transaction()
    send(old, a['topic'], [{'value': 'zombie-1'}])
    old.flush(30)
    new = producer(a, tid)
    new.init_transactions(30)
    new.begin_transaction()
    send(new, a['topic'], [{'value': 'fresh'}])
    new.commit_transaction(30)
    result = {'send': None, 'commit': None}
    try:
        send(old, a['topic'], [{'value': 'zombie-2'}])
        old.flush(10)
    except KafkaException as e:
        result['send'] = error_of(e)
    try:
        old.commit_transaction(10)
    except KafkaException as e:
        result['commit'] = error_of(e)
    return result


def stall(a):
    """Opens a transaction, writes to it, stalls past transaction.timeout.ms, then sends more
    and tries to commit: the broker should have aborted it meanwhile."""
    import time
    p = producer(a, a['transactional_id'])
    p.init_transactions(30)
    p.begin_transaction()
    send(p, a['topic'], [{'value': 'stalled-1', 'partition': 0}])
    p.flush(30)
    time.sleep(a['stall_s'])
    result = {'send': None, 'commit': None}
    try:
        send(p, a['topic'], [{'value': 'stalled-late', 'partition': 0}])
        p.flush(10)
    except KafkaException as e:
        result['send'] = error_of(e)
    try:
        p.commit_transaction(10)
    except KafkaException as e:
        result['commit'] = error_of(e)
    return result


OPS = {'transactions': transactions, 'zombie': zombie, 'stall': stall}

if __name__ == '__main__':
    result = OPS[sys.argv[1]](json.loads(sys.argv[2]))
    sys.stdout.write(json.dumps(result))
