/**
 * The arithmetic behind every feature vector: `fillOrigin` writes the columns
 * that depend on the origin O only, `fillTarget` those that depend on T and h.
 * featureVector (online), the gateway's batch path and buildTrainingMatrix
 * (offline) all call exactly these two, which is what keeps serving and
 * training identical. fillTarget ends with the declared features (FILLS).
 */
import { EXOGENOUS_FIELDS } from '../../schemas/types.js';
import { isoOfDay, weekOfYear } from '../../lib/weeks.js';
import { COL, FEATURE_SPEC, FEATURES, type FeatureLayout } from './spec.js';
import { isHolidayWeek } from '../sales/holidays.js';
import { EXO_COUNT, type SeriesHistory } from './series-history.js';
import { SEASON_WEEKS } from '../baselines/baselines.js';

const S = FEATURE_SPEC;
const NAN = Number.NaN;

/**
 * Writes every column that depends only on the origin o (an index into s).
 * Reads no sales or exogenous value at an index > o: this is the no-leakage line.
 */
export function fillOrigin(s: SeriesHistory, o: number, out: Float32Array): void {
  out[COL.store] = s.store;
  out[COL.dept] = s.dept;
  out[COL.storeType] = s.lastKnown(s.storeTypes, o);
  out[COL.storeSize] = s.lastKnown(s.storeSizes, o);

  originStats(s, o);
  const lv = wn[LEVEL_SLOT]! > 0 ? LEVEL_SLOT : FALLBACK_SLOT;
  const none = wn[lv] === 0;
  // Round to float32 first: the target and its inverse must use the very values the vector holds.
  const level = Math.fround(none ? NAN : wsum[lv]! / wn[lv]!);
  const scale = Math.fround(none ? NAN : Math.max(wabs[lv]! / wn[lv]!, S.level.minScale));
  out[COL.level] = level;
  out[COL.scale] = scale;

  for (let j = 0; j < S.lags.length; j++) out[COL.lags + j] = (s.salesAt(o - S.lags[j]! + 1) - level) / scale;
  for (let j = 0; j < WINDOW_SLOTS.length; j++) {
    const k = WINDOW_SLOTS[j]!;
    const n = wn[k]!;
    out[COL.windows + 2 * j] = n === 0 ? NAN : (wsum[k]! / n - level) / scale;
    out[COL.windows + 2 * j + 1] = n === 0 ? NAN : Math.sqrt(wss[k]! / n) / scale;
  }
  const ly = windowMean(s, o - SEASON_WEEKS, S.lastYearWindow);
  out[COL.lastYear] = Number.isNaN(ly) ? NAN : (ly - level) / scale;
  out[COL.known] = wn[COUNT_SLOT]!;
  out[COL.growth] = growthAt(s, o);

  for (let f = 0; f < EXO_INDEX.length; f++) {
    const fi = EXO_INDEX[f]!;
    let v = NAN;
    for (let i = Math.min(o, s.length - 1); i > o - S.exoLookback && i >= 0; i--) {
      const x = s.exo[i * EXO_COUNT + fi]!;
      if (!Number.isNaN(x)) {
        v = x;
        break;
      }
    }
    out[COL.exo + f] = v;
  }
}

/**
 * Writes the columns that depend on the target index t and horizon h (origin
 * o = t - h already filled), then the declared ones (`layout`, `fills`: the
 * module's FEATURES and FILLS unless a test of a new feature passes its own).
 */
export function fillTarget(s: SeriesHistory, t: number, h: number, out: Float32Array, layout: FeatureLayout = FEATURES, fills: Readonly<Record<string, DeclaredFill>> = FILLS): void {
  const o = t - h;
  const day = s.firstDay + 7 * t;
  out[COL.horizon] = h;
  out[COL.weekOfYear] = weekOfYearOfDay(day);
  // The calendar, not the data's flag: T may be in the future where no row exists yet.
  out[COL.holiday] = holidayOfDay(day) ? 1 : 0;
  out[COL.holidayNext] = holidayOfDay(day + 7) ? 1 : 0;
  const level = out[COL.level] as number;
  const scale = out[COL.scale] as number;
  for (let j = 0; j < S.seasonalLags.length; j++) {
    const i = t - S.seasonalLags[j]!;
    out[COL.seasonal + j] = i <= o ? (s.salesAt(i) - level) / scale : NAN;
  }
  const lag = S.deptProfile.lag;
  // profile values at T - lag and up to O - lag: weeks at or before the origin only
  const ratio = s.profiles && t - lag <= o ? s.profiles.meanAt(s.dept, day - 7 * lag) / s.profiles.baseAt(s.dept, s.firstDay + 7 * (o - lag)) : NAN;
  out[COL.deptRatio] = Number.isFinite(ratio) ? ratio : NAN;
  out[COL.deptSn] = Number.isFinite(ratio) ? (level * ratio - level) / scale : NAN;
  const seasonal = t - SEASON_WEEKS <= o && !Number.isNaN(s.salesAt(t - SEASON_WEEKS));
  const base = seasonal ? smoothedYearAgo(s, t, o) : recentMean(s, o, level);
  out[COL.statBase] = (base - level) / scale;
  out[COL.statSeasonal] = seasonal ? 1 : 0;
  fillDeclared(layout, fills, s, t, h, out);
}

/** Where a declared feature is computed: origin o = t - h, target t, horizon h (indexes into the series, t may be past its end). */
export interface FillAt {
  readonly o: number;
  readonly t: number;
  readonly h: number;
}

/**
 * A declared feature's value for one row. `v` holds every base column already
 * (level, scale, ...: read them with COL). Must read no sales or exogenous value
 * at an index > at.o (`s.salesAt(i)` with i <= at.o): the no-leakage line.
 */
export type DeclaredFill = (s: SeriesHistory, at: FillAt, v: Float32Array, params: Readonly<Record<string, number>>) => number;

/** The fill of each feature in FEATURE_SPEC.declared, by its name (CONTRIBUTING.md, "Add a feature"). */
export const FILLS: Readonly<Record<string, DeclaredFill>> = Object.freeze({});

/** Writes the declared columns of `layout` (after the base ones are written). */
function fillDeclared(layout: FeatureLayout, fills: Readonly<Record<string, DeclaredFill>>, s: SeriesHistory, t: number, h: number, out: Float32Array): void {
  const declared = layout.spec.declared;
  if (declared.length === 0) return;
  const at: FillAt = { o: t - h, t, h };
  const first = layout.count - declared.length;
  for (let j = 0; j < declared.length; j++) {
    const d = declared[j]!;
    out[first + j] = fills[d.name]!(s, at, out, d.params);
  }
}

/** Throws unless every declared feature of `layout` has a fill and every fill a declaration (names the one missing). */
export function checkFills(layout: FeatureLayout, fills: Readonly<Record<string, DeclaredFill>>): void {
  const names = new Set(layout.spec.declared.map((d) => d.name));
  for (const n of names) if (typeof fills[n] !== 'function') throw new RangeError(`declared feature ${n}: expected a fill function named ${n} in FILLS (domain/features/fill.ts)`);
  for (const n of Object.keys(fills)) if (!names.has(n)) throw new RangeError(`fill ${n}: expected a feature named ${n} in FEATURE_SPEC.declared (domain/features/spec.ts)`);
}
// at start-up, in every process that computes features: a declaration without its fill would leave its column 0
checkFills(FEATURES, FILLS);

/** Last year's target week smoothed with its neighbours (S.stat.kernel over T-51, T-52, T-53; unknown or after O counts as 0). */
function smoothedYearAgo(s: SeriesHistory, t: number, o: number): number {
  const k = S.stat.kernel;
  let sum = 0;
  let weight = 0;
  for (let j = 0; j < 3; j++) {
    const i = t - SEASON_WEEKS + 1 - j; // T-51, T-52, T-53
    weight += k[j]!;
    if (i > o) continue;
    const v = s.salesAt(i);
    if (!Number.isNaN(v)) sum += k[j]! * v;
  }
  return sum / weight;
}

/** Mean of the known sales in the S.stat.fallbackWeeks weeks up to O; `level` when none is known. */
function recentMean(s: SeriesHistory, o: number, level: number): number {
  const mean = windowMean(s, o, S.stat.fallbackWeeks);
  return Number.isNaN(mean) ? level : mean;
}

/** Year-over-year growth at O: positive sales over the last S.stat.growthWindow weeks / the same weeks a year earlier (weeks known in both), clipped; 1 when unknown. */
function growthAt(s: SeriesHistory, o: number): number {
  const w = S.stat.growthWindow;
  let now = 0;
  let before = 0;
  // paired weeks only: a week missing in either year (a series' first year, a gap) would read as growth or decline
  for (let i = o - w + 1; i <= o; i++) {
    const a = s.salesAt(i);
    const b = s.salesAt(i - SEASON_WEEKS);
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    now += Math.max(a, 0);
    before += Math.max(b, 0);
  }
  if (!(now > 0 && before > 0)) return 1;
  const [lo, hi] = S.stat.growthClip;
  return Math.min(hi, Math.max(lo, now / before));
}

/**
 * The windows of known sales that end at the origin (the level's and its
 * fallback, the rolling windows, the count), each once. A profile of the
 * computed predict path had the window passes as the largest part of a
 * row's features: six windows (13 and 52 weeks twice each, the 52-week
 * fallback when needed), two passes each and an object per window, where
 * three distinct windows suffice, with the std's second pass only where a
 * window has data (0.57 against 1.6 µs a row for fillOrigin + fillTarget,
 * in process). Each window's sums add the same values in the same
 * (ascending) order as before, so every figure is the same double
 * (fill.unit.test.ts holds it to the per-window code bit for bit).
 */
const ORIGIN_WINDOWS: readonly number[] = [...new Set([S.level.window, S.level.fallbackWindow, ...S.windows, S.countWindow])].sort((a, b) => b - a);
const LEVEL_SLOT = ORIGIN_WINDOWS.indexOf(S.level.window);
const FALLBACK_SLOT = ORIGIN_WINDOWS.indexOf(S.level.fallbackWindow);
const WINDOW_SLOTS = Int32Array.from(S.windows, (w) => ORIGIN_WINDOWS.indexOf(w));
const COUNT_SLOT = ORIGIN_WINDOWS.indexOf(S.countWindow);
// per window (slot): known count, sum, sum of |y|, sum of squared deviations from its mean (filling is synchronous: one set)
const wn = new Int32Array(ORIGIN_WINDOWS.length);
const wsum = new Float64Array(ORIGIN_WINDOWS.length);
const wabs = new Float64Array(ORIGIN_WINDOWS.length);
const wss = new Float64Array(ORIGIN_WINDOWS.length);

/**
 * For each ORIGIN_WINDOWS w: count, sum, sum |y| and (around the window's own
 * mean) sum of squared deviations of the known sales in indexes o-w+1..o,
 * into wn, wsum, wabs, wss. Population std = sqrt(wss / wn).
 */
function originStats(s: SeriesHistory, o: number): void {
  const sales = s.sales;
  const hi = Math.min(o, s.length - 1);
  for (let j = 0; j < ORIGIN_WINDOWS.length; j++) {
    // one window at a time with its sums in locals: cheaper than one pass updating every window's slot
    const lo = Math.max(0, o - ORIGIN_WINDOWS[j]! + 1);
    let n = 0;
    let sum = 0;
    let sumAbs = 0;
    for (let i = lo; i <= hi; i++) {
      const v = sales[i]!;
      if (Number.isNaN(v)) continue;
      n++;
      sum += v;
      sumAbs += Math.abs(v);
    }
    let ss = 0;
    if (n > 0) {
      // the deviations from the window's mean in a second pass, as before (a one-pass variance would round differently)
      const mean = sum / n;
      for (let i = lo; i <= hi; i++) {
        const v = sales[i]!;
        if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
      }
    }
    wn[j] = n;
    wsum[j] = sum;
    wabs[j] = sumAbs;
    wss[j] = ss;
  }
}

/** Mean of the known sales in indexes end-w+1..end (NaN when none is known). */
function windowMean(s: SeriesHistory, end: number, w: number): number {
  let n = 0;
  let sum = 0;
  const hi = Math.min(end, s.length - 1);
  for (let i = Math.max(0, end - w + 1); i <= hi; i++) {
    const v = s.sales[i]!;
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
  }
  return n === 0 ? NAN : sum / n;
}

/** Column of each of S.exogenous in the history's exogenous block. */
const EXO_INDEX = Int32Array.from(S.exogenous, (f) => EXOGENOUS_FIELDS.indexOf(f));

// Calendar lookups memoized by day number: a training matrix asks about the same ~150 weeks a million times.
const holidayMemo = new Map<number, boolean>();
/** Whether the week ending on day number `day` is a holiday week (domain/sales/holidays.ts calendar), memoized. */
export function holidayOfDay(day: number): boolean {
  let v = holidayMemo.get(day);
  if (v === undefined) holidayMemo.set(day, (v = isHolidayWeek(isoOfDay(day))));
  return v;
}
const woyMemo = new Map<number, number>();
function weekOfYearOfDay(day: number): number {
  let v = woyMemo.get(day);
  if (v === undefined) woyMemo.set(day, (v = weekOfYear(isoOfDay(day))));
  return v;
}
