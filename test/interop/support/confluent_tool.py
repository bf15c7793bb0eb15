#!/usr/bin/python3
"""confluent-kafka-python (librdkafka) driven from the interop tests.

Usage: confluent_tool.py <operation> '<json arguments>'. Prints one JSON document on stdout.
Every operation takes "bootstrap"; the rest depends on the operation.
"""
import json
import resource
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic, NewPartitions, ConfigResource


def b(s):
    return None if s is None else s.encode('utf-8')


def s(v):
    return None if v is None else v.decode('utf-8', 'replace')


def produce(a):
    conf = {'bootstrap.servers': a['bootstrap'], 'linger.ms': 5}
    conf.update(a.get('config', {}))
    p = Producer(conf)
    reports = []

    def on_delivery(err, msg):
        reports.append({
            'error': None if err is None else err.name(),
            'message': None if err is None else err.str(),
            'partition': msg.partition(),
            'offset': msg.offset(),
            'key': s(msg.key()),
        })

    for m in a['messages']:
        kwargs = {'value': b(m.get('value')), 'key': b(m.get('key')), 'on_delivery': on_delivery}
        if 'partition' in m:
            kwargs['partition'] = m['partition']
        if 'headers' in m:
            kwargs['headers'] = [(k, b(v)) for k, v in m['headers'].items()]
        if 'timestamp' in m:
            kwargs['timestamp'] = m['timestamp']
        while True:
            try:
                p.produce(a['topic'], **kwargs)
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
    left = p.flush(a.get('timeout', 30))
    return {'reports': reports, 'unflushed': left}


def consume(a):
    conf = {
        'bootstrap.servers': a['bootstrap'],
        'group.id': a.get('group', 'interop-unused'),
        'enable.auto.commit': False,
        'enable.partition.eof': True,
    }
    conf.update(a.get('config', {}))
    c = Consumer(conf)
    topic = a['topic']
    if a.get('subscribe'):
        return consume_group(c, a)
    if 'timestamps' in a:
        tps = [TopicPartition(topic, p, ts) for p, ts in a['timestamps'].items() for p in [int(p)]]
        tps = c.offsets_for_times(tps, timeout=10)
    else:
        offs = a.get('offsets', {})
        tps = [TopicPartition(topic, int(p), int(o)) for p, o in offs.items()]
    c.assign(tps)
    want = a['count']
    out = []
    eof = set()
    deadline = time.time() + a.get('timeout', 30)
    want += 1 if 'seek' in a else 0
    while len(out) < want and time.time() < deadline:
        msg = c.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == -191:  # _PARTITION_EOF
                eof.add(msg.partition())
                if a.get('stop_at_eof') and len(eof) == len(tps):
                    break
                continue
            raise KafkaException(msg.error())
        if 'seek' in a and not out:
            # Seek once the partition is being fetched: drop this message, continue there.
            c.seek(TopicPartition(topic, msg.partition(), int(a['seek'][str(msg.partition())])))
            out.append({'seeked_from': msg.offset()})
            continue
        out.append({
            'partition': msg.partition(),
            'offset': msg.offset(),
            'key': s(msg.key()),
            'value': s(msg.value()),
            'timestamp': msg.timestamp()[1],
            'headers': {k: s(v) for k, v in (msg.headers() or [])},
        })
    c.close()
    if 'seek' in a:
        return {'seeked_from': out[0]['seeked_from'] if out else None, 'messages': out[1:]}
    return {'messages': out}


def consume_group(c, a):
    # Subscribes with the consumer's group and commits synchronously after each record.
    c.subscribe([a['topic']])
    out = []
    deadline = time.time() + a.get('timeout', 30)
    while len(out) < a['count'] and time.time() < deadline:
        msg = c.poll(0.5)
        if msg is None or msg.error():
            continue
        out.append({'partition': msg.partition(), 'offset': msg.offset(), 'value': s(msg.value())})
        c.commit(message=msg, asynchronous=False)
    committed = c.committed([TopicPartition(a['topic'], m['partition']) for m in out[-1:]], 10)
    c.close()
    return {'messages': out, 'committed': [tp.offset for tp in committed]}


def admin(a):
    ac = AdminClient({'bootstrap.servers': a['bootstrap']})
    op = a['op']
    timeout = a.get('timeout', 15)
    if op == 'create_topics':
        topics = [NewTopic(t['name'], t.get('partitions', 1), t.get('replication_factor', 1),
                           config=t.get('config', {})) for t in a['topics']]
        fs = ac.create_topics(topics, validate_only=a.get('validate_only', False),
                              operation_timeout=timeout)
        return {n: err_name(f) for n, f in fs.items()}
    if op == 'delete_topics':
        fs = ac.delete_topics(a['topics'], operation_timeout=timeout)
        return {n: err_name(f) for n, f in fs.items()}
    if op == 'create_partitions':
        fs = ac.create_partitions([NewPartitions(a['topic'], a['count'])],
                                  operation_timeout=timeout)
        return {n: err_name(f) for n, f in fs.items()}
    if op == 'list_topics':
        md = ac.list_topics(timeout=timeout)
        return {
            'brokers': sorted(f'{br.host}:{br.port}' for br in md.brokers.values()),
            'topics': {n: sorted(t.partitions.keys()) for n, t in md.topics.items()},
        }
    if op == 'describe_configs':
        res = ConfigResource(a.get('type', 'topic'), a['name'])
        fs = ac.describe_configs([res], request_timeout=timeout)
        out = {}
        for r, f in fs.items():
            for k, e in f.result().items():
                source = getattr(e.source, 'value', e.source)
                out[k] = {'value': e.value, 'source': source, 'default': e.is_default,
                          'read_only': e.is_read_only, 'sensitive': e.is_sensitive,
                          'synonyms': [[sn.name, sn.value, getattr(sn.source, 'value', sn.source)]
                                       for sn in (e.synonyms or {}).values()]}
        return out
    if op == 'alter_configs':
        res = ConfigResource(a.get('type', 'topic'), a['name'], set_config=a['config'])
        fs = ac.alter_configs([res], request_timeout=timeout)
        return {str(r): err_name(f) for r, f in fs.items()}
    if op == 'list_groups':
        # librdkafka's ListGroups + DescribeGroups; an empty protocol type means a simple group.
        return {g.id: {'state': g.state, 'protocol_type': g.protocol_type,
                       'members': len(g.members)}
                for g in ac.list_groups(timeout=timeout)}
    raise SystemExit(f'unknown admin op {op}')


def create_topics_throttled(a):
    """create_topics with a client id, reporting each topic's error and every throttle time
    (seconds) librdkafka's throttle_cb saw in the broker's responses."""
    throttles = []
    ac = AdminClient({'bootstrap.servers': a['bootstrap'], 'client.id': a['client_id'],
                      'throttle_cb': lambda e: throttles.append(e.throttle_time)})
    topics = [NewTopic(t['name'], t['partitions'], 1) for t in a['topics']]
    fs = ac.create_topics(topics, operation_timeout=15)
    errors = {n: err_name(f) for n, f in fs.items()}
    deadline = time.time() + a.get('throttle_wait', 10)
    while not throttles and time.time() < deadline:
        ac.poll(0.1)
    return {'errors': errors, 'throttles': throttles}


def err_name(future):
    try:
        future.result()
        return None
    except KafkaException as e:
        return e.args[0].name()


def bench_produce(a):
    """Produces `size`-byte values round-robin over `partitions` for `seconds`; reports MB/s
    of acknowledged values and the produce()-to-delivery-report latency percentiles."""
    conf = {'bootstrap.servers': a['bootstrap'], 'acks': 1, 'linger.ms': 5,
            'compression.type': 'none', 'enable.idempotence': False,
            'queue.buffering.max.kbytes': 65536, 'batch.size': 262144}
    conf.update(a.get('config', {}))
    p = Producer(conf)
    value = b'x' * a['size']
    partitions = a['partitions']
    latencies = []
    failed = [0]
    last = [0.0]

    def report(t0):
        def on_delivery(err, msg):
            now = time.perf_counter()
            if err is not None:
                failed[0] += 1
                return
            latencies.append(now - t0)
            last[0] = now
        return on_delivery

    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    end = start + a['seconds']
    i = 0
    while time.perf_counter() < end:
        try:
            p.produce(a['topic'], value=value, partition=i % partitions,
                      on_delivery=report(time.perf_counter()))
            i += 1
        except BufferError:
            p.poll(0.001)
            continue
        if i % 256 == 0:
            p.poll(0)
    p.flush(30)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    latencies.sort()
    n = len(latencies)
    elapsed = (last[0] or time.perf_counter()) - start
    return {
        'delivered': n,
        'failed': failed[0],
        'mb_per_sec': n * a['size'] / elapsed / 1e6 if n else 0,
        'p50_ms': latencies[n // 2] * 1000 if n else None,
        'p99_ms': latencies[min(n - 1, int(n * 0.99))] * 1000 if n else None,
        # CPU seconds of this process (Python and librdkafka's threads) over the run.
        'cpu_sec': (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
        'elapsed_sec': elapsed,
    }


OPS = {'produce': produce, 'consume': consume, 'admin': admin,
       'bench_produce': bench_produce, 'create_topics_throttled': create_topics_throttled}

if __name__ == '__main__':
    result = OPS[sys.argv[1]](json.loads(sys.argv[2]))
    sys.stdout.write(json.dumps(result))
