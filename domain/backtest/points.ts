/**
 * Every (cut-off, series, horizon) point with an actual, and each method's
 * forecast for it, stored by column (a full-scale backtest has ~500k points).
 */

/** The forecasts compared, in report order. */
export const METHODS = ['model', 'seasonalNaive', 'lastValue', 'mean4'] as const;
export type Method = (typeof METHODS)[number];

/** Column names of the methods in CSV files. */
export const METHOD_COLUMNS: Record<Method, string> = {
  model: 'model',
  seasonalNaive: 'seasonal_naive',
  lastValue: 'last_value',
  mean4: 'mean_4',
};

/** The model's interval bounds kept per point (NaN when the model had no calibration there). */
export const BOUNDS = ['lower80', 'upper80', 'lower95', 'upper95'] as const;
export type Bound = (typeof BOUNDS)[number];
/** The nominal level of each interval and its two bound columns. */
export const INTERVAL_COLUMNS: readonly { level: number; lower: Bound; upper: Bound }[] = [
  { level: 0.8, lower: 'lower80', upper: 'upper80' },
  { level: 0.95, lower: 'lower95', upper: 'upper95' },
];

export interface Point {
  /** Index into the backtest's cut-off list. */
  cutoff: number;
  /** Index of the series in the log. */
  series: number;
  horizon: number;
  /** Target week, days since 1970-01-01. */
  targetDay: number;
  holiday: boolean;
  actual: number;
  forecasts: Record<Method, number>;
  /** The model's interval bounds; omitted = none. */
  bounds?: Partial<Record<Bound, number>>;
}

export class PointSet {
  readonly cutoff: number[] = [];
  readonly series: number[] = [];
  readonly horizon: number[] = [];
  readonly targetDay: number[] = [];
  readonly holiday: number[] = [];
  readonly actual: number[] = [];
  readonly forecasts: Record<Method, number[]> = { model: [], seasonalNaive: [], lastValue: [], mean4: [] };
  readonly bounds: Record<Bound, number[]> = { lower80: [], upper80: [], lower95: [], upper95: [] };

  get length(): number {
    return this.actual.length;
  }

  push(p: Point): void {
    this.cutoff.push(p.cutoff);
    this.series.push(p.series);
    this.horizon.push(p.horizon);
    this.targetDay.push(p.targetDay);
    this.holiday.push(p.holiday ? 1 : 0);
    this.actual.push(p.actual);
    for (const m of METHODS) this.forecasts[m].push(p.forecasts[m]);
    for (const b of BOUNDS) this.bounds[b].push(p.bounds?.[b] ?? Number.NaN);
  }
}
