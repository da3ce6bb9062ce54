/**
 * A chart's text alternative: what the x axis covers and, per series, its
 * last value and range, so a screen reader (or a reader of the page's text)
 * gets what the canvas shows.
 */
import { fmt, secToIso } from './format.js';

export type XKind = 'clock' | 'date' | 'version' | 'horizon' | 'round';

const pad2 = (n: number) => String(n).padStart(2, '0');
/** How an x value reads for each kind of axis (weeks as ISO dates, never a time of day). */
export const X_TEXT: Record<XKind, (v: number) => string> = {
  clock: (v) => {
    const d = new Date(v * 1000);
    return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  },
  date: secToIso,
  version: (v) => `v${v}`,
  horizon: (v) => `h${v}`,
  round: (v) => String(v),
};
const X_NOUN: Record<XKind, [string, string]> = { clock: ['second', 'seconds'], date: ['week', 'weeks'], version: ['version', 'versions'], horizon: ['horizon', 'horizons'], round: ['round', 'rounds'] };

/** Largest magnitudes get no decimals, small ones (WAPE fractions, ms) keep three significant places. */
const num = (v: number) => (Math.abs(v) >= 100 ? fmt(v) : fmt(v, Math.abs(v) >= 1 ? 2 : 3));

/**
 * "80 weeks, 2010-02-05 to 2011-08-12. actual: last 12,345, from 8,000 to
 * 16,500. forecast: no data." `labels[i]` names the column `data[i + 1]`;
 * `show` formats y values (default: by magnitude).
 */
export function chartSummary(data: readonly ArrayLike<number | null | undefined>[], labels: readonly string[], kind: XKind, show: (v: number) => string = num): string {
  const xs = Array.from(data[0] ?? []).filter((v): v is number => v != null);
  if (xs.length === 0) return 'No data yet.';
  const [one, many] = X_NOUN[kind];
  const head = `${xs.length} ${xs.length === 1 ? one : many}, ${X_TEXT[kind](xs[0]!)}${xs.length > 1 ? ` to ${X_TEXT[kind](xs[xs.length - 1]!)}` : ''}.`;
  const parts = labels.map((label, i) => {
    const ys = Array.from(data[i + 1] ?? []).filter((v): v is number => v != null && Number.isFinite(v));
    if (ys.length === 0) return `${label}: no data.`;
    return `${label}: last ${show(ys[ys.length - 1]!)}, from ${show(Math.min(...ys))} to ${show(Math.max(...ys))}.`;
  });
  return [head, ...parts].join(' ');
}
