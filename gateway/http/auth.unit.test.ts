import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../lib/errors.js';
import { assertTokenFitsHost, bearerMatches, isLoopback } from './auth.js';

const STRONG = 'a'.repeat(32);

describe('gateway token', () => {
  it('loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopback(h), true, h);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'gateway', '10.0.0.1', '']) assert.equal(isLoopback(h), false, h);
  });

  it('off loopback, refuses a token under 32 characters, naming GATEWAY_TOKEN and what is expected', () => {
    assert.throws(
      () => assertTokenFitsHost('0.0.0.0', 'a'.repeat(31)),
      (e: unknown) => e instanceof ConfigError && /^GATEWAY_TOKEN: expected a secret of at least 32 characters because GATEWAY_HOST=0\.0\.0\.0 is not a loopback address; it is 31 characters long\. Generate one with: openssl rand -hex 32/.test(e.message),
    );
    assert.doesNotThrow(() => assertTokenFitsHost('0.0.0.0', STRONG));
  });

  it('refuses the well-known "change-me" everywhere, loopback included (a DNS-rebinding page reaches loopback)', () => {
    for (const host of ['127.0.0.1', 'localhost', '0.0.0.0']) {
      assert.throws(() => assertTokenFitsHost(host, 'change-me'), (e: unknown) => e instanceof ConfigError && /^GATEWAY_TOKEN: expected a secret, not the well-known "change-me"; leave it unset/.test(e.message), host);
    }
    assert.doesNotThrow(() => assertTokenFitsHost('localhost', 'x'));
  });

  it('bearer comparison', () => {
    assert.equal(bearerMatches(`Bearer ${STRONG}`, STRONG), true);
    assert.equal(bearerMatches(`Bearer ${STRONG}x`, STRONG), false);
    assert.equal(bearerMatches(undefined, STRONG), false);
  });
});
