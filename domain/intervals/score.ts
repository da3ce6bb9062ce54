/**
 * How good intervals are: empirical coverage (the share of actuals inside)
 * and the Winkler (interval) score, which adds to the width a penalty of
 * 2/alpha times the distance by which the actual falls outside, alpha = 1 -
 * level. Lower Winkler is better; a too-narrow interval pays through the
 * penalty, a too-wide one through its width.
 */

/** Winkler score of one interval [lower, upper] at nominal `level` for `actual`, in sales units. */
export function winklerScore(actual: number, lower: number, upper: number, level: number): number {
  const alpha = 1 - level;
  const width = upper - lower;
  if (actual < lower) return width + (2 / alpha) * (lower - actual);
  if (actual > upper) return width + (2 / alpha) * (actual - upper);
  return width;
}

/** Running sums for coverage and mean Winkler score at one level. */
export interface IntervalSums {
  level: number;
  n: number;
  inside: number;
  winkler: number;
}

export function emptyIntervalSums(level: number): IntervalSums {
  return { level, n: 0, inside: 0, winkler: 0 };
}

/** Adds one point; ignored when the interval or the actual is not finite. */
export function addInterval(acc: IntervalSums, actual: number, lower: number, upper: number): void {
  if (!Number.isFinite(actual) || !Number.isFinite(lower) || !Number.isFinite(upper)) return;
  acc.n++;
  if (actual >= lower && actual <= upper) acc.inside++;
  acc.winkler += winklerScore(actual, lower, upper, acc.level);
}

export interface IntervalMetrics {
  /** Nominal coverage (fraction). */
  level: number;
  n: number;
  /** Share of actuals inside the interval (fraction); NaN when n = 0. */
  coverage: number;
  /** Mean Winkler score in sales units; NaN when n = 0. */
  winkler: number;
}

export function intervalMetricsOf(acc: IntervalSums): IntervalMetrics {
  return { level: acc.level, n: acc.n, coverage: acc.n === 0 ? Number.NaN : acc.inside / acc.n, winkler: acc.n === 0 ? Number.NaN : acc.winkler / acc.n };
}
