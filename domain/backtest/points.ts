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
}

export class PointSet {
  readonly cutoff: number[] = [];
  readonly series: number[] = [];
  readonly horizon: number[] = [];
  readonly targetDay: number[] = [];
  readonly holiday: number[] = [];
  readonly actual: number[] = [];
  readonly forecasts: Record<Method, number[]> = { model: [], seasonalNaive: [], lastValue: [], mean4: [] };

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
  }
}
