/** Display helpers: numbers, percentages, durations and times as the dashboard shows them. */
export const fmt = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(2)}%`);

export const dur = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

export const time = (at: number | null | undefined): string => (at ? new Date(at).toLocaleTimeString('en-GB') : '–');

export const dateTime = (at: number | null | undefined): string => (at ? new Date(at).toLocaleString('en-GB') : '–');

/** Epoch seconds of an ISO date (uPlot time axis). */
export const isoToSec = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 1000;

/** A metric out of a run's metrics JSON: metrics[name].wape (null when absent). */
export function wapeOf(metrics: Record<string, unknown>, name: string): number | null {
  const m = metrics[name] as { wape?: unknown } | null | undefined;
  return m && typeof m.wape === 'number' ? m.wape : null;
}
