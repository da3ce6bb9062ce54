import assert from 'node:assert/strict';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Router from '@koa/router';
import Koa from 'koa';
import { errorMiddleware } from './errors.js';
import { methodNotAllowed } from './methods.js';

let server: Server;
let base: string;

/** node:http, not fetch: fetch refuses TRACE. */
function send(method: string, path: string): Promise<{ status: number; allow: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('methodNotAllowed', () => {
  before(async () => {
    const app = new Koa();
    const router = new Router();
    router.get('/things/:id', (ctx) => (ctx.body = { id: ctx.params.id }));
    router.post('/things/:id', (ctx) => (ctx.body = { posted: true }));
    app.use(errorMiddleware());
    app.use(router.routes());
    app.use(methodNotAllowed());
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('answers 405 with Allow and the JSON error body for a method the path lacks, even one outside the router list', async () => {
    for (const method of ['DELETE', 'PUT', 'PATCH', 'TRACE']) {
      const r = await send(method, '/things/1');
      assert.equal(r.status, 405, method);
      assert.equal(r.allow, 'HEAD, GET, POST, OPTIONS');
      const body = JSON.parse(r.body) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'METHOD_NOT_ALLOWED');
      assert.match(body.error.message, new RegExp(`^method: expected one of HEAD, GET, POST, OPTIONS for /things/1, got ${method}$`));
    }
  });

  it('answers OPTIONS with 204 and Allow; known methods and unknown paths are untouched', async () => {
    const o = await send('OPTIONS', '/things/1');
    assert.equal(o.status, 204);
    assert.equal(o.allow, 'HEAD, GET, POST, OPTIONS');
    assert.equal((await send('GET', '/things/1')).status, 200);
    const missing = await send('DELETE', '/nothing');
    assert.equal(missing.status, 404);
  });
});
