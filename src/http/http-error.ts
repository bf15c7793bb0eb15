// Errors of the HTTP services, answered as JSON in the shape Confluent's schema registry and
// REST proxy and Kafka Connect all use: `{"error_code": 40401, "message": "..."}` with the
// HTTP status beside it. `errorCode` is the service's stable code (Confluent's five-digit
// codes start with the HTTP status; Connect uses the status itself).

export class HttpError extends Error {
  /** Headers sent with the error answer (a 401's `WWW-Authenticate` challenge). */
  headers: Readonly<Record<string, string>> = {};

  constructor(
    /** The HTTP status of the answer, e.g. 404. */
    readonly statusCode: number,
    /** The stable `error_code` of the body, e.g. 40401; the status when a service has none. */
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** The JSON body of the answer. */
  toJSON(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

/** 400: a body that is not the JSON it claims to be. */
export function badRequest(message: string, errorCode = 400): HttpError {
  return new HttpError(400, errorCode, message);
}

export function notFound(message: string, errorCode = 404): HttpError {
  return new HttpError(404, errorCode, message);
}

export function conflict(message: string, errorCode = 409): HttpError {
  return new HttpError(409, errorCode, message);
}

/** 422: well-formed JSON whose content is refused. */
export function unprocessable(message: string, errorCode = 422): HttpError {
  return new HttpError(422, errorCode, message);
}

/** An unexpected failure: the message is kept, the code says it is the server's fault. */
export function internalError(message: string, errorCode = 500): HttpError {
  return new HttpError(500, errorCode, message);
}
