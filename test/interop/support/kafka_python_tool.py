#!/usr/bin/python3
"""kafka-python 2.0.2 driven from the interop tests.

Usage: kafka_python_tool.py <operation> '<json arguments>'. Prints one JSON document on stdout.
"""
import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic, NewPartitions, ConfigResource, ConfigResourceType


def b(s):
    return None if s is None else s.encode('utf-8')


def s(v):
    return None if v is None else v.decode('utf-8', 'replace')


def produce(a):
    p = KafkaProducer(bootstrap_servers=a['bootstrap'], **a.get('config', {}))
    futures = []
    for m in a['messages']:
        headers = [(k, b(v)) for k, v in m.get('headers', {}).items()]
        futures.append(p.send(a['topic'], value=b(m.get('value')), key=b(m.get('key')),
                              partition=m.get('partition'), headers=headers))
    p.flush(a.get('timeout', 30))
    reports = []
    for f in futures:
        md = f.get(timeout=a.get('timeout', 30))
        reports.append({'partition': md.partition, 'offset': md.offset})
    p.close()
    return {'reports': reports}


def consume(a):
    c = KafkaConsumer(bootstrap_servers=a['bootstrap'], enable_auto_commit=False,
                      group_id=None, **a.get('config', {}))
    tps = {TopicPartition(a['topic'], int(p)): int(o) for p, o in a['offsets'].items()}
    c.assign(list(tps.keys()))
    for tp, o in tps.items():
        c.seek(tp, o)
    out = []
    deadline = time.time() + a.get('timeout', 30)
    while len(out) < a['count'] and time.time() < deadline:
        for tp, msgs in c.poll(timeout_ms=500).items():
            for m in msgs:
                out.append({'partition': m.partition, 'offset': m.offset, 'key': s(m.key),
                            'value': s(m.value), 'headers': {k: s(v) for k, v in m.headers}})
    c.close()
    return {'messages': out}


def consume_group(a):
    # Subscribes with a group, commits after each poll, returns what was read.
    c = KafkaConsumer(a['topic'], bootstrap_servers=a['bootstrap'], group_id=a['group'],
                      enable_auto_commit=False, auto_offset_reset='earliest')
    out = []
    deadline = time.time() + a.get('timeout', 30)
    while len(out) < a['count'] and time.time() < deadline:
        for tp, msgs in c.poll(timeout_ms=500).items():
            out.extend({'partition': m.partition, 'offset': m.offset, 'value': s(m.value)}
                       for m in msgs)
        c.commit()
    c.close()
    return {'messages': out}


def list_offsets(a):
    # Earliest, latest and by-timestamp offsets of partition 0 through the ListOffsets API.
    c = KafkaConsumer(bootstrap_servers=a['bootstrap'])
    tp = TopicPartition(a['topic'], 0)
    by_time = c.offsets_for_times({tp: a.get('timestamp', 0)})[tp]
    result = {'earliest': c.beginning_offsets([tp])[tp], 'latest': c.end_offsets([tp])[tp],
              'by_time': None if by_time is None else by_time.offset}
    c.close()
    return result


def admin(a):
    ac = KafkaAdminClient(bootstrap_servers=a['bootstrap'])
    op = a['op']
    try:
        if op == 'create_topics':
            r = ac.create_topics([NewTopic(t['name'], t.get('partitions', 1),
                                           t.get('replication_factor', 1),
                                           topic_configs=t.get('config', {}))
                                  for t in a['topics']])
            return {t: e for t, e, *_ in r.topic_errors}
        if op == 'delete_topics':
            r = ac.delete_topics(a['topics'])
            return {t: e for t, e in r.topic_error_codes}
        if op == 'create_partitions':
            r = ac.create_partitions({a['topic']: NewPartitions(a['count'])})
            return {t: e for t, e, *_ in r.topic_errors}
        if op == 'list_topics':
            return {'topics': sorted(ac.list_topics())}
        if op == 'describe_configs':
            r = ac.describe_configs([ConfigResource(ConfigResourceType.TOPIC, a['name'])])
            out = {}
            for resp in r:
                for res in resp.resources:
                    for entry in res[4]:
                        out[entry[0]] = entry[1]
            return out
        raise SystemExit(f'unknown admin op {op}')
    finally:
        ac.close()


OPS = {'produce': produce, 'consume': consume, 'consume_group': consume_group,
       'list_offsets': list_offsets, 'admin': admin}

if __name__ == '__main__':
    result = OPS[sys.argv[1]](json.loads(sys.argv[2]))
    sys.stdout.write(json.dumps(result))
