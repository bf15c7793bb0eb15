// DescribeAcls v1-3 (v0 was removed in Kafka 4.0; v2 added prefixed patterns, v2+ is flexible).
// No authorizer is configured, so, as in Kafka, the answer is SECURITY_DISABLED with Kafka's
// message and no resources.
import {
  ErrorCode,
  type DescribeAclsRequest,
  type DescribeAclsResponse,
} from '../../protocol/index.js';
import { NO_AUTHORIZER_DESCRIBE_MESSAGE } from './support/acl-apis.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const describeAclsHandler: HandlerFactory = () =>
  defineHandler<DescribeAclsRequest, DescribeAclsResponse>({
    apiKey: 29,
    name: 'DescribeAcls',
    minVersion: 1,
    maxVersion: 3,
    handle: () =>
      Promise.resolve({
        throttleTimeMs: 0,
        errorCode: ErrorCode.SECURITY_DISABLED,
        errorMessage: NO_AUTHORIZER_DESCRIBE_MESSAGE,
        resources: [],
      }),
  });
