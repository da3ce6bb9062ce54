import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks, isoOfDay, parseIsoDay } from '../../lib/weeks.js';
import { COL, FEATURE_COUNT, type TrainingMatrix } from '../../domain/features/features.js';
import { cyclicHistory, salesEvent } from './fixtures.js';
import { SalesLogBuilder } from './sales-log.js';
import { walkForward, type FitFn } from './walk-forward.js';

const START = '2011-01-07';
const week = (i: number) => addWeeks(START, i);
const SPIKE = 1e9;
const LATE = 5e8;

/** 4 series x 30 weeks; 1:1 spikes at week 25 (in log order), 1:2 gets a huge correction of week 26 after everything else. */
function plantedLog() {
  const b = new SalesLogBuilder();
  for (const e of cyclicHistory({ stores: 2, depts: 2, weeks: 30, start: START })) {
    b.add(e.store === 1 && e.dept === 1 && e.week === week(25) ? { ...e, weeklySales: SPIKE } : e);
  }
  b.add(salesEvent(1, 2, week(26), LATE));
  return b.build();
}

/** A "model" that forecasts the level column, and remembers what it was trained on. */
function levelModel() {
  const fits: { maxTarget: string; maxAbsActual: number; forecastTargets: Set<string> }[] = [];
  const fit: FitFn = async (train: TrainingMatrix, forecast: TrainingMatrix) => {
    fits.push({
      maxTarget: isoOfDay(train.meta.day.reduce((a, b) => Math.max(a, b), -Infinity)),
      maxAbsActual: train.actual.reduce((a, b) => Math.max(a, Math.abs(b)), 0),
      forecastTargets: new Set(Array.from(forecast.meta.day, isoOfDay)),
    });
    return {
      forecaster: {
        predict: async (X, rows) => Float64Array.from({ length: rows }, (_, r) => X[r * FEATURE_COUNT + COL.level]!),
        close: async () => undefined,
      },
      info: {},
    };
  };
  return { fit, fits };
}

describe('walk-forward loop', () => {
  const cutoffs = [24, 25, 26, 27, 28].map((i) => parseIsoDay(week(i))!);

  it('refits every k cut-offs on data known at that cut-off, and forecasts from it in between', async () => {
    const { fit, fits } = levelModel();
    const r = await walkForward(plantedLog(), { cutoffs, horizon: 2, refitEvery: 2, fit });
    assert.deepEqual(r.refits.map((x) => x.cutoff), [week(24), week(26), week(28)]);
    assert.deepEqual(fits.map((f) => f.maxTarget), [week(24), week(26), week(28)], 'no training target after its cut-off');
    assert.deepEqual([...fits[0]!.forecastTargets].sort(), [week(25), week(26)], 'forecast rows are h = 1..2 from the cut-off');
    assert.ok(fits[0]!.maxAbsActual < 1e6, 'the spike of week 25 is not in the cut-off-24 training set');
    assert.ok(fits[1]!.maxAbsActual >= SPIKE, 'it is in the next one');
    assert.equal(r.points.length, 4 * (5 * 2 - 1), 'every series, every cut-off, both horizons, but the one past the data');
    assert.equal(r.noActual, 4);
    assert.equal(r.pastEnd, 4, 'h=2 from the last cut-off is after the data');
  });

  it('never forecasts with data from after the cut-off, yet scores against what happened', async () => {
    const { fit } = levelModel();
    const r = await walkForward(plantedLog(), { cutoffs, horizon: 2, refitEvery: 2, fit });
    const p = r.points;
    const at = (cutoff: number, series: number, h: number) => {
      for (let i = 0; i < p.length; i++) if (p.cutoff[i] === cutoff && p.series[i] === series && p.horizon[i] === h) return i;
      throw new Error(`no point ${cutoff}/${series}/${h}`);
    };
    const spike = at(0, 0, 1);
    assert.equal(p.actual[spike], SPIKE, 'the spike is the actual of cut-off 24, h=1');
    for (const m of ['model', 'seasonalNaive', 'lastValue', 'mean4'] as const) {
      // NaN (no forecast, e.g. seasonal naive on 30 weeks) is no leak either
      for (const h of [1, 2]) assert.ok(!(Math.abs(p.forecasts[m][at(0, 0, h)]!) >= 1e6), `${m} h=${h} at cut-off 24 did not see the spike`);
    }
    assert.equal(p.forecasts.lastValue[at(1, 0, 1)], SPIKE, 'once known (cut-off 25) the spike is used: the check above can fail');
    assert.equal(p.actual[at(0, 1, 2)], LATE, 'the late correction is the actual of week 26');
    for (let c = 0; c < 5; c++) {
      for (const m of ['model', 'lastValue', 'mean4'] as const) assert.ok(Number.isFinite(p.forecasts[m][at(c, 1, 1)]!) && Math.abs(p.forecasts[m][at(c, 1, 1)]!) < 1e6, `cut-off ${c}: ${m} of 1:2 never used the late correction`);
    }
  });

  it('keeps going without a model when the first refit has too little data, and says so', async () => {
    const b = new SalesLogBuilder();
    for (const e of cyclicHistory({ stores: 1, depts: 1, weeks: 12, start: START })) b.add(e);
    const failing: FitFn = async () => {
      const { ValidationError } = await import('../../lib/errors.js');
      throw new ValidationError('validWeeks', 'fewer weeks than the 6 the training rows span', 6);
    };
    const r = await walkForward(b.build(), { cutoffs: [parseIsoDay(week(9))!], horizon: 1, refitEvery: 1, fit: failing });
    assert.equal(r.refits.length, 0);
    assert.match(r.notes[0]!, /refit at 2011-03-11 not possible .*no model forecasts/);
    assert.ok(Number.isNaN(r.points.forecasts.model[0]!));
    assert.ok(Number.isFinite(r.points.forecasts.lastValue[0]!));
  });

  it('does not hide failures that are not about the data', async () => {
    const broken: FitFn = async () => {
      throw new Error('python exploded');
    };
    await assert.rejects(walkForward(plantedLog(), { cutoffs, horizon: 1, refitEvery: 1, fit: broken }), /python exploded/);
  });
});
