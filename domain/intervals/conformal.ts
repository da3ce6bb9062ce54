/**
 * Conformal prediction intervals per horizon, in the style of mlforecast's
 * conformal intervals: a model's out-of-sample absolute errors on a
 * walk-forward split (the holdout weeks, which it never trained on) are
 * collected per horizon h, and the interval at h is the forecast plus or
 * minus their finite-sample quantile.
 *
 * The errors are divided by the level the forecast itself expects (|forecast|,
 * floored at a quarter of the series' recent level, the `scale` feature, so a
 * near-zero forecast keeps a usable width) before taking the quantile, and
 * multiplied back at prediction time. Series differ by three orders of
 * magnitude; one quantile in sales units would be far too wide for small
 * series and far too narrow for big ones, while relative errors are much more
 * alike. Dividing by the forecast rather than by the recent level also widens
 * the interval in the weeks the model expects a peak (holidays), where the
 * errors are larger: on the generated history, calibrated in December and
 * scored over the next 39 weeks, that brought 80% coverage from 86-88% to
 * 82-85% and lowered the Winkler score by 3-13%.
 *
 * The trainer and the backtest also pool the early-stopping validation rows'
 * residuals (calibrateOnRows takes several parts). The model never fit those
 * targets, but they chose its stopping round, so their errors are mildly
 * optimistic; they are used because 8 holdout weeks leave few residuals per
 * group and horizon, most of all at long horizons (README, "Prediction
 * intervals", has the coverage with and without them).
 */
import { ValidationError } from '../../lib/errors.js';
import { DEFAULT_HOLIDAYS, holidayDay } from '../sales/holidays.js';
import { SEASON_WEEKS } from '../baselines/baselines.js';
import { COL, FEATURE_COUNT, FEATURE_SPEC } from '../features/spec.js';
import type { TrainingMatrix } from '../features/features.js';

/** Nominal coverages served and scored (fractions). */
export const INTERVAL_LEVELS = [0.8, 0.95] as const;

/** What a model stores with its run to produce intervals: per level, the scaled half-width for h = 1..H. */
export interface ConformalIntervals {
  method: 'conformal-relative-abs';
  /** Nominal coverages, e.g. [0.8, 0.95]. */
  levels: number[];
  /** halfWidth[l][h - 1]: the level-l quantile of |y - forecast| / intervalNormalizer at horizon h; null where no residual was seen. */
  halfWidth: (number | null)[][];
  /** Residuals behind each horizon's quantiles. */
  n: number[];
  /**
   * Mondrian tables: the same quantiles from the residuals of one group of
   * rows alone (see intervalGroups). A forecast uses the first of its groups
   * whose table has at least MIN_GROUP_RESIDUALS residuals at its horizon,
   * else the pooled table. Absent in records written before.
   */
  groups?: Record<string, QuantileTable>;
  /** The quartiles of `scale` over the calibration rows: the size classes of intervalGroups. */
  sizeCuts?: number[];
}

export interface QuantileTable {
  halfWidth: (number | null)[][];
  n: number[];
}

/** The two seasons of retail weeks: the holiday peak and the rest of the year. */
export type Season = 'peak' | 'regular';

/** Residuals a group needs at a horizon before its own quantile replaces the pooled one. */
export const MIN_GROUP_RESIDUALS = 200;

const DAY_MS = 86_400_000;
/** Column of slag_52 (the value a year before the target) relative to the first seasonal lag. */
const YEAR_AGO_OFFSET = FEATURE_SPEC.seasonalLags.indexOf(SEASON_WEEKS);
const THANKSGIVING = DEFAULT_HOLIDAYS.find((h) => h.name === 'Thanksgiving')!.rule;

/**
 * The season of the week labelled by `day` (its last day): 'peak' from the
 * Thanksgiving week through the week holding December 31, else 'regular'.
 * Errors in the peak weeks are several times those of the rest of the year
 * relative to the forecast, so one pooled quantile is too wide all year when
 * the calibration weeks hold the holidays, and too narrow at the holidays
 * when they do not.
 */
export function seasonOfDay(day: number): Season {
  const d = new Date(day * DAY_MS);
  const month = d.getUTCMonth() + 1;
  if (month === 1) return d.getUTCDate() <= 6 ? 'peak' : 'regular';
  if (month < 11) return 'regular';
  return day >= (holidayDay(THANKSGIVING, d.getUTCFullYear()) as number) ? 'peak' : 'regular';
}

/**
 * The conformal quantile of scores at `level`: the ceil((n + 1) * level)-th
 * smallest (the finite-sample correction that makes coverage >= level for
 * exchangeable scores); Infinity when n is too small for that rank, NaN when n = 0.
 */
export function conformalQuantile(scores: ArrayLike<number>, level: number): number {
  if (!(level > 0 && level < 1)) throw new ValidationError('level', 'a fraction in (0, 1)', level);
  const sorted = Float64Array.from(scores).sort();
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const k = Math.ceil((n + 1) * level);
  return k > n ? Number.POSITIVE_INFINITY : (sorted[k - 1] as number);
}

export interface Residuals {
  actual: ArrayLike<number>;
  forecast: ArrayLike<number>;
  /** Each row's series scale (the `scale` feature, > 0). */
  scale: ArrayLike<number>;
  horizon: ArrayLike<number>;
  /** Each row's context; given, the Mondrian groups' own tables are calibrated too. */
  context?: (i: number) => IntervalContext;
}

/** What a forecast's Mondrian groups are made of, besides its scale. */
export interface IntervalContext {
  /** The target week (day number of its label). */
  targetDay: number;
  /** Whether the series has a value 52 weeks before the target. */
  yearAgoKnown: boolean;
}

/**
 * A forecast's Mondrian groups, most specific first: its target week's
 * season, crossed with whether the series has a value a year before the
 * target ("seasoned") or not ("young"), crossed with its size class (the
 * calibration's scale quartile, when it has `sizeCuts`); then the first two
 * alone; then the season alone. On the generated history, calibrated on the
 * 8 weeks to the end of January and scored over the next 39, one pooled
 * quantile covered 84% of the big seasoned series at 80% nominal and 70% of
 * the smallest; young series and holiday weeks err more relative to their
 * level than the rest.
 */
export function intervalGroups(ctx: IntervalContext, scale: number, sizeCuts?: readonly number[]): readonly string[] {
  const season = seasonOfDay(ctx.targetDay);
  const base = `${season}/${ctx.yearAgoKnown ? 'seasoned' : 'young'}`;
  return sizeCuts ? [`${base}/size${sizeClass(scale, sizeCuts)}`, base, season] : [base, season];
}

/** How many of the (ascending) cuts are at or below `scale`: 0 .. cuts.length. */
export function sizeClass(scale: number, cuts: readonly number[]): number {
  let k = 0;
  while (k < cuts.length && scale >= (cuts[k] as number)) k++;
  return k;
}

/** The context of feature row `r` of X (FEATURE_COUNT columns) whose target is `targetDay`. */
export function rowIntervalContext(X: ArrayLike<number>, r: number, targetDay: number): IntervalContext {
  return { targetDay, yearAgoKnown: Number.isFinite(X[r * FEATURE_COUNT + COL.seasonal + YEAR_AGO_OFFSET] as number) };
}

/** What an error is divided by: max(|forecast|, scale / 4, 1) in sales units. */
export function intervalNormalizer(forecast: number, scale: number): number {
  return Math.max(Math.abs(forecast), scale / 4, 1);
}

/** Calibrates per-horizon intervals for h = 1..H from out-of-sample residuals; rows with a non-finite value are skipped. */
export function calibrateIntervals(r: Residuals, H: number, levels: readonly number[] = INTERVAL_LEVELS): ConformalIntervals {
  const sizeCuts = r.context ? quartiles(r.scale) : undefined;
  const pooled = emptyByHorizon(H);
  const byGroup = new Map<string, number[][]>();
  for (let i = 0; i < r.actual.length; i++) {
    const h = r.horizon[i] as number;
    const f = r.forecast[i] as number;
    const e = Math.abs((r.actual[i] as number) - f) / intervalNormalizer(f, r.scale[i] as number);
    if (!(h >= 1 && h <= H && Number.isFinite(e))) continue;
    pooled[h - 1]!.push(e);
    if (!r.context) continue;
    for (const g of intervalGroups(r.context(i), r.scale[i] as number, sizeCuts)) {
      const t = byGroup.get(g) ?? byGroup.set(g, emptyByHorizon(H)).get(g)!;
      t[h - 1]!.push(e);
    }
  }
  const out: ConformalIntervals = { method: 'conformal-relative-abs', levels: [...levels], ...quantileTable(pooled, levels) };
  if (sizeCuts) {
    out.groups = Object.fromEntries([...byGroup].sort(([a], [b]) => a.localeCompare(b)).map(([g, t]) => [g, quantileTable(t, levels)]));
    out.sizeCuts = sizeCuts;
  }
  return out;
}

/** Rows of a matrix and a model's forecasts for them (sales units, one per row). */
export interface CalibrationPart {
  rows: TrainingMatrix;
  predictions: ArrayLike<number>;
}

/**
 * calibrateIntervals on the pooled residuals of every part (rows the model
 * never trained on), with their Mondrian context; the size classes are the
 * quartiles of the pooled rows' scale. Throws ValidationError when a part's
 * predictions do not match its rows.
 */
export function calibrateOnRows(parts: readonly CalibrationPart[], H: number): ConformalIntervals {
  const n = parts.reduce((a, p) => a + p.rows.rows, 0);
  const actual = new Float64Array(n);
  const forecast = new Float64Array(n);
  const scale = new Float64Array(n);
  const horizon = new Uint8Array(n);
  const context: IntervalContext[] = [];
  let i = 0;
  parts.forEach(({ rows: m, predictions }, p) => {
    if (predictions.length !== m.rows) throw new ValidationError(`parts[${p}].predictions`, `${m.rows} (one per row)`, predictions.length);
    for (let r = 0; r < m.rows; r++, i++) {
      actual[i] = m.actual[r] as number;
      forecast[i] = predictions[r] as number;
      scale[i] = m.X[r * m.cols + COL.scale] as number;
      horizon[i] = m.meta.horizon[r] as number;
      context.push(rowIntervalContext(m.X, r, m.meta.day[r] as number));
    }
  });
  return calibrateIntervals({ actual, forecast, scale, horizon, context: (k) => context[k]! }, H);
}

function emptyByHorizon(H: number): number[][] {
  return Array.from({ length: H }, () => []);
}

/** The 25th, 50th and 75th percentiles (nearest rank) of the finite values. */
function quartiles(values: ArrayLike<number>): number[] {
  const v = Float64Array.from(values).filter(Number.isFinite).sort();
  return v.length === 0 ? [] : [0.25, 0.5, 0.75].map((q) => v[Math.min(v.length - 1, Math.floor(q * v.length))] as number);
}

function quantileTable(byH: number[][], levels: readonly number[]): QuantileTable {
  return { halfWidth: levels.map((l) => byH.map((e) => finiteOrNull(conformalQuantile(e, l)))), n: byH.map((e) => e.length) };
}

/**
 * The interval [lower, upper] at level index `li` for a forecast at horizon h
 * with series scale `scale`, from the first of the forecast's Mondrian groups
 * (given its `context`) calibrated at h, else the pooled table; null when
 * uncalibrated at h.
 */
export function intervalAt(
  c: ConformalIntervals,
  li: number,
  h: number,
  forecast: number,
  scale: number,
  context?: IntervalContext,
): { lower: number; upper: number } | null {
  return intervalsAt(c, h, forecast, scale, context)[li] ?? null;
}

/** intervalAt for every level of `c` (index = level index), the forecast's groups found once. */
export function intervalsAt(c: ConformalIntervals, h: number, forecast: number, scale: number, context?: IntervalContext): ({ lower: number; upper: number } | null)[] {
  if (!Number.isFinite(forecast) || !Number.isFinite(scale)) return c.levels.map(() => null);
  const groups = context ? intervalGroups(context, scale, c.sizeCuts) : [];
  const norm = intervalNormalizer(forecast, scale);
  return c.levels.map((_, li) => {
    const q = halfWidthAt(c, li, h, groups);
    return q === null || q === undefined ? null : { lower: forecast - q * norm, upper: forecast + q * norm };
  });
}

function halfWidthAt(c: ConformalIntervals, li: number, h: number, groups: readonly string[]): number | null | undefined {
  for (const g of groups) {
    const t = c.groups?.[g];
    const q = t && (t.n[h - 1] ?? 0) >= MIN_GROUP_RESIDUALS ? t.halfWidth[li]?.[h - 1] : null;
    if (q !== null && q !== undefined) return q;
  }
  return c.halfWidth[li]?.[h - 1];
}

/** Whether a value is a usable ConformalIntervals (a run record is JSON from the log: check before trusting it). */
export function isConformalIntervals(v: unknown): v is ConformalIntervals {
  if (!v || typeof v !== 'object') return false;
  const c = v as Partial<ConformalIntervals>;
  return (
    c.method === 'conformal-relative-abs' &&
    Array.isArray(c.levels) &&
    Array.isArray(c.halfWidth) &&
    c.halfWidth.length === c.levels.length &&
    isTable(c.halfWidth) &&
    (c.groups === undefined || (typeof c.groups === 'object' && c.groups !== null && Object.values(c.groups).every((t) => isTable(t?.halfWidth) && Array.isArray(t?.n)))) &&
    (c.sizeCuts === undefined || (Array.isArray(c.sizeCuts) && c.sizeCuts.every((x) => typeof x === 'number')))
  );
}

function isTable(t: unknown): boolean {
  return Array.isArray(t) && t.every((row) => Array.isArray(row) && row.every((q) => q === null || typeof q === 'number'));
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
