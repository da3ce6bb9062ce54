/**
 * The one feature module: the trainer calls `buildTrainingMatrix` over every
 * series, the gateway calls `featureVector` over the history it keeps online;
 * both go through the same fill functions (fill.ts), so they cannot disagree.
 *
 * Strategy: ONE direct model with the horizon as a feature, not a recursive
 * one. A recursive model feeds its own forecasts back as lags, so errors
 * compound over h and serving needs h sequential model calls; a model per
 * horizon multiplies training time and artifacts by H. One direct model sees
 * every (origin, h) pair, shares what is common across horizons, serves any
 * h in one batched call, and makes "only data up to O" a property of the
 * features (every read checks index <= O) rather than of a loop.
 *
 * Target: z = (y(T) - level) / scale with level/scale computed at O (see the
 * spec). Series span orders of magnitude; on the raw scale a tree spends its
 * splits separating big stores from small ones. The transform's base is
 * stored in the vector itself (`level`, `scale` columns), so `inverseTarget`
 * needs nothing but the vector the model saw. Training weights each row by
 * its scale, so the squared loss on z equals raw squared error / scale: big
 * series count more (as they do in WAPE) without drowning the small ones.
 */
import { ValidationError } from '../../lib/errors.js';
import { isoOfDay, parseIsoDay } from '../../lib/weeks.js';
import { checkFills, fillOrigin, fillTarget, FILLS, holidayOfDay, type DeclaredFill } from './fill.js';
import { COL, DEFAULT_HORIZON, FEATURE_COUNT, FEATURE_SPEC, FEATURES, MAX_HORIZON, type FeatureLayout } from './spec.js';
import type { SeriesHistory } from './series-history.js';
import { DeptProfiles } from './dept-profile.js';

export * from './spec.js';
export { DeptProfiles } from './dept-profile.js';
export { FILLS, type DeclaredFill, type FillAt } from './fill.js';
export { SeriesHistory, rowOfSalesWeek, storeTypeCode, type HistoryRow } from './series-history.js';

const S = FEATURE_SPEC;

/** A layout and the fill functions of its declared features. */
export interface FeatureSet {
  readonly layout: FeatureLayout;
  readonly fills: Readonly<Record<string, DeclaredFill>>;
}

/** A feature set, checked: every declared feature has its fill and every fill its declaration. */
export function featureSet(layout: FeatureLayout, fills: Readonly<Record<string, DeclaredFill>>): FeatureSet {
  checkFills(layout, fills);
  return Object.freeze({ layout, fills });
}

/** The features every process uses (FEATURE_SPEC with FILLS); a declaration without its fill fails here, at start-up. */
export const FEATURE_SET: FeatureSet = featureSet(FEATURES, FILLS);

/**
 * The feature vector (FEATURE_COUNT float32, NaN = missing) for target week T at
 * horizon h (1..52), i.e. from origin O = T - h, which must not be later than the
 * history's last week (a later origin would silently mean a longer horizon).
 * Writes into `out` when given (e.g. `batch.subarray(r * cols)` to fill a batch in place).
 * `set` defaults to FEATURE_SET (another one only in tests of a new feature).
 */
export function featureVector(history: SeriesHistory, targetWeek: string, horizon: number, out?: Float32Array, set: FeatureSet = FEATURE_SET): Float32Array {
  checkHorizon('horizon', horizon);
  const cols = set.layout.count;
  out ??= new Float32Array(cols);
  const t = history.indexOf(targetWeek);
  if (t - horizon > history.length - 1) {
    throw new ValidationError('horizon', `>= ${t - history.length + 1}: the origin T-h must be a week up to ${history.weekAt(history.length - 1)}, the last one received`, horizon);
  }
  if (out.length < cols) throw new ValidationError('out', `room for ${cols} values`, out.length);
  fillOrigin(history, t - horizon, out);
  fillTarget(history, t, horizon, out, set.layout, set.fills);
  return out;
}

/** Model target z for an actual y, given the row's level and scale (both float32 as stored in the vector). */
export function toTarget(actual: number, level: number, scale: number): number {
  return (actual - level) / scale;
}

/** Sales forecast from a model output z and the vector the model scored (`offset` = row start in a batch). */
export function inverseTarget(z: number, vector: ArrayLike<number>, offset = 0): number {
  return (vector[offset + COL.level] as number) + (vector[offset + COL.scale] as number) * z;
}

/** Inverse transform of a batch of model outputs over a row-major X (rows x FEATURE_COUNT). */
export function inverseTargets(z: ArrayLike<number>, X: Float32Array): Float64Array {
  const out = new Float64Array(z.length);
  for (let r = 0; r < z.length; r++) out[r] = inverseTarget(z[r] as number, X, r * FEATURE_COUNT);
  return out;
}

export interface MatrixOptions {
  /** H: rows are built for every h in 1..H. Default 4, max 52. */
  horizon?: number;
  /** First target week kept (inclusive); default: no bound. */
  fromWeek?: string;
  /** Last target week kept (inclusive), e.g. the data cut-off; default: no bound. */
  toWeek?: string;
  /** Keep only rows whose actual y(T) is known (training, holdout). Default true. */
  requireActual?: boolean;
  /**
   * Row budget: when more rows qualify, a deterministic pseudo-random subset of
   * about this many is kept (hashed on series, origin and h, so the same data
   * always gives the same rows). Default: no budget.
   */
  maxRows?: number;
  /** The features to compute; default FEATURE_SET (another one only in tests of a new feature). */
  features?: FeatureSet;
}

/** Row metadata, columnar (a million objects would cost more than the matrix). */
export interface MatrixMeta {
  store: Int32Array;
  dept: Int32Array;
  /** Target week T as a day number (days since 1970-01-01); `isoOfDay` gives the date. */
  day: Int32Array;
  horizon: Uint8Array;
  /** The data's holiday flag at T when known, else the calendar's. */
  isHoliday: Uint8Array;
}

export interface TrainingMatrix {
  /** Row-major features, rows x cols. */
  X: Float32Array;
  /** Model target z (transformed); NaN when the actual is unknown. */
  y: Float32Array;
  /** Training weight per row (the row's scale). */
  w: Float32Array;
  /** The actual sales y(T) on the original scale (NaN when unknown). */
  actual: Float64Array;
  rows: number;
  cols: number;
  names: readonly string[];
  meta: MatrixMeta;
  /** Fraction of the qualifying rows kept (1 unless `maxRows` was exceeded) and how many qualified. */
  sample?: { rate: number; candidates: number };
}

/** One row's metadata as an object (for logs and tests, not hot loops). */
export function metaRow(m: TrainingMatrix, r: number) {
  return {
    store: m.meta.store[r] as number,
    dept: m.meta.dept[r] as number,
    week: isoOfDay(m.meta.day[r] as number),
    horizon: m.meta.horizon[r] as number,
    isHoliday: m.meta.isHoliday[r] === 1,
  };
}

/**
 * Rows for every series, origin O in the series, h in 1..H and target T = O + h
 * within [fromWeek, toWeek]; rows whose level is unknown (no data in the 52
 * weeks up to O) are dropped, as are rows without an actual when required.
 */
export function buildTrainingMatrix(allSeries: Iterable<SeriesHistory>, opts: MatrixOptions = {}): TrainingMatrix {
  const H = opts.horizon ?? DEFAULT_HORIZON;
  checkHorizon('horizon', H);
  const from = opts.fromWeek === undefined ? -Infinity : dayOf('fromWeek', opts.fromWeek);
  const to = opts.toWeek === undefined ? Infinity : dayOf('toWeek', opts.toWeek);
  const requireActual = opts.requireActual ?? true;
  const set = opts.features ?? FEATURE_SET;
  const series = [...allSeries];
  // histories that belong to a collection (the gateway's store, a backtest's as-of view) keep its profiles
  const profiles = new DeptProfiles(() => series);
  for (const s of series) s.profiles ??= profiles;

  // Pass 1 counts rows with cheap prefix counts so pass 2 writes into exact-size arrays.
  const { known, rows, rate, candidates } = countRows(series, H, from, to, requireActual, opts.maxRows);

  const cols = set.layout.count;
  const X = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  const w = new Float32Array(rows);
  const actual = new Float64Array(rows);
  const meta: MatrixMeta = {
    store: new Int32Array(rows),
    dept: new Int32Array(rows),
    day: new Int32Array(rows),
    horizon: new Uint8Array(rows),
    isHoliday: new Uint8Array(rows),
  };
  const vec = new Float32Array(cols);
  let r = 0;
  series.forEach((s, si) => {
    let filledOrigin = -1;
    forEachRow(s, known[si]!, H, from, to, requireActual, rate, (o, h) => {
      if (o !== filledOrigin) {
        fillOrigin(s, o, vec);
        filledOrigin = o;
      }
      const t = o + h;
      fillTarget(s, t, h, vec, set.layout, set.fills);
      X.set(vec, r * cols);
      const a = s.salesAt(t);
      actual[r] = a;
      y[r] = toTarget(a, vec[COL.level] as number, vec[COL.scale] as number);
      w[r] = vec[COL.scale] as number;
      const day = s.firstDay + 7 * t;
      meta.store[r] = s.store;
      meta.dept[r] = s.dept;
      meta.day[r] = day;
      meta.horizon[r] = h;
      const flag = t < s.length ? (s.holiday[t] as number) : 255;
      meta.isHoliday[r] = flag === 255 ? (holidayOfDay(day) ? 1 : 0) : flag;
      r++;
    });
  });
  return { X, y, w, actual, rows, cols, names: set.layout.names, meta, sample: { rate, candidates } };
}

/**
 * Pass 1 of buildTrainingMatrix: each series' prefix counts of known weeks,
 * the candidate rows, the sampling rate that keeps at most `maxRows` of them,
 * and the rows kept at that rate.
 */
function countRows(series: readonly SeriesHistory[], H: number, from: number, to: number, requireActual: boolean, maxRows: number | undefined) {
  const known: Int32Array[] = [];
  let rows = 0;
  for (const s of series) {
    const pre = prefixKnown(s);
    known.push(pre);
    forEachRow(s, pre, H, from, to, requireActual, 1, () => rows++);
  }
  const candidates = rows;
  const rate = maxRows !== undefined && rows > maxRows ? maxRows / rows : 1;
  if (rate < 1) {
    rows = 0;
    series.forEach((s, si) => forEachRow(s, known[si]!, H, from, to, requireActual, rate, () => rows++));
  }
  return { known, rows, rate, candidates };
}

/** Calls `emit(o, h)` for each kept row of a series, origins ascending then h ascending. */
function forEachRow(
  s: SeriesHistory,
  pre: Int32Array,
  H: number,
  from: number,
  to: number,
  requireActual: boolean,
  rate: number,
  emit: (o: number, h: number) => void,
): void {
  const lw = Math.max(S.level.window, S.level.fallbackWindow);
  for (let o = 0; o < s.length; o++) {
    if (pre[o + 1]! - pre[Math.max(0, o - lw + 1)]! === 0) continue; // level unknown at O
    for (let h = 1; h <= H; h++) {
      const t = o + h;
      const day = s.firstDay + 7 * t;
      if (day < from || day > to) continue;
      if (requireActual && Number.isNaN(s.salesAt(t))) continue;
      if (rate < 1 && rowHash(s.store, s.dept, day, h) >= rate) continue;
      emit(o, h);
    }
  }
}

/** A uniform value in [0, 1) fixed by (store, dept, target day, h): the row sample is reproducible. */
export function rowHash(store: number, dept: number, day: number, h: number): number {
  let x = Math.imul(store + 0x9e37, 0x85ebca6b) ^ Math.imul(dept + 0x7f4a, 0xc2b2ae35) ^ Math.imul(day, 0x27d4eb2f) ^ Math.imul(h, 0x165667b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d);
  x ^= x >>> 12;
  x = Math.imul(x, 0x297a2d39);
  x ^= x >>> 15;
  return (x >>> 0) / 4294967296;
}

/** pre[i] = number of known sales in indexes [0, i). */
function prefixKnown(s: SeriesHistory): Int32Array {
  const pre = new Int32Array(s.length + 1);
  for (let i = 0; i < s.length; i++) pre[i + 1] = pre[i]! + (Number.isNaN(s.sales[i]!) ? 0 : 1);
  return pre;
}

function checkHorizon(field: string, h: number): void {
  if (!Number.isInteger(h) || h < 1 || h > MAX_HORIZON) throw new ValidationError(field, `an integer 1..${MAX_HORIZON}`, h);
}

function dayOf(field: string, week: string): number {
  const d = parseIsoDay(week);
  if (d === null) throw new ValidationError(field, 'an ISO date YYYY-MM-DD', week);
  return d;
}
