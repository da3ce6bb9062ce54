/**
 * Splits histories into a training matrix and a holdout matrix by time. The
 * holdout is the last `holdoutWeeks` target weeks of the data; the model never
 * sees a target from it, while its features still use every week up to each
 * row's own origin (a rolling-origin backtest with one fixed model).
 */
import { ValidationError } from '../../lib/errors.js';
import { addWeeks, isoOfDay } from '../../lib/weeks.js';
import { buildTrainingMatrix, DEFAULT_HORIZON, type TrainingMatrix } from '../../domain/features/features.js';
import type { SeriesHistory } from '../../domain/features/series-history.js';
import { trainRowBudget, trainWindowWeeks } from '../../domain/training/window.js';

export interface SplitOptions {
  /** H, forecast horizon in weeks (1..52); default 4. */
  horizon?: number;
  /** Target weeks at the end kept out of training for scoring; default 8. */
  holdoutWeeks?: number;
  /** Only the last N target weeks before the holdout train the model; default `trainWindowWeeks(horizon)` (0 = all). */
  trainWeeks?: number;
  /** Training rows kept at most (a reproducible random subset beyond); default `trainRowBudget(horizon)`. */
  maxTrainRows?: number;
  /** Last week of data to use (ISO date); default the latest week of any series. */
  cutoffWeek?: string;
}

export interface Dataset {
  train: TrainingMatrix;
  holdout: TrainingMatrix;
  /** Holdout target weeks, ascending. */
  holdoutWeeks: string[];
  /** Latest week of data used. */
  dataMaxWeek: string;
}

/** Training and holdout matrices over the same series, split by target week. */
export function splitByTime(series: readonly SeriesHistory[], opts: SplitOptions = {}): Dataset {
  const horizon = opts.horizon ?? DEFAULT_HORIZON;
  const holdoutWeeks = opts.holdoutWeeks ?? 8;
  if (!Number.isInteger(holdoutWeeks) || holdoutWeeks < 1) throw new ValidationError('holdoutWeeks', 'an integer >= 1', holdoutWeeks);
  let maxDay = -Infinity;
  for (const s of series) if (s.length > 0) maxDay = Math.max(maxDay, s.firstDay + 7 * (s.length - 1));
  if (!Number.isFinite(maxDay)) throw new ValidationError('series', 'at least one series with data', series.length);
  const dataMaxWeek = opts.cutoffWeek ?? isoOfDay(maxDay);
  const holdoutFrom = addWeeks(dataMaxWeek, -holdoutWeeks + 1);
  const trainTo = addWeeks(holdoutFrom, -1);
  const trainWeeks = opts.trainWeeks ?? trainWindowWeeks(horizon);
  const trainFrom = trainWeeks > 0 ? addWeeks(trainTo, -trainWeeks + 1) : undefined;
  const maxRows = opts.maxTrainRows ?? trainRowBudget(horizon);
  return {
    train: buildTrainingMatrix(series, { horizon, toWeek: trainTo, maxRows, ...(trainFrom ? { fromWeek: trainFrom } : {}) }),
    holdout: buildTrainingMatrix(series, { horizon, fromWeek: holdoutFrom, toWeek: dataMaxWeek }),
    holdoutWeeks: Array.from({ length: holdoutWeeks }, (_, i) => addWeeks(holdoutFrom, i)),
    dataMaxWeek,
  };
}

/** The rows of a matrix where `keep(r)`, copied with their metadata (a new matrix of the same layout). */
export function takeRows(m: TrainingMatrix, keep: (r: number) => boolean): TrainingMatrix {
  const idx: number[] = [];
  for (let r = 0; r < m.rows; r++) if (keep(r)) idx.push(r);
  const n = idx.length;
  const X = new Float32Array(n * m.cols);
  idx.forEach((r, i) => X.set(m.X.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  const pick = <A extends Float32Array | Float64Array | Int32Array | Uint8Array>(a: A, make: new (n: number) => A): A => {
    const out = new make(n);
    idx.forEach((r, i) => (out[i] = a[r] as number));
    return out;
  };
  return {
    X,
    y: pick(m.y, Float32Array),
    w: pick(m.w, Float32Array),
    actual: pick(m.actual, Float64Array),
    rows: n,
    cols: m.cols,
    names: m.names,
    meta: {
      store: pick(m.meta.store, Int32Array),
      dept: pick(m.meta.dept, Int32Array),
      day: pick(m.meta.day, Int32Array),
      horizon: pick(m.meta.horizon, Uint8Array),
      isHoliday: pick(m.meta.isHoliday, Uint8Array),
    },
  };
}

/**
 * Splits `train` by time into the rows to fit on and the early-stopping rows:
 * the last `validWeeks` target weeks (0 = none). With `maxTrainWeeks` > 0 only
 * targets within that many weeks of the last one are kept (validation weeks
 * included). Throws ValidationError when nothing is left to fit on.
 */
export function earlyStoppingSplit(train: TrainingMatrix, validWeeks: number, maxTrainWeeks = 0): { fit: TrainingMatrix; valid: TrainingMatrix } {
  const lastDay = train.meta.day.reduce((a, b) => Math.max(a, b), -Infinity);
  const firstDay = maxTrainWeeks > 0 ? lastDay - 7 * (maxTrainWeeks - 1) : -Infinity;
  const isValid = (r: number) => validWeeks > 0 && (train.meta.day[r] as number) > lastDay - 7 * validWeeks;
  const fit = takeRows(train, (r) => !isValid(r) && (train.meta.day[r] as number) >= firstDay);
  if (fit.rows === 0) throw new ValidationError('validWeeks', `fewer weeks than the ${validWeeks} the training rows span`, validWeeks);
  return { fit, valid: takeRows(train, isValid) };
}
