/**
 * The champion's forecasts for every series and h = 1..H, computed
 * in-process with the gateway's own code (its SeriesStore, scoring rows,
 * scoreWithIntervals: features, ONNX, inverse target, conformal intervals).
 * It stands for the forecast projection another change builds on
 * `forecast.published`: the compute is the same, publishing is not timed.
 */
import type { ConformalIntervals } from '../domain/intervals/conformal.js';
import { OnnxModel } from '../domain/model/io/onnx-model.js';
import { FEATURE_COUNT } from '../domain/features/features.js';
import type { LoadedModel } from '../gateway/model/holder.js';
import { scoreWithIntervals } from '../gateway/predict/predictor.js';
import type { ScoringRow } from '../gateway/predict/resolve.js';
import { SeriesStore } from '../gateway/state/series-store.js';
import type { SalesWeek } from '../schemas/types.js';

/** Rows per scoring call (1,000 series x 13 horizons: large enough that the native call dominates). */
const BATCH_ROWS = 13_000;

/** A LoadedModel around ONNX bytes, as the gateway's loader builds it. */
export async function loadedModel(bytes: Uint8Array, version: number, horizon: number, intervals: ConformalIntervals | null): Promise<LoadedModel> {
  const onnx = await OnnxModel.load(bytes, { cols: FEATURE_COUNT, threads: 1 });
  await onnx.warm();
  return {
    version,
    runId: 'bench',
    sha256: onnx.sha256,
    horizon,
    intervals,
    loadedAt: Date.now(),
    scorer: { score: (X, rows) => onnx.predict(X, rows), warm: () => onnx.warm(), release: () => onnx.close() },
  };
}

/** Builds the gateway's state from `events`, then times h = 1..horizon from each series' last week for all series. */
export async function forecastAllSeries(events: Iterable<SalesWeek>, model: LoadedModel): Promise<{ series: number; forecasts: number; stateMs: number; forecastMs: number; checksum: number }> {
  let t = performance.now();
  const store = new SeriesStore();
  for (const e of events) store.apply(e);
  const stateMs = performance.now() - t;
  t = performance.now();
  let batch: ScoringRow[] = [];
  let forecasts = 0;
  let checksum = 0;
  const flush = async () => {
    const r = await scoreWithIntervals(model, batch);
    forecasts += r.forecasts.length;
    for (const f of r.forecasts) checksum += f;
    batch = [];
  };
  for (const history of store.all()) {
    const last = history.length - 1;
    for (let h = 1; h <= model.horizon; h++) batch.push({ history, t: last + h, week: history.weekAt(last + h), horizon: h });
    if (batch.length >= BATCH_ROWS) await flush();
  }
  if (batch.length > 0) await flush();
  return { series: store.size, forecasts, stateMs, forecastMs: performance.now() - t, checksum };
}
