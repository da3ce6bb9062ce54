/**
 * The accuracy-decay trigger as a decider. Input: the champion's live
 * one-week-ahead errors per week (its published h = 1 forecast against the
 * actual that arrived, and seasonal naive on the same points), and the WMAE
 * of its own backtest (the holdout figure it was promoted on). Over the last
 * `weeks` scored weeks it has decayed when its live WMAE is at least
 * `naiveRatio` x seasonal naive's, or at least `backtestFactor` x its
 * backtest WMAE. It fires once per champion and window: the next firing for
 * the same champion needs a window that shares no week with the last one
 * (a retraining that was rejected does not make a request per new week).
 */
import { ValidationError } from '../../lib/errors.js';
import { weeksBetween } from '../../lib/weeks.js';
import { assertNever, refuse, type Decider, type Decision } from '../../domain/decider.js';

/** One week's weighted absolute errors (WMAE weights: 5 on holiday weeks, else 1) over the points scored that week. */
export interface WeekErrors {
  week: string;
  /** Series scored (a point needs the forecast, the actual, and the actual 52 weeks before for seasonal naive). */
  points: number;
  /** Sum of weights. */
  weight: number;
  /** Sum of weight x |forecast - actual|. */
  absErr: number;
  /** Sum of weight x |actual 52 weeks before - actual|. */
  naiveAbsErr: number;
}

export interface DecayPolicy {
  /** Trailing scored weeks compared (TRAIN_DECAY_WEEKS, default 4). */
  weeks: number;
  /** Decayed when live WMAE >= this x seasonal naive's (TRAIN_DECAY_NAIVE_RATIO, default 1: no better than naive). */
  naiveRatio: number;
  /** Decayed when live WMAE >= this x the champion's backtest WMAE (TRAIN_DECAY_BACKTEST_RATIO, default 2). */
  backtestFactor: number;
}

export interface DecayState {
  /** Champion version -> last week of the window a request was made for. */
  readonly fired: ReadonlyMap<number, string>;
}

export const initialDecayState: DecayState = Object.freeze({ fired: new Map<number, string>() });

export interface CheckDecay {
  type: 'check';
  champion: { version: number; backtestWmae: number | null } | null;
  /** The champion's scored weeks, ascending. */
  weeks: readonly WeekErrors[];
  policy: DecayPolicy;
}

export interface LiveWindow {
  from: string;
  to: string;
  points: number;
  wmae: number;
  naiveWmae: number;
  /** live WMAE / seasonal naive's */
  ratioToNaive: number;
  backtestWmae: number | null;
  /** live WMAE / backtest WMAE, null without a backtest figure */
  ratioToBacktest: number | null;
}

export type DecayEvent =
  | ({ type: 'decayDetected'; version: number } & LiveWindow)
  /** Found in the request log at start-up (so a restart does not ask again for the same window). */
  | { type: 'decayRequested'; version: number; to: string };

/** The trailing window's figures, or null with fewer than `weeks` scored weeks (or no weight). */
export function measureDecay(weeks: readonly WeekErrors[], policy: DecayPolicy, backtestWmae: number | null): LiveWindow | null {
  if (weeks.length < policy.weeks) return null;
  const w = weeks.slice(-policy.weeks);
  let weight = 0;
  let err = 0;
  let naive = 0;
  let points = 0;
  for (const x of w) {
    weight += x.weight;
    err += x.absErr;
    naive += x.naiveAbsErr;
    points += x.points;
  }
  if (!(weight > 0)) return null;
  const wmae = err / weight;
  const naiveWmae = naive / weight;
  const bt = backtestWmae !== null && backtestWmae > 0 ? backtestWmae : null;
  return {
    from: w[0]!.week,
    to: w.at(-1)!.week,
    points,
    wmae,
    naiveWmae,
    // a perfect naive (0) makes any error infinitely worse; 0 / 0 is no decay
    ratioToNaive: naiveWmae > 0 ? wmae / naiveWmae : wmae > 0 ? Infinity : 0,
    backtestWmae: bt,
    ratioToBacktest: bt === null ? null : wmae / bt,
  };
}

/**
 * What makes a check impossible to decide: a policy outside its range (the
 * config allows 1..52 weeks and positive ratios) or weeks not strictly
 * ascending (a window would mix up which weeks are the trailing ones).
 */
function invalidCheck(cmd: CheckDecay): ValidationError | null {
  const { weeks, naiveRatio, backtestFactor } = cmd.policy;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52) return new ValidationError('policy.weeks', 'an integer 1..52', weeks);
  if (!(naiveRatio > 0) || !Number.isFinite(naiveRatio)) return new ValidationError('policy.naiveRatio', 'a positive number', naiveRatio);
  if (!(backtestFactor > 0) || !Number.isFinite(backtestFactor)) return new ValidationError('policy.backtestFactor', 'a positive number', backtestFactor);
  const i = cmd.weeks.findIndex((w, k) => k > 0 && w.week <= cmd.weeks[k - 1]!.week);
  if (i > 0) return new ValidationError(`weeks.${i}.week`, `a week after ${cmd.weeks[i - 1]!.week} (weeks ascending, each once)`, cmd.weeks[i]!.week);
  return null;
}

/** Zero or one `decayDetected`, or the refusal of an impossible check; pure. */
export function decideDecay(cmd: CheckDecay, state: DecayState): Decision<DecayEvent> {
  const invalid = invalidCheck(cmd);
  if (invalid) return refuse(invalid);
  if (!cmd.champion) return [];
  const m = measureDecay(cmd.weeks, cmd.policy, cmd.champion.backtestWmae);
  if (!m) return [];
  const last = state.fired.get(cmd.champion.version);
  if (last !== undefined && weeksBetween(last, m.to) < cmd.policy.weeks) return [];
  const decayed = m.ratioToNaive >= cmd.policy.naiveRatio || (m.ratioToBacktest !== null && m.ratioToBacktest >= cmd.policy.backtestFactor);
  return decayed ? [{ type: 'decayDetected', version: cmd.champion.version, ...m }] : [];
}

export function evolveDecay(state: DecayState, e: DecayEvent): DecayState {
  switch (e.type) {
    case 'decayDetected':
    case 'decayRequested': {
      const last = state.fired.get(e.version);
      if (last !== undefined && last >= e.to) return state;
      return { fired: new Map(state.fired).set(e.version, e.to) };
    }
    default:
      return assertNever(e, 'decay event');
  }
}

/** The decay trigger on the one Decider shape: a check decides zero or one `decayDetected` (or refuses), a detection or a logged request moves the window mark. */
export const decayDecider: Decider<CheckDecay, DecayState, DecayEvent> = {
  initial: initialDecayState,
  decide: decideDecay,
  evolve: evolveDecay,
};

/**
 * The live WMAE from which a window counts as decayed: the lower of the two
 * bars (naiveRatio x seasonal naive's WMAE, backtestFactor x the backtest
 * WMAE; the naive bar alone without a backtest figure). What the dashboard
 * draws as the threshold line, in the same units as the live WMAE.
 */
export function decayThreshold(w: Pick<LiveWindow, 'naiveWmae' | 'backtestWmae'>, policy: DecayPolicy): number {
  const naiveBar = policy.naiveRatio * w.naiveWmae;
  return w.backtestWmae === null ? naiveBar : Math.min(naiveBar, policy.backtestFactor * w.backtestWmae);
}

const money = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const times = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : 'infinitely');

/** The reason a decay request carries: the window and every number the decision used. */
export function decayReason(e: Extract<DecayEvent, { type: 'decayDetected' }>, policy: DecayPolicy): string {
  const bt =
    e.ratioToBacktest === null || e.backtestWmae === null
      ? 'no backtest WMAE to compare'
      : `${times(e.ratioToBacktest)} its backtest WMAE ${money(e.backtestWmae)} (threshold ${policy.backtestFactor}x)`;
  return (
    `accuracy decay of v${e.version}: live WMAE ${money(e.wmae)} over ${policy.weeks} weeks ${e.from}..${e.to} (${e.points} points) is ` +
    `${times(e.ratioToNaive)} seasonal naive's ${money(e.naiveWmae)} (threshold ${policy.naiveRatio}x) and ${bt}`
  );
}

/** One line on a measured window, for the log and the dashboard: the figures against both thresholds. */
export function liveSummary(version: number, w: LiveWindow, policy: DecayPolicy): string {
  const bt = w.ratioToBacktest === null ? 'no backtest WMAE' : `${times(w.ratioToBacktest)} its backtest (threshold ${policy.backtestFactor}x)`;
  return `v${version} live WMAE ${money(w.wmae)} over ${w.from}..${w.to} (${w.points} points): ${times(w.ratioToNaive)} seasonal naive (threshold ${policy.naiveRatio}x), ${bt}`;
}

/** The request id of a decay window: one request per (champion, window end), whoever asks. */
export function decayRequestId(version: number, to: string): string {
  return `decay-v${version}-${to}`;
}

/** The (version, window end) a decay request id names, or null for another id. */
export function parseDecayRequestId(id: string): { version: number; to: string } | null {
  const m = /^decay-v(\d+)-(\d{4}-\d{2}-\d{2})$/.exec(id);
  return m ? { version: Number(m[1]), to: m[2]! } : null;
}
