import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PredictItem } from '../api/schemas.js';
import { isPlainItem } from './parse.js';

const ok = { store: 1, dept: 2, week: '2012-11-02' };
const valid: unknown[] = [ok, { ...ok, horizon: 3 }, { ...ok, horizon: 52 }, { ...ok, temperature: 12.5, cpi: null }, { store: 65535, dept: 1, week: '2200-12-31' }];
const invalid: unknown[] = [
  null, [], 'x', {}, { store: 1, dept: 2 }, { ...ok, store: 0 }, { ...ok, store: 1.5 }, { ...ok, store: '1' }, { ...ok, dept: 65536 },
  { ...ok, week: '2012-11-2' }, { ...ok, week: '2011-02-30' }, { ...ok, week: '1899-12-31' }, { ...ok, week: 20121102 },
  { ...ok, horizon: 0 }, { ...ok, horizon: 53 }, { ...ok, horizon: 1.5 }, { ...ok, horizon: null }, { ...ok, stor: 1 },
  { ...ok, temperature: 'hot' }, JSON.parse('{"store":1,"dept":2,"week":"2012-11-02","__proto__":{"x":1}}'),
];

describe('the quick predict item check', () => {
  it('accepts the valid items the schema accepts', () => {
    for (const v of valid) {
      assert.equal(PredictItem.safeParse(v).success, true, JSON.stringify(v));
      assert.equal(isPlainItem(v), true, JSON.stringify(v));
    }
  });
  it('accepts nothing the schema refuses (those go to the schema for the error naming the field)', () => {
    for (const v of invalid) {
      assert.equal(PredictItem.safeParse(v).success, false, JSON.stringify(v));
      assert.equal(isPlainItem(v), false, JSON.stringify(v));
    }
  });
});
