#!/usr/bin/python3
"""confluent-kafka-python's schema registry client and serializers, driven from the tests.

Usage: registry_tool.py <operation> '<json arguments>'. Prints one JSON document on stdout.
"""
import json
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient, Schema
from confluent_kafka.schema_registry.json_schema import JSONSerializer, JSONDeserializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer, ProtobufDeserializer
from confluent_kafka.serialization import SerializationContext, MessageField
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.json_format import MessageToDict, ParseDict


def order_class():
    """demo.Order {string id = 1; int64 total = 2; repeated string tags = 3;} built at run time."""
    f = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(name='order.proto', package='demo', syntax='proto3')
    m = fdp.message_type.add(name='Order')
    m.field.add(name='id', number=1, type=f.TYPE_STRING, label=f.LABEL_OPTIONAL)
    m.field.add(name='total', number=2, type=f.TYPE_INT64, label=f.LABEL_OPTIONAL)
    m.field.add(name='tags', number=3, type=f.TYPE_STRING, label=f.LABEL_REPEATED)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName('demo.Order'))


def produce(a, serialize):
    p = Producer({'bootstrap.servers': a['bootstrap']})
    for v in a['values']:
        p.produce(a['topic'], value=serialize(v, SerializationContext(a['topic'], MessageField.VALUE)))
    p.flush(30)


def consume(a, deserialize):
    c = Consumer({'bootstrap.servers': a['bootstrap'], 'group.id': 'registry-tool',
                  'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
    c.subscribe([a['topic']])
    out = []
    while len(out) < a['count']:
        m = c.poll(30)
        if m is None:
            break
        if m.error():
            continue
        out.append(deserialize(m.value(), SerializationContext(a['topic'], MessageField.VALUE)))
    c.close()
    return out


def main():
    op, a = sys.argv[1], json.loads(sys.argv[2])
    client = SchemaRegistryClient({'url': a['registry']})
    if op == 'produce_json':
        produce(a, JSONSerializer(a['schema'], client))
        print(json.dumps({'ok': True}))
    elif op == 'consume_json':
        d = JSONDeserializer(a['schema'])
        print(json.dumps(consume(a, d)))
    elif op == 'produce_protobuf':
        cls = order_class()
        s = ProtobufSerializer(cls, client)
        produce(a, lambda v, ctx: s(ParseDict(v, cls()), ctx))
        print(json.dumps({'ok': True}))
    elif op == 'consume_protobuf':
        d = ProtobufDeserializer(order_class())
        print(json.dumps([MessageToDict(m, preserving_proto_field_name=True) for m in consume(a, d)]))
    elif op == 'client':
        s = Schema(a['schema'], a.get('schemaType', 'AVRO'))
        schema_id = client.register_schema(a['subject'], s)
        latest = client.get_latest_version(a['subject'])
        looked = client.lookup_schema(a['subject'], s)
        by_id = client.get_schema(schema_id)
        client.set_compatibility(a['subject'], 'FULL')
        print(json.dumps({
            'id': schema_id,
            'latest': {'id': latest.schema_id, 'version': latest.version, 'subject': latest.subject},
            'lookup': {'id': looked.schema_id, 'version': looked.version},
            'byId': {'type': by_id.schema_type, 'schema': by_id.schema_str},
            'subjects': client.get_subjects(),
            'versions': client.get_versions(a['subject']),
            'compatibility': client.get_compatibility(a['subject']),
            'compatible': client.test_compatibility(a['subject'], s),
            'deleted': client.delete_subject(a['subject']),
        }))
    else:
        raise SystemExit('unknown operation ' + op)


main()
