// DeleteAcls v1-3 (v0 was removed in Kafka 4.0; v2+ is flexible). No authorizer is configured,
// so, as in Kafka, every filter fails with SECURITY_DISABLED and Kafka's message, matching
// nothing.
import {
  ErrorCode,
  type DeleteAclsRequest,
  type DeleteAclsResponse,
} from '../../protocol/index.js';
import { NO_AUTHORIZER_MESSAGE } from './support/acl-apis.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const deleteAclsHandler: HandlerFactory = () =>
  defineHandler<DeleteAclsRequest, DeleteAclsResponse>({
    apiKey: 31,
    name: 'DeleteAcls',
    minVersion: 1,
    maxVersion: 3,
    handle: (request) =>
      Promise.resolve({
        throttleTimeMs: 0,
        filterResults: request.filters.map(() => ({
          errorCode: ErrorCode.SECURITY_DISABLED,
          errorMessage: NO_AUTHORIZER_MESSAGE,
          matchingAcls: [],
        })),
      }),
  });
