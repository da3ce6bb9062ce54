/**
 * A model's conformal intervals compiled once into flat arrays, for the
 * computed predict path. intervalsAt (domain/intervals/conformal.ts) names
 * a forecast's Mondrian groups as strings, looks each up in an object and
 * returns objects: per row of a computed batch that cost about as much as
 * the features. Here the half-width every (level, horizon, season, year-ago
 * known, size class) resolves to is found once, through the same group
 * names (intervalGroups) and the same rule (a group's own quantile when it
 * has MIN_GROUP_RESIDUALS residuals at that horizon, else the pooled one),
 * and a row reads one number per level. The unit test checks it against
 * intervalsAt value for value, so a change there that is not made here fails.
 */
import {
  MIN_GROUP_RESIDUALS,
  intervalGroups,
  intervalNormalizer,
  seasonOfDay,
  sizeClass,
  type ConformalIntervals,
} from '../../domain/intervals/conformal.js';
import { MAX_HORIZON } from '../../domain/features/spec.js';

/** A compiled ConformalIntervals; `q` index: see `at`. NaN = no interval. */
export interface IntervalTable {
  levels: readonly number[];
  sizeCuts: readonly number[] | undefined;
  /** Size classes (cuts + 1, or 1 without cuts). */
  sizes: number;
  q: Float64Array;
}

// a day of each season, to name the season's groups through intervalGroups itself
const REGULAR_DAY = 15_527; // 2012-07-06
const PEAK_DAY = 15_694; // 2012-12-20
const SEASON_DAY = [REGULAR_DAY, PEAK_DAY] as const;

const compiled = new WeakMap<ConformalIntervals, IntervalTable>();

/** The compiled table of `c` (made on first use, kept with the model's intervals object). */
export function intervalTable(c: ConformalIntervals): IntervalTable {
  let t = compiled.get(c);
  if (!t) compiled.set(c, (t = compile(c)));
  return t;
}

const index = (t: IntervalTable, li: number, h: number, season: number, yearAgo: number, size: number) =>
  (((li * MAX_HORIZON + (h - 1)) * 2 + season) * 2 + yearAgo) * t.sizes + size;

function compile(c: ConformalIntervals): IntervalTable {
  const sizes = c.sizeCuts ? c.sizeCuts.length + 1 : 1;
  const t: IntervalTable = { levels: c.levels, sizeCuts: c.sizeCuts, sizes, q: new Float64Array(c.levels.length * MAX_HORIZON * 2 * 2 * sizes).fill(Number.NaN) };
  for (let season = 0; season < 2; season++) {
    for (let yearAgo = 0; yearAgo < 2; yearAgo++) {
      for (let size = 0; size < sizes; size++) {
        // a scale in size class `size` (below every cut for class 0)
        const scale = size === 0 ? Number.NEGATIVE_INFINITY : c.sizeCuts![size - 1]!;
        const groups = intervalGroups({ targetDay: SEASON_DAY[season]!, yearAgoKnown: yearAgo === 1 }, scale, c.sizeCuts);
        for (let li = 0; li < c.levels.length; li++) {
          for (let h = 1; h <= MAX_HORIZON; h++) {
            const q = resolve(c, li, h, groups);
            if (q !== null && q !== undefined) t.q[index(t, li, h, season, yearAgo, size)] = q;
          }
        }
      }
    }
  }
  return t;
}

/** The half-width a row uses: the first of its groups calibrated at h with enough residuals, else the pooled one. */
function resolve(c: ConformalIntervals, li: number, h: number, groups: readonly string[]): number | null | undefined {
  for (const g of groups) {
    const table = c.groups?.[g];
    const q = table && (table.n[h - 1] ?? 0) >= MIN_GROUP_RESIDUALS ? table.halfWidth[li]?.[h - 1] : null;
    if (q !== null && q !== undefined) return q;
  }
  return c.halfWidth[li]?.[h - 1];
}

const seasons = new Map<number, number>();
/** 1 for the holiday peak, 0 for the rest (seasonOfDay, memoized: a gateway sees a few hundred target weeks). */
function seasonIndex(day: number): number {
  let s = seasons.get(day);
  if (s === undefined) {
    s = seasonOfDay(day) === 'peak' ? 1 : 0;
    if (seasons.size < 100_000) seasons.set(day, s);
  }
  return s;
}

/**
 * Writes the bounds of every level for one forecast into lower[li] /
 * upper[li] at `row` (NaN where the level has no interval), as intervalsAt
 * gives them for the same forecast, horizon, scale and context.
 */
export function writeIntervals(
  t: IntervalTable,
  row: number,
  h: number,
  forecast: number,
  scale: number,
  targetDay: number,
  yearAgoKnown: boolean,
  lower: Float64Array[],
  upper: Float64Array[],
): void {
  const usable = Number.isFinite(forecast) && Number.isFinite(scale) && h >= 1 && h <= MAX_HORIZON;
  const season = usable ? seasonIndex(targetDay) : 0;
  const size = usable && t.sizeCuts ? sizeClass(scale, t.sizeCuts) : 0;
  const norm = usable ? intervalNormalizer(forecast, scale) : Number.NaN;
  for (let li = 0; li < t.levels.length; li++) {
    const q = usable ? t.q[index(t, li, h, season, yearAgoKnown ? 1 : 0, size)]! : Number.NaN;
    lower[li]![row] = Number.isNaN(q) ? Number.NaN : forecast - q * norm;
    upper[li]![row] = Number.isNaN(q) ? Number.NaN : forecast + q * norm;
  }
}
