/**
 * The time context of a simulated week and the store-level covariates that go
 * with it (temperature, fuel price, CPI, unemployment, markdowns). Slow processes
 * are sums of long sinusoids with seeded phases rather than true random walks, so
 * any week can be computed directly without replaying the weeks before it.
 */
import { holidayOfWeek } from '../sales/holidays.js';
import { holidayExposure, type HolidayExposure } from './calendar-effects.js';
import { gaussian, hashUnit } from './random.js';
import { DEPT_HARMONICS, WANDER_PERIODS, type SimModel, type StoreModel } from './sim-model.js';
import { isoOfDay, parseIsoDay } from '../../lib/weeks.js';

const TAU = 2 * Math.PI;
const DAY_MS = 86_400_000;
/** Walmart's features carry markdowns only from this week on; earlier weeks are null. */
export const MARKDOWN_START = '2011-11-11';
const MARKDOWN_START_DAY = parseIsoDay(MARKDOWN_START) ?? 0;
// Stream ids for hashUnit, one per kind of per-week draw.
const S_TEMP = 11;
const S_LOCAL = 12;
const S_MD = 20;

export interface WeekContext {
  index: number;
  week: string;
  /** day number of the label (the week's last day) */
  day: number;
  /** fraction of the calendar year at mid-week, 0..1 */
  yearFrac: number;
  /** years since week 0 */
  years: number;
  holiday: string | null;
  /** the week before the Christmas week, the busiest of the year */
  preChristmas: boolean;
  /** holiday kernels averaged over the week's seven days */
  exposure: HolidayExposure;
  /** [cos 2πf, sin 2πf, cos 4πf, sin 4πf, ...] at mid-week, f = yearFrac: the profiles' basis */
  basis: Float64Array;
  /** [cos, sin] of 2π years / period for each of WANDER_PERIODS */
  wanderBasis: Float64Array;
}

export interface StoreWeek {
  temperature: number;
  fuelPrice: number;
  cpi: number;
  unemployment: number;
  markdowns: [number | null, number | null, number | null, number | null, number | null];
  /** total markdown dollars relative to the store's size, 0..3 */
  markdownIntensity: number;
  /** multiplier shared by all departments of the store this week */
  factor: number;
}

/** The calendar facts of week `index` of the model (index 0 = startWeek). */
export function weekContext(model: SimModel, index: number): WeekContext {
  const day = model.startDay + 7 * index;
  const mid = day - 3;
  const midDate = new Date(mid * DAY_MS);
  const year = midDate.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / DAY_MS;
  const yearLength = Date.UTC(year + 1, 0, 1) / DAY_MS - jan1;
  const week = isoOfDay(day);
  const yearFrac = (mid - jan1) / yearLength;
  const basis = new Float64Array(2 * DEPT_HARMONICS);
  for (let k = 1; k <= DEPT_HARMONICS; k++) {
    basis[2 * k - 2] = Math.cos(TAU * k * yearFrac);
    basis[2 * k - 1] = Math.sin(TAU * k * yearFrac);
  }
  const years = (7 * index) / 365.25;
  const wanderBasis = new Float64Array(2 * WANDER_PERIODS.length);
  WANDER_PERIODS.forEach((p, j) => {
    wanderBasis[2 * j] = Math.cos((TAU * years) / p);
    wanderBasis[2 * j + 1] = Math.sin((TAU * years) / p);
  });
  return {
    index,
    week,
    day,
    yearFrac,
    years,
    holiday: holidayOfWeek(week),
    preChristmas: holidayOfWeek(isoOfDay(day + 7)) === 'Christmas',
    exposure: holidayExposure(day),
    basis,
    wanderBasis,
  };
}

const MD_PRESENT = [0.92, 0.7, 0.85, 0.8, 0.97] as const;
const MD_MEDIAN = [5000, 400, 60, 1500, 3000] as const;

/** Covariates of one store in one week. Units: °F, $/gallon, index points, percent, dollars. */
export function storeWeek(model: SimModel, store: StoreModel, ctx: WeekContext): StoreWeek {
  const seed = model.opts.seed;
  const s = store.store;
  const t = ctx.years;
  const [p1, p2, p3] = model.fuelPhases;
  const tempNoise = 4.5 * gaussian(hashUnit(seed, s, ctx.index, S_TEMP), hashUnit(seed, s, ctx.index, S_TEMP + 100));
  // Coldest around Jan 20 (yearFrac 0.055).
  const temperature = store.tempMean - store.tempAmp * Math.cos(TAU * (ctx.yearFrac - 0.055)) + tempNoise;
  const fuel = 3.2 + 0.4 * Math.sin((TAU * t) / 3.2 + p1) + 0.18 * Math.sin((TAU * t) / 0.9 + p2) + 0.06 * Math.sin((TAU * t) / 0.23 + p3);
  const cpi = store.cpiBase * (1 + store.cpiGrowth * t) + 0.3 * Math.sin(TAU * t + store.unempPhase);
  const unemployment = clamp(store.unempBase + store.unempSlope * t + 0.25 * Math.sin((TAU * t) / 1.7 + store.unempPhase), 3.5, 14.5);

  const markdowns: StoreWeek['markdowns'] = [null, null, null, null, null];
  let mdTotal = 0;
  if (ctx.day >= MARKDOWN_START_DAY) {
    const sizeScale = store.size / 150_000;
    for (let k = 0; k < 5; k++) {
      const stream = S_MD + 2 * k;
      if (hashUnit(seed, s, ctx.index, stream) >= (MD_PRESENT[k] ?? 1)) continue;
      let median = (MD_MEDIAN[k] ?? 1000) * sizeScale;
      // Clearance around the holidays: markdown 3 spikes at Thanksgiving, 2 around Christmas.
      if (k === 2 && ctx.holiday === 'Thanksgiving') median *= 600;
      if (k === 1 && (ctx.preChristmas || ctx.holiday === 'Christmas')) median *= 10;
      const value = median * Math.exp(gaussian(hashUnit(seed, s, ctx.index, stream + 1), hashUnit(seed, s, ctx.index, stream + 50)));
      markdowns[k] = round(value, 2);
      mdTotal += value;
    }
  }
  const local = 0.03 * gaussian(hashUnit(seed, s, ctx.index, S_LOCAL), hashUnit(seed, s, ctx.index, S_LOCAL + 100));
  return {
    temperature: round(temperature, 2),
    fuelPrice: round(clamp(fuel + store.fuelOffset, 2.4, 4.3), 3),
    cpi: round(cpi, 4),
    unemployment: round(unemployment, 3),
    markdowns,
    markdownIntensity: Math.min(3, mdTotal / (10_000 * (store.size / 150_000))),
    // Rising local unemployment takes about 1% off sales per point.
    factor: Math.exp(local) * (1 - 0.01 * (unemployment - store.unempBase)),
  };
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Rounds to `digits` decimals. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
