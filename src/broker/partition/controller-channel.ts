// How a leader reaches the controller with an ISR change (AlterPartition, API 56). Where the
// controller is depends on the deployment: on one node, and in a cluster whose brokers share
// one metadata store in one process (the tests), the broker's own ClusterMetadata can append
// the change with compare-and-swap (`localControllerChannel`); in a cluster of processes the
// request goes over the network to the elected controller (`rpcControllerChannel`, given a
// function that names the controller's address, which the election provides).
import type { ClusterMetadata } from '../../metadata/index.js';
import type { AlterPartitionRequest, AlterPartitionResponse } from '../../protocol/index.js';
import {
  connectToBroker,
  type InterBrokerConnection,
  type InterBrokerConnectOptions,
} from './inter-broker-connection.js';

export interface ControllerChannel {
  /** Resolves with the controller's answer; rejects when the controller cannot be reached. */
  alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResponse>;
  close(): void;
}

/** The controller is this process's metadata writer (one node, or in-process clusters). */
export function localControllerChannel(metadata: ClusterMetadata): ControllerChannel {
  return {
    alterPartition: (request) => metadata.alterPartition(request),
    close: () => undefined,
  };
}

export const ALTER_PARTITION_API_KEY = 56;
/** v3 names ISR members with their broker epochs (KIP-903). */
export const ALTER_PARTITION_VERSION = 3;

/**
 * Sends AlterPartition to the controller `controller()` names (null: none known yet, which
 * rejects so the leader retries later). One connection, reopened when the controller moves.
 */
export function rpcControllerChannel(
  controller: () => { host: string; port: number } | null,
  options: InterBrokerConnectOptions,
): ControllerChannel {
  let connection: InterBrokerConnection | null = null;
  let address = '';
  // One connect at a time: ISR changes of several partitions arrive together, and a second
  // connection opened beside the first would be dropped unclosed (it kept the process alive).
  let connecting: { address: string; opened: Promise<InterBrokerConnection> } | null = null;
  let closed = false;
  const connect = (host: string, port: number, wanted: string) => {
    const opened = connectToBroker(host, port, options).then(
      (c) => {
        if (connecting?.opened === opened) connecting = null;
        // Closed, or the controller moved, while connecting: nobody will use or close it.
        if (closed || wanted !== address) {
          c.close();
          throw new Error(`the connection to the controller at ${wanted} is no longer wanted`);
        }
        connection = c;
        return c;
      },
      (err: unknown) => {
        if (connecting?.opened === opened) connecting = null;
        throw err;
      },
    );
    connecting = { address: wanted, opened };
    return opened;
  };
  const open = async (): Promise<InterBrokerConnection> => {
    if (closed) throw new Error('the controller channel is closed');
    const target = controller();
    if (target === null) throw new Error('no controller is known');
    const wanted = `${target.host}:${target.port}`;
    if (connection !== null && connection.isOpen && address === wanted) return connection;
    if (connecting !== null && connecting.address === wanted) return connecting.opened;
    connection?.close();
    connection = null;
    address = wanted;
    return connect(target.host, target.port, wanted);
  };
  return {
    alterPartition: async (request) =>
      (await open()).send<AlterPartitionResponse>(ALTER_PARTITION_API_KEY, request, {
        version: ALTER_PARTITION_VERSION,
      }),
    close: () => {
      closed = true;
      connection?.close();
      connection = null;
    },
  };
}

const NOT_CONTROLLER = 41;

/**
 * Asks again, after `backoffMs`, while no controller is known, it cannot be reached, or it
 * answers NOT_CONTROLLER (an election is under way or this broker's view is behind): up to
 * `attempts` tries, then the last answer or error goes to the caller, whose next ISR check
 * proposes the change again.
 */
export function retryingControllerChannel(
  inner: ControllerChannel,
  options: {
    backoffMs: number;
    attempts: number;
    schedule: (delayMs: number, fn: () => void) => unknown;
  },
): ControllerChannel {
  let closed = false;
  const pause = () =>
    new Promise<void>((resolve) => void options.schedule(options.backoffMs, resolve));
  return {
    alterPartition: async (request) => {
      for (let attempt = 1; ; attempt++) {
        const last = attempt >= options.attempts || closed;
        try {
          const response = await inner.alterPartition(request);
          if (response.errorCode !== NOT_CONTROLLER || last) return response;
        } catch (err) {
          if (last) throw err;
        }
        await pause();
      }
    },
    close: () => {
      closed = true;
      inner.close();
    },
  };
}
