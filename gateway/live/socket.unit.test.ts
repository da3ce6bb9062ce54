import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import { attachSocket, originAllowed } from './socket.js';
import type { LiveStatus } from './status.js';

const TOKEN = 'socket-test-token';
let http: HttpServer;
let url: string;
let close: () => Promise<void>;

/** Connects with the given Origin header and auth; resolves the socket once connected, or the refusal's message. */
function open(opts: { origin?: string; token?: string; host?: string } = {}): Promise<{ socket: Socket; error: string | null }> {
  const socket = connect(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    auth: opts.token ? { token: opts.token } : {},
    extraHeaders: { ...(opts.origin ? { origin: opts.origin } : {}), ...(opts.host ? { host: opts.host } : {}) },
  });
  return new Promise((resolve) => {
    socket.once('snapshot', () => resolve({ socket, error: null }));
    socket.once('connect_error', (err) => resolve({ socket, error: err.message }));
  });
}

describe('live socket', () => {
  before(async () => {
    http = createServer();
    const status = Object.assign(new EventEmitter(), { snapshot: () => ({}) }) as unknown as LiveStatus;
    const io = attachSocket(http, status, { token: TOKEN, openReads: true, allowedOrigins: ['http://localhost:5173'] });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    close = () => new Promise((r) => io.close(() => r()));
  });
  after(() => close());

  it('originAllowed: none, the own host, and the configured extra origins', () => {
    assert.equal(originAllowed(undefined, 'gw:8080', []), true);
    assert.equal(originAllowed('http://gw:8080', 'gw:8080', []), true);
    assert.equal(originAllowed('http://localhost:5173', 'gw:8080', ['http://localhost:5173']), true);
    assert.equal(originAllowed('http://evil.example', 'gw:8080', ['http://localhost:5173']), false);
    assert.equal(originAllowed('http://gw:8081', 'gw:8080', []), false);
    assert.equal(originAllowed('null', 'gw:8080', []), false);
  });

  it('accepts the own origin and an allowed one, refuses another origin at the handshake', async () => {
    const own = await open({ origin: url });
    assert.equal(own.error, null);
    own.socket.close();
    const dev = await open({ origin: 'http://localhost:5173' });
    assert.equal(dev.error, null);
    dev.socket.close();
    const evil = await open({ origin: 'http://evil.example' });
    assert.notEqual(evil.error, null, 'a foreign origin is refused');
    evil.socket.close();
  });

  it('refuses a handshake naming a host the gateway does not answer to, even with its own origin (DNS rebinding)', async () => {
    const port = new URL(url).port;
    const rebound = await open({ host: `evil.example:${port}`, origin: `http://evil.example:${port}` });
    assert.match(rebound.error ?? '', /./, 'refused');
    rebound.socket.close();
    const named = await open({ host: `localhost:${port}`, origin: `http://localhost:${port}` });
    assert.equal(named.error, null, 'a loopback name is the gateway\'s own');
    named.socket.close();
  });

  it('refuses any event from a client without the token, and lets a client with it through', async () => {
    const reader = await open();
    assert.equal(reader.error, null);
    const refused = (await reader.socket.timeout(2000).emitWithAck('promote', { version: 1 })) as { error: { code: string; message: string } };
    assert.equal(refused.error.code, 'UNAUTHORIZED');
    assert.match(refused.error.message, /"promote" is a write; connect with auth: \{ token \}/);
    reader.socket.close();
    const writer = await open({ token: TOKEN });
    assert.equal(writer.error, null);
    // no write event exists yet: the guard lets it through to no handler, so no refusal comes back
    await assert.rejects(writer.socket.timeout(300).emitWithAck('promote', { version: 1 }));
    writer.socket.close();
  });
});
