import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { allowedHosts, guardHost, hostAllowed, hostName } from './host.js';

const gw = (host: string, extra: string[] = []) => ({ gateway: { host, allowedHosts: extra } }) as unknown as Parameters<typeof allowedHosts>[0];

/** GET / with an explicit Host header (fetch cannot set one); resolves status and body. */
function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/models', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Host allow-list (DNS rebinding)', () => {
  it('reads the host name of a Host header: lower case, no port, no IPv6 brackets', () => {
    assert.equal(hostName('LocalHost:8080'), 'localhost');
    assert.equal(hostName('[::1]:8080'), '::1');
    assert.equal(hostName('127.0.0.1'), '127.0.0.1');
    assert.equal(hostName('gateway.'), 'gateway');
    assert.equal(hostName(undefined), null);
    assert.equal(hostName('a b'), null);
    assert.equal(hostName('evil.example:80:80'), null);
  });

  it('allows loopback, a specific GATEWAY_HOST and the configured names; * turns the check off', () => {
    assert.deepEqual(allowedHosts(gw('127.0.0.1')), ['localhost', '127.0.0.1', '::1']);
    assert.deepEqual(allowedHosts(gw('0.0.0.0', ['gateway'])), ['localhost', '127.0.0.1', '::1', 'gateway']);
    assert.deepEqual(allowedHosts(gw('192.168.1.5')), ['localhost', '127.0.0.1', '::1', '192.168.1.5']);
    assert.deepEqual(allowedHosts(gw('::')), ['localhost', '127.0.0.1', '::1']);
    assert.equal(allowedHosts(gw('0.0.0.0', ['*'])), null);
    const loop = allowedHosts(gw('127.0.0.1'));
    assert.equal(hostAllowed('localhost:8080', loop), true);
    assert.equal(hostAllowed('evil.example:8080', loop), false, 'a rebinding page names itself');
    assert.equal(hostAllowed('localhost.evil.example', loop), false);
    assert.equal(hostAllowed(undefined, loop), false);
    assert.equal(hostAllowed('anything', null), true);
  });

  describe('guardHost in front of a listener', () => {
    let server: Server;
    let port = 0;
    let reached = 0;
    before(async () => {
      server = createServer(guardHost(['localhost', '127.0.0.1', '::1'], (_req, res) => {
        reached++;
        res.end('ok');
      }));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    after(() => server.close());

    it('passes an allowed Host on; refuses another with 403 HOST_NOT_ALLOWED before the listener runs', async () => {
      assert.deepEqual(await get(port, `127.0.0.1:${port}`), { status: 200, body: 'ok' });
      assert.deepEqual(await get(port, `localhost:${port}`), { status: 200, body: 'ok' });
      const evil = await get(port, `evil.example:${port}`);
      assert.equal(evil.status, 403);
      assert.deepEqual(JSON.parse(evil.body), {
        error: { code: 'HOST_NOT_ALLOWED', message: `host: expected one of localhost, 127.0.0.1, ::1 (GATEWAY_ALLOWED_HOSTS adds names), got "evil.example:${port}"` },
      });
      assert.equal(reached, 2, 'the refused request never reached the listener');
    });
  });
});
