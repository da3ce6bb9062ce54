import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks, parseIsoDay } from '../../lib/weeks.js';
import { buildTrainingMatrix, SeriesHistory } from '../../domain/features/features.js';
import { calibrationSplit } from './xgboost-fit.js';

const wk = (i: number) => addWeeks('2011-01-07', i);
const matrix = (weeks: number) =>
  buildTrainingMatrix([SeriesHistory.fromRows(1, 1, Array.from({ length: weeks }, (_, i) => ({ week: wk(i), sales: 100 + i })))], { horizon: 2 });

describe('calibration split', () => {
  it('holds out the last K target weeks for calibration and fits on the rest', () => {
    const m = matrix(40);
    const { fit, calibration } = calibrationSplit(m, 8);
    assert.ok(calibration, 'enough weeks to calibrate');
    const last = Math.max(...m.meta.day);
    const firstCal = last - 7 * 7;
    assert.ok(calibration.meta.day.every((d) => d >= firstCal && d <= last), 'calibration rows target the last 8 weeks');
    assert.ok(fit.meta.day.every((d) => d < firstCal), 'no fit row targets a calibration week');
    assert.equal(fit.rows + calibration.rows, m.rows);
    assert.equal(new Set(calibration.meta.day).size, 8);
    // rows keep their values: the first calibration row is the matrix row with the same target and horizon
    const r = [...m.meta.day].findIndex((d, i) => d === calibration.meta.day[0] && m.meta.horizon[i] === calibration.meta.horizon[0]);
    assert.deepEqual([...calibration.X.subarray(0, m.cols)], [...m.X.subarray(r * m.cols, (r + 1) * m.cols)]);
    assert.equal(calibration.actual[0], m.actual[r]);
    assert.equal(parseIsoDay(wk(39)), last);
  });

  it('does not calibrate when that would leave fewer than 8 weeks to fit on', () => {
    const m = matrix(16);
    const weeks = new Set(m.meta.day).size;
    assert.ok(weeks < 16, `${weeks} target weeks`);
    const { fit, calibration } = calibrationSplit(m, 8);
    assert.equal(calibration, null);
    assert.equal(fit, m);
  });
});
