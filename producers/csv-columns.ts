/**
 * Header detection and cell parsing for sales CSVs. Two layouts share one alias
 * table, since they differ only in names:
 *  - Walmart: `Store,Dept,Date,Weekly_Sales,IsHoliday` (train.csv), plus the features
 *    file `Store,Date,Temperature,Fuel_Price,MarkDown1..5,CPI,Unemployment,IsHoliday`
 *    and the stores file `Store,Type,Size`;
 *  - generic: `store,dept,week,sales[,is_holiday][,temperature,fuel_price,markdown1..5,cpi,unemployment][,store_type,store_size]`.
 * Headers are case-insensitive and `_`, `-` and spaces in them are ignored; unknown
 * columns (an `Id`, say) are ignored. Dates must be YYYY-MM-DD: M/D/Y and D/M/Y are
 * ambiguous, so they are rejected rather than guessed.
 */
import { ValidationError } from '../lib/errors.js';
import { isIsoDate } from '../lib/weeks.js';
import type { ExogenousField } from '../schemas/types.js';

export type Target = 'store' | 'dept' | 'week' | 'weeklySales' | 'isHoliday' | ExogenousField | 'storeType' | 'storeSize';
export type Layout = 'walmart' | 'generic';

const ALIASES: Record<string, Target> = {
  store: 'store',
  dept: 'dept',
  department: 'dept',
  date: 'week',
  week: 'week',
  weeklysales: 'weeklySales',
  sales: 'weeklySales',
  isholiday: 'isHoliday',
  temperature: 'temperature',
  fuelprice: 'fuelPrice',
  markdown1: 'markdown1',
  markdown2: 'markdown2',
  markdown3: 'markdown3',
  markdown4: 'markdown4',
  markdown5: 'markdown5',
  cpi: 'cpi',
  unemployment: 'unemployment',
  type: 'storeType',
  storetype: 'storeType',
  size: 'storeSize',
  storesize: 'storeSize',
};

/** How the error names a missing column, in both layouts' spellings. */
const LABEL: Partial<Record<Target, string>> = {
  store: 'Store',
  dept: 'Dept',
  week: 'Date (or week)',
  weeklySales: 'Weekly_Sales (or sales)',
};

/** Columns each kind of file must have. */
export const REQUIRED = {
  sales: ['store', 'dept', 'week', 'weeklySales'],
  features: ['store', 'week'],
  stores: ['store'],
} as const satisfies Record<string, readonly Target[]>;

/** Where each known column is and what the file calls it. */
export interface Columns {
  layout: Layout;
  width: number;
  at: Partial<Record<Target, { index: number; name: string }>>;
}

/** Maps a header record to columns; throws ValidationError naming `file` and every missing column. */
export function readHeader(file: string, header: readonly string[], required: readonly Target[]): Columns {
  const at: Columns['at'] = {};
  header.forEach((raw, index) => {
    const name = raw.trim();
    const target = ALIASES[name.toLowerCase().replace(/[\s_-]/g, '')];
    if (target === undefined) return;
    const seen = at[target];
    if (seen) throw new ValidationError(`${file}: header`, `one column for ${target}`, `both ${seen.name} and ${name}`);
    at[target] = { index, name };
  });
  const missing = required.filter((t) => at[t] === undefined);
  if (missing.length > 0) {
    const names = missing.map((t) => LABEL[t] ?? t).join(', ');
    throw new ValidationError(`${file}: header`, `column${missing.length > 1 ? 's' : ''} ${names}`, header.join(','));
  }
  const dateName = at.week?.name.toLowerCase();
  return { layout: dateName === 'date' || at.weeklySales?.name.toLowerCase() === 'weekly_sales' ? 'walmart' : 'generic', width: header.length, at };
}

/** A cell parser: the value, or undefined when the cell is not what `expected` says. */
export interface CellParser<T> {
  expected: string;
  parse(raw: string): T | undefined;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^\+?\d+$/;
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null']);
const isMissing = (s: string) => MISSING.has(s.toLowerCase());

export const positiveInt: CellParser<number> = {
  expected: 'a positive integer',
  parse: (s) => {
    if (!INTEGER.test(s)) return undefined;
    const n = Number(s);
    return n >= 1 && n <= 2_147_483_647 ? n : undefined;
  },
};

export const isoDate: CellParser<string> = {
  expected: 'a date YYYY-MM-DD',
  parse: (s) => (isIsoDate(s) ? s : undefined),
};

/** Sales: required, so NA or NaN are errors, not missing values. Negative is fine (returns). */
export const finiteNumber: CellParser<number> = {
  expected: 'a finite number',
  parse: (s) => (NUMBER.test(s) ? Number(s) : undefined),
};

/** Optional numbers: empty, NA, N/A, NaN or NULL (any case) are missing. */
export const optionalNumber: CellParser<number | null> = {
  expected: 'a number, NA or empty',
  parse: (s) => (isMissing(s) ? null : NUMBER.test(s) ? Number(s) : undefined),
};

/** Booleans as spreadsheets and pandas write them; missing means "from the holiday calendar". */
export const optionalBoolean: CellParser<boolean | null> = {
  expected: 'TRUE, FALSE, 1 or 0',
  parse: (s) => {
    const v = s.toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    return isMissing(s) ? null : undefined;
  },
};

export const optionalText: CellParser<string | null> = {
  expected: 'text',
  parse: (s) => (isMissing(s) ? null : s),
};

export const optionalPositiveInt: CellParser<number | null> = {
  expected: 'a positive integer, NA or empty',
  parse: (s) => (isMissing(s) ? null : positiveInt.parse(s)),
};

/**
 * Reads one cell of `target` from a record: the parsed value, null when the column
 * is absent, or undefined after pushing a message naming the column onto `problems`.
 */
export function cell<T>(cols: Columns, fields: readonly string[], target: Target, parser: CellParser<T>, problems: string[]): T | null | undefined {
  const col = cols.at[target];
  if (col === undefined) return null;
  const raw = (fields[col.index] ?? '').trim();
  const value = parser.parse(raw);
  if (value === undefined) problems.push(new ValidationError(col.name, parser.expected, raw).message);
  return value;
}
