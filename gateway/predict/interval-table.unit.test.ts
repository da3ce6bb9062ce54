import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrateIntervals, intervalsAt, MIN_GROUP_RESIDUALS, type ConformalIntervals } from '../../domain/intervals/conformal.js';
import { intervalTable, writeIntervals } from './interval-table.js';
import { mulberry32 } from '../../domain/simulation/random.js';

/** A deterministic pseudo-random generator (the simulator's mulberry32), so a failure can be replayed. */
const random = mulberry32;

const DAY0 = 15_000; // 2011-01-26
const H = 4;

/** Intervals calibrated on generated residuals whose size depends on season and size, so groups differ from the pooled table. */
function calibrated(rows: number, seed: number): ConformalIntervals {
  const rnd = random(seed);
  const n = rows;
  const actual = new Float64Array(n);
  const forecast = new Float64Array(n);
  const scale = new Float64Array(n);
  const horizon = new Uint8Array(n);
  const days = new Int32Array(n);
  const yearAgo: boolean[] = [];
  for (let i = 0; i < n; i++) {
    days[i] = DAY0 + 7 * Math.floor(rnd() * 104);
    scale[i] = 10 ** (1 + 3 * rnd());
    forecast[i] = scale[i]! * (0.5 + rnd());
    horizon[i] = 1 + Math.floor(rnd() * H);
    yearAgo.push(rnd() < 0.7);
    actual[i] = forecast[i]! * (1 + (rnd() - 0.5) * (scale[i]! > 1000 ? 0.2 : 0.8) * horizon[i]!);
  }
  return calibrateIntervals({ actual, forecast, scale, horizon, context: (i) => ({ targetDay: days[i]!, yearAgoKnown: yearAgo[i]! }) }, H);
}

/** writeIntervals for one forecast, as intervalsAt's shape. */
function viaTable(c: ConformalIntervals, h: number, f: number, scale: number, day: number, yearAgoKnown: boolean) {
  const lower = c.levels.map(() => new Float64Array(1));
  const upper = c.levels.map(() => new Float64Array(1));
  writeIntervals(intervalTable(c), 0, h, f, scale, day, yearAgoKnown, lower, upper);
  return c.levels.map((_, li) => (Number.isNaN(lower[li]![0]!) ? null : { lower: lower[li]![0]!, upper: upper[li]![0]! }));
}

describe('the compiled interval table', () => {
  it('gives the pooled interval by hand: 0.1 x max(|200|, 10 / 4, 1) around 200', () => {
    const c: ConformalIntervals = { method: 'conformal-relative-abs', levels: [0.8], halfWidth: [[0.1, null]], n: [3, 0] };
    assert.deepEqual(viaTable(c, 1, 200, 10, DAY0, true), [{ lower: 180, upper: 220 }]);
    assert.deepEqual(viaTable(c, 2, 200, 10, DAY0, true), [null], 'no residual at h = 2');
    assert.deepEqual(viaTable(c, 1, Number.NaN, 10, DAY0, true), [null], 'no forecast, no interval');
  });

  it('uses a group with enough residuals and falls back to the pooled quantile below MIN_GROUP_RESIDUALS', () => {
    const pooled = { halfWidth: [[0.5]], n: [1000] };
    const c: ConformalIntervals = {
      method: 'conformal-relative-abs',
      levels: [0.8],
      ...pooled,
      sizeCuts: [100],
      groups: { 'regular/seasoned/size1': { halfWidth: [[0.2]], n: [MIN_GROUP_RESIDUALS] }, 'regular/seasoned/size0': { halfWidth: [[0.3]], n: [MIN_GROUP_RESIDUALS - 1] } },
    };
    const july = 15_527;
    assert.deepEqual(viaTable(c, 1, 1000, 500, july, true), [{ lower: 800, upper: 1200 }], 'size1 (scale >= 100): its own 0.2');
    assert.deepEqual(viaTable(c, 1, 1000, 50, july, true), [{ lower: 500, upper: 1500 }], 'size0 has 199 residuals: pooled 0.5');
  });

  it('equals intervalsAt on every level for random forecasts, horizons, scales, weeks and contexts', () => {
    for (const seed of [1, 2, 3]) {
      const c = calibrated(30_000, seed);
      assert.ok(c.groups && Object.values(c.groups).some((t) => t.n.some((n) => n >= MIN_GROUP_RESIDUALS)), 'some group has its own quantiles');
      const rnd = random(seed + 100);
      for (let k = 0; k < 20_000; k++) {
        const h = 1 + Math.floor(rnd() * (H + 2)); // past the calibrated horizons too
        const scale = k % 997 === 0 ? Number.NaN : 10 ** (4 * rnd());
        const f = k % 991 === 0 ? Number.POSITIVE_INFINITY : (rnd() - 0.1) * 2 * scale;
        const day = DAY0 + 7 * Math.floor(rnd() * 160);
        const yearAgoKnown = rnd() < 0.5;
        const want = intervalsAt(c, h, f, scale, { targetDay: day, yearAgoKnown });
        assert.deepEqual(viaTable(c, h, f, scale, day, yearAgoKnown), want, `seed ${seed} row ${k}: h ${h} f ${f} scale ${scale} day ${day}`);
      }
    }
  });
});
