// Admin.describeReplicaLogDirs against a broker: the log dir and size of each asked replica,
// and -1 for a replica the broker does not hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../../src/index.js';
import { Admin, Producer } from '../../../src/client/index.js';

test('describeReplicaLogDirs gives the dir and size of the replicas asked for', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  t.after(() => admin.close());
  await admin.createTopics([{ name: 'sized', numPartitions: 2 }]);
  const producer = new Producer({ bootstrapServers: broker.bootstrap });
  await producer.connect();
  await producer.send({ topic: 'sized', partition: 1, value: 'x'.repeat(1000) });
  await producer.close();
  const brokerId = broker.nodeId;
  const [empty, full, missing] = await admin.describeReplicaLogDirs([
    { topic: 'sized', partition: 0, brokerId },
    { topic: 'sized', partition: 1, brokerId },
    { topic: 'sized', partition: 7, brokerId },
  ]);
  assert.equal(empty!.sizeBytes, 0n);
  assert.equal(typeof empty!.currentReplicaLogDir, 'string');
  assert.ok(full!.sizeBytes > 1000n, `size ${full!.sizeBytes}`);
  assert.deepEqual(
    { dir: missing!.currentReplicaLogDir, size: missing!.sizeBytes },
    { dir: null, size: -1n },
  );
});
