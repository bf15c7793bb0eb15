#!/usr/bin/python3
"""confluent-kafka-python's idempotent producer (acks=all), producing until stdin closes.

Usage: acked_producer.py '<json arguments>' with "bootstrap", "topic", "partitions" and an
optional "config" and "prefix" (default ""). Sends "<prefix><partition>-<n>" to partition
n % partitions (n counts from 0 per run) and prints one JSON line per delivery report: {"p", "o", "v", "e"} (e: null when
acknowledged, else the error's name). After stdin closes it flushes and prints {"done": left}.
"""
import json
import sys
import threading
import time

from confluent_kafka import Producer

a = json.loads(sys.argv[1])
conf = {
    'bootstrap.servers': a['bootstrap'],
    'enable.idempotence': True,
    'acks': 'all',
    'linger.ms': 5,
    'message.timeout.ms': 60000,
}
conf.update(a.get('config', {}))
p = Producer(conf)
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()


def report(err, msg):
    line = {
        'p': msg.partition(),
        'o': msg.offset(),
        'v': msg.value().decode(),
        'e': None if err is None else err.name(),
    }
    sys.stdout.write(json.dumps(line) + '\n')
    sys.stdout.flush()


n = 0
partitions = a['partitions']
prefix = a.get('prefix', '')
while not stop.is_set():
    part = n % partitions
    try:
        p.produce(a['topic'], value=f'{prefix}{part}-{n // partitions}'.encode(), partition=part,
                  on_delivery=report)
        n += 1
    except BufferError:
        pass
    p.poll(0.005)
left = p.flush(90)
sys.stdout.write(json.dumps({'done': left}) + '\n')
sys.stdout.flush()
