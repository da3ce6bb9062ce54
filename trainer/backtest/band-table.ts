/**
 * The per-band summary as text (the CLI and the benchmarks print it) and as
 * an HTML table (the report): WMAE and WAPE as ratios to seasonal naive, and
 * the model's interval coverage and Winkler score, per horizon band.
 */
import type { BacktestMetrics } from './aggregate.js';

const r3 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3));
const pct1 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`);
const int = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : Math.round(v).toLocaleString('en-US'));

/** One row per band: [band, points, WMAE ratio, WAPE ratio, coverage 80, coverage 95, Winkler 80, Winkler 95]. */
export function bandRows(m: BacktestMetrics): string[][] {
  return m.byBand.map((b) => {
    const at = (level: number) => b.intervals.find((i) => i.level === level);
    return [`h ${b.band}`, b.points.toLocaleString('en-US'), r3(b.ratios.model?.wmae), r3(b.ratios.model?.wape), pct1(at(0.8)?.coverage), pct1(at(0.95)?.coverage), int(at(0.8)?.winkler), int(at(0.95)?.winkler)];
  });
}

export const BAND_HEADER = ['band', 'points', 'WMAE / s-naive', 'WAPE / s-naive', 'cover 80%', 'cover 95%', 'Winkler 80%', 'Winkler 95%'];

/** The band table as aligned text lines. */
export function bandTableText(m: BacktestMetrics): string {
  const rows = [BAND_HEADER, ...bandRows(m)];
  const widths = BAND_HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** The band table as HTML (cells are plain numbers and labels, escaped anyway by the caller's `esc`). */
export function bandTableHtml(m: BacktestMetrics, esc: (s: string) => string): string {
  const head = `<tr>${BAND_HEADER.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = bandRows(m).map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`).join('\n');
  return `<table>${head}\n${body}</table>`;
}
