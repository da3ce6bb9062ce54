import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  /** Columnar data `[xs, ...ys]`, drawn as given. */
  data: uPlot.AlignedData;
  series: uPlot.Series[];
  /** Changes when the arrays in `data` changed in place. */
  version: number;
  height?: number;
  /** x axis: wall-clock seconds (live status, default), weeks (dates), model versions, forecast horizons (weeks ahead), or boosting rounds. */
  x?: XKind;
  yLabel?: string;
  testId?: string;
  /** y axes after the x axis (default: one axis labelled `yLabel`). */
  axes?: uPlot.Axis[];
  scales?: uPlot.Scales;
  /** Filled areas between two series (indexes into `[x, ...series]`, upper first), e.g. prediction intervals. */
  bands?: uPlot.Band[];
}

type XKind = 'clock' | 'date' | 'version' | 'horizon' | 'round';

const DAY = 86_400;
const pad2 = (n: number) => String(n).padStart(2, '0');

/** An x axis whose ticks never go below the data's own step (no ":10.500" on a once-a-second series). */
function xAxis(kind: XKind): uPlot.Axis {
  if (kind === 'version') return { label: 'version', incrs: [1, 2, 5, 10, 20, 50], values: (_u, vals) => vals.map((v) => `v${v}`) };
  if (kind === 'round') return { label: 'boosting round', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] };
  if (kind === 'horizon') return { label: 'weeks ahead', incrs: [1, 2, 4, 8, 13, 26], values: (_u, vals) => vals.map((v) => `h${v}`) };
  if (kind === 'date') {
    return {
      space: 70,
      incrs: [7 * DAY, 14 * DAY, 28 * DAY, 91 * DAY, 182 * DAY, 364 * DAY],
      values: (_u, vals) => vals.map((v) => new Date(v * 1000).toISOString().slice(0, 10)),
    };
  }
  return {
    space: 70,
    incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600],
    values: (_u, vals) => vals.map((v) => {
      const d = new Date(v * 1000);
      return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
    }),
  };
}

/** x range with room around a single point (uPlot would otherwise zoom out to years). */
function xRange(kind: XKind): uPlot.Scale.Range {
  const pad = kind === 'date' ? 14 * DAY : kind === 'version' || kind === 'horizon' || kind === 'round' ? 1 : 5;
  // uPlot widens a lone time point by itself (to ~1,000 days), so look at the data, not at min/max
  return (u, min, max) => {
    const xs = u.data[0];
    if (xs && xs.length === 1 && xs[0] != null) return [xs[0] - pad, xs[0] + pad];
    return [min, max];
  };
}

/**
 * A uPlot chart that is created once and fed new columns with `setData`
 * (no re-creation per update, so thousands of points stay cheap), and that
 * follows its container's width.
 */
export function Chart({ data, series, version, height = 180, x = 'clock', yLabel, testId, axes, scales, bands }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // the x range the reader zoomed to (drag to zoom, double-click to reset); null while following the data
  const zoomed = useRef(false);
  const shape = series.map((s) => s.label).join('|');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      series: [{}, ...series],
      // while zoomed, new data keeps the x range (y still fits what is visible)
      scales: { x: { time: x === 'clock' || x === 'date', range: xRange(x), auto: () => !zoomed.current }, ...scales },
      hooks: { setScale: [(u, key) => key === 'x' && followZoom(u, zoomed, host.current)] },
      axes: [xAxis(x), ...(axes ?? [{ label: yLabel, size: 60 }])],
      legend: { live: true },
      ...(bands ? { bands } : {}),
      cursor: { drag: { x: true, y: false } },
    };
    zoomed.current = false;
    const p = new uPlot(opts, data, el);
    plot.current = p;
    const ro = new ResizeObserver(() => p.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      p.destroy();
      plot.current = null;
    };
    // re-create only when the set of series changes, not on data
  }, [shape, height, x]);

  useEffect(() => {
    plot.current?.setData(data);
    // the point count on the element lets a browser test see the chart move without reading canvas pixels
    if (host.current) {
      const xs = data[0];
      host.current.dataset.points = String(xs?.length ?? 0);
      host.current.dataset.lastX = String(xs?.[xs.length - 1] ?? '');
    }
  }, [version, data]);

  return <div ref={host} data-testid={testId} data-bands={bands ? String(bands.length) : undefined} class="chart" />;
}

/**
 * Records whether the x range shows all the data (following it) or a part of
 * it (the reader zoomed), and puts the range on the element so a browser
 * test can see it without reading pixels.
 */
function followZoom(u: uPlot, zoomed: { current: boolean }, el: HTMLElement | null): void {
  const xs = u.data[0];
  const { min, max } = u.scales.x!;
  if (min == null || max == null) return;
  const first = xs?.[0];
  const last = xs?.[xs.length - 1];
  zoomed.current = first != null && last != null && (min > first || max < last);
  if (el) {
    el.dataset.xMin = String(min);
    el.dataset.xMax = String(max);
    el.dataset.zoomed = String(zoomed.current);
  }
}

/** A palette that stays readable on white. */
export const COLORS = ['#2f5f9d', '#2f7d5b', '#c98a12', '#c0392b', '#7a4fb0', '#1b8a9a', '#9c5b2e', '#5d6d7e'];
