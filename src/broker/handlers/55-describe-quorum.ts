// DescribeQuorum v0-2, for __cluster_metadata-0, the metadata log. A single node keeps that
// log on its own disk with no Raft election, so the answer describes a quorum of one voter:
// - leader and only voter: this node; no observers.
// - leader epoch 0: there has never been an election, so the epoch never moved.
// - high watermark and the voter's log end offset: the offset after the last metadata record
//   (every record is committed once it is on the local disk).
// - last fetch / last caught-up timestamps -1 (unknown): no follower ever fetches.
// - v2 nodes: this node with the advertised listeners; replica directory ids are the zero
//   uuid (no directory id is reported).
// Any other topic or partition gets UNKNOWN_TOPIC_OR_PARTITION, as a Kafka controller answers.
// Authorization: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED (as in Kafka).
import {
  ErrorCode,
  ZERO_UUID,
  type DescribeQuorumRequest,
  type DescribeQuorumResponse,
} from '../../protocol/index.js';
import { mayOnCluster } from './support/authorize.js';
import { createDescribeQuorumResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

const METADATA_TOPIC = '__cluster_metadata';

export const describeQuorumHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeQuorumRequest, DescribeQuorumResponse>({
    apiKey: 55,
    name: 'DescribeQuorum',
    minVersion: 0,
    maxVersion: 2,
    handle: (request, ctx) => {
      if (!mayOnCluster(ctx, 'DESCRIBE')) {
        return Promise.resolve(
          createDescribeQuorumResponse({
            errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
            errorMessage: 'Cluster authorization failed.',
          }),
        );
      }
      const nodeId = broker.config.nodeId;
      const endOffset = BigInt(broker.metadata.image.lastOffset + 1);
      const self = {
        replicaId: nodeId,
        replicaDirectoryId: ZERO_UUID,
        logEndOffset: endOffset,
        lastFetchTimestamp: -1n,
        lastCaughtUpTimestamp: -1n,
      };
      return Promise.resolve({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        topics: request.topics.map((t) => ({
          topicName: t.topicName,
          partitions: t.partitions.map((p) =>
            t.topicName === METADATA_TOPIC && p.partitionIndex === 0
              ? {
                  partitionIndex: 0,
                  errorCode: ErrorCode.NONE,
                  errorMessage: null,
                  leaderId: nodeId,
                  leaderEpoch: 0,
                  highWatermark: endOffset,
                  currentVoters: [self],
                  observers: [],
                }
              : {
                  partitionIndex: p.partitionIndex,
                  errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                  errorMessage: null,
                  leaderId: -1,
                  leaderEpoch: -1,
                  highWatermark: -1n,
                  currentVoters: [],
                  observers: [],
                },
          ),
        })),
        // v0-1 have no nodes.
        nodes:
          ctx.apiVersion < 2
            ? []
            : [
                {
                  nodeId,
                  listeners: broker
                    .advertisedListeners()
                    .map((l) => ({ name: l.name, host: l.host, port: l.port })),
                },
              ],
      });
    },
  });
