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

/** The most days `dayOfName` remembers; 1900..2200 holds about 110,000 valid dates, so the cap binds only a hostile caller. */
export const DAY_NAMES_MAX = 20_000;
const days = new Map<string, number>();
const SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Day number of an ISO date, or null when it is not a real date (memoized:
 * requests name the same weeks over and over). The shape is checked before
 * the cache is touched and only real dates are kept, so a caller sending
 * junk (a 100 KB `week`) never grows it.
 */
export function dayOfName(iso: string): number | null {
  if (iso.length !== 10) return null;
  const hit = days.get(iso);
  if (hit !== undefined) return hit;
  if (!SHAPE.test(iso)) return null;
  const d = parseIsoDay(iso);
  if (d !== null && days.size < DAY_NAMES_MAX) days.set(iso, d);
  return d;
}

/** How many names each memo holds (the hostile-input test reads it). */
export function weekNameCacheSizes(): { names: number; days: number } {
  return { names: names.size, days: days.size };
}
