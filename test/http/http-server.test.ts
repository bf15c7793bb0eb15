// The shared HTTP layer over real sockets: routes with params and schemas, JSON errors in the
// `{"error_code","message"}` shape, service media types, body limits and a graceful close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { HttpError, HttpResponse, HttpServer, notFound } from '../../src/http/index.js';

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

function call(
  url: string,
  options: { method?: string; body?: string; contentType?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        // A fresh connection per call, so a closed server is seen as closed.
        agent: false,
        method: options.method ?? 'GET',
        headers:
          options.body === undefined && options.contentType === undefined
            ? {}
            : { 'content-type': options.contentType ?? 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const VND = 'application/vnd.schemaregistry.v1+json';

async function started(t: { after(fn: () => unknown): void }) {
  const subjects = new Map<string, number[]>([['orders-value', [1, 2]]]);
  const server = new HttpServer({ jsonContentTypes: [VND], responseContentType: VND });
  server
    .route({
      method: 'GET',
      url: '/subjects/:subject/versions',
      handler: ({ params }) => {
        const versions = subjects.get(params.subject!);
        if (versions === undefined) throw notFound(`Subject '${params.subject}' not found.`, 40401);
        return versions;
      },
    })
    .route({
      method: 'POST',
      url: '/subjects/:subject/versions',
      schema: {
        body: {
          type: 'object',
          required: ['schema'],
          properties: { schema: { type: 'string' } },
        },
      },
      handler: ({ params, body }) => {
        const list = subjects.get(params.subject!) ?? [];
        list.push(list.length + 1);
        subjects.set(params.subject!, list);
        return new HttpResponse(201, {
          id: list.length,
          schema: (body as { schema: string }).schema,
        });
      },
    })
    .route({
      method: 'GET',
      url: '/boom',
      handler: () => {
        throw new Error('disk on fire');
      },
    })
    .route({ method: 'GET', url: '/text', handler: () => new HttpResponse(200, 'plain words') })
    .route({
      method: 'DELETE',
      url: '/subjects/:subject',
      handler: ({ params, body }) => {
        const versions = subjects.get(params.subject!) ?? [];
        subjects.delete(params.subject!);
        return { versions, body: body === undefined ? 'none' : 'some' };
      },
    });
  const { url } = await server.listen({ port: 0 });
  t.after(() => server.close());
  return { server, url };
}

test('routes answer JSON in the service media type, with params and status codes', async (t) => {
  const { url } = await started(t);
  const list = await call(`${url}/subjects/orders-value/versions`);
  assert.equal(list.status, 200);
  assert.equal(list.contentType?.split(';')[0], VND);
  assert.deepEqual(JSON.parse(list.body), [1, 2]);

  const created = await call(`${url}/subjects/users-value/versions`, {
    method: 'POST',
    body: JSON.stringify({ schema: '"string"' }),
    contentType: VND,
  });
  assert.equal(created.status, 201, created.body);
  assert.deepEqual(JSON.parse(created.body), { id: 1, schema: '"string"' });

  const text = await call(`${url}/text`);
  assert.equal(text.body, 'plain words');
  assert.match(text.contentType ?? '', /^text\/plain/);
});

test('a DELETE with a JSON Content-Type and no body reaches its handler without a body', async (t) => {
  const { url } = await started(t);
  for (const contentType of [VND, 'application/json']) {
    const r = await call(`${url}/subjects/orders-value`, { method: 'DELETE', contentType });
    assert.equal(r.status, 200, r.body);
    assert.equal((JSON.parse(r.body) as { body: string }).body, 'none');
  }
  const malformed = await call(`${url}/subjects/x/versions`, {
    method: 'POST',
    body: '{"schema":',
    contentType: VND,
  });
  assert.equal(malformed.status, 400, 'a body that is there must still be JSON');
});

test('every error is {"error_code","message"} with its status', async (t) => {
  const errors: string[] = [];
  const { url } = await started(t);
  const missing = await call(`${url}/subjects/nobody/versions`);
  assert.equal(missing.status, 404);
  assert.deepEqual(JSON.parse(missing.body), {
    error_code: 40401,
    message: "Subject 'nobody' not found.",
  });

  const unknownRoute = await call(`${url}/no/such/path`);
  assert.equal(unknownRoute.status, 404);
  assert.equal(JSON.parse(unknownRoute.body).error_code, 404);

  const malformed = await call(`${url}/subjects/x/versions`, {
    method: 'POST',
    body: '{"schema": ',
  });
  assert.equal(malformed.status, 400);
  assert.equal(JSON.parse(malformed.body).error_code, 400);

  const invalid = await call(`${url}/subjects/x/versions`, {
    method: 'POST',
    body: JSON.stringify({ schema: 42 }),
  });
  assert.equal(invalid.status, 422);
  const invalidBody = JSON.parse(invalid.body) as { error_code: number; message: string };
  assert.equal(invalidBody.error_code, 422);
  assert.match(invalidBody.message, /schema/);

  const wrongType = await call(`${url}/subjects/x/versions`, {
    method: 'POST',
    body: 'schema=1',
    contentType: 'application/x-www-form-urlencoded',
  });
  assert.equal(wrongType.status, 415);
  assert.equal(JSON.parse(wrongType.body).error_code, 415);

  const boom = await call(`${url}/boom`);
  assert.equal(boom.status, 500);
  assert.deepEqual(JSON.parse(boom.body), {
    error_code: 500,
    message: 'Internal Server Error: disk on fire',
  });
  assert.deepEqual(errors, []);
});

test('a service translates errors into its own codes and hears of server errors', async (t) => {
  const seen: string[] = [];
  const server = new HttpServer({
    bodyLimitBytes: 64,
    translateError: (e) =>
      e.validation !== undefined
        ? new HttpError(422, 42201, `Invalid input: ${e.message}`)
        : undefined,
    onServerError: (e, r) => seen.push(`${r.method} ${r.url}: ${e.message}`),
  });
  server
    .route({
      method: 'PUT',
      url: '/config',
      schema: { body: { type: 'object', required: ['compatibility'] } },
      handler: ({ body }) => body,
    })
    .route({
      method: 'GET',
      url: '/fail',
      handler: () => {
        throw new Error('lost');
      },
    });
  const { url } = await server.listen();
  t.after(() => server.close());
  const invalid = await call(`${url}/config`, { method: 'PUT', body: '{}' });
  assert.equal(invalid.status, 422);
  assert.equal(JSON.parse(invalid.body).error_code, 42201);
  const big = await call(`${url}/config`, {
    method: 'PUT',
    body: JSON.stringify({ compatibility: 'x'.repeat(100) }),
  });
  assert.equal(big.status, 413);
  assert.equal(JSON.parse(big.body).error_code, 413);
  await call(`${url}/fail`);
  assert.deepEqual(seen, ['GET /fail: lost']);
});

test('close lets a request under way finish and refuses new connections', async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let arrived!: () => void;
  const inside = new Promise<void>((r) => (arrived = r));
  const server = new HttpServer();
  server.route({
    method: 'GET',
    url: '/slow',
    handler: async () => {
      arrived();
      await held;
      return { done: true };
    },
  });
  const { url } = await server.listen();
  const slow = call(`${url}/slow`);
  await inside;
  const closed = server.close();
  release();
  const answer = await slow;
  assert.equal(answer.status, 200);
  assert.deepEqual(JSON.parse(answer.body), { done: true });
  await closed;
  await assert.rejects(call(`${url}/slow`), /ECONNREFUSED/);
});
