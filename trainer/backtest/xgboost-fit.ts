/**
 * The backtest's model: the trainer's own Python XGBoost step (with its ONNX
 * export and parity check) and the ONNX model it proved, scored through
 * onnxruntime as the gateway would serve it.
 */
import type { Logger } from '../../lib/log.js';
import { inverseTargets } from '../../domain/features/features.js';
import { OnnxModel } from '../../domain/model/onnx-model.js';
import { trainXgboost, type XgbParams } from '../xgboost.js';
import type { FitFn } from './walk-forward.js';

/** A FitFn over trainXgboost with `params` (callers pass DEFAULT_TRAIN_PARAMS under any overrides). */
export function xgboostFit(o: { params: XgbParams; python: string; log?: Logger }): FitFn {
  return async (train, forecast) => {
    const res = await trainXgboost({
      train,
      holdout: forecast,
      params: o.params,
      python: o.python,
      onLog: (line) => {
        if (line.type === 'error') o.log?.warn(`[python] ${line.msg}`);
        else if (line.type === 'log') o.log?.debug(`[python] ${line.msg}`);
      },
    });
    const model = await OnnxModel.load(res.onnx, { cols: train.cols, threads: 2 });
    return {
      forecaster: {
        predict: async (X, rows) => inverseTargets(await model.predict(X, rows), X),
        close: () => model.close(),
      },
      info: { bestIteration: res.bestIteration, pythonMs: Math.round(res.timings.pythonMs ?? 0), onnxBytes: res.onnx.length },
    };
  };
}
