// A cluster for tests: one etcd (child process, free ports, a temporary dir) and N brokers, each
// `rivulet start` as a child process with its own data dir and node.id. Any broker can be
// killed (kill -9), paused (SIGSTOP, a partitioned or stalled broker), resumed and restarted on
// its old port and data; etcd can be restarted on its old ports and data. stop() ends them all
// and removes the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startEtcd,
  type EtcdProcess,
  type EtcdProcessOptions,
} from '../../../src/cli/cluster/etcd-process.js';
import { startRivulet, type RivuletProcess } from '../../interop/support/rivulet-process.js';

export interface TestCluster {
  dir: string;
  etcd: EtcdProcess;
  /** Running brokers by node id (a killed one is absent until restarted). */
  brokers: Map<number, RivuletProcess>;
  /** Every running broker's host:port, comma-separated. */
  bootstrap(): string;
  port(nodeId: number): number;
  kill(nodeId: number): Promise<void>;
  pause(nodeId: number): void;
  resume(nodeId: number): void;
  /** Starts a broker that was killed again, on its port and data dir. */
  restart(nodeId: number): Promise<RivuletProcess>;
  /** Stops etcd (SIGKILL) and starts it again on the same ports and data. */
  restartEtcd(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestClusterOptions {
  brokers: number;
  /** Extra broker config, by Kafka name. */
  config?: Readonly<Record<string, string | number>>;
  /** etcd's TLS (see startEtcd). */
  etcdTls?: EtcdProcessOptions['tls'];
  /** Runs once etcd is up, before any broker starts (to enable etcd auth, say). */
  beforeBrokers?: (etcd: EtcdProcess) => Promise<void>;
  /**
   * How long a broker may take to listen (default 30 s). A broker restarted soon after it
   * was killed waits for its old registration lease to expire (longer after an etcd restart,
   * which renews every lease), so fault schedules allow more.
   */
  startTimeoutMs?: number;
  /** Extra config of one broker (broker.rack, say), over `config`. */
  nodeConfig?: (nodeId: number) => Readonly<Record<string, string | number>>;
}

export async function startCluster(options: TestClusterOptions): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-cluster-'));
  let etcd = await startEtcd({ dataDir: join(dir, 'etcd'), tls: options.etcdTls });
  const brokers = new Map<number, RivuletProcess>();
  const ports = new Map<number, number>();
  const paused = new Set<number>();
  const start = async (nodeId: number) => {
    const overrides = {
      'node.id': nodeId,
      'metadata.etcd.endpoints': etcd.endpoint,
      ...options.config,
      ...options.nodeConfig?.(nodeId),
    };
    const args = Object.entries(overrides).flatMap(([k, v]) => ['--override', `${k}=${v}`]);
    const port = ports.get(nodeId);
    if (port !== undefined) args.push('--port', String(port));
    const broker = await startRivulet(join(dir, `broker-${nodeId}`), args, {
      timeoutMs: options.startTimeoutMs ?? 30_000,
    });
    brokers.set(nodeId, broker);
    ports.set(nodeId, broker.port);
    return broker;
  };
  try {
    await options.beforeBrokers?.(etcd);
    const ids = Array.from({ length: options.brokers }, (_, i) => i + 1);
    await Promise.all(ids.map(start));
  } catch (err) {
    for (const b of brokers.values()) await b.stop('SIGKILL');
    await etcd.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const running = (nodeId: number) => {
    const broker = brokers.get(nodeId);
    if (broker === undefined) throw new Error(`broker ${nodeId} is not running`);
    return broker;
  };
  return {
    dir,
    get etcd() {
      return etcd;
    },
    brokers,
    bootstrap: () => [...brokers.values()].map((b) => b.bootstrap).join(','),
    port: (nodeId) => ports.get(nodeId)!,
    kill: async (nodeId) => {
      const broker = running(nodeId);
      brokers.delete(nodeId);
      paused.delete(nodeId);
      await broker.stop('SIGKILL');
    },
    pause: (nodeId) => {
      running(nodeId).child.kill('SIGSTOP');
      paused.add(nodeId);
    },
    resume: (nodeId) => {
      running(nodeId).child.kill('SIGCONT');
      paused.delete(nodeId);
    },
    restart: (nodeId) => start(nodeId),
    restartEtcd: async () => {
      const { clientPort, peerPort } = etcd;
      await etcd.stop('SIGKILL');
      etcd = await startEtcd({
        dataDir: join(dir, 'etcd'),
        clientPort,
        peerPort,
        tls: options.etcdTls,
      });
    },
    stop: async () => {
      for (const [id, broker] of brokers) {
        if (paused.has(id)) broker.child.kill('SIGCONT');
        await broker.stop('SIGKILL');
      }
      brokers.clear();
      await etcd.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
