import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../lib/errors.js';
import { DEFAULT_CUTOFFS, DEFAULT_REFIT_EVERY, parseRequest } from './request.js';

const flagError = (field: string) => (err: unknown) => {
  assert.ok(err instanceof ValidationError, String(err));
  assert.equal(err.field, field);
  return true;
};

describe('backtest request', () => {
  it('defaults to the last 39 cut-offs, refit every 4, the trainer horizon', () => {
    const r = parseRequest({}, 4);
    assert.deepEqual(r.cutoffs, { kind: 'last', count: DEFAULT_CUTOFFS });
    assert.equal(r.refitEvery, DEFAULT_REFIT_EVERY);
    assert.equal(r.horizon, 4);
    assert.deepEqual(r.params, {});
    assert.equal(r.outDir, null);
  });

  it('parses CLI strings', () => {
    const r = parseRequest({ from: '2012-01-06', to: '2012-06-29', horizon: '13', refitEvery: '2', series: '1:1, 2:5', params: '{"rounds":80}' }, 4, true);
    assert.deepEqual(r.cutoffs, { kind: 'range', from: '2012-01-06', to: '2012-06-29' });
    assert.equal(r.horizon, 13);
    assert.equal(r.refitEvery, 2);
    assert.deepEqual(r.series, ['1:1', '2:5']);
    assert.deepEqual(r.params, { rounds: 80 });
  });

  it('names the flag and what was expected', () => {
    assert.throws(() => parseRequest({ horizon: '53' }, 4, true), flagError('--horizon'));
    assert.throws(() => parseRequest({ horizon: 'abc' }, 4, true), /--horizon: expected an integer 1\.\.52, got "abc"/);
    assert.throws(() => parseRequest({ refitEvery: '0' }, 4, true), flagError('--refit-every'));
    assert.throws(() => parseRequest({ cutoffs: '5', from: '2012-01-06', to: '2012-02-03' }, 4, true), flagError('--cutoffs'));
    assert.throws(() => parseRequest({ from: '2012-01-06' }, 4, true), flagError('--to'));
    assert.throws(() => parseRequest({ from: '2012-03-02', to: '2012-01-06' }, 4, true), flagError('--to'));
    assert.throws(() => parseRequest({ series: '1-1' }, 4, true), flagError('--series'));
    assert.throws(() => parseRequest({ params: '{"round":3}' }, 4, true), flagError('--params'));
    assert.throws(() => parseRequest({ refitEvery: 0 }, 4), flagError('refitEvery'), 'API callers see field names');
  });
});
