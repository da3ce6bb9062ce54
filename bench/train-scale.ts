/**
 * Timing and accuracy check at full scale on the project simulator
 * (domain/simulation/generator.ts: ≈3,300 series x 143 weeks), 8-week holdout,
 * with the trainer's window policy and row budget (domain/training/window.ts).
 * Not a test: it prints numbers.
 * Run: npx tsx bench/train-scale.ts [horizon, default 13] [maxTrainRows] [rounds] [maxDepth]
 */
import { generateHistory } from '../domain/simulation/generator.js';
import { splitByTime } from '../trainer/run/dataset.js';
import { SeriesHistory } from '../domain/features/series-history.js';
import { baselineForecasts } from '../domain/baselines/baselines.js';
import { compareOnSamePoints } from '../domain/registry/metrics.js';
import { trainXgboost } from '../trainer/run/xgboost.js';

const [horizonArg, maxRows, rounds, maxDepth] = process.argv.slice(2).map(Number);
const horizon = horizonArg || 13;
const ms = (t: number) => Math.round(performance.now() - t);

let t = performance.now();
const byKey = SeriesHistory.fromSalesWeeks(generateHistory({ producedAt: 0 }));
const genMs = ms(t);
t = performance.now();
const data = splitByTime([...byKey.values()], { horizon, holdoutWeeks: 8, ...(maxRows ? { maxTrainRows: maxRows } : {}) });
const matrixMs = ms(t);
console.log(`H ${horizon}: series ${byKey.size}, train rows ${data.train.rows} (${((data.train.sample?.rate ?? 1) * 100).toFixed(1)}% of ${data.train.sample?.candidates}), holdout rows ${data.holdout.rows}, cols ${data.train.cols}`);

t = performance.now();
const res = await trainXgboost({
  train: data.train,
  holdout: data.holdout,
  params: { nthread: 2, ...(rounds ? { rounds } : {}), ...(maxDepth ? { maxDepth } : {}) },
  onLog: (l) => {
    if (l.type === 'log' || l.type === 'error') console.log(`  py: ${l.msg}`);
  },
});
const trainMs = ms(t);

const base = baselineForecasts(byKey, data.holdout.meta);
const cmp = compareOnSamePoints(data.holdout.actual, data.holdout.meta.isHoliday, {
  model: res.predictions,
  seasonalNaive: base.seasonalNaive,
  lastValue: base.lastValue,
});
const r = (x: number) => Math.round(x);
console.log(JSON.stringify({
  genMs,
  matrixMs,
  trainXgboostMs: trainMs,
  timings: Object.fromEntries(Object.entries(res.timings).map(([k, v]) => [k, r(v)])),
  bestIteration: res.bestIteration,
  onnxBytes: res.onnx.length,
  parity: res.parity,
  points: cmp.n,
  dropped: cmp.dropped,
  wape: Object.fromEntries(Object.entries(cmp.metrics).map(([k, m]) => [k, +m.wape.toFixed(4)])),
  wmae: Object.fromEntries(Object.entries(cmp.metrics).map(([k, m]) => [k, r(m.wmae)])),
}, null, 1));
