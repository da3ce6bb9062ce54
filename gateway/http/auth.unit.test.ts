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

  it('off loopback, refuses the default token and one under 32 characters, naming GATEWAY_TOKEN and what is expected', () => {
    assert.throws(
      () => assertTokenFitsHost('0.0.0.0', 'change-me'),
      (e: unknown) => e instanceof ConfigError && /^GATEWAY_TOKEN: expected a secret of at least 32 characters, not the default, because GATEWAY_HOST=0\.0\.0\.0 is not a loopback address; it is the default "change-me"/.test(e.message),
    );
    assert.throws(() => assertTokenFitsHost('::', 'a'.repeat(31)), /it is 31 characters long\. Generate one with: openssl rand -hex 32/);
    assert.doesNotThrow(() => assertTokenFitsHost('0.0.0.0', STRONG));
  });

  it('on loopback, any token starts (the default included)', () => {
    assert.doesNotThrow(() => assertTokenFitsHost('127.0.0.1', 'change-me'));
    assert.doesNotThrow(() => assertTokenFitsHost('localhost', 'x'));
  });

  it('bearer comparison', () => {
    assert.equal(bearerMatches(`Bearer ${STRONG}`, STRONG), true);
    assert.equal(bearerMatches(`Bearer ${STRONG}x`, STRONG), false);
    assert.equal(bearerMatches(undefined, STRONG), false);
  });
});
