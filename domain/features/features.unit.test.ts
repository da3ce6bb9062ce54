import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../lib/errors.js';
import { addWeeks } from '../../lib/weeks.js';
import {
  FEATURE_COUNT,
  FEATURE_NAMES,
  FEATURE_VERSION,
  SeriesHistory,
  buildTrainingMatrix,
  col,
  featureVector,
  inverseTarget,
  inverseTargets,
  metaRow,
  type HistoryRow,
} from './features.js';

const W0 = '2010-02-05'; // a Friday, like the Walmart data
const wk = (i: number) => addWeeks(W0, i);
const f = (v: Float32Array, name: string) => v[col(name)] as number;
const close = (a: number, b: number, msg: string) => assert.ok(Math.abs(a - b) < 1e-5, `${msg}: ${a} vs ${b}`);

/** 8 weeks, index 3 missing; exogenous values chosen to exercise the 4-week lookback. */
function tiny(): HistoryRow[] {
  const sales = [10, 20, 30, null, 50, 60, 70, 80];
  return sales.map((s, i) => ({
    week: wk(i),
    sales: s,
    isHoliday: i === 1,
    storeType: 'B',
    storeSize: 151315,
    temperature: 40 + i,
    fuelPrice: i === 2 ? 2.5 : null,
    markdown1: i === 0 ? 999 : null,
  }));
}

describe('feature layout', () => {
  it('names are unique, ordered and versioned', () => {
    assert.equal(FEATURE_NAMES.length, FEATURE_COUNT);
    assert.equal(new Set(FEATURE_NAMES).size, FEATURE_COUNT);
    for (const n of ['horizon', 'week_of_year', 'holiday_target', 'holiday_next', 'lag_1', 'lag_2', 'lag_4', 'slag_52']) {
      assert.ok(FEATURE_NAMES.includes(n), n);
    }
    for (const n of ['mean_4', 'std_4', 'mean_13', 'std_13', 'mean_52', 'std_52', 'exo_cpi', 'store_size']) {
      assert.ok(FEATURE_NAMES.includes(n), n);
    }
    assert.match(FEATURE_VERSION, /^v1-[0-9a-f]{8}$/);
  });
});

describe('featureVector by hand', () => {
  it('T = week 6, h = 2, origin week 4, with a missing week 3', () => {
    const h = SeriesHistory.fromRows(1, 2, tiny());
    const v = featureVector(h, wk(6), 2);
    assert.equal(v.length, FEATURE_COUNT);
    // Level window (13 weeks up to O = index 4) holds 10, 20, 30, 50.
    const level = (10 + 20 + 30 + 50) / 4; // 27.5
    const scale = level; // all positive: mean |y| = mean y
    close(f(v, 'level'), level, 'level');
    close(f(v, 'scale'), scale, 'scale');
    close(f(v, 'lag_1'), (50 - level) / scale, 'lag_1 = y(O)');
    assert.ok(Number.isNaN(f(v, 'lag_2')), 'lag_2 = y(O-1) is the missing week');
    close(f(v, 'lag_3'), (30 - level) / scale, 'lag_3 = y(O-2)');
    close(f(v, 'lag_4'), (20 - level) / scale, 'lag_4 = y(O-3)');
    assert.ok(Number.isNaN(f(v, 'lag_8')), 'before the series start');
    // 4-week window O-3..O = indexes 1..4 -> 20, 30, 50.
    const m4 = (20 + 30 + 50) / 3;
    const sd4 = Math.sqrt(((20 - m4) ** 2 + (30 - m4) ** 2 + (50 - m4) ** 2) / 3);
    close(f(v, 'mean_4'), (m4 - level) / scale, 'mean_4');
    close(f(v, 'std_4'), sd4 / scale, 'std_4');
    const sd13 = Math.sqrt((17.5 ** 2 + 7.5 ** 2 + 2.5 ** 2 + 22.5 ** 2) / 4);
    close(f(v, 'mean_13'), 0, 'mean_13 is the level itself');
    close(f(v, 'std_13'), sd13 / scale, 'std_13');
    close(f(v, 'std_52'), sd13 / scale, 'std_52 sees the same 4 weeks');
    assert.equal(f(v, 'known_52'), 4);
    // Shorter than 52 weeks: seasonal lags and last year's level are unknown.
    for (const n of ['slag_51', 'slag_52', 'slag_53', 'ly_mean_13']) assert.ok(Number.isNaN(f(v, n)), n);
    assert.equal(f(v, 'horizon'), 2);
    assert.equal(f(v, 'week_of_year'), 11); // 2010-03-19 is in ISO week 11
    assert.equal(f(v, 'holiday_target'), 0);
    assert.equal(f(v, 'store'), 1);
    assert.equal(f(v, 'dept'), 2);
    assert.equal(f(v, 'store_type'), 1); // B
    assert.equal(f(v, 'store_size'), 151315);
    assert.equal(f(v, 'exo_temperature'), 44, 'value at O');
    close(f(v, 'exo_fuelPrice'), 2.5, 'last non-null within 4 weeks (index 2)');
    assert.ok(Number.isNaN(f(v, 'exo_markdown1')), 'index 0 is outside the 4-week lookback');
    assert.ok(Number.isNaN(f(v, 'exo_cpi')), 'never given');
  });

  it('holiday flags come from the calendar for T and T+1 week', () => {
    const h = SeriesHistory.fromRows(1, 1, tiny());
    const superBowl = featureVector(h, wk(1), 1); // 2010-02-12 covers Sunday 2010-02-07
    assert.equal(f(superBowl, 'holiday_target'), 1);
    assert.equal(f(superBowl, 'holiday_next'), 0);
    const before = featureVector(h, wk(0), 1);
    assert.equal(f(before, 'holiday_target'), 0);
    assert.equal(f(before, 'holiday_next'), 1);
    // A future week with no row yet still gets its flags: Thanksgiving 2010 is in the week of 2010-11-26.
    const future = featureVector(h, '2010-11-26', 52);
    assert.equal(f(future, 'holiday_target'), 1);
  });

  it('seasonal lags on a 60-week series, NaN once T-k is after the origin', () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ week: wk(i), sales: i + 1 }));
    const h = SeriesHistory.fromRows(3, 4, rows);
    const v = featureVector(h, wk(57), 4); // O = 53
    const level = (42 + 54) / 2; // indexes 41..53 hold 42..54
    close(f(v, 'level'), level, 'level');
    close(f(v, 'slag_52'), (6 - level) / level, 'y(T-52) = y(5) = 6');
    close(f(v, 'slag_51'), (7 - level) / level, 'y(T-51)');
    close(f(v, 'slag_53'), (5 - level) / level, 'y(T-53)');
    close(f(v, 'ly_mean_13'), ((1 + 2) / 2 - level) / level, 'indexes -11..1 hold 1, 2');
    const far = featureVector(h, wk(57), 52); // O = 5
    assert.ok(Number.isNaN(f(far, 'slag_51')), 'y(T-51) = y(6) is after O');
    close(f(far, 'slag_52'), (6 - 3.5) / 3.5, 'y(T-52) = y(O) is known; level = mean(1..6)');
  });
});

describe('no leakage', () => {
  it('values after the origin never change the vector', () => {
    const base = Array.from({ length: 70 }, (_, i) => ({ week: wk(i), sales: 100 + 10 * Math.sin(i), temperature: i }));
    for (const o of [10, 40, 60]) {
      const clean = SeriesHistory.fromRows(1, 1, base.slice(0, o + 1));
      const planted = SeriesHistory.fromRows(
        1,
        1,
        base.map((r, i) => (i > o ? { ...r, sales: 1e9, temperature: 1e9, cpi: 1e9, storeSize: 1 } : r)),
      );
      for (let hz = 1; hz <= 8; hz++) {
        const a = featureVector(clean, wk(o + hz), hz);
        const b = featureVector(planted, wk(o + hz), hz);
        assert.deepEqual([...b], [...a], `o=${o} h=${hz}`);
      }
    }
  });
});

describe('online equals offline', () => {
  it('appending week by week gives the matrix rows bit for bit', () => {
    const all: HistoryRow[][] = [];
    for (let s = 0; s < 3; s++) {
      const rows: HistoryRow[] = [];
      for (let i = 0; i < 110; i++) {
        if ((i * 7 + s) % 23 === 0) continue; // missing weeks
        rows.push({ week: wk(i), sales: 1000 * (s + 1) + 300 * Math.sin(i / 5) + i, temperature: 30 + (i % 40), cpi: i % 3 ? 211 + i / 10 : null });
      }
      all.push(rows);
    }
    const offline = all.map((rows, s) => SeriesHistory.fromRows(1, s + 1, rows));
    const m = buildTrainingMatrix(offline, { horizon: 4 });
    const index = new Map<string, number>();
    for (let r = 0; r < m.rows; r++) {
      const mr = metaRow(m, r);
      index.set(`${mr.dept}|${mr.week}|${mr.horizon}`, r);
    }
    let compared = 0;
    all.forEach((rows, s) => {
      const online = new SeriesHistory(1, s + 1);
      for (const row of rows) {
        online.upsert(row); // this week is now the origin
        for (let hz = 1; hz <= 4; hz++) {
          const target = addWeeks(row.week, hz);
          const r = index.get(`${s + 1}|${target}|${hz}`);
          if (r === undefined) continue;
          const v = featureVector(online, target, hz);
          assert.deepEqual([...v], [...m.X.subarray(r * m.cols, (r + 1) * m.cols)], `${s} ${target} h=${hz}`);
          compared++;
        }
      }
    });
    assert.ok(compared > 1000, `compared ${compared}`);
  });

  it('rows upserted out of order or twice give the same history', () => {
    const rows = tiny();
    const a = SeriesHistory.fromRows(1, 1, rows);
    const b = new SeriesHistory(1, 1);
    for (const r of [...rows].reverse()) b.upsert({ ...r, sales: -1 }); // back-fill: earlier weeks prepend
    for (const r of rows) b.upsert(r); // re-sent: overwrite
    assert.equal(b.length, a.length);
    assert.equal(b.weekAt(0), a.weekAt(0));
    assert.deepEqual([...featureVector(b, wk(9), 3)], [...featureVector(a, wk(9), 3)]);
  });
});

describe('buildTrainingMatrix', () => {
  it('enumerates (origin, h) rows by hand, with the transform and its inverse', () => {
    const h = SeriesHistory.fromRows(7, 8, tiny());
    const m = buildTrainingMatrix([h], { horizon: 2 });
    // Targets 1..7 except the missing 3: o0:{1,2} o1:{2} o2:{4} o3:{4,5} o4:{5,6} o5:{6,7} o6:{7}.
    assert.equal(m.rows, 11);
    assert.deepEqual(metaRow(m, 0), { store: 7, dept: 8, week: wk(1), horizon: 1, isHoliday: true });
    assert.deepEqual(metaRow(m, 3), { store: 7, dept: 8, week: wk(4), horizon: 2, isHoliday: false });
    assert.equal(m.actual[3], 50);
    // Row 3 has origin index 2: level = mean(10, 20, 30) = 20, so z = (50 - 20) / 20.
    close(m.y[3] as number, (50 - 20) / 20, 'z');
    close(m.w[3] as number, 20, 'weight = scale');
    const back = inverseTargets(m.y, m.X);
    for (let r = 0; r < m.rows; r++) close(back[r] as number, m.actual[r] as number, `inverse row ${r}`);
    close(inverseTarget(1.5, featureVector(h, wk(4), 2)), 20 + 20 * 1.5, 'inverse from a vector');
  });

  it('honours fromWeek/toWeek and requireActual', () => {
    const h = SeriesHistory.fromRows(7, 8, tiny());
    assert.equal(buildTrainingMatrix([h], { horizon: 2, requireActual: false }).rows, 16);
    const cut = buildTrainingMatrix([h], { horizon: 2, fromWeek: wk(5), toWeek: wk(6) });
    assert.equal(cut.rows, 4); // (4,1)->5 (3,2)->5 (5,1)->6 (4,2)->6
    for (let r = 0; r < cut.rows; r++) assert.ok([wk(5), wk(6)].includes(metaRow(cut, r).week));
  });

  it('rejects a bad horizon or an off-grid week', () => {
    const h = SeriesHistory.fromRows(1, 1, tiny());
    assert.throws(() => featureVector(h, wk(3), 0), ValidationError);
    assert.throws(() => featureVector(h, wk(3), 53), ValidationError);
    assert.throws(() => featureVector(h, '2010-02-06', 1), ValidationError);
    assert.throws(() => buildTrainingMatrix([h], { horizon: 60 }), ValidationError);
    // Last week is index 7: T = 10 needs h >= 3, else the origin would be a week not yet received.
    assert.throws(() => featureVector(h, wk(10), 2), /origin T-h must be a week up to 2010-03-26/);
    assert.equal(featureVector(h, wk(10), 3).length, FEATURE_COUNT);
  });

  it('fills a batch in place through `out`', () => {
    const h = SeriesHistory.fromRows(1, 1, tiny());
    const batch = new Float32Array(2 * FEATURE_COUNT);
    featureVector(h, wk(6), 2, batch.subarray(FEATURE_COUNT));
    assert.deepEqual([...batch.subarray(FEATURE_COUNT)], [...featureVector(h, wk(6), 2)]);
    assert.ok(batch.subarray(0, FEATURE_COUNT).every((v) => v === 0), 'first row untouched');
  });
});
