import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks, parseIsoDay } from '../../lib/weeks.js';
import { buildTrainingMatrix, COL, DeptProfiles, featureVector, SeriesHistory } from './features.js';

const START = '2010-02-05';
const wk = (i: number) => addWeeks(START, i);
const day = (i: number) => parseIsoDay(wk(i))!;

/** Three stores of dept 7 with constant sales c, doubled in week 20; one store of dept 8. */
function collection(weeks = 60) {
  const mk = (store: number, dept: number, c: number) =>
    SeriesHistory.fromRows(store, dept, Array.from({ length: weeks }, (_, i) => ({ week: wk(i), sales: i === 20 ? 2 * c : c })));
  return [mk(1, 7, 100), mk(2, 7, 1000), mk(3, 7, 10), mk(1, 8, 50)];
}

describe('department profiles', () => {
  it('average each series divided by its own 52-week level (hand-computed)', () => {
    const series = collection();
    const p = new DeptProfiles(() => series);
    // week 20: 2c / ((20c + 2c) / 21) = 42/22 for every store, whatever its size
    assert.ok(Math.abs(p.meanAt(7, day(20)) - 42 / 22) < 1e-12);
    assert.equal(p.meanAt(7, day(19)), 1);
    assert.ok(Number.isNaN(p.meanAt(7, day(5))), 'fewer than 13 known weeks: no level');
    assert.ok(Number.isNaN(p.meanAt(8, day(30))), 'one series is not a department profile');
    // base at week 20: weeks 8..20, of which 12..20 have values: (8 x 1 + 42/22) / 9
    assert.ok(Math.abs(p.baseAt(7, day(20)) - (8 + 42 / 22) / 9) < 1e-12);
    assert.ok(Number.isNaN(p.meanAt(7, day(20) + 1)), 'off the weekly grid');
  });

  it("the dept features read last year's profile only, and a later week of another store never changes them", () => {
    const clean = collection(75);
    const planted = collection(75);
    planted[1]!.upsert({ week: wk(74), sales: 1e9 });
    for (const s of [clean, planted]) {
      const p = new DeptProfiles(() => s);
      for (const h of s) h.profiles = p;
    }
    // T = 72, h = 2: O = 70; reads the profile at 20 and up to 18
    const a = featureVector(clean[0]!, wk(72), 2);
    const b = featureVector(planted[0]!, wk(72), 2);
    assert.deepEqual([...b], [...a]);
    const ratio = 42 / 22; // profile at week 20 over its base at week 18 (weeks 6..18: values at 12..18, all 1)
    assert.ok(Math.abs(a[COL.deptRatio]! - ratio) < 1e-6, `dept_ratio ${a[COL.deptRatio]}`);
    assert.ok(Math.abs(a[COL.deptSn]! - (100 * ratio - 100) / 100) < 1e-5, 'level 100, scale 100');
  });

  it('a matrix and the vectors of a collection sharing its profiles agree, online as week by week', () => {
    const offline = collection(70);
    const m = buildTrainingMatrix(offline, { horizon: 3 });
    const online = collection(0);
    const p = new DeptProfiles(() => online);
    for (const h of online) h.profiles = p;
    let compared = 0;
    for (let i = 0; i < 70; i++) {
      online.forEach((h, k) => h.upsert({ week: wk(i), sales: offline[k]!.salesAt(i) }));
      p.invalidate();
      for (let r = 0; r < m.rows; r++) {
        if (m.meta.day[r]! - 7 * m.meta.horizon[r]! !== day(i) || m.meta.store[r] !== 2) continue;
        const v = featureVector(online[1]!, wk(i + m.meta.horizon[r]!), m.meta.horizon[r]!);
        assert.deepEqual([...v], [...m.X.subarray(r * m.cols, (r + 1) * m.cols)]);
        if (Number.isFinite(v[COL.deptRatio]!)) compared++;
      }
    }
    assert.ok(compared > 10, `compared ${compared} rows with a dept ratio`);
  });
});

describe('department profiles, one department invalidated', () => {
  /** Every profile value of depts 7 and 8 over the span (NaN kept as NaN), to compare two DeptProfiles bit for bit. */
  const values = (p: DeptProfiles, weeks: number) => [7, 8].flatMap((d) => Array.from({ length: weeks + 2 }, (_, i) => [p.meanAt(d, day(i - 1)), p.baseAt(d, day(i - 1))]).flat());

  it('rebuilds only the changed department, and equals a full rebuild after each kind of change', () => {
    const series = collection(60);
    const kept = new DeptProfiles(() => series);
    values(kept, 60); // built once
    const changes: [string, () => number][] = [
      ['a week inside the span, dept 7', () => (series[1]!.upsert({ week: wk(30), sales: 5000 }), 7)],
      ['a week made missing, dept 7', () => (series[0]!.upsert({ week: wk(40), sales: null }), 7)],
      ['a week inside the span, dept 8', () => (series[3]!.upsert({ week: wk(25), sales: 1 }), 8)],
      ['a new last week (the span grows), dept 8', () => (series[3]!.upsert({ week: wk(60), sales: 70 }), 8)],
      ['a new series in dept 8', () => (series.push(SeriesHistory.fromRows(5, 8, Array.from({ length: 61 }, (_, i) => ({ week: wk(i), sales: 30 + i })))), 8)],
      ['an earlier first week (the span moves), dept 7', () => (series[2]!.upsert({ week: wk(-2), sales: 9 }), 7)],
    ];
    for (const [what, change] of changes) {
      kept.invalidate(change());
      const fresh = new DeptProfiles(() => series);
      const weeks = 64;
      assert.deepEqual(values(kept, weeks), values(fresh, weeks), what);
    }
  });

  it('a wrong department would be seen: invalidating dept 8 after a change to dept 7 leaves the old profile', () => {
    const series = collection(60);
    const kept = new DeptProfiles(() => series);
    const before = values(kept, 60);
    series[1]!.upsert({ week: wk(30), sales: 5000 });
    kept.invalidate(8);
    assert.deepEqual(values(kept, 60), before, 'dept 7 still the old one');
    assert.notDeepEqual(values(new DeptProfiles(() => series), 60), before);
    kept.invalidate(7);
    assert.deepEqual(values(kept, 60), values(new DeptProfiles(() => series), 60));
  });
});
