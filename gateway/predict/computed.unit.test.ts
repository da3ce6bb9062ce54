import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnprocessableError } from '../../lib/errors.js';
import { COL, FEATURE_COUNT } from '../../domain/features/features.js';
import { calibrateIntervals, type ConformalIntervals } from '../../domain/intervals/conformal.js';
import { generateHistory } from '../../domain/simulation/generator.js';
import type { PredictItem } from '../api/schemas.js';
import type { LoadedModel } from '../model/holder.js';
import { SeriesStore } from '../state/series-store.js';
import { centsJson, computedPredictions, numJson } from './computed.js';
import { scoreWithIntervals, toPrediction } from './predictor.js';
import { buildMatrix, resolveItem, type ScoringRow } from './resolve.js';

const store = new SeriesStore();
for (const e of generateHistory({ seed: 11, stores: 4, depts: 6, startWeek: '2010-02-05', weeks: 130 })) store.apply(e);

/** Intervals calibrated on made-up residuals, with group tables (so the Mondrian groups are exercised). */
function intervals(): ConformalIntervals {
  const n = 12_000;
  const actual = new Float64Array(n);
  const forecast = new Float64Array(n);
  const scale = new Float64Array(n);
  const horizon = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    scale[i] = 10 ** (1 + ((i * 7919) % 3000) / 1000);
    forecast[i] = scale[i]!;
    horizon[i] = 1 + (i % 4);
    actual[i] = forecast[i]! * (1 + (((i * 104_729) % 1000) / 1000 - 0.5) * 0.1 * horizon[i]!);
  }
  return calibrateIntervals({ actual, forecast, scale, horizon, context: (i) => ({ targetDay: 14_650 + 7 * (i % 104), yearAgoKnown: i % 3 !== 0 }) }, 4);
}

/** A model whose output is a fixed function of the row it scores (so a row scored out of place would show). */
function model(withIntervals: boolean): LoadedModel {
  return {
    version: 7,
    runId: 'r',
    sha256: 's',
    horizon: 4,
    intervals: withIntervals ? intervals() : null,
    loadedAt: 0,
    scorer: {
      score: async (X: Float32Array, rows: number) => {
        const z = new Float32Array(rows);
        for (let r = 0; r < rows; r++) {
          const row = X.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT);
          // every column counts (NaN as 0), so a column written wrong or a what-if dropped changes the forecast
          let sum = 0;
          for (let c = 0; c < FEATURE_COUNT; c++) sum += Number.isNaN(row[c]!) ? 0 : Math.sin(row[c]! * (1 + (c % 5)));
          z[r] = 0.1 + 0.5 * Math.tanh(row[COL.lags]! || 0) + sum / FEATURE_COUNT;
        }
        return z;
      },
      warm: async () => undefined,
      release: async () => undefined,
    },
  };
}

/** Items over every series: past origins at every horizon, the weeks after the last one, what-ifs. */
function rows(): ScoringRow[] {
  const out: ScoringRow[] = [];
  const add = (item: PredictItem) => {
    try {
      out.push(resolveItem(store, item, 4, 7));
    } catch (err) {
      if (!(err instanceof UnprocessableError)) throw err; // a series younger than the week asked
    }
  };
  for (const h of store.all()) {
    const last = h.length - 1;
    for (const back of [60, 20, 3]) for (let k = 1; k <= 4; k++) add({ store: h.store, dept: h.dept, week: h.weekAt(last - back), horizon: k });
    for (let k = 1; k <= 4; k++) add({ store: h.store, dept: h.dept, week: h.weekAt(last + k) });
    add({ store: h.store, dept: h.dept, week: h.weekAt(last + 2), temperature: 31.5, cpi: null });
  }
  return out;
}

/** What the route answered before computed.ts: scoreWithIntervals, toPrediction, JSON.stringify. */
async function reference(m: LoadedModel, rs: ScoringRow[], alias: string): Promise<string[]> {
  const { forecasts, intervals: iv } = await scoreWithIntervals(m, rs);
  return rs.map((r, i) => JSON.stringify(toPrediction(m, r, forecasts[i]!, iv[i], 'computed', alias)));
}

describe('the computed predict path', () => {
  // the rows the old path can score (buildMatrix refuses an origin without a level, as the new path must)
  const known = rows().filter((r) => {
    try {
      return buildMatrix([r]).length === FEATURE_COUNT;
    } catch {
      return false;
    }
  });

  it('writes the same JSON text, byte for byte, as scoreWithIntervals + toPrediction + JSON.stringify', async () => {
    assert.ok(known.length > 200, `${known.length} rows`);
    for (const withIntervals of [true, false]) {
      const m = model(withIntervals);
      const want = await reference(m, known, 'challenger');
      const got = await computedPredictions(m, known, known.map((_, i) => i), () => 'week', 'challenger');
      assert.deepEqual(got, want);
      if (withIntervals) assert.ok(want.filter((j) => j.includes('"level":0.95')).length > 100, 'intervals were written');
      assert.ok(want.some((j) => j.includes('"actual":null')) && want.some((j) => !j.includes('"actual":null')), 'known and future weeks');
    }
  });

  it('scores only the rows it is given, in their order', async () => {
    const m = model(true);
    const pick = [5, 0, 17, 3];
    const want = await reference(m, pick.map((i) => known[i]!), 'champion');
    assert.deepEqual(await computedPredictions(m, known, pick, () => 'week', 'champion'), want);
  });

  it('refuses a row whose origin has no known sales in the year before it, naming its field', async () => {
    const first = [...store.all()][0]!;
    const sparse = new SeriesStore();
    // two known weeks, then nothing until week 60: the origin week 59 has no sales in the 52 weeks before it
    for (const i of [0, 1, 60]) sparse.apply({ eventId: `e${i}`, store: 1, dept: 1, week: first.weekAt(i), weeklySales: 100, isHoliday: false, source: 't', producedAt: 0 } as never);
    const e = sparse.get(1, 1);
    const row: ScoringRow = { history: e, t: 60, week: e.weekAt(60), horizon: 1 };
    assert.throws(() => buildMatrix([row]), UnprocessableError, 'the old path refuses it too');
    await assert.rejects(computedPredictions(model(true), [row], [0], () => 'items.0.week', 'champion'), (err: unknown) => err instanceof UnprocessableError && err.field === 'items.0.week');
  });
});

describe('a number rounded to cents, as JSON', () => {
  const reference = (x: number) => JSON.stringify(Math.round(x * 100) / 100);

  it('writes by hand what JSON.stringify writes', () => {
    assert.deepEqual(
      [12.5, 12, 0.07, -3.1, 1234.567, -0.004, 0.005, -0.005, 1e13, Number.NaN, Number.POSITIVE_INFINITY].map(centsJson),
      ['12.5', '12', '0.07', '-3.1', '1234.57', '0', '0.01', '0', '10000000000000', 'null', 'null'],
    );
  });

  it('equals JSON.stringify(Math.round(x * 100) / 100) on a million values of every size and sign, halves included', () => {
    let seed = 5;
    const rnd = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296);
    for (let i = 0; i < 1_000_000; i++) {
      const magnitude = 10 ** (rnd() * 20 - 3);
      const x = i % 4 === 0 ? (Math.floor(rnd() * 1e6) + 0.5) / 100 : (rnd() - 0.3) * magnitude;
      const got = centsJson(x);
      if (got !== reference(x)) assert.equal(got, reference(x), `x = ${x}`);
    }
  });
});

describe('a number as JSON', () => {
  it('equals JSON.stringify for whole cents, more decimals, integers, -0 and non-finite values', () => {
    let seed = 9;
    const rnd = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296);
    const fixed = [0, -0, 7, -7, 24_924.5, 0.1 + 0.2, 1 / 3, 1e13, 123.456, Number.NaN, Number.NEGATIVE_INFINITY];
    for (const x of fixed) assert.equal(numJson(x), JSON.stringify(x) ?? 'null', `x = ${x}`);
    for (let i = 0; i < 500_000; i++) {
      const decimals = i % 5;
      const x = Math.round((rnd() - 0.2) * 10 ** (rnd() * 9) * 10 ** decimals) / 10 ** decimals;
      const got = numJson(x);
      if (got !== JSON.stringify(x)) assert.equal(got, JSON.stringify(x), `x = ${x}`);
    }
  });
});
