/**
 * Junk `week` values must be rejected before anything parses or remembers
 * them: the memos behind Week (gateway/predict/week-names.ts, lib/weeks.ts)
 * once kept every string they were asked about, so unauthenticated 400s grew
 * the gateway's heap for good (1,500 requests with a 100 KB week: +149 MB RSS).
 */
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import { Week } from './schemas.js';
import { isPlainItem } from '../predict/parse.js';
import { DAY_NAMES_MAX, dayOfName, weekNameCacheSizes } from '../predict/week-names.js';
import { PARSED_MAX, parsedDaysCached, parseIsoDay } from '../../lib/weeks.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('junk weeks are refused before they are parsed or cached', () => {
  it('a wrong shape stops at the regex: one issue, the refinement (and its memo) never runs', () => {
    const before = weekNameCacheSizes().days;
    const r = Week.safeParse('2011-02-04' + 'x'.repeat(100));
    assert.equal(r.success, false);
    assert.deepEqual(r.error?.issues.map((i) => i.message), ['an ISO date YYYY-MM-DD between 1900-01-01 and 2200-12-31']);
    assert.equal(weekNameCacheSizes().days, before);
    // a right shape but no such day still gets the calendar message
    assert.deepEqual(Week.safeParse('2011-02-30').error?.issues.map((i) => i.message), ['a real calendar date YYYY-MM-DD']);
  });

  it('10,000 junk weeks (10 KB each) through every entry point leave the memos and the heap flat', () => {
    const sizes = weekNameCacheSizes();
    const parsed = parsedDaysCached();
    const heap = heapAfterGc();
    for (let i = 0; i < 10_000; i++) {
      const junk = `${String(i).padStart(10, '0')}${'x'.repeat(10_000)}`;
      assert.equal(Week.safeParse(junk).success, false);
      assert.equal(isPlainItem({ store: 1, dept: 1, week: junk }), false);
      assert.equal(dayOfName(junk), null);
      assert.equal(parseIsoDay(junk), null);
      // right length, wrong content, and right shape but not a day: none is kept either
      assert.equal(dayOfName(String(i).padStart(10, 'z')), null);
      const notADay = `${1900 + (i % 300)}-02-3${i % 2}`;
      assert.equal(dayOfName(notADay), null);
      assert.equal(parseIsoDay(notADay), null);
    }
    const grown = heapAfterGc() - heap;
    assert.deepEqual(weekNameCacheSizes(), sizes, 'no junk kept in the week-name memos');
    assert.equal(parsedDaysCached(), parsed, 'no junk kept in the parse memo');
    // the old memos kept ~100 MB here; allow a few MB for the runtime's own noise
    assert.ok(grown < 8 * 1024 * 1024, `heap grew ${(grown / 1048576).toFixed(1)} MB`);
  });

  it('real dates are remembered up to a bound, however many distinct ones arrive', () => {
    const day0 = parseIsoDay('1900-01-01')!;
    for (let i = 0; i < DAY_NAMES_MAX + 5_000; i++) {
      const iso = new Date((day0 + i) * 86_400_000).toISOString().slice(0, 10);
      assert.equal(dayOfName(iso), day0 + i);
    }
    assert.equal(weekNameCacheSizes().days, DAY_NAMES_MAX);
    assert.ok(parsedDaysCached() <= PARSED_MAX);
    assert.equal(dayOfName('2011-02-04'), parseIsoDay('2011-02-04'), 'a date past the bound is still answered');
  });
});
