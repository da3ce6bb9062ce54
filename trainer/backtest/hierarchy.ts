/**
 * The backtest scored per level of the sales hierarchy (total, store, dept,
 * series) for three ways to forecast the levels:
 *
 * - base: every node forecast on its own. The model is trained on series, so
 *   the series get the model's forecasts and each aggregate its own seasonal
 *   naive (last year's same week of the aggregate, a strong retail baseline
 *   and the only independent forecaster of an aggregate the backtest has).
 *   Not coherent: the levels do not add up.
 * - bottomUp: the series' forecasts summed.
 * - mintShrink: MinT on the base forecasts, W the Schaefer-Strimmer shrunk
 *   covariance of the base forecasts' errors known at the cut-off.
 *
 * Only data known at each cut-off is used: the residuals behind W and behind
 * the intervals are those of earlier cut-offs whose target week is at or
 * before the cut-off (an expanding window); the first `warmup` cut-offs only
 * calibrate. Intervals at every level: the forecast +/- the finite-sample
 * conformal quantile, per level and horizon, of the method's relative errors
 * |y - f| / max(|f|, 1) on those residuals (as domain/intervals/conformal.ts
 * does for series). MinT's errors are those of its forecasts as made at their
 * own cut-off; on the warm-up weeks, which had none, the current W's, which
 * those weeks' residuals helped estimate (optimistic: narrower intervals).
 *
 * Scores: WMAE (holiday weeks weigh 5) over every node and point of a level,
 * its ratio to the seasonal naive of the same nodes, and interval coverage.
 * Every point with an actual counts (the model's fallbacks as in
 * every-point.ts); a series without an actual in a week counts as 0 there.
 */
import { HOLIDAY_WEIGHT } from '../../domain/registry/metrics.js';
import { aggregate, buildHierarchy, LEVELS, type Hierarchy, type Level, type SeriesId } from '../../domain/hierarchy/hierarchy.js';
import { bottomUp, mintReconciler, shrunkCovariance } from '../../domain/hierarchy/reconcile.js';
import { combinedHalfWidth } from '../../domain/hierarchy/intervals.js';
import type { PointSet } from '../../domain/backtest/points.js';
import { ValidationError } from '../../lib/errors.js';
import { withFallbacks } from './every-point.js';

export const RECONCILIATIONS = ['base', 'bottomUp', 'mintShrink'] as const;
export type Reconciliation = (typeof RECONCILIATIONS)[number];

/** One cut-off and horizon: the bottom vectors (one value per series of the hierarchy). */
export interface Slice {
  /** Index of the cut-off, ascending in time. */
  cutoff: number;
  cutoffDay: number;
  horizon: number;
  targetDay: number;
  holiday: boolean;
  actual: Float64Array;
  model: Float64Array;
  naive: Float64Array;
  /** Half-widths of the model's own 80% / 95% intervals of each series (0 where it had none: a fallback forecast). */
  hw80: Float64Array;
  hw95: Float64Array;
}

export interface LevelScore {
  /** Node-points scored (nodes of the level x evaluated slices). */
  points: number;
  wmae: number;
  /** WMAE / the level's seasonal naive WMAE on the same points. */
  ratio: number;
  cover80: number;
  cover95: number;
}

/** Correlations tried for intervals combined from the series' half-widths (see combinedHalfWidth). */
export const RHOS = [0, 0.1, 0.2, 0.3, 0.5, 1] as const;

export interface HierarchyReport {
  nodes: Record<Level, number>;
  evaluatedCutoffs: number;
  /** Shrinkage intensity of W at each estimate. */
  lambdas: number[];
  /** The largest |aggregate - sum of its series| seen per method (0 = coherent). */
  incoherence: Record<Reconciliation, number>;
  scores: Record<Reconciliation, Record<Level, LevelScore>>;
  /**
   * Bottom-up forecasts with intervals combined from the model's own
   * conformal half-widths of the series (what the gateway publishes, domain/hierarchy/intervals.ts):
   * coverage per level at 80% and 95% for each correlation in RHOS.
   */
  combined: Record<Level, { rho: number; cover80: number; cover95: number }[]>;
}

/** The hierarchy of the series that have points, and one slice per (cut-off, horizon). Missing values are 0. */
export function slicesOf(points: PointSet, series: readonly SeriesId[], cutoffDays: readonly number[]): { hierarchy: Hierarchy; slices: Slice[] } {
  const filled = withFallbacks(points);
  const used = [...new Set(filled.series)].sort((a, b) => a - b);
  const col = new Map(used.map((s, j) => [s, j]));
  const hierarchy = buildHierarchy(used.map((s) => series[s]!));
  const m = used.length;
  const byKey = new Map<string, Slice>();
  for (let i = 0; i < filled.length; i++) {
    const key = `${filled.cutoff[i]}:${filled.horizon[i]}`;
    let s = byKey.get(key);
    if (!s) {
      s = {
        cutoff: filled.cutoff[i]!,
        cutoffDay: cutoffDays[filled.cutoff[i]!]!,
        horizon: filled.horizon[i]!,
        targetDay: filled.targetDay[i]!,
        holiday: filled.holiday[i] === 1,
        actual: new Float64Array(m),
        model: new Float64Array(m),
        naive: new Float64Array(m),
        hw80: new Float64Array(m),
        hw95: new Float64Array(m),
      };
      byKey.set(key, s);
    }
    const j = col.get(filled.series[i]!)!;
    s.actual[j] = filled.actual[i]!;
    s.model[j] = filled.forecasts.model[i]!;
    s.naive[j] = filled.forecasts.seasonalNaive[i]!;
    const half = (lo: number, hi: number) => (Number.isFinite(lo) && Number.isFinite(hi) ? (hi - lo) / 2 : 0);
    s.hw80[j] = half(filled.bounds.lower80[i]!, filled.bounds.upper80[i]!);
    s.hw95[j] = half(filled.bounds.lower95[i]!, filled.bounds.upper95[i]!);
  }
  const slices = [...byKey.values()].sort((a, b) => a.cutoff - b.cutoff || a.horizon - b.horizon);
  return { hierarchy, slices };
}

/** The base forecasts of every node: aggregates their own seasonal naive, series the model. */
export function baseForecasts(h: Hierarchy, s: Slice): Float64Array {
  const out = aggregate(h, s.naive);
  out.set(s.model, h.aggregates);
  return out;
}

/** The finite-sample conformal quantile of `errors` at level q (the ceil((n+1)q)-th smallest; Infinity when too few). */
export function conformalQuantile(errors: number[], q: number): number {
  const k = Math.ceil((errors.length + 1) * q);
  if (k > errors.length) return Number.POSITIVE_INFINITY;
  return [...errors].sort((a, b) => a - b)[k - 1]!;
}

const relative = (y: number, f: number) => Math.abs(y - f) / Math.max(Math.abs(f), 1);

/** Scores the three reconciliations per level over the slices of cut-offs from `warmup` on (see the file's comment). */
export function evaluateHierarchy(h: Hierarchy, slices: readonly Slice[], o: { warmup: number; covarianceEvery?: number }): HierarchyReport {
  const n = h.nodes.length;
  const levelOf = h.nodes.map((node) => node.level);
  const nodes = Object.fromEntries(LEVELS.map((l) => [l, levelOf.filter((x) => x === l).length])) as Record<Level, number>;
  const acc = Object.fromEntries(
    RECONCILIATIONS.map((r) => [r, Object.fromEntries(LEVELS.map((l) => [l, { points: 0, w: 0, err: 0, naive: 0, in80: 0, in95: 0 }]))]),
  ) as Record<Reconciliation, Record<Level, { points: number; w: number; err: number; naive: number; in80: number; in95: number }>>;
  const incoherence = { base: 0, bottomUp: 0, mintShrink: 0 };
  const comb = Object.fromEntries(LEVELS.map((l) => [l, RHOS.map(() => ({ in80: 0, in95: 0, points: 0 }))])) as Record<Level, { in80: number; in95: number; points: number }[]>;
  const lambdas: number[] = [];
  const cutoffs = [...new Set(slices.map((s) => s.cutoff))].sort((a, b) => a - b);
  const full = slices.map((s) => ({ s, actual: aggregate(h, s.actual), naive: aggregate(h, s.naive), base: baseForecasts(h, s) }));
  let mint: ((base: ArrayLike<number>) => Float64Array) | null = null;
  // MinT's forecasts of each slice as made at its own cut-off (out of sample): what its intervals calibrate on once known
  const mintOos = new Map<(typeof full)[number], Float64Array>();
  let evaluated = 0;
  for (const c of cutoffs.slice(o.warmup)) {
    const now = full.filter((x) => x.s.cutoff === c);
    const known = full.filter((x) => x.s.cutoff < c && x.s.targetDay <= now[0]!.s.cutoffDay);
    if (known.length < 2) continue;
    // W costs nodes^2 x residual vectors: re-estimated every `covarianceEvery` cut-offs (as a model is refitted), not every week
    if (mint === null || evaluated % (o.covarianceEvery ?? 1) === 0) {
      const { W, lambda } = shrunkCovariance(known.map((x) => x.base.map((f, k) => x.actual[k]! - f)));
      lambdas.push(lambda);
      mint = mintReconciler(h, W);
    }
    evaluated++;
    const reconcileMint = mint;
    const forecastOf: Record<Reconciliation, (base: Float64Array) => Float64Array> = { base: (b) => b, bottomUp: (b) => bottomUp(h, b), mintShrink: reconcileMint };
    for (const r of RECONCILIATIONS) {
      // per level and horizon: the relative errors known at c, and their 80/95% quantiles
      const q = knownQuantiles(known, (x) => (r === 'mintShrink' ? mintOos.get(x) : undefined) ?? forecastOf[r](x.base), levelOf);
      for (const x of now) {
        const f = forecastOf[r](x.base);
        if (r === 'mintShrink') mintOos.set(x, f);
        const w = x.s.holiday ? HOLIDAY_WEIGHT : 1;
        for (let k = 0; k < n; k++) {
          const a = acc[r][levelOf[k]!];
          const y = x.actual[k]!;
          const [q80, q95] = q.get(`${levelOf[k]}:${x.s.horizon}`) ?? [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
          a.points++;
          a.w += w;
          a.err += w * Math.abs(y - f[k]!);
          a.naive += w * Math.abs(y - x.naive[k]!);
          if (Math.abs(y - f[k]!) <= q80 * Math.max(Math.abs(f[k]!), 1)) a.in80++;
          if (Math.abs(y - f[k]!) <= q95 * Math.max(Math.abs(f[k]!), 1)) a.in95++;
        }
        incoherence[r] = Math.max(incoherence[r], maxIncoherence(h, f));
        if (r === 'bottomUp') scoreCombined(h, x.s, x.actual, f, comb);
      }
    }
  }
  const { scores, combined } = scoresOf(acc, comb);
  return { nodes, evaluatedCutoffs: evaluated, lambdas, incoherence, scores, combined };
}

type Known = { s: Slice; actual: Float64Array; base: Float64Array };

/** Per level and horizon (`level:h`), the 80% and 95% conformal quantiles of the relative errors of `known` under `forecastOf`. */
function knownQuantiles<K extends Known>(known: readonly K[], forecastOf: (x: K) => Float64Array, levelOf: readonly Level[]): Map<string, readonly [number, number]> {
  const errors = new Map<string, number[]>();
  for (const x of known) {
    const f = forecastOf(x);
    for (let k = 0; k < levelOf.length; k++) {
      const key = `${levelOf[k]}:${x.s.horizon}`;
      if (!errors.has(key)) errors.set(key, []);
      errors.get(key)!.push(relative(x.actual[k]!, f[k]!));
    }
  }
  return new Map([...errors].map(([key, e]) => [key, [conformalQuantile(e, 0.8), conformalQuantile(e, 0.95)] as const]));
}

/** The accumulated sums as the report's scores per reconciliation and level, and the combined intervals' coverage per rho. */
function scoresOf(
  acc: Record<Reconciliation, Record<Level, { points: number; w: number; err: number; naive: number; in80: number; in95: number }>>,
  comb: Record<Level, { in80: number; in95: number; points: number }[]>,
): Pick<HierarchyReport, 'scores' | 'combined'> {
  const scores = Object.fromEntries(
    RECONCILIATIONS.map((r) => [
      r,
      Object.fromEntries(
        LEVELS.map((l) => {
          const a = acc[r][l];
          return [l, { points: a.points, wmae: a.err / a.w, ratio: a.err / a.naive, cover80: a.in80 / a.points, cover95: a.in95 / a.points }];
        }),
      ),
    ]),
  ) as Record<Reconciliation, Record<Level, LevelScore>>;
  const combined = Object.fromEntries(
    LEVELS.map((l) => [l, comb[l].map((c, i) => ({ rho: RHOS[i]!, cover80: c.in80 / c.points, cover95: c.in95 / c.points }))]),
  ) as HierarchyReport['combined'];
  return { scores, combined };
}

/** Coverage of bottom-up intervals combined from the model's own series half-widths, for each rho. */
function scoreCombined(h: Hierarchy, s: Slice, y: Float64Array, f: Float64Array, comb: Record<Level, { in80: number; in95: number; points: number }[]>): void {
  const hw = (j: number, l: 0 | 1) => (l === 0 ? s.hw80[j]! : s.hw95[j]!);
  h.nodes.forEach((node, k) => {
    const members = k < h.aggregates ? h.members[k]! : [k - h.aggregates];
    RHOS.forEach((rho, i) => {
      const c = comb[node.level][i]!;
      c.points++;
      if (Math.abs(y[k]! - f[k]!) <= combinedHalfWidth(members.map((j) => hw(j, 0)), rho)) c.in80++;
      if (Math.abs(y[k]! - f[k]!) <= combinedHalfWidth(members.map((j) => hw(j, 1)), rho)) c.in95++;
    });
  });
}

/**
 * The per-level scores of a backtest (`npm run backtest`, result.json
 * `hierarchy`): the first min(8, half) cut-offs calibrate, W re-estimated
 * every 4. Fewer than 4 cut-offs leave too few residuals: skipped, with why.
 */
export function scoreLevels(points: PointSet, series: readonly SeriesId[], cutoffDays: readonly number[]): HierarchyReport | { skipped: string } {
  if (cutoffDays.length < 4) return { skipped: `per-level scores (total, store, dept) need 4 cut-offs or more (the first ones calibrate W and the intervals); this backtest has ${cutoffDays.length}` };
  if (points.length === 0) return { skipped: 'per-level scores: no point to score' };
  const { hierarchy, slices } = slicesOf(points, series, cutoffDays);
  try {
    return evaluateHierarchy(hierarchy, slices, { warmup: Math.min(8, Math.floor(cutoffDays.length / 2)), covarianceEvery: 4 });
  } catch (err) {
    // a degenerate W (a data problem, e.g. one node that never erred) loses the per-level table, never the backtest
    if (err instanceof ValidationError) return { skipped: `per-level scores failed: ${err.message}` };
    throw err;
  }
}

/** Relative incoherence: the largest |aggregate - sum of its series| / max(|aggregate|, 1). */
function maxIncoherence(h: Hierarchy, y: Float64Array): number {
  let worst = 0;
  h.members.forEach((js, i) => {
    let s = 0;
    for (const j of js) s += y[h.aggregates + j]!;
    worst = Math.max(worst, Math.abs(y[i]! - s) / Math.max(Math.abs(y[i]!), 1));
  });
  return worst;
}

const r3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–');

/** The per-level table (one row per level and method), as the docs page shows it. */
export function hierarchyTable(r: HierarchyReport): string {
  const rows = [['level', 'nodes', 'method', 'WMAE', 'WMAE/sn', 'cover 80', 'cover 95']];
  for (const l of LEVELS) {
    for (const m of RECONCILIATIONS) {
      const s = r.scores[m][l];
      rows.push([l, String(r.nodes[l]), m, Number.isFinite(s.wmae) ? Math.round(s.wmae).toLocaleString('en-US') : '–', r3(s.ratio), pct(s.cover80), pct(s.cover95)]);
    }
  }
  rows.push(['', '', '', '', '', '', '']);
  for (const l of LEVELS) {
    for (const c of r.combined[l]) rows.push([l, '', `bottomUp, series widths rho ${c.rho}`, '', '', pct(c.cover80), pct(c.cover95)]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => '| ' + row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ') + ' |').join('\n');
}
