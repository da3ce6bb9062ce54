/**
 * What the Models view draws from the gateway's comparison columns: uPlot
 * columns for the curves of N versions (the gateway aligned them on one
 * round axis already), and bar widths for the feature importance.
 */
import type { CompareColumns } from './model-actions.js';

export interface CurveLine {
  version: number;
  split: 'train' | 'valid';
  label: string;
}

/** `[rounds, ...one column per version and split]` for the splits asked for, and a line description per column. */
export function curveChart(c: CompareColumns, splits: readonly ('train' | 'valid')[]): { data: (number | null)[][]; lines: CurveLine[] } {
  const picked = c.curves.filter((k) => splits.includes(k.split));
  return {
    data: [c.rounds, ...picked.map((k) => k.values)],
    lines: picked.map((k) => ({ version: k.version, split: k.split, label: `v${k.version} ${k.split}` })),
  };
}

export interface ImportanceRow {
  feature: string;
  /** One bar per version: share of that version's gain, and the width in % of the widest bar drawn. */
  bars: { version: number; share: number; gain: number; width: number }[];
}

/** Rows of grouped bars, features in the gateway's order; widths relative to the largest share so the longest bar fills the row. */
export function importanceRows(c: CompareColumns): ImportanceRow[] {
  const max = Math.max(0, ...c.importance.versions.flatMap((v) => v.share));
  return c.importance.features.map((feature, i) => ({
    feature,
    bars: c.importance.versions.map((v) => ({ version: v.version, share: v.share[i]!, gain: v.gain[i]!, width: max > 0 ? (v.share[i]! / max) * 100 : 0 })),
  }));
}
