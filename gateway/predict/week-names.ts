import { isoOfDay, parseIsoDay } from '../../lib/weeks.js';

// Formatting a date is the most expensive step of naming a week, and a
// gateway only ever names a few hundred distinct weeks: memoize by day number.
const names = new Map<number, string>();

/** ISO date of week index `i` of a series whose index 0 is day `firstDay` (memoized). */
export function weekName(firstDay: number, i: number): string {
  const day = firstDay + 7 * i;
  let s = names.get(day);
  if (s === undefined) {
    s = isoOfDay(day);
    if (names.size < 100_000) names.set(day, s);
  }
  return s;
}

const days = new Map<string, number | null>();

/** Day number of an ISO date, or null when it is not a real date (memoized: requests name the same weeks over and over). */
export function dayOfName(iso: string): number | null {
  let d = days.get(iso);
  if (d === undefined) {
    d = parseIsoDay(iso);
    if (days.size < 100_000) days.set(iso, d);
  }
  return d;
}
