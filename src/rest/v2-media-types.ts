// API v2's media types: requests and answers say their embedded format in the Content-Type
// and Accept headers (`application/vnd.kafka.binary.v2+json`...), and answers are
// `application/vnd.kafka.v2+json`.
import { HttpError, HttpResponse, type HttpRequest } from '../http/index.js';

export type EmbeddedFormat = 'binary' | 'json' | 'avro' | 'jsonschema' | 'protobuf';
export const EMBEDDED_FORMATS: readonly EmbeddedFormat[] = [
  'binary',
  'json',
  'avro',
  'jsonschema',
  'protobuf',
];

export const V2_CONTENT_TYPE = 'application/vnd.kafka.v2+json';

/** Every JSON media type the proxy parses. */
export const V2_JSON_TYPES = [
  V2_CONTENT_TYPE,
  'application/vnd.kafka+json',
  ...EMBEDDED_FORMATS.map((f) => `application/vnd.kafka.${f}.v2+json`),
];

/** An answer in v2's media type. */
export const v2 = (body: unknown, status = 200) =>
  new HttpResponse(status, body, { 'content-type': V2_CONTENT_TYPE });

export const v2NoContent = () => new HttpResponse(204);

const header = (request: HttpRequest, name: string) => {
  const v = request.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

/** The embedded format a produce request's Content-Type names; 415 for any other type. */
export function contentFormat(request: HttpRequest): EmbeddedFormat {
  const type = header(request, 'content-type').split(';')[0]!.trim().toLowerCase();
  const match = /^application\/vnd\.kafka\.([a-z]+)\.v2\+json$/.exec(type);
  const format = match?.[1] as EmbeddedFormat | undefined;
  if (format === undefined || !EMBEDDED_FORMATS.includes(format)) {
    throw new HttpError(415, 415, 'HTTP 415 Unsupported Media Type');
  }
  return format;
}

/**
 * The embedded formats an Accept header allows, in its order; null when it allows any
 * (absent, `*\/*`, `application/*`).
 */
export function acceptedFormats(request: HttpRequest): EmbeddedFormat[] | null {
  const accept = header(request, 'accept');
  if (accept === '') return null;
  const out: EmbeddedFormat[] = [];
  for (const part of accept.split(',')) {
    const type = part.split(';')[0]!.trim().toLowerCase();
    if (type === '*/*' || type === 'application/*') return null;
    const match = /^application\/vnd\.kafka\.([a-z]+)\.v2\+json$/.exec(type);
    if (match !== null && EMBEDDED_FORMATS.includes(match[1] as EmbeddedFormat)) {
      out.push(match[1] as EmbeddedFormat);
    }
  }
  return out;
}
