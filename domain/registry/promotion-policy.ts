/**
 * The promotion policy, a decider over one evaluated challenger: it is
 * promoted only when its holdout WAPE beats the seasonal-naive baseline AND
 * the champion (when there is one that could be scored on the same holdout)
 * by the configured margin. "Beats by m" is relative: wape < other * (1 - m),
 * so margin 0 means strictly better and 0.02 means at least 2 % better.
 * NaN (nothing measurable) never beats anything. Either way the verdict
 * carries its numbers and a sentence saying why.
 */
import { ValidationError } from '../../lib/errors.js';
import type { Metrics } from './metrics.js';

export interface EvaluateChallenger {
  type: 'evaluate';
  version: number;
  model: Metrics;
  seasonalNaive: Metrics;
  /** The champion scored on the same holdout points; null when there is no champion or it cannot be scored. */
  champion: { version: number; metrics: Metrics } | null;
  /** When a champion exists but has no numbers: why (it is then judged against the baseline only). */
  championNote?: string;
  /** Relative margin in [0, 1). */
  margin: number;
}

export interface PromotionVerdict {
  type: 'challengerPromoted' | 'challengerRejected';
  version: number;
  decision: 'promoted' | 'rejected';
  reason: string;
  /** The WAPEs compared and the bars they had to pass. */
  numbers: { model: number; seasonalNaive: number; champion: number | null; margin: number; bars: { seasonalNaive: number; champion: number | null } };
}

/** Whether `a` beats `b` by the relative margin: a < b * (1 - margin). False when either is NaN. */
export function beats(a: number, b: number, margin: number): boolean {
  return Number.isFinite(a) && Number.isFinite(b) && a < b * (1 - margin);
}

/** The policy's verdict on one challenger; pure. Throws ValidationError on a margin outside [0, 1). */
export function decidePromotion(cmd: EvaluateChallenger): PromotionVerdict {
  if (!(cmd.margin >= 0 && cmd.margin < 1)) throw new ValidationError('promotionMargin', 'a fraction in [0, 1)', cmd.margin);
  const m = cmd.model.wape;
  const sn = cmd.seasonalNaive.wape;
  const ch = cmd.champion ? cmd.champion.metrics.wape : null;
  const barSn = sn * (1 - cmd.margin);
  const barCh = ch === null ? null : ch * (1 - cmd.margin);
  const vsSn = beats(m, sn, cmd.margin);
  const vsCh = ch === null ? true : beats(m, ch, cmd.margin);
  const promoted = vsSn && vsCh;

  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const parts = [`WAPE ${pct(m)} vs seasonal-naive ${pct(sn)} (${vsSn ? 'beats' : 'does not beat'} the bar ${pct(barSn)})`];
  if (cmd.champion && ch !== null && barCh !== null) {
    parts.push(`vs champion v${cmd.champion.version} ${pct(ch)} (${vsCh ? 'beats' : 'does not beat'} the bar ${pct(barCh)})`);
  } else {
    parts.push(cmd.championNote ?? 'no champion yet');
  }
  const margin = `margin ${pct(cmd.margin)}`;
  return {
    type: promoted ? 'challengerPromoted' : 'challengerRejected',
    version: cmd.version,
    decision: promoted ? 'promoted' : 'rejected',
    reason: `${promoted ? 'promoted' : 'rejected'}: ${parts.join('; ')}; ${margin}`,
    numbers: { model: m, seasonalNaive: sn, champion: ch, margin: cmd.margin, bars: { seasonalNaive: barSn, champion: barCh } },
  };
}
