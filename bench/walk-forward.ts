/**
 * In-process walk-forward evaluation on the full generated history (no
 * Kafka): the backtest's own loop (trainer/backtest/walk-forward.ts), fit
 * (the trainer's XGBoost + ONNX step with conformal calibration) and scoring,
 * on the simulator's events taken in order as the log would hold them.
 * Prints, for the issue's two evaluations, WMAE and WAPE as ratios to
 * seasonal naive per horizon band and the intervals' coverage and Winkler score.
 *
 *   npx tsx bench/walk-forward.ts                 both evaluations
 *   npx tsx bench/walk-forward.ts rolling         39 cut-offs, h = 1..4, refit every 4
 *   npx tsx bench/walk-forward.ts long            one cut-off (2012-01-27), h = 1..39
 *   ... --params '{"rounds":80}'                  XGBoost overrides on the trainer's defaults
 */
import { generateHistory } from '../domain/simulation/generator.js';
import type { BacktestMetrics } from '../trainer/backtest/aggregate.js';
import { bandTableText } from '../trainer/backtest/band-table.js';
import type { EveryPointMetrics } from '../trainer/backtest/every-point.js';
import type { CutoffSpec } from '../trainer/backtest/cutoffs.js';
import { SalesLogBuilder, type SalesLog } from '../trainer/backtest/sales-log.js';
import { runProtocol } from './real.js';
import { DEFAULT_PYTHON } from '../trainer/run/xgboost.js';

export interface Evaluation {
  name: string;
  cutoffs: CutoffSpec;
  horizon: number;
  refitEvery: number;
}

/** The two evaluations: rolling short-horizon and one long-horizon cut-off. */
export const EVALUATIONS: Evaluation[] = [
  { name: 'rolling', cutoffs: { kind: 'last', count: 39 }, horizon: 4, refitEvery: 4 },
  { name: 'long', cutoffs: { kind: 'range', from: '2012-01-27', to: '2012-01-27' }, horizon: 39, refitEvery: 1 },
];

/** The generated history as the sales log holds it (week by week, as the simulator sends it). */
export function generatedLog(): SalesLog {
  const b = new SalesLogBuilder();
  for (const e of generateHistory({ producedAt: 0 })) b.add(e);
  return b.build();
}

/** Runs one evaluation in-process (bench/real.ts's runProtocol: the backtest's loop, fit and both scorings) and returns its metrics and timing. */
export async function evaluate(log: SalesLog, e: Evaluation, params: Record<string, unknown> = {}): Promise<{ metrics: BacktestMetrics; every: EveryPointMetrics; ms: number; cutoffs: string[] }> {
  const r = await runProtocol(log, e, { blend: true, params, python: DEFAULT_PYTHON, onRefit: (line) => process.stderr.write(`  ${line}\n`) });
  return { metrics: r.same, every: r.every, ms: r.ms, cutoffs: r.cutoffs };
}

/** The printed summary of one evaluation. */
export function report(e: Evaluation, r: { metrics: BacktestMetrics; every: EveryPointMetrics; ms: number; cutoffs: string[] }): string {
  const m = r.metrics;
  const o = (k: 'model' | 'seasonalNaive') => m.overall[k]!;
  const ratio = o('model').wmae / o('seasonalNaive').wmae;
  const cover = m.intervals.map((i) => `${Math.round(i.level * 100)}% coverage ${(i.coverage * 100).toFixed(1)}%`).join(', ');
  return [
    `${e.name}: ${r.cutoffs.length} cut-off(s) ${r.cutoffs[0]} .. ${r.cutoffs.at(-1)}, h = 1..${e.horizon}, refit every ${e.refitEvery}: ${m.points.toLocaleString('en-US')} points in ${(r.ms / 1000).toFixed(0)} s`,
    `  WMAE model ${o('model').wmae.toFixed(1)} / seasonal naive ${o('seasonalNaive').wmae.toFixed(1)} = ${ratio.toFixed(3)}; WAPE ${(o('model').wape * 100).toFixed(2)}% vs ${(o('seasonalNaive').wape * 100).toFixed(2)}%; ${cover}`,
    bandTableText(m).replace(/^/gm, '  '),
    `  every point with an actual (${r.every.points.toLocaleString('en-US')}, ${(r.every.modelShare * 100).toFixed(1)}% forecast by the model; fallbacks in trainer/backtest/every-point.ts):`,
    bandTableText(r.every.metrics).replace(/^/gm, '  '),
  ].join('\n');
}

async function main(): Promise<void> {
  const which = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : null;
  const pi = process.argv.indexOf('--params');
  const params = pi > 0 ? (JSON.parse(process.argv[pi + 1] ?? '{}') as Record<string, unknown>) : {};
  const log = generatedLog();
  process.stdout.write(`generated history: ${log.series.length} series, ${log.weekDays.length} weeks, ${log.events.toLocaleString('en-US')} events\n`);
  for (const e of EVALUATIONS.filter((x) => which === null || x.name === which)) process.stdout.write(`${report(e, await evaluate(log, e, params))}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
