import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../lib/errors.js';
import { decodePageToken, encodePageToken, fingerprint } from './page-token.js';

describe('page tokens', () => {
  const fp = fingerprint('runs', 'metrics.wape < 0.12', 'metrics.wape DESC');

  it('round-trip, and the same query gives the same token (stable)', () => {
    const t = encodePageToken(50, fp);
    assert.equal(decodePageToken(t, fp), 50);
    assert.equal(encodePageToken(50, fingerprint('runs', ' metrics.wape < 0.12 ', 'metrics.wape DESC')), t, 'surrounding blanks do not change the query');
    assert.match(t, /^[A-Za-z0-9_-]+$/);
  });

  it('refuses a token of another query, listing or an edited one, naming page_token', () => {
    const t = encodePageToken(50, fp);
    const refused = (token: string, f = fp) => assert.throws(() => decodePageToken(token, f), (e: unknown) => e instanceof ValidationError && e.field === 'page_token');
    refused(t, fingerprint('runs', 'metrics.wape < 0.2', 'metrics.wape DESC'));
    refused(t, fingerprint('models', 'metrics.wape < 0.12', 'metrics.wape DESC'));
    refused(Buffer.from(JSON.stringify({ v: 1, o: -5, f: fp })).toString('base64url'));
    refused(Buffer.from(JSON.stringify({ v: 1, o: 1.5, f: fp })).toString('base64url'));
    refused('not a token!');
    refused('e30');
    refused('');
  });
});
