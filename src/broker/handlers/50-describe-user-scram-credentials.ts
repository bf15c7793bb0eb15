// DescribeUserScramCredentials v0 (KIP-554): the mechanisms and iteration counts of users'
// SCRAM credentials from the metadata image, never the keys. No users (null or empty): every
// user with a credential. A named user without one gets RESOURCE_NOT_FOUND, a name asked twice
// DUPLICATE_RESOURCE, as Kafka answers. Needs DESCRIBE on the cluster.
import {
  ErrorCode,
  type DescribeUserScramCredentialsRequest,
  type DescribeUserScramCredentialsResponse,
} from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

type Result = DescribeUserScramCredentialsResponse['results'][number];

export const describeUserScramCredentialsHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse>({
    apiKey: 50,
    name: 'DescribeUserScramCredentials',
    minVersion: 0,
    maxVersion: 0,
    handle: (request, ctx) => {
      const [allowed] = ctx.authorizer.authorize(ctx, [
        {
          operation: 'DESCRIBE',
          resourceType: 'CLUSTER',
          resourceName: 'kafka-cluster',
          patternType: 'LITERAL',
        },
      ]);
      if (allowed !== 'ALLOWED') {
        return Promise.resolve({
          throttleTimeMs: 0,
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          errorMessage: null,
          results: [],
        });
      }
      const all = broker.metadata.image.scramCredentials();
      const byUser = new Map<string, Result>();
      for (const c of all) {
        let r = byUser.get(c.name);
        if (r === undefined) {
          r = { user: c.name, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: [] };
          byUser.set(c.name, r);
        }
        r.credentialInfos.push({ mechanism: c.mechanism, iterations: c.iterations });
      }
      const asked = request.users ?? [];
      if (asked.length === 0) {
        return Promise.resolve({
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          results: [...byUser.values()],
        });
      }
      const counts = new Map<string, number>();
      for (const u of asked) counts.set(u.name, (counts.get(u.name) ?? 0) + 1);
      const results: Result[] = [];
      for (const [name, count] of counts) {
        if (count > 1) {
          results.push(
            failure(
              name,
              ErrorCode.DUPLICATE_RESOURCE,
              'Cannot describe SCRAM credentials for the same user twice in a single request',
            ),
          );
        } else {
          results.push(
            byUser.get(name) ??
              failure(
                name,
                ErrorCode.RESOURCE_NOT_FOUND,
                'Attempt to describe a user credential that does not exist',
              ),
          );
        }
      }
      return Promise.resolve({
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        results,
      });
    },
  });

function failure(user: string, errorCode: number, errorMessage: string): Result {
  return { user, errorCode, errorMessage, credentialInfos: [] };
}
