import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Router from '@koa/router';
import Koa from 'koa';
import { z } from 'zod';
import { errorMiddleware } from '../http/errors.js';
import { RateLimiter } from '../http/rate-limit.js';
import { mount, route } from './route.js';

let server: Server;
let base: string;

describe('mount', () => {
  before(async () => {
    const Body = z.strictObject({ n: z.int().optional() });
    const routes = [
      route({ method: 'post', path: '/limited', tag: 't', access: 'public', summary: 's', body: Body, rateLimited: true, ok: { schema: Body, description: 'd' } }, ({ body }) => body),
      route({ method: 'get', path: '/free', tag: 't', access: 'public', summary: 's', ok: { schema: z.object({}), description: 'd' } }, () => ({})),
    ];
    const app = new Koa();
    const router = new Router();
    // 1 request/s, burst 2, on a clock that does not move: the third request is over
    mount(router, routes, { token: 't', openReads: true, bodyLimit: 1024, rateLimit: new RateLimiter(1, 2, () => 0) });
    app.use(errorMiddleware());
    app.use(router.routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const post = (body?: string) => fetch(`${base}/limited`, { method: 'POST', headers: body ? { 'content-type': 'application/json' } : {}, body });

  it('refuses a missing body with 400 naming body, even when every field is optional', async () => {
    const r = await post();
    assert.equal(r.status, 400);
    const b = (await r.json()) as { error: { field: string; message: string } };
    assert.equal(b.error.field, 'body');
    assert.match(b.error.message, /^body: expected a JSON body \(required/);
  });

  it('answers 429 with Retry-After over the rate limit, on limited routes only', async () => {
    // the missing-body request above took one token
    assert.equal((await post('{}')).status, 200);
    const r = await post('{}');
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '1');
    const b = (await r.json()) as { error: { code: string; message: string } };
    assert.equal(b.error.code, 'RATE_LIMITED');
    assert.match(b.error.message, /^rate: expected at most 1 request\(s\)\/s per client \(burst 2\)/);
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${base}/free`)).status, 200);
  });
});

describe('mount: one 400 lists the problems of query, path and body together', () => {
  let srv: Server;
  let url: string;
  before(async () => {
    const Body = z.strictObject({ n: z.int().min(1) });
    const r = route(
      {
        method: 'post', path: '/things/:id', tag: 't', access: 'public', summary: 's',
        query: z.strictObject({ q: z.enum(['a', 'b']) }), params: z.strictObject({ id: z.string().regex(/^\d+$/) }), body: Body,
        ok: { schema: Body, description: 'd' },
      },
      ({ body }) => body,
    );
    const app = new Koa();
    const router = new Router();
    mount(router, [r], { token: 't', openReads: true, bodyLimit: 1024 });
    app.use(errorMiddleware());
    app.use(router.routes());
    srv = app.listen(0, '127.0.0.1');
    await new Promise((res) => srv.once('listening', res));
    url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  });
  after(() => srv.close());

  const send = (path: string, body: string) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  type Details = { error: { field: string; details: { field: string; expected: string; got: string }[] } };

  it('query, path and body problems in one answer', async () => {
    const r = await send('/things/x1?q=c', '{"n":0,"m":1}');
    assert.equal(r.status, 400);
    const b = (await r.json()) as Details;
    assert.deepEqual(b.error.details.map((d) => [d.field, d.got]), [['q', '"c"'], ['id', '"x1"'], ['n', '0'], ['m', '1']]);
    assert.equal(b.error.field, 'q');
  });

  it('malformed JSON is listed beside a bad query; a valid request passes', async () => {
    const bad = (await (await send('/things/1?q=z', '{"n":')).json()) as Details;
    assert.deepEqual(bad.error.details.map((d) => d.field), ['q', 'body']);
    assert.match(bad.error.details[1]!.expected, /^valid JSON/);
    const ok = await send('/things/1?q=a', '{"n":2}');
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { n: 2 });
  });
});
