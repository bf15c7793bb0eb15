// CreateAcls v1-3 (v0 was removed in Kafka 4.0; v2+ is flexible). No authorizer is configured,
// so, as in Kafka, every creation fails with SECURITY_DISABLED and Kafka's message.
import {
  ErrorCode,
  type CreateAclsRequest,
  type CreateAclsResponse,
} from '../../protocol/index.js';
import { NO_AUTHORIZER_MESSAGE } from './support/acl-apis.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const createAclsHandler: HandlerFactory = () =>
  defineHandler<CreateAclsRequest, CreateAclsResponse>({
    apiKey: 30,
    name: 'CreateAcls',
    minVersion: 1,
    maxVersion: 3,
    handle: (request) =>
      Promise.resolve({
        throttleTimeMs: 0,
        results: request.creations.map(() => ({
          errorCode: ErrorCode.SECURITY_DISABLED,
          errorMessage: NO_AUTHORIZER_MESSAGE,
        })),
      }),
  });
