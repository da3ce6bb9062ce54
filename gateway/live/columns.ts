/**
 * Fixed-length columnar history for the dashboard's charts: one array per
 * series, all sharing the time column, oldest dropped first. uPlot draws
 * `[t, ...ys]` as it is, so the gateway never sends rows.
 */
export class Columns<K extends string> {
  readonly t: number[] = [];
  readonly ys: Record<K, (number | null)[]>;

  constructor(
    private readonly keys: readonly K[],
    private readonly cap = 300,
  ) {
    this.ys = Object.fromEntries(keys.map((k) => [k, []])) as unknown as Record<K, (number | null)[]>;
  }

  /** Appends one point (time in epoch seconds); missing keys are null. */
  push(t: number, values: Partial<Record<K, number | null>>): void {
    this.t.push(t);
    for (const k of this.keys) this.ys[k].push(values[k] ?? null);
    if (this.t.length > this.cap) {
      this.t.shift();
      for (const k of this.keys) this.ys[k].shift();
    }
  }

  /** A copy safe to serialize: `{ t, ...ys }`. */
  toJSON(): { t: number[] } & Record<K, (number | null)[]> {
    return { t: [...this.t], ...Object.fromEntries(this.keys.map((k) => [k, [...this.ys[k]]])) } as { t: number[] } & Record<K, (number | null)[]>;
  }
}

/** p-th percentile (0..1) of unsorted samples by nearest rank; null when empty. Sorts in place. */
export function percentile(samples: number[], p: number): number | null {
  if (samples.length === 0) return null;
  samples.sort((a, b) => a - b);
  return samples[Math.min(samples.length - 1, Math.max(0, Math.ceil(p * samples.length) - 1))]!;
}
