/**
 * Holiday effects tied to the real dates, not to week numbers. Each holiday has a
 * daily lift kernel around its date (Black Friday the day after Thanksgiving, the
 * last shopping days before Christmas, the store closed on Dec 25...); a week's
 * exposure is the mean of the kernel over the seven days it covers (D-6..D). So the
 * week a holiday falls in, and how much of its run-up a week holds, move from year
 * to year as the dates do: with Friday labels, 2010-12-24 holds Dec 18..24 but
 * 2011-12-23 only Dec 17..23, Christmas Eve falling into the next week. Easter moves
 * by weeks and is not flagged, as in the Walmart data.
 */
import { DEFAULT_HOLIDAYS, holidayDay, type DateRule } from '../sales/holidays.js';

const DAY_MS = 86_400_000;

/** Mean daily lift of each holiday kernel over one week; `closed` is the share of the week's days the stores are shut. */
export interface HolidayExposure {
  superBowl: number;
  easter: number;
  laborDay: number;
  thanksgiving: number;
  christmas: number;
  closed: number;
}

type Kernel = readonly (readonly [offset: number, lift: number])[];

// Daily lifts by offset from the holiday's date, for a typical department (a
// department scales them by its own sensitivity).
const SUPER_BOWL: Kernel = [[-2, 0.3], [-1, 0.9], [0, 0.6]];
const EASTER: Kernel = [[-3, 0.2], [-2, 0.5], [-1, 0.8], [0, -0.3]];
const LABOR_DAY: Kernel = [[-3, 0.15], [-2, 0.45], [-1, 0.35], [0, 0.3]];
const THANKSGIVING: Kernel = [[-2, 0.25], [-1, 0.6], [0, -0.4], [1, 2.8], [2, 1.1], [3, 0.45]];
/** From Dec 1 the build-up grows towards the last weekend; Christmas Eve closes early. */
const CHRISTMAS: Kernel = [
  ...Array.from({ length: 17 }, (_, i): [number, number] => [i - 24, 0.1 + 0.9 * ((i + 1) / 17) ** 2]),
  [-7, 1.1], [-6, 1.2], [-5, 1.3], [-4, 1.45], [-3, 1.6], [-2, 1.75], [-1, 1.5],
  [1, 0.35], [2, 0.15], [3, 0.1], [4, 0.1], [5, 0.1], [6, 0.15],
];

function ruleOf(name: string): DateRule[] {
  return DEFAULT_HOLIDAYS.filter((h) => h.name === name).map((h) => h.rule);
}
const SUPER_BOWL_RULES = DEFAULT_HOLIDAYS.filter((h) => h.name === 'Super Bowl');
const LABOR_DAY_RULES = ruleOf('Labor Day');
const THANKSGIVING_RULES = ruleOf('Thanksgiving');
const CHRISTMAS_RULES = ruleOf('Christmas');

/** Day number of Easter Sunday in `year` (anonymous Gregorian algorithm). */
export function easterDay(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** The holiday exposures of the week whose last day is `endDay` (days since 1970-01-01). */
export function holidayExposure(endDay: number): HolidayExposure {
  const year = new Date(endDay * DAY_MS).getUTCFullYear();
  const x: HolidayExposure = { superBowl: 0, easter: 0, laborDay: 0, thanksgiving: 0, christmas: 0, closed: 0 };
  // The week can touch the previous year's holidays (a week ending in early January).
  for (const y of [year - 1, year]) {
    for (const h of SUPER_BOWL_RULES) {
      if ((h.fromYear !== undefined && y < h.fromYear) || (h.toYear !== undefined && y > h.toYear)) continue;
      x.superBowl += exposure(SUPER_BOWL, holidayDay(h.rule, y), endDay);
    }
    x.easter += exposure(EASTER, easterDay(y), endDay);
    for (const r of LABOR_DAY_RULES) x.laborDay += exposure(LABOR_DAY, holidayDay(r, y), endDay);
    for (const r of THANKSGIVING_RULES) x.thanksgiving += exposure(THANKSGIVING, holidayDay(r, y), endDay);
    for (const r of CHRISTMAS_RULES) {
      const day = holidayDay(r, y);
      x.christmas += exposure(CHRISTMAS, day, endDay);
      if (day !== null && day >= endDay - 6 && day <= endDay) x.closed += 1 / 7;
    }
  }
  return x;
}

/** Mean over the days endDay-6..endDay of a kernel centred on `day`. */
function exposure(kernel: Kernel, day: number | null, endDay: number): number {
  if (day === null || day > endDay + 30 || day < endDay - 36) return 0;
  let s = 0;
  for (const [offset, lift] of kernel) {
    const d = day + offset;
    if (d >= endDay - 6 && d <= endDay) s += lift;
  }
  return s / 7;
}
