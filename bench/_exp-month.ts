import { EVALUATIONS, generatedLog } from './walk-forward.js';
import { planCutoffs } from '../trainer/backtest/cutoffs.js';
import { MIN_HISTORY_WEEKS } from '../trainer/backtest/run.js';
import { walkForward } from '../trainer/backtest/walk-forward.js';
import { xgboostFit } from '../trainer/backtest/xgboost-fit.js';
import { DEFAULT_TRAIN_PARAMS } from '../domain/training/request.js';
import { DEFAULT_PYTHON } from '../trainer/xgboost.js';
const log = generatedLog();
const e = EVALUATIONS.find((x) => x.name === (process.argv[2] ?? 'long'))!;
const plan = planCutoffs(log.weekDays, e.cutoffs, MIN_HISTORY_WEEKS);
const w = await walkForward(log, { cutoffs: plan.cutoffs, horizon: e.horizon, refitEvery: e.refitEvery, fit: xgboostFit({ params: { ...DEFAULT_TRAIN_PARAMS, nthread: 2 }, python: DEFAULT_PYTHON }) });
const p = w.points;
const by = new Map<string, [number, number, number]>();
for (let i = 0; i < p.length; i++) {
  const m = new Date(p.targetDay[i]! * 864e5).toISOString().slice(0, 7);
  const a = p.actual[i]!;
  const lo = p.bounds.lower80[i]!, hi = p.bounds.upper80[i]!;
  if (!Number.isFinite(lo)) continue;
  const c = by.get(m) ?? [0, 0, 0];
  c[0]++; if (a >= lo && a <= hi) c[1]++; if (a >= p.bounds.lower95[i]! && a <= p.bounds.upper95[i]!) c[2]++;
  by.set(m, c);
}
for (const [m, c] of [...by].sort()) console.log(m, c[0], (100 * c[1] / c[0]).toFixed(1), (100 * c[2] / c[0]).toFixed(1));
const bands: [number, number][] = [[1, 4], [5, 13], [14, 39]];
for (const [a, b] of bands) {
  let n = 0, i80 = 0, i95 = 0;
  for (let i = 0; i < p.length; i++) {
    const h = p.horizon[i]!; if (h < a || h > b) continue;
    const lo = p.bounds.lower80[i]!; if (!Number.isFinite(lo)) continue;
    const y = p.actual[i]!; n++;
    if (y >= lo && y <= p.bounds.upper80[i]!) i80++;
    if (y >= p.bounds.lower95[i]! && y <= p.bounds.upper95[i]!) i95++;
  }
  console.log(`h${a}..${b}`, n, (100 * i80 / n).toFixed(1), (100 * i95 / n).toFixed(1));
}
const mean = new Map<number, [number, number]>();
for (let i = 0; i < p.length; i++) { const m = mean.get(p.series[i]!) ?? [0, 0]; m[0] += p.actual[i]!; m[1]++; mean.set(p.series[i]!, m); }
const bk = new Map<string, [number, number, number]>();
for (let i = 0; i < p.length; i++) {
  const lo = p.bounds.lower80[i]!; if (!Number.isFinite(lo) || !Number.isFinite(p.forecasts.seasonalNaive[i]!)) continue;
  const m = mean.get(p.series[i]!)!; const lvl = m[0] / m[1];
  const key = `${p.horizon[i]! > 13 ? 'long' : 'short'} ${lvl < 1000 ? '<1k' : lvl < 5000 ? '1-5k' : lvl < 20000 ? '5-20k' : '>20k'}`;
  const c = bk.get(key) ?? [0, 0, 0]; const y = p.actual[i]!;
  c[0]++; if (y >= lo && y <= p.bounds.upper80[i]!) c[1]++; if (y >= p.bounds.lower95[i]! && y <= p.bounds.upper95[i]!) c[2]++; bk.set(key, c);
}
for (const [k, c] of [...bk].sort()) console.log(k, c[0], (100 * c[1] / c[0]).toFixed(1), (100 * c[2] / c[0]).toFixed(1));
