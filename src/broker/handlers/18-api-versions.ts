// ApiVersions v0-4. Every client's first request. Notes:
// - Versions the broker does not know never reach this handler: the registry answers them with
//   UNSUPPORTED_VERSION and the ApiVersions range in a v0 body (KIP-511).
// - v3+ carry the client's software name and version; malformed ones get INVALID_REQUEST.
// - Only APIs with a handler are listed, with their advertised ranges.
// - Features (v3+ tagged fields): metadata.version only. transaction.version and group.version
//   are not claimed: the Java producer switches to transactions V2 when transaction.version
//   >= 2 is finalized. Below v4, supported features with minimum 0 would be left out
//   (KAFKA-17492); metadata.version's minimum is not 0.
import {
  ErrorCode,
  type ApiVersionsRequest,
  type ApiVersionsResponse,
} from '../../protocol/index.js';
import type { HandlerFactory } from './handler-types.js';
import { defineHandler } from './handler-registry.js';

/** Levels of metadata.version this broker reads and writes (3.3-IV3 .. 4.0-IV3). */
export const METADATA_VERSION_RANGE = { min: 7, max: 25 } as const;

/** Kafka's rule for client software names and versions (KIP-511). */
const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const apiVersionsHandler: HandlerFactory = (broker, registry) =>
  defineHandler<ApiVersionsRequest, ApiVersionsResponse>({
    apiKey: 18,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 4,
    handle: (request, ctx) => {
      const response: ApiVersionsResponse = {
        errorCode: ErrorCode.NONE,
        apiKeys: registry.versions(),
        throttleTimeMs: 0,
        supportedFeatures: [],
        finalizedFeaturesEpoch: -1n,
        finalizedFeatures: [],
        zkMigrationReady: false,
      };
      if (ctx.apiVersion >= 3) {
        const { clientSoftwareName: name, clientSoftwareVersion: version } = request;
        if (!SOFTWARE_PATTERN.test(name) || !SOFTWARE_PATTERN.test(version)) {
          return Promise.resolve({
            ...response,
            errorCode: ErrorCode.INVALID_REQUEST,
            apiKeys: [],
          });
        }
        const image = broker.metadata.image;
        response.supportedFeatures = [
          {
            name: 'metadata.version',
            minVersion: METADATA_VERSION_RANGE.min,
            maxVersion: METADATA_VERSION_RANGE.max,
          },
        ];
        response.finalizedFeaturesEpoch = BigInt(image.lastOffset);
        response.finalizedFeatures = [...image.features()].map(([name, level]) => ({
          name,
          maxVersionLevel: level,
          minVersionLevel: level,
        }));
      }
      return Promise.resolve(response);
    },
  });
