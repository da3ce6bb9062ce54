/**
 * The backtest points the hierarchy evaluation reconciles (bench/hierarchy.ts):
 * the backtest's own walk-forward loop and fit, in-process, on the real slice
 * or the simulator's history; kept in a JSON file so the reconciliation can be
 * re-scored without refitting the model (the fits take most of the time).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BOUNDS, METHODS, PointSet } from '../domain/backtest/points.js';
import { DEFAULT_TRAIN_PARAMS } from '../domain/training/request.js';
import { isoOfDay } from '../lib/weeks.js';
import { planCutoffs, type CutoffSpec } from '../trainer/backtest/cutoffs.js';
import { MIN_HISTORY_WEEKS } from '../trainer/backtest/run.js';
import type { SalesLog } from '../trainer/backtest/sales-log.js';
import { walkForward } from '../trainer/backtest/walk-forward.js';
import { xgboostFit } from '../trainer/backtest/xgboost-fit.js';

/** What the reconciliation needs of a backtest: its points and which series (store, dept) each index is. */
export interface HierarchyPoints {
  cutoffs: string[];
  horizon: number;
  series: { store: number; dept: number }[];
  points: PointSet;
}

interface Stored {
  cutoffs: string[];
  horizon: number;
  series: { store: number; dept: number }[];
  columns: Record<string, number[]>;
}

/** Runs the walk-forward (or reads `cache` when it exists) and writes `cache` after a run. */
export async function hierarchyPoints(
  log: SalesLog,
  p: { cutoffs: CutoffSpec; horizon: number; refitEvery: number; python: string; cache?: string },
): Promise<HierarchyPoints> {
  if (p.cache && existsSync(p.cache)) return fromStored(JSON.parse(readFileSync(p.cache, 'utf8')) as Stored);
  const plan = planCutoffs(log.weekDays, p.cutoffs, MIN_HISTORY_WEEKS);
  const walk = await walkForward(log, {
    cutoffs: plan.cutoffs,
    horizon: p.horizon,
    refitEvery: p.refitEvery,
    fit: xgboostFit({ params: { ...DEFAULT_TRAIN_PARAMS, nthread: 2 }, python: p.python, blend: true }),
    onCutoff: (c) => {
      if (c.refit) process.stderr.write(`  cut-off ${c.index}/${c.total} ${c.cutoff} refit on ${c.refit.trainRows} rows in ${(c.refit.ms / 1000).toFixed(1)} s, eta ${Math.round(c.etaMs / 1000)} s\n`);
    },
  });
  const out: HierarchyPoints = {
    cutoffs: plan.cutoffs.map(isoOfDay),
    horizon: p.horizon,
    series: log.series.map((s) => ({ store: s.store, dept: s.dept })),
    points: walk.points,
  };
  if (p.cache) writeFileSync(p.cache, JSON.stringify(toStored(out)));
  return out;
}

function toStored(h: HierarchyPoints): Stored {
  const ps = h.points;
  const columns: Record<string, number[]> = { cutoff: ps.cutoff, series: ps.series, horizon: ps.horizon, targetDay: ps.targetDay, holiday: ps.holiday, actual: ps.actual };
  for (const m of METHODS) columns[`f_${m}`] = ps.forecasts[m];
  for (const b of BOUNDS) columns[`b_${b}`] = ps.bounds[b];
  // JSON has no NaN: null stands for it
  return { cutoffs: h.cutoffs, horizon: h.horizon, series: h.series, columns: Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, v.map((x) => (Number.isFinite(x) ? x : null)) as number[]])) };
}

function fromStored(s: Stored): HierarchyPoints {
  const col = (k: string) => s.columns[k]!.map((x) => (x === null ? Number.NaN : x));
  const c = Object.fromEntries(Object.keys(s.columns).map((k) => [k, col(k)]));
  const ps = new PointSet();
  for (let i = 0; i < c.actual!.length; i++) {
    ps.push({
      cutoff: c.cutoff![i]!,
      series: c.series![i]!,
      horizon: c.horizon![i]!,
      targetDay: c.targetDay![i]!,
      holiday: c.holiday![i] === 1,
      actual: c.actual![i]!,
      forecasts: Object.fromEntries(METHODS.map((m) => [m, c[`f_${m}`]![i]!])) as Record<(typeof METHODS)[number], number>,
      bounds: Object.fromEntries(BOUNDS.map((b) => [b, c[`b_${b}`]![i]!])),
    });
  }
  return { cutoffs: s.cutoffs, horizon: s.horizon, series: s.series, points: ps };
}
