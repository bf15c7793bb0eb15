// Request and response headers (README §3 of the protocol notes). The header version follows
// from the API's flexible versions: request header v2 for flexible requests (v1 otherwise) and
// response header v1 for flexible responses (v0 otherwise), except that ApiVersions always
// answers with header v0 so that a client that sent an unknown version can still read the
// correlation id and error code (KIP-511). Header v0 (no client id) is gone since Kafka 4.0.
import {
  apiByKey,
  createResponseHeader,
  decodeRequestHeader,
  encodeApiVersionsResponse,
  encodeRequestHeader,
  encodeResponseHeader,
  type RequestHeader,
} from './generated/index.js';
import type { Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';

export const API_VERSIONS_API_KEY = 18;
/** Kafka's UNSUPPORTED_VERSION error code. */
const UNSUPPORTED_VERSION = 35;

/** The request header version (1 or 2) for a request of this API and version. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  const flexibleMin = apiByKey(apiKey)?.requestFlexibleMin;
  return flexibleMin !== undefined && apiVersion >= flexibleMin ? 2 : 1;
}

/** The response header version (0 or 1) for a response of this API and version. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === API_VERSIONS_API_KEY) return 0;
  const flexibleMin = apiByKey(apiKey)?.responseFlexibleMin;
  return flexibleMin !== undefined && apiVersion >= flexibleMin ? 1 : 0;
}

/** The fields every request header starts with, in every header version. */
export interface RequestHeaderPrefix {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

/**
 * Reads apiKey, apiVersion and correlationId from the start of a request (after the size
 * prefix), whatever the API, so the server can answer or close for unknown keys/versions.
 * Returns undefined if fewer than 8 bytes are given.
 */
export function peekRequestHeader(frame: Buffer, offset = 0): RequestHeaderPrefix | undefined {
  if (frame.length - offset < 8) return undefined;
  return {
    apiKey: frame.readInt16BE(offset),
    apiVersion: frame.readInt16BE(offset + 2),
    correlationId: frame.readInt32BE(offset + 4),
  };
}

/**
 * Reads a whole request header, choosing its version from the API key and version it starts
 * with (an unknown key is read as v1: the fields the server needs come before any tags).
 * Throws ProtocolDecodeError on malformed input.
 */
export function readRequestHeader(r: Reader): RequestHeader {
  if (r.remaining < 8) r.fail('truncated request header');
  const apiKey = r.buf.readInt16BE(r.pos);
  const apiVersion = r.buf.readInt16BE(r.pos + 2);
  return decodeRequestHeader(r, requestHeaderVersion(apiKey, apiVersion));
}

/** Writes a request header in the version its API key and version call for. */
export function writeRequestHeader(w: Writer, header: RequestHeader): void {
  const version = requestHeaderVersion(header.requestApiKey, header.requestApiVersion);
  encodeRequestHeader(w, version, header);
}

/** Writes the response header for a response to a request with this key and version. */
export function writeResponseHeader(w: Writer, request: RequestHeaderPrefix): void {
  const version = responseHeaderVersion(request.apiKey, request.apiVersion);
  encodeResponseHeader(w, version, createResponseHeader({ correlationId: request.correlationId }));
}

/**
 * The complete frame (int32 size, header v0, ApiVersions v0 body) that answers an ApiVersions
 * request at a version this broker does not know: error UNSUPPORTED_VERSION and the single
 * entry "ApiVersions min..max", so the client retries with a version it can use.
 */
export function encodeApiVersionsFallback(correlationId: number): Buffer {
  const api = apiByKey(API_VERSIONS_API_KEY)!;
  const w = new Writer(64);
  const size = w.reserveInt32();
  encodeResponseHeader(w, 0, createResponseHeader({ correlationId }));
  encodeApiVersionsResponse(w, 0, {
    errorCode: UNSUPPORTED_VERSION,
    apiKeys: [
      { apiKey: API_VERSIONS_API_KEY, minVersion: api.minVersion!, maxVersion: api.maxVersion! },
    ],
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  });
  w.patchInt32(size, w.length - 4);
  return w.toBuffer();
}
