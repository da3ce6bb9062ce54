/**
 * The computed half of POST /v1/predict (what the forecast projection does
 * not hold: past origins, what-ifs, a model named by ?alias=), written for
 * batches. A profile of batches of 100 past origins showed the time outside
 * the model spread over per-row objects: a subarray view and a feature call
 * that re-parsed the week per row, an interval context, Mondrian group names
 * built as strings and looked up per level, interval and Prediction objects,
 * then JSON.stringify of each. Here:
 *   - the rows' features go into one Float32Array for the batch, filled by
 *     the shared fill functions (fillOrigin, fillTarget: the same calls the
 *     trainer's matrix makes) through one scratch vector;
 *   - intervals come from the model's compiled table (interval-table.ts)
 *     into one array per level and bound;
 *   - each prediction is written as JSON text directly, in the key order and
 *     number format JSON.stringify(toPrediction(...)) gives (the unit test
 *     compares the two byte for byte).
 */
import { UnprocessableError } from '../../lib/errors.js';
import { SEASON_WEEKS } from '../../domain/baselines/baselines.js';
import { COL, FEATURE_COUNT, FEATURE_SPEC } from '../../domain/features/features.js';
import { fillOrigin, fillTarget } from '../../domain/features/fill.js';
import type { LoadedModel } from '../model/holder.js';
import { coalescing } from './coalesce.js';
import { intervalTable, writeIntervals } from './interval-table.js';
import { forecastsOf } from './predictor.js';
import type { ScoringRow } from './resolve.js';
import { weekName } from './week-names.js';

const F = FEATURE_COUNT;
/** Column of slag_52 (the value a year before the target): the year-ago-known part of an interval's context. */
const YEAR_AGO = COL.seasonal + FEATURE_SPEC.seasonalLags.indexOf(SEASON_WEEKS);
// one vector the fill functions write into before it is copied into the batch (filling is synchronous)
const scratch = new Float32Array(F);

/** A finite number as JSON.stringify writes it; anything else as null, as JSON.stringify does. */
const num = (x: number) => (Number.isFinite(x) ? String(x) : 'null');

/**
 * JSON of `x` as num writes it; through centsJson when x is a whole number of
 * cents (sales usually are: then its shortest decimal is the cents' one).
 */
export function numJson(x: number): string {
  return Number.isFinite(x) && Math.abs(x) < 1e13 && Math.round(x * 100) / 100 === x ? centsJson(x) : num(x);
}

/**
 * JSON of `x` rounded to cents, as num(Math.round(x * 100) / 100) writes it,
 * from the integer number of cents: formatting a double took 350-600 ns here
 * against 100-250 ns for the integers, and a prediction has five such
 * numbers. Past 1e13 (where a cent is no longer a short decimal of a double)
 * it leaves the formatting to String.
 */
export function centsJson(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (!(Math.abs(x) < 1e13)) return String(Math.round(x * 100) / 100);
  let c = Math.round(x * 100);
  let sign = '';
  if (c < 0) {
    sign = '-';
    c = -c;
  }
  // c is a whole number of cents >= 0 (a -0 from rounding a tiny negative writes "0", as String(-0) does)
  const whole = Math.floor(c / 100);
  const frac = c - whole * 100;
  if (frac === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${frac % 10 === 0 ? frac / 10 : frac < 10 ? `0${frac}` : frac}`;
}

/**
 * The serialized predictions of rows[idx[k]] for every k, computed now by
 * `model` (source "computed", modelAlias `alias`). Throws an
 * UnprocessableError naming `fieldOf(idx[k])` for a row whose origin has no
 * known sales in the year before it.
 */
export async function computedPredictions(model: LoadedModel, rows: readonly ScoringRow[], idx: readonly number[], fieldOf: (i: number) => string, alias: string): Promise<string[]> {
  const m = idx.length;
  const X = new Float32Array(m * F);
  // everything read from the histories is read before the await: the follower keeps applying weeks meanwhile
  const heads: string[] = new Array(m);
  const actuals: string[] = new Array(m);
  const days = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const r = rows[idx[k]!]!;
    const s = r.history;
    const o = r.t - r.horizon;
    // as a fresh vector: a column neither fill function writes stays 0, never the last row's value
    // (loops, not fill/set: for 38 values the builtins' call costs more than the copy)
    for (let c = 0; c < F; c++) scratch[c] = 0;
    fillOrigin(s, o, scratch);
    fillTarget(s, r.t, r.horizon, scratch);
    if (Number.isNaN(scratch[COL.level]!)) {
      throw new UnprocessableError(fieldOf(idx[k]!), `a week whose origin ${weekName(s.firstDay, o)} has known sales in the year before it`, r.week);
    }
    if (r.overrides) for (const [c, value] of r.overrides) scratch[COL.exo + c] = value;
    for (let c = 0, at = k * F; c < F; c++) X[at + c] = scratch[c]!;
    days[k] = s.firstDay + 7 * r.t;
    // the week is a real ISO date here (resolveItem checked it, rowAt named it): no character to escape, so no JSON.stringify (0.1 µs a row)
    heads[k] = `{"store":${s.store},"dept":${s.dept},"week":"${r.week}","horizon":${r.horizon},"origin":"${weekName(s.firstDay, o)}","forecast":`;
    actuals[k] = numJson(s.salesAt(r.t));
  }
  // small calls of the same loop turn share one model run (coalesce.ts)
  const forecasts = forecastsOf(model, X, await coalescing(model.scorer).score(X, m));
  const c = model.intervals;
  const levels = c ? c.levels.map((l) => `{"level":${num(l)},"lower":`) : [];
  const lower = levels.map(() => new Float64Array(m));
  const upper = levels.map(() => new Float64Array(m));
  if (c) {
    const table = intervalTable(c);
    for (let k = 0; k < m; k++) {
      writeIntervals(table, k, rows[idx[k]!]!.horizon, forecasts[k]!, X[k * F + COL.scale]!, days[k]!, Number.isFinite(X[k * F + YEAR_AGO]!), lower, upper);
    }
  }
  const tail = `,"modelVersion":${model.version},"modelAlias":${JSON.stringify(alias)},"source":"computed"}`;
  const out: string[] = new Array(m);
  for (let k = 0; k < m; k++) {
    let iv = '';
    for (let li = 0; li < levels.length; li++) {
      const lo = lower[li]![k]!;
      if (Number.isNaN(lo)) continue;
      iv += `${iv === '' ? '' : ','}${levels[li]}${centsJson(lo)},"upper":${centsJson(upper[li]![k]!)}}`;
    }
    out[k] = `${heads[k]}${centsJson(forecasts[k]!)},"intervals":[${iv}],"actual":${actuals[k]}${tail}`;
  }
  return out;
}
