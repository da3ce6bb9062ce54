import { UnprocessableError, ValidationError } from '../../lib/errors.js';
import { EXOGENOUS_FIELDS } from '../../schemas/types.js';
import { COL, FEATURE_COUNT, featureVector, type SeriesHistory } from '../../domain/features/features.js';
import type { SeriesStore } from '../state/series-store.js';
import type { PredictItem } from '../api/schemas.js';
import { dayOfName, weekName } from './week-names.js';

/** One row to score: the series, the target index t and the horizon h (origin o = t - h). */
export interface ScoringRow {
  history: SeriesHistory;
  t: number;
  /** ISO date of the target week (index t). */
  week: string;
  horizon: number;
  /** Exogenous overrides (column offset within the exogenous block -> value). */
  overrides?: [number, number][];
}

/**
 * Turns a request item into a scoring row, or throws an UnprocessableError /
 * NotFoundError naming the field (prefixed `items.<i>.` in a batch: `prefix`
 * is that text, or the item's index i, made into the text only for an error). Without
 * a horizon the origin is the series' last known week, or the week before
 * the target when the target is already known (a one-week-ahead forecast).
 */
export function resolveItem(store: SeriesStore, item: PredictItem, maxHorizon: number, version: number, prefix: string | number = ''): ScoringRow {
  const history = store.get(item.store, item.dept);
  const last = history.length - 1;
  // the same check as SeriesHistory.indexOf, on a memoized day number (this runs for every row of every request)
  const day = dayOfName(item.week);
  if (day === null) throw new ValidationError(`${field(prefix)}week`, 'an ISO date YYYY-MM-DD', item.week);
  const off = day - history.firstDay;
  if (off % 7 !== 0) throw new UnprocessableError(`${field(prefix)}week`, `a date a whole number of weeks from ${history.weekAt(0)}`, item.week);
  const t = off / 7;
  let horizon: number;
  if (item.horizon !== undefined) {
    horizon = item.horizon;
    if (horizon > maxHorizon) throw new UnprocessableError(`${field(prefix)}horizon`, `an integer 1..${maxHorizon} (the horizon model v${version} was trained for)`, horizon);
    if (t - horizon > last) {
      throw new UnprocessableError(`${field(prefix)}horizon`, `at least ${t - last}: the series' last known week is ${history.weekAt(last)}`, horizon);
    }
  } else {
    horizon = t - Math.min(last, t - 1);
    if (horizon > maxHorizon) {
      throw new UnprocessableError(
        `${field(prefix)}week`,
        `a week at most ${maxHorizon} weeks after ${history.weekAt(last)}, the series' last known week (model v${version} horizon)`,
        item.week,
      );
    }
  }
  if (t - horizon < 0) throw new UnprocessableError(`${field(prefix)}week`, `a week after the series' first week ${history.weekAt(0)}`, item.week);
  // no array for the usual item without what-ifs (this runs for every row of every request)
  let overrides: [number, number][] | undefined;
  for (let i = 0; i < EXOGENOUS_FIELDS.length; i++) {
    const v = item[EXOGENOUS_FIELDS[i]!];
    if (v !== undefined) (overrides ??= []).push([i, v === null ? Number.NaN : v]);
  }
  return { history, t, week: item.week, horizon, overrides };
}

/** The field prefix of an item: its text, or `items.<i>.` for index i. */
function field(prefix: string | number): string {
  return typeof prefix === 'number' ? `items.${prefix}.` : prefix;
}

/** A scoring row for index t of a series (forecasts and series views, where no request names the week). */
export function rowAt(history: SeriesHistory, t: number, horizon: number): ScoringRow {
  return { history, t, week: weekName(history.firstDay, t), horizon };
}

/**
 * Writes the feature rows into one row-major matrix through the shared
 * feature module. Throws an UnprocessableError on a row whose origin has no known
 * sales in the level window (its forecast would be undefined).
 */
export function buildMatrix(rows: readonly ScoringRow[], fieldOf: (i: number) => string = () => 'week'): Float32Array {
  const X = new Float32Array(rows.length * FEATURE_COUNT);
  rows.forEach((r, i) => {
    // written in place: one matrix, no per-row vectors to copy
    const v = featureVector(r.history, r.week, r.horizon, X.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT));
    if (Number.isNaN(v[COL.level]!)) {
      throw new UnprocessableError(fieldOf(i), `a week whose origin ${weekName(r.history.firstDay, r.t - r.horizon)} has known sales in the year before it`, r.week);
    }
    if (r.overrides) for (const [k, value] of r.overrides) v[COL.exo + k] = value;
  });
  return X;
}
