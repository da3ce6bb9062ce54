import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportFilterRefusal, forecastExportSql } from './export.js';

describe('forecast export filter', () => {
  it('accepts each level with the keys its rows carry, and store / dept alone (every level that has them)', () => {
    for (const f of [{}, { level: 'total' as const }, { level: 'store' as const, store: 3 }, { level: 'dept' as const, dept: 92 }, { level: 'series' as const, store: 3, dept: 92 }, { level: 'series' as const, dept: 92 }, { store: 3 }, { dept: 92 }]) {
      assert.equal(exportFilterRefusal(f), null, JSON.stringify(f));
    }
  });

  it('refuses a key on a level whose rows cover all of it, naming the field', () => {
    assert.equal(exportFilterRefusal({ level: 'total', store: 3 })?.field, 'store');
    assert.equal(exportFilterRefusal({ level: 'total', dept: 3 })?.field, 'dept');
    assert.equal(exportFilterRefusal({ level: 'dept', dept: 5, store: 3 })?.field, 'store');
    const r = exportFilterRefusal({ level: 'store', store: 1, dept: 5 });
    assert.equal(r?.field, 'dept');
    assert.match(r!.expected, /absent with level store/);
  });

  it('puts each filter in the inner WHERE, and none when not asked', () => {
    const all = forecastExportSql('db', '2012-11-02', undefined, true);
    assert.match(all, /WHERE week = toDate\('2012-11-02'\)\)/);
    assert.doesNotMatch(all, /level =|store =|dept =/);
    const sql = forecastExportSql('db', '2012-11-02', 4, false, { level: 'store', store: 7 });
    assert.match(sql, /WHERE week = toDate\('2012-11-02'\) AND model_version = 4 AND level = 'store' AND store = 7\)/);
    assert.match(sql, /FORMAT JSONEachRow$/);
    assert.match(forecastExportSql('db', '2012-11-02', undefined, true, { dept: 92 }), /AND dept = 92\)/);
  });

  it('never writes a level that is not one of the four into SQL, even from a caller that skipped validation', () => {
    assert.throws(() => forecastExportSql('db', '2012-11-02', undefined, true, { level: "x' OR 1=1 --" as 'total' }), /export level: expected total, store, dept or series/);
  });
});
