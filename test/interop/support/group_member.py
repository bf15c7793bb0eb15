#!/usr/bin/env python3
# One member of a consumer group, for the group interop tests: subscribes to a topic with
# confluent-kafka-python or kafka-python and prints JSON lines until stdin closes:
#   {"assigned": [partitions...]}   after every rebalance (the whole current assignment)
#   {"record": [partition, offset]} for every record read
# Offsets are committed synchronously after each record, so a restart resumes exactly.
import json
import sys
import threading
import time

stop = threading.Event()


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def watch_stdin():
    sys.stdin.read()
    stop.set()


def confluent(a):
    from confluent_kafka import Consumer
    conf = {
        'bootstrap.servers': a['bootstrap'],
        'group.id': a['group'],
        'enable.auto.commit': False,
        'auto.offset.reset': 'earliest',
        'partition.assignment.strategy': 'roundrobin',
        'session.timeout.ms': a.get('session_timeout_ms', 6000),
        'heartbeat.interval.ms': 500,
        'client.id': a.get('client_id', 'confluent-member'),
    }
    if a.get('instance_id'):
        conf['group.instance.id'] = a['instance_id']
    c = Consumer(conf)
    owned = set()

    def on_assign(consumer, tps):
        owned.clear()
        owned.update(tp.partition for tp in tps)
        emit({'assigned': sorted(owned)})

    def on_revoke(consumer, tps):
        owned.difference_update(tp.partition for tp in tps)

    c.subscribe([a['topic']], on_assign=on_assign, on_revoke=on_revoke)
    while not stop.is_set():
        msg = c.poll(0.2)
        if msg is None or msg.error():
            continue
        emit({'record': [msg.partition(), msg.offset()]})
        try:
            c.commit(message=msg, asynchronous=False)
        except Exception as e:  # a commit during a rebalance fails; the next owner re-reads
            emit({'commit_error': str(e)})
    c.close()


def kafka_python(a):
    from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
    from kafka.consumer.subscription_state import ConsumerRebalanceListener
    from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
    c = KafkaConsumer(
        bootstrap_servers=a['bootstrap'],
        group_id=a['group'],
        enable_auto_commit=False,
        auto_offset_reset='earliest',
        partition_assignment_strategy=[RoundRobinPartitionAssignor],
        session_timeout_ms=a.get('session_timeout_ms', 6000),
        heartbeat_interval_ms=500,
        client_id=a.get('client_id', 'kafka-python-member'),
        api_version=(2, 5, 0),
    )

    class Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            pass

        def on_partitions_assigned(self, assigned):
            emit({'assigned': sorted(tp.partition for tp in assigned)})

    c.subscribe([a['topic']], listener=Listener())
    while not stop.is_set():
        batches = c.poll(timeout_ms=200)
        for tp, msgs in batches.items():
            for m in msgs:
                emit({'record': [m.partition, m.offset]})
                try:
                    c.commit({TopicPartition(tp.topic, tp.partition): OffsetAndMetadata(m.offset + 1, '')})
                except Exception as e:
                    emit({'commit_error': str(e)})
    c.close()


if __name__ == '__main__':
    args = json.loads(sys.argv[2])
    threading.Thread(target=watch_stdin, daemon=True).start()
    deadline = time.time() + args.get('timeout', 60)
    threading.Thread(target=lambda: (time.sleep(max(0, deadline - time.time())), stop.set()), daemon=True).start()
    {'confluent': confluent, 'kafka-python': kafka_python}[sys.argv[1]](args)
