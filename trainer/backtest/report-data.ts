/**
 * The report's charts as columns, computed here so the page only draws
 * (uPlot takes `[xs, ...ys]` and never aggregates): error by horizon, error
 * by cut-off, and actual vs forecast for a few series.
 */
import { parseIsoDay } from '../../lib/weeks.js';
import { SeriesHistory } from '../../domain/features/features.js';
import { isScored, type BacktestMetrics } from './aggregate.js';
import { METHODS, type Method, type PointSet } from '../../domain/backtest/points.js';
import type { SalesLog } from './sales-log.js';

export interface ChartLine {
  label: string;
  color: string;
  values: (number | null)[];
  /** Draw points only (forecasts at scattered weeks) rather than a line. */
  dots?: boolean;
  /** Thin dashed line (baselines next to the model, so the chart stays readable). */
  dashed?: boolean;
}

export interface Chart {
  title: string;
  /** true: xs are unix seconds (weeks); false: plain numbers (horizons). */
  time: boolean;
  xLabel: string;
  yLabel: string;
  xs: number[];
  lines: ChartLine[];
}

export const METHOD_LABELS: Record<Method, string> = { model: 'model', seasonalNaive: 'seasonal naive', lastValue: 'last value', mean4: '4-week mean' };
export const METHOD_COLORS: Record<Method, string> = { model: '#1f6fd1', seasonalNaive: '#e8731a', lastValue: '#2e9e44', mean4: '#9256c2' };

const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : +(v * 100).toFixed(3));
const secondsOfDay = (day: number) => day * 86_400;

/** WAPE (%) per horizon and per cut-off, one line per compared method. */
export function errorCharts(m: BacktestMetrics): Chart[] {
  return [
    {
      title: 'WAPE by horizon (same points for every method)',
      time: false,
      xLabel: 'horizon (weeks)',
      yLabel: 'WAPE %',
      xs: m.byHorizon.map((g) => g.horizon),
      lines: m.methods.map((k) => ({ label: METHOD_LABELS[k], color: METHOD_COLORS[k], values: m.byHorizon.map((g) => pct(g.metrics[k]?.wape)) })),
    },
    {
      title: 'WAPE by cut-off (all horizons)',
      time: true,
      xLabel: 'cut-off week',
      yLabel: 'WAPE %',
      xs: m.byCutoff.map((g) => secondsOfDay(parseIsoDay(g.cutoff) ?? 0)),
      lines: m.methods.map((k) => ({ label: METHOD_LABELS[k], color: METHOD_COLORS[k], values: m.byCutoff.map((g) => pct(g.metrics[k]?.wape)) })),
    },
  ];
}

/**
 * Series to chart: the ones asked for (`store:dept`) that the log has, else
 * the three with the largest scored sales. Unknown keys come back in `missing`.
 */
export function pickSeries(log: SalesLog, points: PointSet, methods: readonly Method[], asked: readonly string[]): { series: number[]; missing: string[] } {
  if (asked.length > 0) {
    const index = new Map(log.series.map((s, i) => [s.key, i]));
    return { series: asked.flatMap((k) => (index.has(k) ? [index.get(k)!] : [])), missing: asked.filter((k) => !index.has(k)) };
  }
  const volume = new Map<number, number>();
  for (let i = 0; i < points.length; i++) {
    if (isScored(points, i, methods)) volume.set(points.series[i]!, (volume.get(points.series[i]!) ?? 0) + Math.abs(points.actual[i]!));
  }
  return { series: [...volume].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([s]) => s), missing: [] };
}

/**
 * Actual (final values) against the h = 1 forecasts of every method and the
 * model's h = H forecast, over the backtest's target weeks plus 13 weeks of
 * context before the first cut-off.
 */
export function seriesChart(log: SalesLog, points: PointSet, si: number, firstCutoffDay: number, lastCutoffDay: number, H: number, methods: readonly Method[]): Chart {
  const s = log.series[si]!;
  const final = SeriesHistory.fromRows(s.store, s.dept, s.rows);
  const from = Math.max(final.firstDay, firstCutoffDay - 7 * 13);
  const to = lastCutoffDay + 7 * H;
  const xsDays: number[] = [];
  for (let d = from; d <= to; d += 7) xsDays.push(d);
  const slot = new Map(xsDays.map((d, i) => [d, i]));
  const empty = () => xsDays.map((): number | null => null);
  const actual = xsDays.map((d) => {
    const v = final.salesAt((d - final.firstDay) / 7);
    return Number.isFinite(v) ? v : null;
  });
  const h1 = Object.fromEntries(METHODS.map((m) => [m, empty()])) as Record<Method, (number | null)[]>;
  const hH = empty();
  for (let i = 0; i < points.length; i++) {
    if (points.series[i] !== si) continue;
    const at = slot.get(points.targetDay[i]!);
    if (at === undefined) continue;
    const h = points.horizon[i];
    for (const m of METHODS) {
      const v = points.forecasts[m][i]!;
      if (h === 1 && Number.isFinite(v)) h1[m][at] = +v.toFixed(2);
    }
    const mv = points.forecasts.model[i]!;
    if (h === H && H > 1 && Number.isFinite(mv)) hH[at] = +mv.toFixed(2);
  }
  const lines: ChartLine[] = [{ label: 'actual', color: '#222', values: actual }];
  for (const m of methods) lines.push({ label: `${METHOD_LABELS[m]} (h=1)`, color: METHOD_COLORS[m], values: h1[m], ...(m === 'model' ? {} : { dashed: true }) });
  if (H > 1 && methods.includes('model')) lines.push({ label: `model (h=${H})`, color: '#7fb3ee', values: hH, dots: true });
  return { title: `store ${s.store} dept ${s.dept}: actual vs forecast`, time: true, xLabel: 'week', yLabel: 'weekly sales', xs: xsDays.map(secondsOfDay), lines };
}
