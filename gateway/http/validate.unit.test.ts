import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../lib/errors.js';
import { ForecastQuery, PredictItem, predictBatch } from '../api/schemas.js';
import { checkWith, parseWith } from './validate.js';
import { toResponse } from './errors.js';

function fieldOf(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return { field: err.field, message: err.message };
  }
  assert.fail('expected a ValidationError');
}

describe('parseWith: every error names its field and the expectation', () => {
  it('missing, wrong type, out of range, unknown', () => {
    assert.deepEqual(fieldOf(() => parseWith(PredictItem, { dept: 1, week: '2011-01-07' }, 'body')), { field: 'store', message: 'store: expected a number (required)' });
    assert.equal(fieldOf(() => parseWith(PredictItem, { store: 'x', dept: 1, week: '2011-01-07' }, 'body')).message, 'store: expected a number, got "x"');
    assert.match(fieldOf(() => parseWith(PredictItem, { store: 0, dept: 1, week: '2011-01-07' }, 'body')).message, /^store: expected a value >= 1, got 0$/);
    assert.deepEqual(fieldOf(() => parseWith(PredictItem, { store: 1, dept: 1, week: '2011-01-07', stor: 2 }, 'body')).field, 'stor');
  });

  it('dates: shape and calendar', () => {
    const shape = (week: string) => `week: expected an ISO date YYYY-MM-DD between 1900-01-01 and 2200-12-31, got "${week}"`;
    for (const week of ['7/1/2011', '0000-00-00', '2011-13-01', '2011-01-32', '1899-12-31', '2201-01-01']) {
      assert.equal(fieldOf(() => parseWith(PredictItem, { store: 1, dept: 1, week }, 'body')).message, shape(week));
    }
    assert.equal(fieldOf(() => parseWith(PredictItem, { store: 1, dept: 1, week: '2011-02-29' }, 'body')).message, 'week: expected a real calendar date YYYY-MM-DD, got "2011-02-29"');
  });

  it('nested paths in a batch, and the batch limit', () => {
    const batch = predictBatch(3);
    const ok = { store: 1, dept: 1, week: '2011-01-07' };
    assert.equal(fieldOf(() => parseWith(batch, { items: [ok, { ...ok, horizon: 99 }] }, 'body')).field, 'items.1.horizon');
    assert.equal(fieldOf(() => parseWith(batch, { items: [ok, ok, ok, ok] }, 'body')).message, 'items: expected at most 3 item(s), got an array');
    assert.equal(fieldOf(() => parseWith(batch, { items: [] }, 'body')).message, 'items: expected at least 1 item(s), got an array');
  });

  it('query strings are coerced, and a non-object body names the root', () => {
    assert.deepEqual(parseWith(ForecastQuery, { store: '3', dept: '4' }, 'query'), { store: 3, dept: 4 });
    assert.equal(fieldOf(() => parseWith(ForecastQuery, { store: '3', dept: '4', horizon: '1.5' }, 'query')).field, 'horizon');
    assert.equal(fieldOf(() => parseWith(PredictItem, [1], 'body')).field, 'body');
  });

  it('lists every problem, not only the first, in the order of the fields', () => {
    const c = checkWith(PredictItem, { store: 'x', week: '7/1/2011', horizon: 0, stor: 2, dpt: 1 }, 'body');
    assert.equal(c.ok, false);
    assert.deepEqual(!c.ok && c.problems, [
      { field: 'store', expected: 'a number', got: 'x' },
      { field: 'dept', expected: 'a number (required)', got: undefined },
      { field: 'week', expected: 'an ISO date YYYY-MM-DD between 1900-01-01 and 2200-12-31', got: '7/1/2011' },
      { field: 'horizon', expected: 'a value >= 1', got: 0 },
      { field: 'stor', expected: 'no such field (the documented fields only)', got: 2 },
      { field: 'dpt', expected: 'no such field (the documented fields only)', got: 1 },
    ]);
  });

  it('the 400 body carries them all as details; the first stays as error.field / error.expected', () => {
    let thrown: unknown;
    try {
      parseWith(PredictItem, { store: 0, dept: 'a', week: '2011-01-07' }, 'body');
    } catch (err) {
      thrown = err;
    }
    const r = toResponse(thrown);
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error, {
      code: 'VALIDATION',
      message: 'store: expected a value >= 1, got 0; dept: expected a number, got "a"',
      field: 'store',
      expected: 'a value >= 1',
      details: [
        { field: 'store', expected: 'a value >= 1', got: '0' },
        { field: 'dept', expected: 'a number', got: '"a"' },
      ],
    });
  });

  it('a valid input has no problems', () => {
    assert.deepEqual(checkWith(PredictItem, { store: 1, dept: 2, week: '2011-01-07' }, 'body'), { ok: true, data: { store: 1, dept: 2, week: '2011-01-07' } });
  });
});
