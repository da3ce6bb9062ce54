/**
 * The two matrices a cut-off needs, built with the trainer's feature module
 * from the as-of histories: training rows whose targets are known at the
 * cut-off, and the forecast rows from the cut-off itself (origin C, h = 1..H).
 */
import { addWeeks, isoOfDay } from '../../lib/weeks.js';
import { buildTrainingMatrix, COL, FEATURE_COUNT, FEATURE_NAMES, featureVector, type SeriesHistory, type TrainingMatrix } from '../../domain/features/features.js';

export interface ForecastRows {
  /** In the trainer's matrix shape (y and actual are NaN: the future is not in the as-of data). */
  matrix: TrainingMatrix;
  /** Per row, the index of its series in the log. */
  series: Int32Array;
  /** Series with data but no known sales in the 52 weeks up to the cut-off: no level, no forecast. */
  noLevel: number;
  /** Series whose weeks fall on another weekday than the cut-off (a data set mixing week grids). */
  offGrid: number;
}

/** Forecast rows for every series at origin `cutoffDay` and h = 1..H; histories must reach the cut-off (AsOfView pads them). */
export function forecastRows(histories: readonly SeriesHistory[], cutoffDay: number, H: number): ForecastRows {
  const cols = FEATURE_COUNT;
  const cap = histories.length * H;
  const X = new Float32Array(cap * cols);
  const series = new Int32Array(cap);
  const store = new Int32Array(cap);
  const dept = new Int32Array(cap);
  const day = new Int32Array(cap);
  const horizon = new Uint8Array(cap);
  const isHoliday = new Uint8Array(cap);
  let rows = 0;
  let noLevel = 0;
  let offGrid = 0;
  histories.forEach((s, si) => {
    if (s.length === 0) return;
    if (s.firstDay + 7 * (s.length - 1) !== cutoffDay) {
      offGrid++;
      return;
    }
    for (let h = 1; h <= H; h++) {
      const target = cutoffDay + 7 * h;
      const v = featureVector(s, isoOfDay(target), h, X.subarray(rows * cols, (rows + 1) * cols));
      if (h === 1 && Number.isNaN(v[COL.level] as number)) {
        noLevel++;
        return;
      }
      series[rows] = si;
      store[rows] = s.store;
      dept[rows] = s.dept;
      day[rows] = target;
      horizon[rows] = h;
      isHoliday[rows] = v[COL.holiday] === 1 ? 1 : 0;
      rows++;
    }
  });
  const nan = () => new Float32Array(rows).fill(Number.NaN);
  return {
    matrix: {
      X: X.slice(0, rows * cols),
      y: nan(),
      w: new Float32Array(rows).fill(1),
      actual: new Float64Array(rows).fill(Number.NaN),
      rows,
      cols,
      names: FEATURE_NAMES,
      meta: { store: store.slice(0, rows), dept: dept.slice(0, rows), day: day.slice(0, rows), horizon: horizon.slice(0, rows), isHoliday: isHoliday.slice(0, rows) },
    },
    series: series.slice(0, rows),
    noLevel,
    offGrid,
  };
}

export interface TrainingRows {
  matrix: TrainingMatrix;
  /** Fraction of the qualifying rows kept (1 = all; below 1 the row budget was exceeded). */
  sampleRate: number;
}

/**
 * Training rows at a cut-off: targets up to it for h = 1..H, within the last
 * `trainWeeks` weeks (0 = all history, see domain/training/window.ts). Above
 * `maxRows` a reproducible random subset of the rows is kept, so memory and
 * fit time stay bounded for large H on many series.
 */
export function trainingRows(histories: readonly SeriesHistory[], cutoffDay: number, H: number, trainWeeks: number, maxRows: number): TrainingRows {
  const toWeek = isoOfDay(cutoffDay);
  const window = trainWeeks > 0 ? { fromWeek: addWeeks(toWeek, -(trainWeeks - 1)) } : {};
  const matrix = buildTrainingMatrix(histories, { horizon: H, toWeek, maxRows, ...window });
  return { matrix, sampleRate: matrix.sample?.rate ?? 1 };
}
