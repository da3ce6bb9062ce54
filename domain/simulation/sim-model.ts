/**
 * The static world of the simulator: stores, departments and the series they form,
 * drawn once from the seed. Nothing here depends on `weeks`, so week i of a run is
 * the same whether it is produced in a backfill or later as "the next week".
 */
import { ValidationError } from '../../lib/errors.js';
import { parseIsoDay } from '../../lib/weeks.js';
import { hashUnit, mulberry32, normal, uniform, type Rng } from './random.js';

/** Simulator options: seed (integer, default 42), stores (default 45), depts (max per store, default 80), startWeek (ISO date of week 0, any weekday, default '2010-02-05'), weeks (default 143), source (default 'simulator'), producedAt (epoch ms, default Date.now()). */
export interface GeneratorOptions {
  seed?: number;
  stores?: number;
  depts?: number;
  startWeek?: string;
  weeks?: number;
  source?: string;
  producedAt?: number;
}

export type ResolvedOptions = Required<Omit<GeneratorOptions, 'producedAt'>> & { producedAt: number | null };

export type StoreType = 'A' | 'B' | 'C';

/** One series of the catalog; storeSize in square feet. */
export interface SeriesInfo {
  store: number;
  dept: number;
  storeType: StoreType;
  storeSize: number;
}

export interface StoreModel {
  store: number;
  type: StoreType;
  size: number;
  /** sales multiplier from floor area and how well the store trades */
  scale: number;
  tempMean: number;
  tempAmp: number;
  fuelOffset: number;
  cpiBase: number;
  cpiGrowth: number;
  unempBase: number;
  unempSlope: number;
  unempPhase: number;
}

export interface DeptModel {
  dept: number;
  prevalence: number;
  /** typical weekly sales of the dept in a 150k sq ft store, dollars */
  scale: number;
  /** tiny departments: sparse weeks, noisy, sometimes net returns */
  tiny: boolean;
  noise: number;
  seasonAmp: number;
  seasonPhase: number;
  season2Amp: number;
  season2Phase: number;
  decRamp: number;
  lifts: { superBowl: number; laborDay: number; thanksgiving: number; preChristmas: number; christmas: number };
  markdownSensitivity: number;
}

export interface SeriesModel {
  info: SeriesInfo;
  /** store * 1024 + dept: the address of this series' per-week random draws */
  key: number;
  storeIndex: number;
  deptIndex: number;
  base: number;
  /** relative change per year */
  trend: number;
  /** week index of a permanent level shift, or -1 */
  shiftWeek: number;
  shiftFactor: number;
  /** week index the series starts at (departments opened later) */
  firstWeek: number;
}

export interface SimModel {
  opts: ResolvedOptions;
  startDay: number;
  stores: StoreModel[];
  depts: DeptModel[];
  series: SeriesModel[];
  /** national fuel-price cycle phases, radians */
  fuelPhases: [number, number, number];
}

/** Validates options and fills defaults; throws ValidationError naming the bad option. */
export function resolveOptions(opts: GeneratorOptions = {}): ResolvedOptions {
  const o = {
    seed: opts.seed ?? 42,
    stores: opts.stores ?? 45,
    depts: opts.depts ?? 80,
    startWeek: opts.startWeek ?? '2010-02-05',
    weeks: opts.weeks ?? 143,
    source: opts.source ?? 'simulator',
    producedAt: opts.producedAt ?? null,
  };
  if (!Number.isSafeInteger(o.seed)) throw new ValidationError('seed', 'an integer', o.seed);
  if (!Number.isInteger(o.stores) || o.stores < 1 || o.stores > 1000) throw new ValidationError('stores', 'an integer 1..1000', o.stores);
  if (!Number.isInteger(o.depts) || o.depts < 1 || o.depts > 999) throw new ValidationError('depts', 'an integer 1..999', o.depts);
  if (parseIsoDay(o.startWeek) === null) throw new ValidationError('startWeek', 'an ISO date YYYY-MM-DD', o.startWeek);
  if (!Number.isInteger(o.weeks) || o.weeks < 0) throw new ValidationError('weeks', 'a non-negative integer', o.weeks);
  if (o.source.length === 0) throw new ValidationError('source', 'a non-empty string', o.source);
  if (o.producedAt !== null && !Number.isFinite(o.producedAt)) throw new ValidationError('producedAt', 'epoch milliseconds', o.producedAt);
  return o;
}

// Walmart's 45 stores are 22 A, 17 B, 6 C; C stores carry fewer departments.
const TYPE_SHARE: Record<StoreType, number> = { A: 0.49, B: 0.38, C: 0.13 };
const COVERAGE: Record<StoreType, number> = { A: 1, B: 0.99, C: 0.95 };
const SIZE_RANGE: Record<StoreType, [number, number]> = { A: [150_000, 220_000], B: [35_000, 140_000], C: [35_000, 45_000] };
// Series draws are addressed by their own stream ids so adding one never shifts another.
const STREAM_CARRY = 1;
/** The history length the late-opening departments are spread over, independent of `weeks`. */
const REFERENCE_WEEKS = 143;

/** Builds the whole static model for the options. */
export function buildModel(opts: ResolvedOptions): SimModel {
  const startDay = parseIsoDay(opts.startWeek) ?? 0;
  const world = mulberry32(opts.seed);
  const fuelPhases: [number, number, number] = [uniform(world, 0, 6.28), uniform(world, 0, 6.28), uniform(world, 0, 6.28)];
  const stores = makeStores(opts.seed, opts.stores);
  const depts = makeDepts(mulberry32(opts.seed ^ 0x5eed_d3a7), opts.depts);
  const series: SeriesModel[] = [];
  stores.forEach((store, storeIndex) => {
    depts.forEach((dept, deptIndex) => {
      const key = store.store * 1024 + dept.dept;
      if (hashUnit(opts.seed, key, 0, STREAM_CARRY) >= dept.prevalence * COVERAGE[store.type]) return;
      series.push(makeSeries(mulberry32(opts.seed + key * 7919), store, dept, storeIndex, deptIndex, key));
    });
  });
  return { opts, startDay, stores, depts, series, fuelPhases };
}

function makeStores(seed: number, count: number): StoreModel[] {
  const rng = mulberry32(seed ^ 0x0057_03e5);
  const nA = Math.round(count * TYPE_SHARE.A);
  const nB = Math.round(count * TYPE_SHARE.B);
  const types = shuffled(rng, Array.from({ length: count }, (_, i): StoreType => (i < nA ? 'A' : i < nA + nB ? 'B' : 'C')));
  return types.map((type, i) => {
    const [lo, hi] = SIZE_RANGE[type];
    const size = Math.round(uniform(rng, lo, hi));
    const latitude = uniform(rng, 26, 47);
    // CPI in the Walmart features comes in two regional clusters (~126-138 and ~180-228).
    const lowCpi = rng() < 0.35;
    return {
      store: i + 1,
      type,
      size,
      scale: Math.pow(size / 150_000, 0.75) * Math.exp(0.2 * normal(rng)),
      tempMean: 110 - 1.3 * latitude,
      tempAmp: 0.75 * latitude - 5,
      fuelOffset: 0.1 * normal(rng),
      cpiBase: lowCpi ? uniform(rng, 126, 131) : uniform(rng, 182, 215),
      cpiGrowth: uniform(rng, 0.015, 0.03),
      unempBase: rng() < 0.1 ? uniform(rng, 11, 13.5) : uniform(rng, 5, 11),
      unempSlope: uniform(rng, -0.7, 0.2),
      unempPhase: uniform(rng, 0, 6.28),
    };
  });
}

function makeDepts(rng: Rng, count: number): DeptModel[] {
  // Exact shares of each kind keep the series count steady across seeds.
  const kinds = shuffled(rng, Array.from({ length: count }, (_, i) => (i < Math.round(count * 0.07) ? 'tiny' : i < Math.round(count * 0.25) ? 'niche' : 'core')));
  const depts: DeptModel[] = [];
  for (let d = 1; d <= count; d++) {
    const kind = kinds[d - 1];
    const tiny = kind === 'tiny';
    // Most departments are in every store; a minority are niche formats (pharmacy, optical...).
    const prevalence = tiny ? uniform(rng, 0.35, 0.75) : kind === 'core' ? uniform(rng, 0.98, 1) : uniform(rng, 0.65, 0.95);
    // Heavy tail: a lognormal over departments makes a few (grocery, pharmacy) dominate.
    const scale = tiny ? uniform(rng, 30, 400) : Math.min(150_000, Math.max(300, Math.exp(Math.log(8000) + 1.1 * normal(rng))));
    const gift = rng() < 0.3 ? uniform(rng, 0.5, 1) : uniform(rng, 0, 0.15);
    const thanksgiving = 0.05 + 0.8 * gift * uniform(rng, 0.8, 1.2);
    depts.push({
      dept: d,
      prevalence,
      scale,
      tiny,
      noise: tiny ? 0.45 : uniform(rng, 0.04, 0.16),
      seasonAmp: uniform(rng, 0.02, 0.2),
      seasonPhase: uniform(rng, 0, 2 * Math.PI),
      season2Amp: uniform(rng, 0, 0.06),
      season2Phase: uniform(rng, 0, 2 * Math.PI),
      decRamp: 0.5 * gift * uniform(rng, 0.6, 1.2),
      lifts: {
        superBowl: rng() < 0.06 ? uniform(rng, 0.2, 0.45) : uniform(rng, 0.03, 0.1),
        laborDay: uniform(rng, 0.02, 0.09),
        thanksgiving,
        preChristmas: 0.03 + thanksgiving * uniform(rng, 0.9, 1.15),
        christmas: 0.02 + 0.3 * gift * uniform(rng, 0.7, 1.3),
      },
      markdownSensitivity: uniform(rng, 0, 0.04),
    });
  }
  return depts;
}

/** Fisher–Yates shuffle in place; returns the array. */
function shuffled<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

function makeSeries(rng: Rng, store: StoreModel, dept: DeptModel, storeIndex: number, deptIndex: number, key: number): SeriesModel {
  const shifted = rng() < 0.04;
  const up = rng() < 0.5;
  return {
    info: { store: store.store, dept: dept.dept, storeType: store.type, storeSize: store.size },
    key,
    storeIndex,
    deptIndex,
    base: dept.scale * store.scale * Math.exp(0.25 * normal(rng)),
    trend: Math.max(-0.2, Math.min(0.2, 0.05 * normal(rng))),
    shiftWeek: shifted ? Math.floor(uniform(rng, 4, REFERENCE_WEEKS + 17)) : -1,
    shiftFactor: up ? uniform(rng, 1.15, 1.5) : uniform(rng, 0.6, 0.87),
    firstWeek: rng() < 0.16 ? Math.floor(uniform(rng, 1, REFERENCE_WEEKS)) : 0,
  };
}
