/** A version's holdout WAPE by horizon band (the `bands` of its metrics JSON) against the baselines, as table rows. */
import { wapeOf } from './format.js';

export interface BandRow {
  label: string;
  from: number | null;
  to: number | null;
  points: number | null;
  model: number | null;
  seasonalNaive: number | null;
  lastValue: number | null;
  champion: number | null;
}

const numOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Rows of `metrics.bands` ([] when the run recorded none, as runs before bands did). */
export function bandRows(metrics: Record<string, unknown>): BandRow[] {
  const bands = metrics.bands;
  if (!Array.isArray(bands)) return [];
  return bands.flatMap((b: unknown) => {
    if (!b || typeof b !== 'object') return [];
    const o = b as { label?: unknown; from?: unknown; to?: unknown; points?: unknown; metrics?: unknown };
    const m = (o.metrics && typeof o.metrics === 'object' ? o.metrics : {}) as Record<string, unknown>;
    return [
      {
        label: typeof o.label === 'string' ? o.label : '?',
        from: numOrNull(o.from),
        to: numOrNull(o.to),
        points: numOrNull(o.points),
        model: wapeOf(m, 'model'),
        seasonalNaive: wapeOf(m, 'seasonalNaive'),
        lastValue: wapeOf(m, 'lastValue'),
        champion: wapeOf(m, 'champion'),
      },
    ];
  });
}
