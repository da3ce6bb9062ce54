/**
 * The aggregate forecasts the gateway publishes beside the series': for one
 * model version, bottom-up sums of the series' published forecasts from the
 * latest origin (the method the backtest chose, docs/hierarchy.md), so every
 * level adds up by construction, with intervals combined from the series'
 * half-widths at the level's correlation (intervals.ts).
 */
import type { ForecastPoint, ForecastPublished, ForecastTrigger } from '../../schemas/types.js';
import { aggregate, buildHierarchy } from './hierarchy.js';
import { combinedHalfWidth, LEVEL_RHO } from './intervals.js';
import { addWeeks } from '../../lib/weeks.js';

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * Share of the series of the latest origin and the week before that must
 * have reached the latest before its aggregates are published. While a new
 * week streams in series by series, a total over the series that already
 * moved would be a fraction of the real one, and the gateway would serve it
 * until the next pass; a series missing that week in the data must not hold
 * the week back forever (on the real slice a median 1.2% of the series of one
 * week, at most 2.4%, have no row the next week).
 */
export const MIN_ORIGIN_SHARE = 0.95;

/**
 * One event per aggregate node (total, each store, each department) from the
 * series events `series` of one model version. Only the series whose origin
 * is the latest among them count, and only once MIN_ORIGIN_SHARE of the
 * series one week behind have reached it (else none: the previous origin's
 * aggregates stay); a series further behind (discontinued) is left out.
 * H is the shortest of their horizons.
 * A series without an interval at a horizon adds no width; an aggregate
 * none of whose series has one has none. Empty when `series` is.
 */
export function aggregateForecasts(series: readonly ForecastPublished[], trigger: ForecastTrigger, publishedAt: number): ForecastPublished[] {
  const own = series.filter((e) => (e.level ?? 'series') === 'series');
  if (own.length === 0) return [];
  const origin = own.reduce((m, e) => (e.origin > m ? e.origin : m), own[0]!.origin);
  const latest = own.filter((e) => e.origin === origin);
  const behind = own.filter((e) => e.origin === addWeeks(origin, -1)).length;
  if (latest.length < MIN_ORIGIN_SHARE * (latest.length + behind)) return [];
  const version = latest[0]!.modelVersion;
  const H = Math.min(...latest.map((e) => e.points.length));
  const h = buildHierarchy(latest);
  const points: ForecastPoint[][] = Array.from({ length: h.aggregates }, () => []);
  for (let k = 0; k < H; k++) {
    const p = latest.map((e) => e.points[k]!);
    const sums = aggregate(h, p.map((x) => x.forecast));
    const half = (lo: 'lower80' | 'lower95', hi: 'upper80' | 'upper95') => p.map((x) => (x[lo] === null || x[hi] === null ? null : (x[hi] - x[lo]) / 2));
    const hw80 = half('lower80', 'upper80');
    const hw95 = half('lower95', 'upper95');
    for (let i = 0; i < h.aggregates; i++) {
      const rho = LEVEL_RHO[h.nodes[i]!.level as keyof typeof LEVEL_RHO];
      const width = (hw: (number | null)[]) => {
        const ws = h.members[i]!.map((j) => hw[j]);
        return ws.every((w) => w === null) ? null : combinedHalfWidth(ws.map((w) => w ?? 0), rho);
      };
      const f = cents(sums[i]!);
      const w80 = width(hw80);
      const w95 = width(hw95);
      points[i]!.push({
        week: p[0]!.week,
        horizon: k + 1,
        forecast: f,
        lower80: w80 === null ? null : cents(f - w80),
        upper80: w80 === null ? null : cents(f + w80),
        lower95: w95 === null ? null : cents(f - w95),
        upper95: w95 === null ? null : cents(f + w95),
      });
    }
  }
  return h.nodes.slice(0, h.aggregates).map((node, i) => ({
    level: node.level,
    store: node.store,
    dept: node.dept,
    origin,
    modelVersion: version,
    trigger,
    points: points[i]!,
    publishedAt,
  }));
}
