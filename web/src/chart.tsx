import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { fitAxis } from './axis-fit.js';
import { chartSummary, X_TEXT, type XKind } from './chart-summary.js';
import { useStore } from './store.js';
import { cssColor, theme } from './theme.js';

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
  /** y scales start at zero (counts, rates, errors: where the size of a value matters, not only its change). */
  zero?: boolean;
  /** How y values read in the chart's text alternative (default: by magnitude). */
  yText?: (v: number) => string;
  /** x values marked by a dashed vertical line in --red (events on the time axis, e.g. a retraining asked for). */
  markers?: readonly number[];
}


const DAY = 86_400;
const WEEK = 7 * DAY;

/** What the x value is called in the hover legend, and how it reads there (weeks as ISO dates, never a time of day). */
function xSeries(kind: XKind): uPlot.Series {
  const label = { clock: 'time', date: 'week', version: 'version', horizon: 'weeks ahead', round: 'round' }[kind];
  return { label, value: (_u, v) => (v == null ? '' : X_TEXT[kind](v)) };
}

/**
 * Ticks of a weekly axis on the data's own 7-day grid (uPlot's time splits
 * start from the epoch, a Thursday, and would fall between the weeks).
 */
function weekSplits(u: uPlot, _axis: number, min: number, max: number, incr: number): number[] {
  const x0 = u.data[0]?.[0];
  const step = Math.max(WEEK, Math.round(incr / WEEK) * WEEK);
  const start = x0 == null ? min : x0 + Math.ceil((min - x0) / step) * step;
  const out: number[] = [];
  for (let v = start; v <= max; v += step) out.push(v);
  return out;
}

/** An x axis whose ticks never go below the data's own step (no ":10.500" on a once-a-second series). */
function xAxis(kind: XKind): uPlot.Axis {
  if (kind === 'version') return { label: 'version', incrs: [1, 2, 5, 10, 20, 50], values: (_u, vals) => vals.map((v) => `v${v}`) };
  if (kind === 'round') return { label: 'boosting round', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] };
  if (kind === 'horizon') return { label: 'weeks ahead', incrs: [1, 2, 4, 8, 13, 26], values: (_u, vals) => vals.map((v) => `h${v}`) };
  if (kind === 'date') {
    return { space: 90, incrs: [WEEK, 2 * WEEK, 4 * WEEK, 13 * WEEK, 26 * WEEK, 52 * WEEK], splits: weekSplits, values: (_u, vals) => vals.map(X_TEXT.date) };
  }
  return { space: 70, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600], values: (_u, vals) => vals.map(X_TEXT.clock) };
}

/** A y range from zero to a little above the largest value (1 when all are zero or missing). */
const fromZero: uPlot.Scale.Range = (_u, _min, max) => [0, max != null && max > 0 ? max * 1.05 : 1];

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
export function Chart({ data, series, version, height = 180, x = 'clock', yLabel, testId, axes, scales, bands, zero, yText, markers }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // the x range the reader zoomed to (drag to zoom, double-click to reset); null while following the data
  const zoomed = useRef(false);
  const shape = series.map((s) => s.label).join('|');
  // a canvas keeps the colours it was given: a new theme re-creates the chart with the new ones
  const { resolved } = useStore(theme);
  // read by the draw hook, so new markers need no re-creation
  const marks = useRef<readonly number[]>(markers ?? []);
  marks.current = markers ?? [];

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const yAxes = (axes ?? [{ label: yLabel }]).map((a) => ({ ...themed(a), size: fitAxis(typeof a.size === 'number' ? a.size : 50) }));
    const yScales = zero ? Object.fromEntries([...new Set(yAxes.map((a) => a.scale ?? 'y'))].map((k) => [k, { range: fromZero }])) : {};
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      series: [xSeries(x), ...series.map(colored)],
      // while zoomed, new data keeps the x range (y still fits what is visible)
      scales: { x: { time: x === 'clock' || x === 'date', range: xRange(x), auto: () => !zoomed.current }, ...yScales, ...scales },
      hooks: {
        setScale: [(u, key) => key === 'x' && followZoom(u, zoomed, host.current)],
        // the x row of the legend only while the pointer is on the chart (no "week: –" row at rest)
        setCursor: [(u) => host.current && (host.current.dataset.hover = String(u.cursor.idx != null))],
        draw: [(u) => drawMarkers(u, marks.current)],
      },
      axes: [themed(xAxis(x)), ...yAxes],
      // room on the right for half of the last date or time label, which would otherwise be cut
      padding: [null, x === 'date' || x === 'clock' ? 40 : null, null, null],
      legend: { live: true },
      ...(bands ? { bands: bands.map((b) => (typeof b.fill === 'string' ? { ...b, fill: cssColor(b.fill) } : b)) } : {}),
      cursor: { drag: { x: true, y: false } },
    };
    zoomed.current = false;
    const p = new uPlot(opts, data, el);
    plot.current = p;
    // browser tests read the drawn tick labels and axis sizes here (a canvas has no text to query)
    (el as HTMLElement & { uplot?: uPlot }).uplot = p;
    const ro = new ResizeObserver(() => p.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      p.destroy();
      plot.current = null;
    };
    // re-create only when the set of series changes, not on data
  }, [shape, height, x, zero, resolved]);

  useEffect(() => {
    plot.current?.setData(data);
    // the point count on the element lets a browser test see the chart move without reading canvas pixels
    if (host.current) {
      const xs = data[0];
      host.current.dataset.points = String(xs?.length ?? 0);
      host.current.dataset.lastX = String(xs?.[xs.length - 1] ?? '');
      host.current.dataset.markers = marks.current.join(',');
    }
  }, [version, data, markers?.join(',')]);

  // the canvas has no text: a summary of what it shows is the chart's text alternative
  return (
    <figure class="chart-figure">
      <div ref={host} data-testid={testId} data-bands={bands ? String(bands.length) : undefined} class="chart" aria-hidden="true" />
      <figcaption class="sr-only" data-testid={testId ? `${testId}-summary` : undefined}>
        {chartSummary(data, series.map((s) => String(s.label ?? '')), x, yText)}
      </figcaption>
    </figure>
  );
}

/** Dashed vertical lines across the plot area at the x values in view. */
function drawMarkers(u: uPlot, xs: readonly number[]): void {
  if (xs.length === 0) return;
  const ctx = u.ctx;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.strokeStyle = cssColor('var(--red)');
  ctx.lineWidth = 2 * uPlot.pxRatio;
  ctx.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
  for (const x of xs) {
    const px = Math.round(u.valToPos(x, 'x', true));
    if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) continue;
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, top + height);
    ctx.stroke();
  }
  ctx.restore();
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

/** The series palette, as CSS variables (styles.css gives each theme its own eight hues; charts resolve them, HTML uses them as they are). */
export const COLORS = Array.from({ length: 8 }, (_, i) => `var(--c${i})`);

/** A series with its `var(--…)` colours resolved for the canvas. */
function colored(s: uPlot.Series): uPlot.Series {
  return { ...s, ...(typeof s.stroke === 'string' ? { stroke: cssColor(s.stroke) } : {}), ...(typeof s.fill === 'string' ? { fill: cssColor(s.fill) } : {}) };
}

/** An axis in the theme's colours: labels and title in --axis, grid and ticks in --grid (uPlot's default is black on any background). */
function themed(a: uPlot.Axis): uPlot.Axis {
  const line = cssColor('var(--grid)');
  return { stroke: cssColor('var(--axis)'), ...a, grid: { stroke: line, width: 1, ...a.grid }, ticks: { stroke: line, width: 1, ...a.ticks } };
}
