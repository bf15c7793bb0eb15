// The HTTP layer's public face: one server for every HTTP service of the platform (metrics,
// console, REST proxy, schema registry, Connect), its route declarations and its JSON errors.
export {
  HttpResponse,
  HttpServer,
  type HttpMethod,
  type HttpRequest,
  type HttpRoute,
  type HttpServerOptions,
} from './http-server.js';
export {
  HttpError,
  badRequest,
  conflict,
  internalError,
  notFound,
  unprocessable,
} from './http-error.js';
