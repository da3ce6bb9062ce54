/**
 * Live accuracy: forecasts made for weeks not known yet are remembered, and
 * when the actual of that week arrives on `sales.weekly` the error is added
 * to its model version's tally for that week. WAPE per version per week is
 * the "model performance as actuals arrive" view. A re-sent actual replaces
 * its earlier contribution instead of counting twice.
 */
import { addWeeks } from '../../lib/weeks.js';

interface Pending {
  /** version -> forecast */
  forecasts: Map<number, number>;
  /** the actual once known (NaN before) */
  actual: number;
}

interface Tally {
  absErr: number;
  absActual: number;
  n: number;
}

export interface AccuracyColumns {
  /** Weeks with at least one scored forecast, ascending. */
  weeks: string[];
  /** Versions present, ascending. */
  versions: number[];
  /** wape[v][i]: WAPE of versions[v] in weeks[i] (null when it made no forecast for that week). */
  wape: (number | null)[][];
  /** Overall per version over every scored point. */
  overall: { version: number; wape: number | null; n: number }[];
}

/** The version number live accuracy keeps the seasonal-naive baseline under (model versions start at 1). */
export const SEASONAL_NAIVE_VERSION = 0;

export class LiveAccuracy {
  private readonly pending = new Map<string, Pending>();
  /** week -> version -> tally */
  private readonly tallies = new Map<string, Map<number, Tally>>();

  /** Keeps the last `keepWeeks` weeks of tallies and drops forecasts older than that (default 104). */
  constructor(private readonly keepWeeks = 104) {}

  /** Remembers a forecast of `version` for series `key` in `week` (only meaningful before the week is known). */
  forecast(version: number, key: string, week: string, value: number): void {
    if (!Number.isFinite(value)) return;
    const id = `${key}@${week}`;
    let p = this.pending.get(id);
    if (!p) this.pending.set(id, (p = { forecasts: new Map(), actual: Number.NaN }));
    if (!Number.isNaN(p.actual)) return; // the week is already known: not a forecast any more
    p.forecasts.set(version, value);
  }

  /** Scores every forecast of `key` in `week` against its actual. Returns how many versions it scored. */
  actual(key: string, week: string, y: number): number {
    const p = this.pending.get(`${key}@${week}`);
    if (!p || p.forecasts.size === 0) return 0;
    let byVersion = this.tallies.get(week);
    if (!byVersion) this.tallies.set(week, (byVersion = new Map()));
    for (const [version, f] of p.forecasts) {
      let t = byVersion.get(version);
      if (!t) byVersion.set(version, (t = { absErr: 0, absActual: 0, n: 0 }));
      if (!Number.isNaN(p.actual)) {
        t.absErr -= Math.abs(p.actual - f);
        t.absActual -= Math.abs(p.actual);
        t.n--;
      }
      t.absErr += Math.abs(y - f);
      t.absActual += Math.abs(y);
      t.n++;
    }
    p.actual = y;
    return p.forecasts.size;
  }

  /**
   * Bounds memory: keeps the newest `keepWeeks` weeks of tallies; forgets
   * forecasts whose actual has been scored once a later week exists, and
   * unanswered ones 8 weeks after `latestWeek` passed them.
   */
  prune(latestWeek: string): void {
    const weeks = [...this.tallies.keys()].sort();
    for (const w of weeks.slice(0, Math.max(0, weeks.length - this.keepWeeks))) this.tallies.delete(w);
    const stale = addWeeks(latestWeek, -8);
    for (const [id, p] of this.pending) {
      const week = id.slice(id.indexOf('@') + 1);
      if ((!Number.isNaN(p.actual) && week < latestWeek) || week < stale) this.pending.delete(id);
    }
  }

  /** Forecasts waiting for (or holding) their actual. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Pre-aggregated columns for the dashboard chart (uPlot draws them as they are). */
  /** The model versions' columns (the seasonal-naive baseline is left out: see `baselineWape`). */
  columns(): AccuracyColumns {
    const weeks = [...this.tallies.keys()].sort();
    const versionSet = new Set<number>();
    for (const m of this.tallies.values()) for (const v of m.keys()) if (v !== SEASONAL_NAIVE_VERSION) versionSet.add(v);
    const versions = [...versionSet].sort((a, b) => a - b);
    const wape = versions.map((v) =>
      weeks.map((w) => {
        const t = this.tallies.get(w)?.get(v);
        return t && t.n > 0 && t.absActual > 0 ? t.absErr / t.absActual : null;
      }),
    );
    const overall = versions.map((v) => ({ version: v, ...this.overallOf(v) }));
    return { weeks, versions, wape, overall };
  }

  /** Overall live WAPE of the seasonal-naive baseline on the same series-weeks the shadow forecasts scored, or null. */
  baselineWape(): number | null {
    return this.overallOf(SEASONAL_NAIVE_VERSION).wape;
  }

  /** WAPE of one version over every scored week, and its point count. */
  private overallOf(v: number): { wape: number | null; n: number } {
    let e = 0;
    let a = 0;
    let n = 0;
    for (const m of this.tallies.values()) {
      const t = m.get(v);
      if (!t) continue;
      e += t.absErr;
      a += t.absActual;
      n += t.n;
    }
    return { wape: n > 0 && a > 0 ? e / a : null, n };
  }
}
