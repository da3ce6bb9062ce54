/**
 * Small, exact data sets for the backtest tests: plain SalesWeek events with
 * chosen values, and a generated set with a pattern the naive baselines
 * cannot follow (a period-3 cycle) while a model with lags can.
 */
import { addWeeks } from '../../lib/weeks.js';
import { salesEventId, type SalesWeek } from '../../schemas/types.js';

/** One valid event with no exogenous data. */
export function salesEvent(store: number, dept: number, week: string, sales: number, isHoliday = false): SalesWeek {
  return {
    eventId: salesEventId(store, dept, week),
    store,
    dept,
    week,
    weeklySales: sales,
    isHoliday,
    temperature: null,
    fuelPrice: null,
    markdown1: null,
    markdown2: null,
    markdown3: null,
    markdown4: null,
    markdown5: null,
    cpi: null,
    unemployment: null,
    storeType: null,
    storeSize: null,
    source: 'test',
    producedAt: 1,
  };
}

/** Value of the cyclic pattern for series (store, dept) at week index i: level x (1 + 0.45 x [1, 0, -1][i mod 3]) x tiny noise. */
export function cyclicValue(store: number, dept: number, i: number): number {
  const level = 1000 * store + 300 * dept;
  const noise = 1 + 0.01 * Math.sin(7.3 * i + store * 1.7 + dept * 0.9);
  return Math.round(level * (1 + 0.45 * [1, 0, -1][i % 3]!) * noise * 100) / 100;
}

/**
 * `stores` x `depts` series over `weeks` weeks from `start`, week by week
 * (as the simulator produces). Last-value, 4-week-mean and seasonal-naive
 * (52 is not a multiple of 3) all miss the period-3 cycle.
 */
export function cyclicHistory(o: { stores: number; depts: number; weeks: number; start?: string }): SalesWeek[] {
  const start = o.start ?? '2011-01-07';
  const out: SalesWeek[] = [];
  for (let i = 0; i < o.weeks; i++) {
    const week = addWeeks(start, i);
    for (let s = 1; s <= o.stores; s++) for (let d = 1; d <= o.depts; d++) out.push(salesEvent(s, d, week, cyclicValue(s, d, i)));
  }
  return out;
}
