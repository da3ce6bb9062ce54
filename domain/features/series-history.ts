/**
 * Compact per-series history: dense arrays indexed by week number (index 0 is
 * the series' first week, index i is 7*i days later), NaN where a week is
 * missing. The trainer builds one per series from all rows; the gateway keeps
 * one per series and upserts each `sales.weekly` event into it. Both then
 * read features through the same functions (features.ts).
 */
import { EXOGENOUS_FIELDS, type ExogenousField, type SalesWeek } from '../../schemas/types.js';
import { ValidationError } from '../../lib/errors.js';
import { isoOfDay, parseIsoDay } from '../../lib/weeks.js';
import type { DeptProfiles } from './dept-profile.js';

/** Number of exogenous columns stored per week, in `EXOGENOUS_FIELDS` order. */
export const EXO_COUNT = EXOGENOUS_FIELDS.length;

/** One week of one series as plain data; `sales: null` records a known-missing week. */
export type HistoryRow = {
  week: string;
  sales: number | null;
  isHoliday?: boolean | null;
  storeType?: string | null;
  storeSize?: number | null;
} & Partial<Record<ExogenousField, number | null>>;

/** Store format letter as a number (A=0, B=1, C=2, ...); NaN when unknown. */
export function storeTypeCode(t: string | null | undefined): number {
  if (!t) return Number.NaN;
  const c = t.trim().toUpperCase().charCodeAt(0) - 65;
  return c >= 0 && c < 26 ? c : Number.NaN;
}

/** A SalesWeek event as a HistoryRow (the shape both paths share). */
export function rowOfSalesWeek(e: SalesWeek): HistoryRow {
  const row: HistoryRow = {
    week: e.week,
    sales: e.weeklySales,
    isHoliday: e.isHoliday,
    storeType: e.storeType,
    storeSize: e.storeSize,
  };
  for (const f of EXOGENOUS_FIELDS) row[f] = e[f];
  return row;
}

export class SeriesHistory {
  readonly store: number;
  readonly dept: number;
  /** Day number (days since 1970-01-01) of index 0; NaN while empty. */
  firstDay = Number.NaN;
  /** Weeks covered, first to last (including missing ones). */
  length = 0;
  /** Weekly sales per index, NaN = missing. Capacity may exceed `length`. */
  sales: Float64Array = new Float64Array(0);
  /** Exogenous values, row-major [index * EXO_COUNT + field], NaN = null. */
  exo: Float64Array = new Float64Array(0);
  /** The data's own holiday flag per index: 1, 0, or 255 when unknown. */
  holiday: Uint8Array = new Uint8Array(0);
  /**
   * Store format code and size per index (NaN = not given that week). Kept per
   * week, not as one "latest" value, so a vector at origin O cannot see a
   * descriptor first sent after O: online and offline stay identical.
   */
  storeTypes: Float64Array = new Float64Array(0);
  storeSizes: Float64Array = new Float64Array(0);
  /** The department profiles of the collection this history belongs to (dept-profile.ts); null = none (those features are NaN). */
  profiles: DeptProfiles | null = null;

  constructor(store: number, dept: number) {
    this.store = store;
    this.dept = dept;
  }

  /** A history built from plain rows in any order (later duplicates win). */
  static fromRows(store: number, dept: number, rows: Iterable<HistoryRow>): SeriesHistory {
    const h = new SeriesHistory(store, dept);
    const list = [...rows];
    // Reserve the full span once so appends in any order never reallocate.
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of list) {
      const d = dayOf(r.week);
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    if (list.length > 0) h.reserve(lo, Math.floor((hi - lo) / 7) + 1);
    for (const r of list) h.upsert(r);
    return h;
  }

  /** Histories keyed `store:dept` from SalesWeek events (the trainer's offline input). */
  static fromSalesWeeks(events: Iterable<SalesWeek>): Map<string, SeriesHistory> {
    const rows = new Map<string, { store: number; dept: number; rows: HistoryRow[] }>();
    for (const e of events) {
      const key = `${e.store}:${e.dept}`;
      let g = rows.get(key);
      if (!g) rows.set(key, (g = { store: e.store, dept: e.dept, rows: [] }));
      g.rows.push(rowOfSalesWeek(e));
    }
    const out = new Map<string, SeriesHistory>();
    for (const [key, g] of rows) out.set(key, SeriesHistory.fromRows(g.store, g.dept, g.rows));
    return out;
  }

  /** ISO date of index `i` (may lie outside the stored range). */
  weekAt(i: number): string {
    return isoOfDay(this.firstDay + 7 * i);
  }

  /** Index of an ISO week in this history (negative or >= length when outside); throws if off the 7-day grid. */
  indexOf(week: string): number {
    const d = dayOf(week);
    if (this.length === 0) throw new ValidationError('week', 'a series with at least one week', week);
    const off = d - this.firstDay;
    if (off % 7 !== 0) {
      throw new ValidationError('week', `a date a whole number of weeks from ${this.weekAt(0)}`, week);
    }
    return off / 7;
  }

  /** Last non-NaN value of a per-week array at or before index o (NaN if none). */
  lastKnown(a: Float64Array, o: number): number {
    for (let i = Math.min(o, this.length - 1); i >= 0; i--) {
      const v = a[i]!;
      if (!Number.isNaN(v)) return v;
    }
    return Number.NaN;
  }

  /** Sales at index i, NaN when missing or outside the stored range. */
  salesAt(i: number): number {
    return i >= 0 && i < this.length ? (this.sales[i] as number) : Number.NaN;
  }

  /** Inserts or replaces one week (an upsert: re-sending a week overwrites it). */
  upsert(row: HistoryRow): void {
    const day = dayOf(row.week);
    if (this.length === 0) this.reserve(day, 1);
    const off = day - this.firstDay;
    if (off % 7 !== 0) {
      throw new ValidationError('week', `a date a whole number of weeks from ${this.weekAt(0)}`, row.week);
    }
    let i = off / 7;
    if (i < 0) {
      this.prepend(-i);
      i = 0;
    }
    if (i >= this.length) {
      this.ensureCapacity(i + 1);
      this.length = i + 1;
    }
    this.sales[i] = numOrNaN(row.sales);
    for (let f = 0; f < EXO_COUNT; f++) this.exo[i * EXO_COUNT + f] = numOrNaN(row[EXOGENOUS_FIELDS[f]!]);
    this.holiday[i] = row.isHoliday === true ? 1 : row.isHoliday === false ? 0 : 255;
    this.storeTypes[i] = storeTypeCode(row.storeType);
    this.storeSizes[i] = numOrNaN(row.storeSize);
  }

  /** Sets the first day and reserves `weeks` slots (only while empty). */
  private reserve(firstDay: number, weeks: number): void {
    if (this.length !== 0) return;
    this.firstDay = firstDay;
    this.ensureCapacity(weeks);
  }

  private ensureCapacity(n: number): void {
    if (n <= this.sales.length) return;
    const cap = Math.max(n, Math.ceil(this.sales.length * 1.5), 16);
    this.sales = grow(this.sales, cap);
    this.exo = grow(this.exo, cap * EXO_COUNT);
    this.storeTypes = grow(this.storeTypes, cap);
    this.storeSizes = grow(this.storeSizes, cap);
    const hol = new Uint8Array(cap).fill(255);
    hol.set(this.holiday.subarray(0, this.length));
    this.holiday = hol;
  }

  /** Shifts everything `k` weeks later to admit an earlier first week (rare: late back-fill). */
  private prepend(k: number): void {
    const n = this.length + k;
    const cap = Math.max(n, this.sales.length);
    this.sales = shifted(this.sales, this.length, cap, k);
    this.exo = shifted(this.exo, this.length * EXO_COUNT, cap * EXO_COUNT, k * EXO_COUNT);
    this.storeTypes = shifted(this.storeTypes, this.length, cap, k);
    this.storeSizes = shifted(this.storeSizes, this.length, cap, k);
    const hol = new Uint8Array(cap).fill(255);
    hol.set(this.holiday.subarray(0, this.length), k);
    this.holiday = hol;
    this.length = n;
    this.firstDay -= 7 * k;
  }
}

/** A NaN-filled array of `cap` values holding a[0..len) at offset k. */
function shifted(a: Float64Array, len: number, cap: number, k: number): Float64Array {
  const b = new Float64Array(cap).fill(Number.NaN);
  b.set(a.subarray(0, len), k);
  return b;
}

/** A NaN-filled copy of `a` with room for `n` values. */
function grow(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n).fill(Number.NaN);
  b.set(a);
  return b;
}

function numOrNaN(v: number | null | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

function dayOf(week: string): number {
  const d = parseIsoDay(week);
  if (d === null) throw new ValidationError('week', 'an ISO date YYYY-MM-DD', week);
  return d;
}
