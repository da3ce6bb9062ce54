/**
 * Horizon bands: near (1..4 weeks), the rest of the quarter (5..13) and
 * beyond (14..H). Overall numbers are dominated by whichever band has the
 * most points; planning needs each band to hold up on its own, so reports
 * and the promotion policy look at every band.
 */
import { compareOnSamePoints, type Comparison } from './metrics.js';

export interface HorizonBand {
  /** "1..4", "5..13", "14..39". */
  label: string;
  from: number;
  to: number;
}

/** The bands of horizons 1..H, cut at 4 and 13 (empty bands are left out). */
export function horizonBands(H: number): HorizonBand[] {
  const cuts: [number, number][] = [[1, 4], [5, 13], [14, H]];
  return cuts.filter(([a]) => a <= H).map(([a, b]) => {
    const to = Math.min(b, H);
    return { label: `${a}..${to}`, from: a, to };
  });
}

/** The band a horizon falls in (index into horizonBands(H)), -1 outside 1..H. */
export function bandIndex(h: number, H: number): number {
  if (h < 1 || h > H) return -1;
  return h <= 4 ? 0 : h <= 13 ? 1 : 2;
}

export interface BandComparison extends HorizonBand {
  comparison: Comparison;
}

/** compareOnSamePoints within each horizon band of 1..H. */
export function compareByBand(
  actual: ArrayLike<number>,
  isHoliday: ArrayLike<boolean | number>,
  horizon: ArrayLike<number>,
  forecasts: Record<string, ArrayLike<number>>,
  H: number,
): BandComparison[] {
  return horizonBands(H).map((b) => {
    const idx: number[] = [];
    for (let i = 0; i < actual.length; i++) if ((horizon[i] as number) >= b.from && (horizon[i] as number) <= b.to) idx.push(i);
    const pick = (a: ArrayLike<number>) => Float64Array.from(idx, (i) => a[i] as number);
    const sub = Object.fromEntries(Object.entries(forecasts).map(([k, f]) => [k, pick(f)]));
    return { ...b, comparison: compareOnSamePoints(pick(actual), Uint8Array.from(idx, (i) => (isHoliday[i] ? 1 : 0)), sub) };
  });
}

/** a / b, NaN when either is not finite or b = 0 (a ratio to seasonal naive: below 1 beats it). */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}
