/**
 * US retail holiday calendar, as data, shared by the simulator, the CSV importer
 * (when a file has no holiday column) and the trainer's features for future weeks.
 *
 * Week convention: a week labelled by date D covers the seven days D-6..D, i.e. the
 * label is the week's last day. That is how the Walmart data labels weeks by their
 * Friday: 2010-02-12 covers Sat 02-06..Fri 02-12 and so holds Super Bowl Sunday 02-07;
 * Christmas 2010-12-25 falls in the week labelled 2010-12-31, not 2010-12-24. Any
 * weekday works: each holiday date lies in exactly one labelled week.
 */
import { z } from 'zod';
import { ValidationError } from '../../lib/errors.js';
import { parseIsoDay } from '../../lib/weeks.js';

const DAY_MS = 86_400_000;

/** How a holiday's date is found in a year. Months 1-12; weekday 0 = Sunday .. 6 = Saturday; n >= 1, or -1 for the last. */
export type DateRule =
  | { kind: 'fixed'; month: number; day: number }
  | { kind: 'nthWeekday'; month: number; weekday: number; n: number };

/** A named holiday; `fromYear`/`toYear` (inclusive) bound the years the rule applies to. */
export interface HolidayRule {
  name: string;
  rule: DateRule;
  fromYear?: number;
  toYear?: number;
}

/**
 * The four holidays the Walmart data flags. The Super Bowl moved from the first to
 * the second Sunday of February when the NFL season grew to 17 games (2022).
 */
export const DEFAULT_HOLIDAYS: readonly Readonly<HolidayRule>[] = Object.freeze(([
  { name: 'Super Bowl', rule: { kind: 'nthWeekday', month: 2, weekday: 0, n: 1 }, toYear: 2021 },
  { name: 'Super Bowl', rule: { kind: 'nthWeekday', month: 2, weekday: 0, n: 2 }, fromYear: 2022 },
  { name: 'Labor Day', rule: { kind: 'nthWeekday', month: 9, weekday: 1, n: 1 } },
  { name: 'Thanksgiving', rule: { kind: 'nthWeekday', month: 11, weekday: 4, n: 4 } },
  { name: 'Christmas', rule: { kind: 'fixed', month: 12, day: 25 } },
] satisfies HolidayRule[]).map((h) => Object.freeze({ ...h, rule: Object.freeze(h.rule) })));

/** Day number (days since 1970-01-01) of a rule's date in `year`, or null when that year has no such day. */
export function holidayDay(rule: DateRule, year: number): number | null {
  const m = rule.month - 1;
  if (rule.kind === 'fixed') {
    const d = new Date(Date.UTC(year, m, rule.day));
    return d.getUTCMonth() === m ? d.getTime() / DAY_MS : null;
  }
  const daysInMonth = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
  let dom: number;
  if (rule.n === -1) {
    const lastDow = new Date(Date.UTC(year, m, daysInMonth)).getUTCDay();
    dom = daysInMonth - ((lastDow - rule.weekday + 7) % 7);
  } else {
    const firstDow = new Date(Date.UTC(year, m, 1)).getUTCDay();
    dom = 1 + ((rule.weekday - firstDow + 7) % 7) + 7 * (rule.n - 1);
  }
  return dom >= 1 && dom <= daysInMonth ? Date.UTC(year, m, dom) / DAY_MS : null;
}

/** Name of the holiday inside the week labelled `week` (covering week-6..week), or null. Throws ValidationError on a bad date. */
export function holidayOfWeek(week: string, calendar: readonly HolidayRule[] = DEFAULT_HOLIDAYS): string | null {
  const end = parseIsoDay(week);
  if (end === null) throw new ValidationError('week', 'an ISO date YYYY-MM-DD', week);
  const start = end - 6;
  const firstYear = new Date(start * DAY_MS).getUTCFullYear();
  const lastYear = new Date(end * DAY_MS).getUTCFullYear();
  for (let year = firstYear; year <= lastYear; year++) {
    for (const h of calendar) {
      if ((h.fromYear !== undefined && year < h.fromYear) || (h.toYear !== undefined && year > h.toYear)) continue;
      const day = holidayDay(h.rule, year);
      if (day !== null && day >= start && day <= end) return h.name;
    }
  }
  return null;
}

/** Whether the week labelled `week` (covering week-6..week) holds a holiday of `calendar` (default: DEFAULT_HOLIDAYS). */
export function isHolidayWeek(week: string, calendar: readonly HolidayRule[] = DEFAULT_HOLIDAYS): boolean {
  return holidayOfWeek(week, calendar) !== null;
}

const month = z.number().int().min(1).max(12);
const HolidayRuleSchema = z.object({
  name: z.string().min(1),
  rule: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed'), month, day: z.number().int().min(1).max(31) }),
    z.object({
      kind: z.literal('nthWeekday'),
      month,
      weekday: z.number().int().min(0).max(6),
      n: z.union([z.literal(-1), z.number().int().min(1).max(5)]),
    }),
  ]),
  fromYear: z.number().int().optional(),
  toYear: z.number().int().optional(),
});

/** Validates a calendar read from config (parsed JSON); throws ValidationError naming the bad entry. */
export function parseHolidayCalendar(json: unknown): HolidayRule[] {
  const parsed = z.array(HolidayRuleSchema).min(1).safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? `holidays${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}` : 'holidays';
  throw new ValidationError(where, `a valid holiday rule (${issue?.message ?? 'a non-empty list'})`);
}
