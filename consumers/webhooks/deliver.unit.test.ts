import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deliver, signature, webhookHeaders } from './deliver.js';

describe('webhook signing (Standard Webhooks)', () => {
  it('matches the specification\'s example signature', () => {
    // the example of the Standard Webhooks specification and its reference libraries
    assert.equal(
      signature('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('binds id and timestamp: the same body at another time or under another id signs differently', () => {
    const s = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const base = signature('a', 1000, '{}', s);
    assert.notEqual(signature('a', 1001, '{}', s), base);
    assert.notEqual(signature('b', 1000, '{}', s), base);
    assert.equal(signature('a', 1000, '{}', s.replace('whsec_', '')), base, 'the prefix is optional');
  });

  it('sends the three headers when signed, and no signature when unsigned', () => {
    assert.deepEqual(Object.keys(webhookHeaders('id1', 5, '{}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 1)).sort(), ['content-type', 'webhook-id', 'webhook-signature', 'webhook-timestamp', 'x-forecast-attempt']);
    const unsigned = webhookHeaders('id1', 5, '{}', '', 2);
    assert.equal(unsigned['webhook-signature'], undefined);
    assert.equal(unsigned['webhook-id'], 'id1');
  });

  describe('redirects', () => {
    let target: Server;
    let redirector: Server;
    let reachedTarget = 0;
    let redirectUrl = '';
    before(async () => {
      target = createServer((_req, res) => {
        reachedTarget++;
        res.writeHead(204).end();
      });
      await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
      const to = `http://127.0.0.1:${(target.address() as AddressInfo).port}/elsewhere`;
      redirector = createServer((_req, res) => res.writeHead(307, { location: to }).end());
      await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
      redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`;
    });
    after(() => {
      target.close();
      redirector.close();
    });

    it('are not followed: the signed body never reaches where the redirect points, and the delivery fails saying why', async () => {
      const r = await deliver(redirectUrl, 'id1', '{}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 2, 1);
      assert.deepEqual(r, { ok: false, attempts: 2, reason: 'HTTP 307: redirects are not followed' });
      assert.equal(reachedTarget, 0);
    });
  });
});
