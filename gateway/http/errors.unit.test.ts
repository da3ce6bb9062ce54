import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, DependencyError } from '../../lib/errors.js';
import { toResponse } from './errors.js';

describe('error bodies say what failed, never a dependency\'s error text or a secret', () => {
  it('a dependency failure names the dependency only (503, retriable)', () => {
    const r = toResponse(new DependencyError('clickhouse', 'connect ECONNREFUSED http://default:pw@10.1.2.3:8123/?database=forecast'));
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '1');
    assert.deepEqual(r.body, { error: { code: 'DEPENDENCY', message: 'clickhouse is unavailable; retry later (details in the gateway log)' } });
  });

  it('other server errors are redacted: no URL path, query or password', () => {
    const r = toResponse(new AppError('ARTIFACT', 'fetching https://u:secret@store.example/a/b?sig=xyz failed'));
    assert.equal(r.status, 500);
    assert.doesNotMatch(r.body.error.message, /secret|sig=|\/a\/b/);
    assert.match(r.body.error.message, /^fetching https:\/\/store\.example\/…#[0-9a-f]{8} failed$/);
  });

  it('an unknown error says nothing of itself', () => {
    assert.deepEqual(toResponse(new Error('/home/me/.stack/x: EACCES')).body, { error: { code: 'INTERNAL', message: 'internal error (logged on the gateway)' } });
  });
});
