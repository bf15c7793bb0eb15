// HTML form posts on the shared HTTP layer: with `parseForms`, urlencoded bodies arrive as an
// object of strings (a list where a name repeats); without it they are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpServer } from '../../src/http/index.js';

async function serve(t: { after(fn: () => unknown): void }, parseForms: boolean) {
  const server = new HttpServer({ parseForms });
  server.route({ method: 'POST', url: '/echo', handler: ({ body }) => body });
  const { url } = await server.listen({ port: 0 });
  t.after(() => server.close());
  return (body: string) =>
    fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
}

test('form bodies are parsed when the service asks for it', async (t) => {
  const post = await serve(t, true);
  const r = await post('name=orders&op=set&tag=a&tag=b+c&empty=&text=%7B%22x%22%3A1%7D');
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), {
    name: 'orders',
    op: 'set',
    tag: ['a', 'b c'],
    empty: '',
    text: '{"x":1}',
  });
});

test('form bodies are refused by services that do not parse them', async (t) => {
  const post = await serve(t, false);
  const r = await post('name=orders');
  assert.equal(r.status, 415);
});
