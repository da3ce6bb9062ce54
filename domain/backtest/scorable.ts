/**
 * Which cut-offs a backtest can score: cut-off c is scored on h = 1..H when
 * the H weeks after it have actual sales, so the last scorable cut-off is
 * the latest week of the data minus H weeks. A later cut-off would leave
 * part of the report blank (no actual to compare with), so the gateway and
 * the dashboard's form refuse ranges that reach past it. Pure.
 */
import type { FieldProblem } from '../../lib/errors.js';
import { addWeeks } from '../../lib/weeks.js';
import type { CutoffSpec } from './request.js';

/** The last cut-off whose `horizon` following weeks are all in the data (YYYY-MM-DD). */
export function lastScorableCutoff(latestWeek: string, horizon: number): string {
  return addWeeks(latestWeek, -horizon);
}

/** What a cut-off after the last scorable one is told: the field, the last scorable cut-off and why. */
export function scorableExpectation(latestWeek: string, horizon: number): string {
  return `a cut-off on or before ${lastScorableCutoff(latestWeek, horizon)}, the last one whose ${horizon} week${horizon === 1 ? '' : 's'} after it have actual sales to score (the data ends ${latestWeek})`;
}

/**
 * The problems of cut-offs that cannot be scored: for a range, `to` (and
 * `from`) after the last scorable cut-off. A count (the last N weeks) is the
 * trainer's choice of weeks and is not judged here. No data yet (latestWeek
 * null): nothing to judge, the trainer says why it cannot run.
 */
export function unscorableProblems(cutoffs: CutoffSpec, horizon: number, latestWeek: string | null): FieldProblem[] {
  if (cutoffs.kind !== 'range' || latestWeek === null) return [];
  const last = lastScorableCutoff(latestWeek, horizon);
  const expected = scorableExpectation(latestWeek, horizon);
  // ISO dates compare as text
  return (['from', 'to'] as const).filter((f) => cutoffs[f] > last).map((f) => ({ field: f, expected, got: cutoffs[f] }));
}
