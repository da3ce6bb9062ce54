/**
 * Difficulty traits of a weekly sales history, so the simulator can be compared
 * with real retail data (issue 9). Input is long format: one point per series-week.
 *
 * Definitions (all over store-dept series):
 * - Common calendar: week slot k holds the days [d0 + 7k, d0 + 7k + 7), d0 the
 *   earliest date in the data. Year 1 is slots 0..51, year 2 slots 52..103 (for the
 *   Walmart layout: weeks from 2010-02-05 and from 2011-02-04). Slots rather than
 *   exact dates, so a file whose series sit on other weekdays still lines up.
 * - profileCorrelation: Pearson correlation of a series' 52 year-1 values with its
 *   52 year-2 values, slot by slot; only series with every slot of both years, and
 *   not constant in either. Quartiles over those series.
 * - yearRatio: year-2 total / year-1 total, same series (year-1 total > 0);
 *   10th / 50th / 90th percentile.
 * - weekChange: per series, median of |y_t - y_prev| over consecutive weeks exactly
 *   7 days apart, divided by the series' mean sales over all its weeks; median over
 *   series with at least one such pair and a positive mean.
 * - shortShare: share of series with fewer than 52 weeks of data.
 * - top10Share: share of total sales made by the 10% of series (rounded up) with
 *   the largest totals.
 * Percentiles interpolate linearly between order statistics (numpy's default).
 */

export interface SalesPoint {
  store: number;
  dept: number;
  /** ISO date YYYY-MM-DD */
  week: string;
  sales: number;
}

export interface Traits {
  series: number;
  /** series with both full years (the population of the two year-based traits) */
  fullYearSeries: number;
  profileCorrelation: [q25: number, q50: number, q75: number];
  yearRatio: [p10: number, p50: number, p90: number];
  weekChange: number;
  shortShare: number;
  top10Share: number;
}

/** The real-retail figures of issue 9, measured the same way on held-back data. */
export const RETAIL_REFERENCE: Readonly<Omit<Traits, 'series' | 'fullYearSeries'>> = Object.freeze({
  profileCorrelation: [0.58, 0.78, 0.89] as [number, number, number],
  yearRatio: [0.83, 0.99, 1.12] as [number, number, number],
  weekChange: 0.107,
  shortShare: 0.102,
  top10Share: 0.46,
});

const YEAR = 52;
const DAY_MS = 86_400_000;

/** Measures the traits of a history (any order; a repeated series-week keeps the last value). */
export function measureTraits(points: Iterable<SalesPoint>): Traits {
  const bySeries = new Map<number, Map<number, number>>();
  let d0 = Infinity;
  for (const p of points) {
    const day = Date.parse(`${p.week}T00:00:00Z`) / DAY_MS;
    if (!Number.isFinite(day)) throw new RangeError(`week: expected an ISO date YYYY-MM-DD, got "${p.week}"`);
    const key = p.store * 65_536 + p.dept;
    let s = bySeries.get(key);
    if (!s) bySeries.set(key, (s = new Map()));
    s.set(day, p.sales);
    if (day < d0) d0 = day;
  }
  const correlations: number[] = [];
  const ratios: number[] = [];
  const changes: number[] = [];
  const totals: number[] = [];
  let short = 0;
  let fullYearSeries = 0;
  for (const s of bySeries.values()) {
    const days = [...s.keys()].sort((a, b) => a - b);
    const values = days.map((d) => s.get(d) ?? 0);
    if (days.length < YEAR) short++;
    const total = sum(values);
    totals.push(total);
    const change = weekChangeOf(days, values, total / values.length);
    if (change !== null) changes.push(change);
    const years = twoYears(days, values, d0);
    if (years === null) continue;
    fullYearSeries++;
    const r = pearson(years[0], years[1]);
    if (r !== null) correlations.push(r);
    const y1 = sum(years[0]);
    if (y1 > 0) ratios.push(sum(years[1]) / y1);
  }
  return {
    series: bySeries.size,
    fullYearSeries,
    profileCorrelation: [quantile(correlations, 0.25), quantile(correlations, 0.5), quantile(correlations, 0.75)],
    yearRatio: [quantile(ratios, 0.1), quantile(ratios, 0.5), quantile(ratios, 0.9)],
    weekChange: quantile(changes, 0.5),
    shortShare: bySeries.size === 0 ? NaN : short / bySeries.size,
    top10Share: topShare(totals, 0.1),
  };
}

/** Year-1 and year-2 values by slot, or null unless all 104 slots have a value. */
function twoYears(days: number[], values: number[], d0: number): [number[], number[]] | null {
  const slots = new Array<number | undefined>(2 * YEAR).fill(undefined);
  days.forEach((d, i) => {
    const k = Math.floor((d - d0) / 7);
    if (k < 2 * YEAR) slots[k] = values[i];
  });
  if (slots.some((v) => v === undefined)) return null;
  const all = slots as number[];
  return [all.slice(0, YEAR), all.slice(YEAR)];
}

/** Median absolute 7-day change over the mean level, or null without a 7-day pair or a positive mean. */
function weekChangeOf(days: number[], values: number[], mean: number): number | null {
  if (!(mean > 0)) return null;
  const diffs: number[] = [];
  for (let i = 1; i < days.length; i++) {
    if ((days[i] ?? 0) - (days[i - 1] ?? 0) === 7) diffs.push(Math.abs((values[i] ?? 0) - (values[i - 1] ?? 0)));
  }
  return diffs.length === 0 ? null : quantile(diffs, 0.5) / mean;
}

/** Pearson correlation, or null when either side is constant. */
export function pearson(a: readonly number[], b: readonly number[]): number | null {
  const n = Math.min(a.length, b.length);
  if (n < 2) return null;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] ?? 0;
    mb += b[i] ?? 0;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] ?? 0) - ma;
    const y = (b[i] ?? 0) - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

/** Quantile q in [0, 1] with linear interpolation between order statistics; NaN for no values. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return (s[lo] ?? NaN) + (pos - lo) * ((s[hi] ?? NaN) - (s[lo] ?? NaN));
}

/** Share of the grand total made by the top `fraction` of totals (count rounded up, at least 1). */
function topShare(totals: number[], fraction: number): number {
  if (totals.length === 0) return NaN;
  const s = [...totals].sort((a, b) => b - a);
  const k = Math.max(1, Math.ceil(fraction * s.length));
  return sum(s.slice(0, k)) / sum(s);
}

function sum(xs: readonly number[]): number {
  let t = 0;
  for (const x of xs) t += x;
  return t;
}

/** One line per trait figure: name, measured value, the real-retail reference and the relative gap (value / real - 1). */
export function traitRows(t: Traits, ref = RETAIL_REFERENCE): { trait: string; value: number; real: number; gap: number }[] {
  const rows: { trait: string; value: number; real: number }[] = [];
  const three = (name: string, labels: string[], v: readonly number[], r: readonly number[]) =>
    labels.forEach((l, i) => rows.push({ trait: `${name} ${l}`, value: v[i] ?? NaN, real: r[i] ?? NaN }));
  three('year-1/year-2 profile correlation', ['q25', 'q50', 'q75'], t.profileCorrelation, ref.profileCorrelation);
  three('year-2 / year-1 sales', ['p10', 'p50', 'p90'], t.yearRatio, ref.yearRatio);
  rows.push({ trait: 'median week-to-week change / level', value: t.weekChange, real: ref.weekChange });
  rows.push({ trait: 'series with < 52 weeks', value: t.shortShare, real: ref.shortShare });
  rows.push({ trait: 'top 10% series share of sales', value: t.top10Share, real: ref.top10Share });
  return rows.map((r) => ({ ...r, gap: r.value / r.real - 1 }));
}

/** The traits as a plain-text table with the reference figures and gaps ('n/a' where the data has no population, e.g. no full years). */
export function formatTraits(t: Traits, ref = RETAIL_REFERENCE): string {
  const rows = traitRows(t, ref);
  const width = Math.max(...rows.map((r) => r.trait.length));
  const lines = [
    `${t.series} series, ${t.fullYearSeries} with both full years`,
    `${'trait'.padEnd(width)}  ${'value'.padStart(7)}  ${'real'.padStart(7)}  ${'gap'.padStart(7)}`,
  ];
  for (const r of rows) {
    const gap = Number.isFinite(r.gap) ? `${r.gap >= 0 ? '+' : ''}${(100 * r.gap).toFixed(1)}%` : 'n/a';
    const value = Number.isFinite(r.value) ? r.value.toFixed(3) : 'n/a';
    lines.push(`${r.trait.padEnd(width)}  ${value.padStart(7)}  ${r.real.toFixed(3).padStart(7)}  ${gap.padStart(7)}`);
  }
  return lines.join('\n');
}
