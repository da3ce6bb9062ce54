/**
 * Week dates. A week is named by the ISO date (YYYY-MM-DD) the data gives it,
 * on any weekday; consecutive weeks of a data set are 7 days apart. All maths
 * is in UTC days so no time zone or DST can shift a week.
 */
const DAY_MS = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Recently parsed dates: a data set has a few hundred distinct weeks and
 * every event parses its week several times. Only real dates are kept and
 * only strings of a date's length are looked up, so input from outside
 * (a request's `week`) can neither grow it nor be hashed at any length.
 */
const parsed = new Map<string, number>();
export const PARSED_MAX = 4096;

/** Days since 1970-01-01 of a valid ISO date, or null when it is not a real date. */
export function parseIsoDay(s: string): number | null {
  if (s.length !== 10) return null;
  const hit = parsed.get(s);
  if (hit !== undefined) return hit;
  const day = parseIsoDayUncached(s);
  if (day !== null) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(s, day);
  }
  return day;
}

/** Entries in parseIsoDay's memo (the hostile-input test reads it). */
export function parsedDaysCached(): number {
  return parsed.size;
}

function parseIsoDayUncached(s: string): number | null {
  const m = ISO.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1900 || y > 2200) return null;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / DAY_MS;
}

/** Whether `s` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  return parseIsoDay(s) !== null;
}

/** ISO date of a day number (days since 1970-01-01). */
export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The ISO date `weeks` weeks after `week` (negative goes back). Throws on an invalid date. */
export function addWeeks(week: string, weeks: number): string {
  const day = parseIsoDay(week);
  if (day === null) throw new RangeError(`not a date: ${week}`);
  return isoOfDay(day + weeks * 7);
}

/** Whole weeks from `a` to `b` (b - a), rounded to the nearest week. */
export function weeksBetween(a: string, b: string): number {
  const da = parseIsoDay(a);
  const db = parseIsoDay(b);
  if (da === null || db === null) throw new RangeError(`not a date: ${da === null ? a : b}`);
  return Math.round((db - da) / 7);
}

/**
 * Week of year 1..53 of a date: the ISO-8601 week number, so the same
 * retail week lands on the same number every year whatever weekday the data uses.
 */
export function weekOfYear(week: string): number {
  const day = parseIsoDay(week);
  if (day === null) throw new RangeError(`not a date: ${week}`);
  const d = new Date(day * DAY_MS);
  const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = day - dow + 3;
  const yearOfThursday = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = Date.UTC(yearOfThursday, 0, 1) / DAY_MS;
  return Math.floor((thursday - jan1) / 7) + 1;
}
