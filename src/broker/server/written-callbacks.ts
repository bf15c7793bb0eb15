// Responses can carry a callback for when their bytes have left the process: a handler that
// answers with reusable memory (fetch read buffers) takes it back there. The callback is kept
// beside the value (a weak map), so neither the RequestHandler contract nor the encoded
// response changes; a response that is never written (its connection closed) never calls it.
const callbacks = new WeakMap<object, () => void>();

/** Runs `callback` once `response` (a handler's result, or its encoded parts) has been written. */
export function whenWritten<T extends object>(response: T, callback: () => void): T {
  callbacks.set(response, callback);
  return response;
}

/** The callback registered for `response`, removed from it; undefined when there is none. */
export function takeWrittenCallback(response: object): (() => void) | undefined {
  const callback = callbacks.get(response);
  if (callback !== undefined) callbacks.delete(response);
  return callback;
}
