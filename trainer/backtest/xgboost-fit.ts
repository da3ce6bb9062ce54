/**
 * The backtest's model: the trainer's own Python XGBoost step (with its ONNX
 * export and parity check) and the ONNX model it proved, scored through
 * onnxruntime as the gateway would serve it. As in a training run, the last
 * `calibrationWeeks` target weeks before the cut-off are held out of the fit
 * and calibrate the conformal intervals (out-of-sample errors per horizon)
 * together with the fit's early-stopping validation rows, so the backtest
 * scores exactly what the trainer would serve.
 */
import type { Logger } from '../../lib/log.js';
import { inverseTargets, type TrainingMatrix } from '../../domain/features/features.js';
import { YOUNG_MEMBERS, blendForecasts, fitBlend, type Blend, type OutOfSample } from '../../domain/ensemble/blend.js';
import { calibrateOnRows, type CalibrationPart, type ConformalIntervals } from '../../domain/intervals/conformal.js';
import { OnnxModel } from '../../domain/model/io/onnx-model.js';
import { takeRows } from '../run/dataset.js';
import { trainXgboost, type XgbParams } from '../run/xgboost.js';
import type { FitFn } from './walk-forward.js';

/** Target weeks held out of each fit for calibration: the trainer's default holdout (TRAIN_HOLDOUT_WEEKS). */
export const CALIBRATION_WEEKS = 8;
/** Weeks a fit needs besides the calibration ones (trainXgboost's 6 early-stopping weeks + 2 to learn from). */
const FIT_WEEKS = 8;

/** A FitFn over trainXgboost with `params` (callers pass DEFAULT_TRAIN_PARAMS under any overrides). */
export function xgboostFit(o: { params: XgbParams; python: string; log?: Logger; calibrationWeeks?: number; blend?: boolean }): FitFn {
  const K = o.calibrationWeeks ?? CALIBRATION_WEEKS;
  return async (train, forecast) => {
    const split = calibrationSplit(train, K);
    const res = await trainXgboost({
      train: split.fit,
      // parity is checked on the calibration rows when there are some, else on the forecast rows
      holdout: split.calibration ?? forecast,
      params: o.params,
      python: o.python,
      onLog: (line) => {
        if (line.type === 'error') o.log?.warn(`[python] ${line.msg}`);
        else if (line.type === 'log') o.log?.debug(`[python] ${line.msg}`);
      },
    });
    // the blend and the intervals learn from the rows the model never fit, as the trainer's do (see blend.ts, conformal.ts)
    const oos: OutOfSample[] = [...(split.calibration ? [{ rows: split.calibration, predictions: res.predictions }] : []), ...(res.validation ? [res.validation] : [])];
    const blend: Blend | null = o.blend === false ? null : fitBlend(split.fit, oos, maxHorizon(train));
    const blended = oos.map((p) => ({ rows: p.rows, predictions: blendForecasts(p.predictions, p.rows.X, blend) }));
    const intervals = split.calibration ? calibrate(blended) : null;
    const model = await OnnxModel.load(res.onnx, { cols: train.cols, threads: 2 });
    return {
      forecaster: {
        predict: async (X, rows) => blendForecasts(inverseTargets(await model.predict(X, rows), X), X, blend),
        close: () => model.close(),
        intervals,
        blend,
      },
      info: {
        ...blendInfo(blend),
        bestIteration: res.bestIteration, pythonMs: Math.round(res.timings.pythonMs ?? 0), onnxBytes: res.onnx.length, calibrationRows: split.calibration?.rows ?? 0, validationRows: res.validation?.rows.rows ?? 0 },
    };
  };
}

/** The last K target weeks as calibration rows, the rest to fit on; no calibration when that would leave too little to fit. */
export function calibrationSplit(m: TrainingMatrix, K: number): { fit: TrainingMatrix; calibration: TrainingMatrix | null } {
  let first = Infinity;
  let last = -Infinity;
  for (let r = 0; r < m.rows; r++) {
    const d = m.meta.day[r] as number;
    if (d < first) first = d;
    if (d > last) last = d;
  }
  const weeks = m.rows === 0 ? 0 : (last - first) / 7 + 1;
  if (K <= 0 || weeks < K + FIT_WEEKS) return { fit: m, calibration: null };
  const from = last - 7 * (K - 1);
  return { fit: takeRows(m, (r) => (m.meta.day[r] as number) < from), calibration: takeRows(m, (r) => (m.meta.day[r] as number) >= from) };
}

function calibrate(parts: CalibrationPart[]): ConformalIntervals {
  let H = 1;
  for (const p of parts) H = Math.max(H, maxHorizon(p.rows));
  return calibrateOnRows(parts, H);
}

/** The blend's weights as numbers for the refit record: w1_4 (model share), g1_4 (growth share), ... */
function blendInfo(blend: Blend | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of blend?.bands ?? []) {
    out[`w${b.from}_${b.to}`] = b.model;
    out[`g${b.from}_${b.to}`] = b.growth;
    out[`y${b.from}_${b.to}`] = b.modelYoung;
    out[`n${b.from}_${b.to}`] = YOUNG_MEMBERS.indexOf(b.young);
  }
  return out;
}

function maxHorizon(m: TrainingMatrix): number {
  let H = 1;
  for (const h of m.meta.horizon) H = Math.max(H, h);
  return H;
}
