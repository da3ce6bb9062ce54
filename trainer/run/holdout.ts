/**
 * The time-based holdout: the last K weeks up to the cut-off are never
 * trained on; every forecast (model, both baselines, the champion) is scored
 * on exactly the same holdout points. Rows inside the holdout use only data
 * up to their own origin (the feature module guarantees it), so a holdout row
 * at horizon h is what a forecast made h weeks earlier would have seen.
 */
import { ValidationError } from '../../lib/errors.js';
import { splitByTime } from './dataset.js';
import type { SeriesHistory, TrainingMatrix } from '../../domain/features/features.js';
import { baselineForecasts } from '../../domain/baselines/baselines.js';
import { compareOnSamePoints, type Comparison } from '../../domain/registry/metrics.js';
import { compareByBand, type BandComparison } from '../../domain/registry/bands.js';
import { calibrateOnRows, type CalibrationPart, type ConformalIntervals } from '../../domain/intervals/conformal.js';

export interface HoldoutSplit {
  train: TrainingMatrix;
  holdout: TrainingMatrix;
  /** The K holdout weeks (ISO), oldest first; the last one is the cut-off. */
  holdoutWeeks: string[];
}

/**
 * Builds the training rows (targets before the holdout) and the holdout rows
 * (targets in the last `holdoutWeeks` weeks up to `cutoffWeek`) with the
 * feature module's own split, and refuses a split with nothing on either side.
 */
export function splitHoldout(series: readonly SeriesHistory[], o: { cutoffWeek: string; holdoutWeeks: number; horizon: number }): HoldoutSplit {
  const { train, holdout, holdoutWeeks } = splitByTime(series, o);
  const K = o.holdoutWeeks;
  if (train.rows === 0) throw new ValidationError('data', `training rows before the ${K}-week holdout (the data ends ${o.cutoffWeek})`, 0);
  if (holdout.rows === 0) throw new ValidationError('data', `holdout rows in the ${K} weeks up to ${o.cutoffWeek}`, 0);
  return { train, holdout, holdoutWeeks };
}

/**
 * Scores the model, seasonal-naive, last-value and (when given) the champion
 * on the holdout points where every one of them has a forecast.
 */
export function scoreHoldout(
  split: HoldoutSplit,
  series: ReadonlyMap<string, SeriesHistory>,
  model: Float64Array,
  champion: Float64Array | null,
): Comparison {
  const { holdout } = split;
  return compareOnSamePoints(holdout.actual, holdout.meta.isHoliday, holdoutForecasts(holdout, series, model, champion));
}

/** The same comparison within each horizon band of 1..H (the promotion policy's long-horizon guard). */
export function scoreHoldoutBands(
  split: HoldoutSplit,
  series: ReadonlyMap<string, SeriesHistory>,
  model: Float64Array,
  champion: Float64Array | null,
  H: number,
): BandComparison[] {
  const { holdout } = split;
  return compareByBand(holdout.actual, holdout.meta.isHoliday, holdout.meta.horizon, holdoutForecasts(holdout, series, model, champion), H);
}

/**
 * Conformal intervals from the holdout and, when given, the early-stopping
 * validation rows: the model never trained on either's targets, so its errors
 * there are out of sample, as a served forecast's are (the validation rows
 * chose the stopping round, so theirs are mildly optimistic; see conformal.ts).
 */
export function holdoutIntervals(split: HoldoutSplit, model: Float64Array, H: number, validation?: CalibrationPart): ConformalIntervals {
  return calibrateOnRows([{ rows: split.holdout, predictions: model }, ...(validation ? [validation] : [])], H);
}

function holdoutForecasts(holdout: TrainingMatrix, series: ReadonlyMap<string, SeriesHistory>, model: Float64Array, champion: Float64Array | null) {
  const base = baselineForecasts(series, holdout.meta);
  const forecasts: Record<string, ArrayLike<number>> = { model, seasonalNaive: base.seasonalNaive, lastValue: base.lastValue };
  if (champion) forecasts.champion = champion;
  return forecasts;
}
