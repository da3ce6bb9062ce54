import { isIsoDate } from './date-input.js';
import { lastScorableCutoff, scorableExpectation } from '../../domain/backtest/scorable.js';
import { addWeeks } from '../../lib/weeks.js';

/**
 * The cut-offs to ask for: the N weeks ending on the last cut-off, every one
 * scorable (its `horizon` following weeks have actuals); a last cut-off past
 * the last scorable one is refused here, naming the field, as the gateway
 * would refuse it. Without a known latest week, or with a count that is not
 * a positive whole number, the count goes as it is (the gateway names it).
 */
export function cutoffsOf(count: number | undefined, lastCutoff: string, horizon: number, latestWeek: string | null): { cutoffs?: number; from?: string; to?: string } {
  if (lastCutoff !== '' && !isIsoDate(lastCutoff)) throw new Error(`last cut-off: expected a date YYYY-MM-DD, got "${lastCutoff}"`);
  if (latestWeek === null || count === undefined || count < 1) return { cutoffs: count };
  const to = lastCutoff || lastScorableCutoff(latestWeek, horizon);
  if (to > lastScorableCutoff(latestWeek, horizon)) throw new Error(`last cut-off: expected ${scorableExpectation(latestWeek, horizon)}, got "${to}"`);
  return { from: addWeeks(to, -(count - 1)), to };
}
