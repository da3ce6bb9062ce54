/**
 * The actuals of an aggregate node (total, a store, a department across
 * stores): the sum, week by week, of the sales of the series it covers. The
 * dashboard draws them beside the node's published forecast.
 */
import type { HierarchyNode } from './hierarchy.js';

/** What the sum reads of a series' history (SeriesHistory has it). */
export interface SalesSeries {
  readonly store: number;
  readonly dept: number;
  readonly length: number;
  weekAt(i: number): string;
  /** NaN where the week is a gap */
  salesAt(i: number): number;
}

/** Whether series (store, dept) belongs to the node. */
export function covers(node: HierarchyNode, store: number, dept: number): boolean {
  return (node.store === 0 || node.store === store) && (node.dept === 0 || node.dept === dept);
}

/**
 * The node's summed actuals over its last `weeks` weeks up to `until` (ISO
 * date, inclusive; default: the latest week of any member), oldest first.
 * `series` counts the members with a value that week, so a reader can tell a
 * real dip from members missing. A gap adds nothing; a week no member has is
 * not listed. Rounded to cents, as the forecasts are.
 */
export function aggregateHistory(
  all: Iterable<SalesSeries>,
  node: HierarchyNode,
  weeks: number,
  until?: string,
): { weeks: string[]; actual: number[]; series: number[] } {
  const sums = new Map<string, { y: number; n: number }>();
  for (const h of all) {
    if (!covers(node, h.store, h.dept)) continue;
    for (let t = h.length - 1; t >= 0; t--) {
      const w = h.weekAt(t);
      if (until !== undefined && w > until) continue;
      const y = h.salesAt(t);
      if (Number.isNaN(y)) continue;
      const s = sums.get(w) ?? { y: 0, n: 0 };
      s.y += y;
      s.n += 1;
      sums.set(w, s);
    }
  }
  const kept = [...sums.keys()].sort().slice(-weeks);
  return { weeks: kept, actual: kept.map((w) => Math.round(sums.get(w)!.y * 100) / 100), series: kept.map((w) => sums.get(w)!.n) };
}
