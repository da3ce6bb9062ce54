import assert from 'node:assert/strict';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { readJson } from './body.js';
import { errorMiddleware } from './errors.js';

let server: Server;
let port: number;

/** Sends `chunks` with chunked transfer encoding (no content-length, so the limit must be enforced while reading). */
function send(chunks: string[], type = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': type, 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('readJson', () => {
  before(async () => {
    const app = new Koa();
    app.use(errorMiddleware());
    app.use(async (ctx) => {
      ctx.body = { got: await readJson(ctx, 64) };
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  it('reads JSON under the limit', async () => {
    const r = await send(['{"a":', '1}']);
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { got: { a: 1 } });
  });

  it('refuses a chunked body as soon as it passes the limit (413)', async () => {
    const r = await send(['{"a":"', 'x'.repeat(40), 'y'.repeat(40), '"}']);
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.body).error.message, 'body: expected at most 64 bytes');
  });

  it('malformed JSON is a 400 naming body; another media type is a 415', async () => {
    const bad = await send(['{"a":']);
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).error.field, 'body');
    const text = await send(['a=1'], 'text/plain');
    assert.equal(text.status, 415);
  });
});
