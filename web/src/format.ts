/** Display helpers: numbers, percentages, durations, counts and times as the dashboard shows them (dates always ISO, YYYY-MM-DD). */
export const fmt = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(2)}%`);

export const dur = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** "1 week", "2 weeks", "1,204 letters": the count formatted, the noun singular only for exactly one (`many` for irregular plurals). */
export const plural = (n: number, one: string, many = `${one}s`): string => `${fmt(n)} ${n === 1 ? one : many}`;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time, 24-hour HH:MM:SS (epoch ms). */
export const time = (at: number | null | undefined): string => {
  if (!at) return '–';
  const d = new Date(at);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
};

/** Local date and time as ISO 8601 reads it, YYYY-MM-DD HH:MM:SS (epoch ms): one format for every timestamp, whatever the browser's locale. */
export const dateTime = (at: number | null | undefined): string => {
  if (!at) return '–';
  const d = new Date(at);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${time(at)}`;
};

/** The ISO date (YYYY-MM-DD, UTC) of epoch seconds: what a week on a chart's time axis is called. */
export const secToIso = (sec: number): string => new Date(sec * 1000).toISOString().slice(0, 10);

/** Epoch seconds of an ISO date (uPlot time axis). */
export const isoToSec = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 1000;

/** A metric out of a run's metrics JSON: metrics[name].wape (null when absent). */
export function wapeOf(metrics: Record<string, unknown>, name: string): number | null {
  const m = metrics[name] as { wape?: unknown } | null | undefined;
  return m && typeof m.wape === 'number' ? m.wape : null;
}
