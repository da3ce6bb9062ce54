/**
 * What a run records about its XGBoost fit beyond the holdout numbers
 * (MLflow's per-step metrics and feature importance): the metric per
 * boosting round on the training and early-stopping validation sets, and
 * the gain of each feature. Bounded, so a run event stays small whatever
 * `rounds` a request asks for: at most CURVE_POINTS rounds are kept (evenly
 * spaced, the first, the best and the last always among them).
 */
import { ValidationError } from '../../lib/errors.js';
import type { FeatureGain, TrainingCurves } from '../../schemas/types.js';

/** Most rounds a curve keeps (a run of more rounds is thinned to this). */
export const CURVE_POINTS = 300;
/** Most features an importance list holds (the feature spec has far fewer). */
export const MAX_IMPORTANCE = 512;

/** The curves as train.py reports them: one value per round trained, `bestRound` 1-based. */
export interface RawCurves {
  metric: string;
  train: number[];
  valid: number[];
  bestRound: number;
}

/**
 * Thins raw curves to at most `maxPoints` rounds (default CURVE_POINTS):
 * rounds 1, the best and the last are kept, the rest evenly spaced.
 * `valid` may be empty (no validation set); otherwise it has one value per round, as `train`.
 */
export function boundCurves(raw: RawCurves, maxPoints = CURVE_POINTS): TrainingCurves {
  const n = raw.train.length;
  if (raw.valid.length !== 0 && raw.valid.length !== n) throw new ValidationError('curves.valid', `${n} values (one per round, as train) or none`, raw.valid.length);
  if (!Number.isInteger(raw.bestRound) || raw.bestRound < 1 || raw.bestRound > Math.max(1, n)) throw new ValidationError('curves.bestRound', `a round from 1 to ${n}`, raw.bestRound);
  const keep = keptRounds(n, raw.bestRound, Math.max(3, maxPoints));
  return {
    metric: raw.metric,
    rounds: keep,
    train: keep.map((r) => raw.train[r - 1]!),
    valid: raw.valid.length === 0 ? [] : keep.map((r) => raw.valid[r - 1]!),
    bestRound: raw.bestRound,
    totalRounds: n,
  };
}

/**
 * 1-based rounds to keep out of n: all when n <= max, else max - 1 evenly
 * spaced from 1 to n (the step is above 1, so no two coincide) plus the best.
 */
function keptRounds(n: number, best: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i + 1);
  const step = (n - 1) / (max - 2);
  const set = new Set<number>([best]);
  for (let k = 0; k <= max - 2; k++) set.add(1 + Math.round(k * step));
  return [...set].sort((a, b) => a - b);
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Checks curves from a decoded event (or train.py): equal lengths, increasing rounds, finite values, bounded. */
export function validateCurves(c: unknown, field = 'curves'): TrainingCurves {
  if (c === null || typeof c !== 'object') throw new ValidationError(field, 'a curves record', c);
  const v = c as Record<string, unknown>;
  const arr = (k: string, ok: (x: unknown) => boolean, what: string): number[] => {
    const a = v[k];
    if (!Array.isArray(a) || a.length > CURVE_POINTS || !a.every(ok)) throw new ValidationError(`${field}.${k}`, `at most ${CURVE_POINTS} ${what}`, a);
    return [...(a as number[])];
  };
  const rounds = arr('rounds', (x) => Number.isInteger(x) && (x as number) >= 1, 'round numbers from 1');
  if (rounds.some((r, i) => i > 0 && r <= rounds[i - 1]!)) throw new ValidationError(`${field}.rounds`, 'increasing round numbers', rounds);
  const train = arr('train', finite, 'finite numbers');
  const valid = arr('valid', finite, 'finite numbers');
  if (train.length !== rounds.length) throw new ValidationError(`${field}.train`, `${rounds.length} values (one per round)`, train.length);
  if (valid.length !== 0 && valid.length !== rounds.length) throw new ValidationError(`${field}.valid`, `${rounds.length} values or none`, valid.length);
  const totalRounds = v.totalRounds;
  if (!Number.isInteger(totalRounds) || (totalRounds as number) < (rounds.at(-1) ?? 0)) throw new ValidationError(`${field}.totalRounds`, 'an integer at least the last round', totalRounds);
  const bestRound = v.bestRound;
  if (!Number.isInteger(bestRound) || (bestRound as number) < 1 || (bestRound as number) > Math.max(1, totalRounds as number)) {
    throw new ValidationError(`${field}.bestRound`, `a round from 1 to ${String(totalRounds)}`, bestRound);
  }
  if (typeof v.metric !== 'string' || v.metric === '') throw new ValidationError(`${field}.metric`, 'a metric name', v.metric);
  return { metric: v.metric, rounds, train, valid, bestRound: bestRound as number, totalRounds: totalRounds as number };
}

/** Checks a feature-importance list: named features, finite non-negative gains, integer split counts. */
export function validateImportance(list: unknown, field = 'featureImportance'): FeatureGain[] {
  if (!Array.isArray(list) || list.length > MAX_IMPORTANCE) throw new ValidationError(field, `a list of at most ${MAX_IMPORTANCE} features`, list);
  return list.map((x: unknown, i) => {
    const r = (x ?? {}) as Record<string, unknown>;
    if (typeof r.feature !== 'string' || r.feature === '') throw new ValidationError(`${field}.${i}.feature`, 'a feature name', r.feature);
    if (!finite(r.gain) || r.gain < 0) throw new ValidationError(`${field}.${i}.gain`, 'a finite number >= 0', r.gain);
    if (!Number.isInteger(r.splits) || (r.splits as number) < 0) throw new ValidationError(`${field}.${i}.splits`, 'an integer >= 0', r.splits);
    return { feature: r.feature, gain: r.gain, splits: r.splits as number };
  });
}
