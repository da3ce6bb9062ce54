/**
 * N versions side by side, as columns the dashboard draws as they are: the
 * training curves of every version on one round axis (null where a version
 * has no value for a round: it stopped earlier, or its curve was thinned to
 * other rounds), and the feature importance of every version on one
 * feature axis.
 */
import type { FeatureGain, ModelTrained } from '../../schemas/types.js';

export interface CurveColumns {
  /** The metric every curve measures (empty when none of the versions has curves). */
  metric: string;
  /** Union of the rounds any version kept, increasing: the x column. */
  rounds: number[];
  /** One y column per version and split, aligned with `rounds`. */
  curves: { version: number; split: 'train' | 'valid'; values: (number | null)[] }[];
  /** Per version: its best and total rounds, or nulls when its run has no curves (older, failed or not in the log). */
  runs: { version: number; bestRound: number | null; totalRounds: number | null }[];
}

/** Aligns the curves of `versions` (in the order given) on one round axis. */
export function curveColumns(versions: readonly number[], runOf: (v: number) => ModelTrained | undefined): CurveColumns {
  const all = versions.map((v) => ({ version: v, c: runOf(v)?.curves ?? null }));
  const rounds = [...new Set(all.flatMap(({ c }) => c?.rounds ?? []))].sort((a, b) => a - b);
  const at = new Map(rounds.map((r, i) => [r, i]));
  const curves: CurveColumns['curves'] = [];
  for (const { version, c } of all) {
    if (!c) continue;
    for (const split of ['train', 'valid'] as const) {
      const ys = c[split];
      if (ys.length === 0) continue;
      const values: (number | null)[] = rounds.map(() => null);
      c.rounds.forEach((r, i) => (values[at.get(r)!] = ys[i]!));
      curves.push({ version, split, values });
    }
  }
  return {
    metric: all.find(({ c }) => c)?.c?.metric ?? '',
    rounds,
    curves,
    runs: all.map(({ version, c }) => ({ version, bestRound: c?.bestRound ?? null, totalRounds: c?.totalRounds ?? null })),
  };
}

export interface ImportanceColumns {
  /** Features by their mean share of gain over the versions, highest first, at most `top`. */
  features: string[];
  /** Per version: the gain of each feature and its share of the version's total gain (0 where it has no split). */
  versions: { version: number; gain: number[]; share: number[] }[];
}

/**
 * The importance of `versions` on one feature axis. Raw gains of two models
 * are not on one scale, so features are ranked by their share of each
 * version's total gain, averaged over the versions that have importance.
 */
export function importanceColumns(versions: readonly number[], runOf: (v: number) => ModelTrained | undefined, top = 15): ImportanceColumns {
  const lists = versions.map((v) => ({ version: v, list: runOf(v)?.featureImportance ?? [] }));
  const shares = lists.map(({ list }) => shareOf(list));
  const withAny = shares.filter((m) => m.size > 0);
  const mean = new Map<string, number>();
  for (const m of withAny) for (const [f, s] of m) mean.set(f, (mean.get(f) ?? 0) + s / withAny.length);
  const features = [...mean].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Math.max(1, top)).map(([f]) => f);
  return {
    features,
    versions: lists.map(({ version, list }, i) => {
      const gains = new Map(list.map((g) => [g.feature, g.gain]));
      return { version, gain: features.map((f) => gains.get(f) ?? 0), share: features.map((f) => shares[i]!.get(f) ?? 0) };
    }),
  };
}

function shareOf(list: readonly FeatureGain[]): Map<string, number> {
  const total = list.reduce((a, g) => a + g.gain, 0);
  return new Map(total > 0 ? list.map((g) => [g.feature, g.gain / total]) : []);
}
