/**
 * The promotion policy, a decider over one evaluated challenger: it is
 * promoted only when its holdout WAPE beats the seasonal-naive baseline AND
 * the champion (when there is one that could be scored on the same holdout)
 * by the configured margin. "Beats by m" is relative: wape < other * (1 - m),
 * so margin 0 means strictly better and 0.02 means at least 2 % better.
 * NaN (nothing measurable) never beats anything.
 *
 * Long horizons are guarded on their own: the overall WAPE is dominated by
 * whichever horizons have the most points, so a challenger that wins at
 * h = 1..4 could hide a loss at 5..13. In every horizon band given, the
 * challenger must not be worse than the champion nor than seasonal naive
 * (no margin there: the margin is for the overall win). Either way the
 * verdict carries its numbers and a sentence saying why.
 */
import { ValidationError } from '../../lib/errors.js';
import { refuse, type Decider, type Refusal } from '../decider.js';
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
  /** Per horizon band (1..4, 5..13, 14..H), every forecast on the same points of that band. */
  bands?: readonly BandScores[];
}

export interface BandScores {
  /** "1..4", "5..13", ... */
  label: string;
  model: Metrics;
  seasonalNaive: Metrics;
  champion: Metrics | null;
}

/** A band where the challenger lost, to whom, and the two WAPEs. */
export interface BandLoss {
  band: string;
  to: 'champion' | 'seasonal-naive';
  model: number;
  other: number;
}

export interface PromotionVerdict {
  type: 'challengerPromoted' | 'challengerRejected';
  version: number;
  decision: 'promoted' | 'rejected';
  reason: string;
  /** The WAPEs compared and the bars they had to pass. */
  numbers: { model: number; seasonalNaive: number; champion: number | null; margin: number; bars: { seasonalNaive: number; champion: number | null } };
  /** Bands where the challenger was worse (empty when none, or no bands were given). */
  bandLosses: BandLoss[];
}

/** Whether `a` is no worse than `b` (a <= b). A NaN `a` is worse; a NaN `b` leaves nothing to lose to. */
function notWorse(a: number, b: number): boolean {
  if (!Number.isFinite(b)) return true;
  return Number.isFinite(a) && a <= b;
}

/** The bands where the model's WAPE is worse than the champion's or seasonal naive's. */
export function bandLosses(bands: readonly BandScores[]): BandLoss[] {
  const out: BandLoss[] = [];
  for (const b of bands) {
    if (b.champion && !notWorse(b.model.wape, b.champion.wape)) out.push({ band: b.label, to: 'champion', model: b.model.wape, other: b.champion.wape });
    if (!notWorse(b.model.wape, b.seasonalNaive.wape)) out.push({ band: b.label, to: 'seasonal-naive', model: b.model.wape, other: b.seasonalNaive.wape });
  }
  return out;
}

/** Whether `a` beats `b` by the relative margin: a < b * (1 - margin). False when either is NaN. */
export function beats(a: number, b: number, margin: number): boolean {
  return Number.isFinite(a) && Number.isFinite(b) && a < b * (1 - margin);
}

/** The policy's verdict on one challenger; pure. Refuses (ValidationError) a margin outside [0, 1). */
export function decidePromotion(cmd: EvaluateChallenger): [PromotionVerdict] | Refusal {
  if (!(cmd.margin >= 0 && cmd.margin < 1)) return refuse(new ValidationError('promotionMargin', 'a fraction in [0, 1)', cmd.margin));
  const m = cmd.model.wape;
  const sn = cmd.seasonalNaive.wape;
  const ch = cmd.champion ? cmd.champion.metrics.wape : null;
  const barSn = sn * (1 - cmd.margin);
  const barCh = ch === null ? null : ch * (1 - cmd.margin);
  const vsSn = beats(m, sn, cmd.margin);
  const vsCh = ch === null ? true : beats(m, ch, cmd.margin);
  const losses = bandLosses(cmd.bands ?? []);
  const promoted = vsSn && vsCh && losses.length === 0;

  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const parts = [`WAPE ${pct(m)} vs seasonal-naive ${pct(sn)} (${vsSn ? 'beats' : 'does not beat'} the bar ${pct(barSn)})`];
  if (cmd.champion && ch !== null && barCh !== null) {
    parts.push(`vs champion v${cmd.champion.version} ${pct(ch)} (${vsCh ? 'beats' : 'does not beat'} the bar ${pct(barCh)})`);
  } else {
    parts.push(cmd.championNote ?? 'no champion yet');
  }
  if (losses.length > 0) {
    parts.push(`loses at h = ${losses.map((l) => `${l.band} to ${l.to} (${pct(l.model)} vs ${pct(l.other)})`).join(', ')}`);
  } else if (cmd.bands && cmd.bands.length > 0) {
    parts.push(`no loss in any horizon band (${cmd.bands.map((b) => `h ${b.label} ${pct(b.model.wape)}`).join(', ')})`);
  }
  const margin = `margin ${pct(cmd.margin)}`;
  return [{
    type: promoted ? 'challengerPromoted' : 'challengerRejected',
    version: cmd.version,
    decision: promoted ? 'promoted' : 'rejected',
    reason: `${promoted ? 'promoted' : 'rejected'}: ${parts.join('; ')}; ${margin}`,
    numbers: { model: m, seasonalNaive: sn, champion: ch, margin: cmd.margin, bars: { seasonalNaive: barSn, champion: barCh } },
    bandLosses: losses,
  }];
}

/**
 * The policy as a decider. It keeps no state (null): everything it judges,
 * the champion's numbers included, comes in the command, so the verdict
 * depends on the command alone.
 */
export const promotionPolicy: Decider<EvaluateChallenger, null, PromotionVerdict> = {
  initial: null,
  decide: (cmd) => decidePromotion(cmd),
  evolve: (s) => s,
};
