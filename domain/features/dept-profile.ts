/**
 * The department's yearly profile across stores: for every week, the mean
 * over the dept's series of their sales divided by their own level (mean
 * |sales| over the 52 weeks up to that week). One store's seasonal pattern is
 * noisy; the same department's pattern averaged over dozens of stores is
 * much less so, and it is what a planner means by "this department's
 * season". The value at week w uses only sales at or before w, so a
 * feature reading it at w <= O (the origin) uses only data known at O.
 *
 * Both paths hold one DeptProfiles over the whole collection of histories
 * they feature (the trainer's series, the backtest's as-of view, the
 * gateway's store), attached to every history; it is rebuilt lazily after
 * `invalidate()` (one department's after `invalidate(dept)`), in (store,
 * dept) order so both paths sum in the same order.
 */
import type { SeriesHistory } from './series-history.js';

/** Weeks in the level a series' sales are divided by, and the least known ones it needs. */
const LEVEL_WEEKS = 52;
const MIN_LEVEL_WEEKS = 13;
/** Series that must contribute for a dept-week to have a profile value. */
const MIN_SERIES = 3;
/** Weeks averaged for the profile's base (the origin's 13-week level, a year earlier). */
export const PROFILE_BASE_WEEKS = 13;

interface Profile {
  /** Mean normalized sales per week index (NaN when too few series). */
  mean: Float64Array;
  /** Mean of `mean` over the PROFILE_BASE_WEEKS weeks up to each index (NaN when none). */
  base: Float64Array;
}

export class DeptProfiles {
  private built: Map<number, Profile> | null = null;
  /** Departments whose profile is stale while the others still hold (see `invalidate`). */
  private readonly stale = new Set<number>();
  private anchorDay = Number.NaN;
  private weeks = 0;

  /** `source` yields every history of the collection (called on each rebuild). */
  constructor(private readonly source: () => Iterable<SeriesHistory>) {}

  /**
   * Marks the profiles stale: the next read rebuilds them from the source.
   * With `dept`, only that department's (a week of one of its series
   * changed): the gateway marks one per sales event, and rebuilding all of
   * them after each took 5 to 11 ms at 3,300 series, on the next computed
   * prediction. The next read still rebuilds everything when the
   * collection's span of weeks moved (a new last week, an earlier first one).
   */
  invalidate(dept?: number): void {
    if (dept === undefined) this.built = null;
    else if (this.built) this.stale.add(dept);
  }

  /** The dept's mean normalized sales in the week ending on `day` (days since 1970-01-01); NaN when unknown. */
  meanAt(dept: number, day: number): number {
    return this.read(dept, day, 'mean');
  }

  /** The dept's profile averaged over the 13 weeks up to `day`; NaN when unknown. */
  baseAt(dept: number, day: number): number {
    return this.read(dept, day, 'base');
  }

  private read(dept: number, day: number, which: keyof Profile): number {
    const built = this.built !== null && this.stale.size === 0 ? this.built : this.build();
    const p = built.get(dept);
    const off = day - this.anchorDay;
    if (!p || off < 0 || off % 7 !== 0) return Number.NaN;
    const i = off / 7;
    return i < this.weeks ? (p[which][i] as number) : Number.NaN;
  }

  private build(): Map<number, Profile> {
    const all = [...this.source()].filter((s) => s.length > 0);
    let anchorDay = Infinity;
    for (const s of all) anchorDay = Math.min(anchorDay, s.firstDay);
    let weeks = 0;
    for (const s of all) weeks = Math.max(weeks, (s.firstDay - anchorDay) / 7 + s.length);
    // the same span: only the stale departments change (each sums only its own series)
    const only = this.built !== null && anchorDay === this.anchorDay && weeks === this.weeks ? new Set(this.stale) : null;
    const built = only ? this.built! : new Map<number, Profile>();
    this.stale.clear();
    this.anchorDay = anchorDay;
    this.weeks = weeks;
    // in (store, dept) order, so every path sums a dept-week in the same order
    const series = (only ? all.filter((s) => only.has(s.dept)) : all).sort((a, b) => a.store - b.store || a.dept - b.dept);
    const sums = new Map<number, { sum: Float64Array; n: Int32Array }>();
    for (const s of series) {
      const shift = (s.firstDay - anchorDay) / 7;
      if (!Number.isInteger(shift)) continue; // another weekday grid: not comparable week by week
      let acc = sums.get(s.dept);
      if (!acc) sums.set(s.dept, (acc = { sum: new Float64Array(weeks), n: new Int32Array(weeks) }));
      addNormalized(s, shift, acc.sum, acc.n);
    }
    if (only) for (const dept of only) built.delete(dept);
    for (const [dept, acc] of sums) built.set(dept, profileOf(acc.sum, acc.n));
    this.built = built;
    return built;
  }
}

/** Adds y(i) / mean|y| over i-51..i (known weeks only, at least 13) of one series into the dept's sums. */
function addNormalized(s: SeriesHistory, shift: number, sum: Float64Array, n: Int32Array): void {
  let absSum = 0;
  let known = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s.sales[i]!;
    if (!Number.isNaN(v)) {
      absSum += Math.abs(v);
      known++;
    }
    const out = i - LEVEL_WEEKS;
    if (out >= 0 && !Number.isNaN(s.sales[out]!)) {
      absSum -= Math.abs(s.sales[out]!);
      known--;
    }
    if (Number.isNaN(v) || known < MIN_LEVEL_WEEKS) continue;
    const level = absSum / known;
    if (!(level >= 1)) continue;
    sum[shift + i]! += v / level;
    n[shift + i]!++;
  }
}

function profileOf(sum: Float64Array, n: Int32Array): Profile {
  const mean = new Float64Array(sum.length).fill(Number.NaN);
  for (let i = 0; i < sum.length; i++) if (n[i]! >= MIN_SERIES) mean[i] = sum[i]! / n[i]!;
  const base = new Float64Array(sum.length).fill(Number.NaN);
  for (let i = 0; i < sum.length; i++) {
    let t = 0;
    let k = 0;
    for (let j = Math.max(0, i - PROFILE_BASE_WEEKS + 1); j <= i; j++) {
      if (!Number.isNaN(mean[j]!)) {
        t += mean[j]!;
        k++;
      }
    }
    if (k > 0) base[i] = t / k;
  }
  return { mean, base };
}
