/**
 * The static world of the simulator: stores, departments and the series they form,
 * drawn once from the seed. Nothing here depends on `weeks`, so week i of a run is
 * the same whether it is produced in a backfill or later as "the next week".
 */
import { ValidationError } from '../../lib/errors.js';
import { parseIsoDay } from '../../lib/weeks.js';
import { HARMONIC_DECAY, HARMONIC_NORM, SERIES_HARMONICS, makeDepts } from './departments.js';
import { hashUnit, mulberry32, normal, shuffled, uniform, type Rng } from './random.js';

/** Simulator options: seed (integer, default 42), stores (default 45), depts (max per store, default 80), startWeek (ISO date of week 0, any weekday, default '2010-02-05'), weeks (default 143), source (default 'simulator'), producedAt (epoch ms, default Date.now()). */
export interface GeneratorOptions {
  seed?: number;
  stores?: number;
  depts?: number;
  startWeek?: string;
  weeks?: number;
  source?: string;
  producedAt?: number;
  /** Structural breaks: from `fromWeek` on, the department's sales in every store are multiplied by `factor` (`npm run simulate -- break`). */
  breaks?: readonly StructuralBreak[];
}

/** A lasting change the model has not seen: one department's sales in every store scaled by `factor` from `fromWeek` (ISO date) on. */
export interface StructuralBreak {
  dept: number;
  factor: number;
  fromWeek: string;
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
  /** relative change per year shared by the store's departments (log scale) */
  trend: number;
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

/** Periods (years) of the slow level wanders; shared so each week computes their cos/sin once. */
export const WANDER_PERIODS = [0.8, 1.35, 1.9, 2.45, 3];

export { DEPT_HARMONICS, SERIES_HARMONICS } from './departments.js';

export interface DeptModel {
  dept: number;
  prevalence: number;
  /** typical weekly sales of the dept in a 150k sq ft store, dollars */
  scale: number;
  /** tiny departments: sparse weeks, noisy, sometimes net returns */
  tiny: boolean;
  /** weekly lognormal noise of a typical series */
  noise: number;
  /** yearly profile shared by the dept across stores: log-factor = sum_k a_k cos(2πkf) + b_k sin(2πkf), as [a1, b1, a2, b2, ...] */
  profile: number[];
  /** scale of the stores' own deviations from the profile */
  profileNoise: number;
  /** sensitivity to each holiday kernel (1 = the kernel's typical lifts) */
  lifts: { superBowl: number; easter: number; laborDay: number; thanksgiving: number; christmas: number };
  markdownSensitivity: number;
  /** relative change per year shared by the dept's series */
  trend: number;
}

export interface SeriesModel {
  info: SeriesInfo;
  /** store * 1024 + dept: the address of this series' per-week random draws */
  key: number;
  storeIndex: number;
  deptIndex: number;
  base: number;
  /** relative change per year (log scale) */
  trend: number;
  /** slow wander of the level (log scale): a·cos + b·sin of WANDER_PERIODS[period] */
  wander: [period: number, a: number, b: number];
  /** how strongly this store follows the dept's yearly profile and holiday lifts */
  profileGain: number;
  holidayGain: number;
  /** this store's own deviation from the dept profile, same layout as DeptModel.profile */
  profileOwn: number[];
  noise: number;
  /** week index of a permanent level shift, or -1 */
  shiftWeek: number;
  shiftFactor: number;
  /** week index the series starts at (departments opened later) */
  firstWeek: number;
  /** chance that a week after firstWeek has a row (1 for regular series) */
  presence: number;
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
    breaks: opts.breaks ?? [],
  };
  if (!Number.isSafeInteger(o.seed)) throw new ValidationError('seed', 'an integer', o.seed);
  if (!Number.isInteger(o.stores) || o.stores < 1 || o.stores > 1000) throw new ValidationError('stores', 'an integer 1..1000', o.stores);
  if (!Number.isInteger(o.depts) || o.depts < 1 || o.depts > 999) throw new ValidationError('depts', 'an integer 1..999', o.depts);
  if (parseIsoDay(o.startWeek) === null) throw new ValidationError('startWeek', 'an ISO date YYYY-MM-DD', o.startWeek);
  if (!Number.isInteger(o.weeks) || o.weeks < 0) throw new ValidationError('weeks', 'a non-negative integer', o.weeks);
  if (o.source.length === 0) throw new ValidationError('source', 'a non-empty string', o.source);
  if (o.producedAt !== null && !Number.isFinite(o.producedAt)) throw new ValidationError('producedAt', 'epoch milliseconds', o.producedAt);
  o.breaks.forEach((b, i) => {
    if (!Number.isInteger(b.dept) || b.dept < 1) throw new ValidationError(`breaks.${i}.dept`, 'a positive integer', b.dept);
    if (!Number.isFinite(b.factor) || b.factor < 0) throw new ValidationError(`breaks.${i}.factor`, 'a non-negative number', b.factor);
    if (parseIsoDay(b.fromWeek) === null) throw new ValidationError(`breaks.${i}.fromWeek`, 'an ISO date YYYY-MM-DD', b.fromWeek);
  });
  return o;
}

// Walmart's 45 stores are 22 A, 17 B, 6 C; C stores carry fewer departments.
const TYPE_SHARE: Record<StoreType, number> = { A: 0.49, B: 0.38, C: 0.13 };
const COVERAGE: Record<StoreType, number> = { A: 1, B: 0.99, C: 0.95 };
const SIZE_RANGE: Record<StoreType, [number, number]> = { A: [150_000, 220_000], B: [35_000, 140_000], C: [35_000, 45_000] };
// Series draws are addressed by their own stream ids so adding one never shifts another.
const STREAM_CARRY = 1;
const STREAM_LATE = 2;
const GOLDEN = (Math.sqrt(5) - 1) / 2;
/** The history length the late-opening departments are spread over, independent of `weeks`. */
const REFERENCE_WEEKS = 143;
// Calibrated against real retail with `npm run simulate -- traits` (issue 9).
const SHIFT_SHARE = 0.12;
const LATE_SHARE = 0.22;

/** Builds the whole static model for the options. */
export function buildModel(opts: ResolvedOptions): SimModel {
  const startDay = parseIsoDay(opts.startWeek) ?? 0;
  const world = mulberry32(opts.seed);
  const fuelPhases: [number, number, number] = [uniform(world, 0, 6.28), uniform(world, 0, 6.28), uniform(world, 0, 6.28)];
  const stores = makeStores(opts.seed, opts.stores);
  const depts = makeDepts(mulberry32(opts.seed ^ 0x5eed_d3a7), opts.depts);
  const series: SeriesModel[] = [];
  // Late openings follow a golden-ratio sequence over the catalog rather than
  // independent coin flips, so their share (a calibrated trait) holds for every seed.
  // It is addressed by catalog position: stores added at the end shift no earlier series.
  const lateOffset = hashUnit(opts.seed, 0, 0, STREAM_LATE);
  stores.forEach((store, storeIndex) => {
    depts.forEach((dept, deptIndex) => {
      const key = store.store * 1024 + dept.dept;
      if (hashUnit(opts.seed, key, 0, STREAM_CARRY) >= dept.prevalence * COVERAGE[store.type]) return;
      const late = (lateOffset + series.length * GOLDEN) % 1;
      series.push(makeSeries(mulberry32(opts.seed + key * 7919), store, dept, storeIndex, deptIndex, key, late));
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
      trend: 0.04 * normal(rng) - 0.01,
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

function wander(rng: Rng): SeriesModel['wander'] {
  const amp = uniform(rng, 0, 0.08);
  const phase = uniform(rng, 0, 2 * Math.PI);
  return [Math.floor(rng() * WANDER_PERIODS.length), amp * Math.sin(phase), amp * Math.cos(phase)];
}

/** `lateU`, uniform in [0, 1): the series opens late when below LATE_SHARE, the lower the later. */
function makeSeries(rng: Rng, store: StoreModel, dept: DeptModel, storeIndex: number, deptIndex: number, key: number, lateU: number): SeriesModel {
  const shifted = rng() < SHIFT_SHARE;
  const up = rng() < 0.4;
  const profileOwn: number[] = [];
  for (let k = 1; k <= SERIES_HARMONICS; k++) {
    const sd = (dept.profileNoise * (HARMONIC_DECAY[k - 1] ?? 0)) / HARMONIC_NORM;
    profileOwn.push(sd * normal(rng), sd * normal(rng));
  }
  return {
    info: { store: store.store, dept: dept.dept, storeType: store.type, storeSize: store.size },
    key,
    storeIndex,
    deptIndex,
    base: dept.scale * store.scale * Math.exp(0.3 * normal(rng)),
    trend: Math.max(-0.5, Math.min(0.4, dept.trend + store.trend + 0.08 * normal(rng))),
    wander: wander(rng),
    profileGain: Math.exp(0.2 * normal(rng)),
    holidayGain: Math.exp(0.2 * normal(rng)),
    profileOwn,
    noise: dept.noise * Math.exp(0.25 * normal(rng)),
    shiftWeek: shifted ? Math.floor(uniform(rng, 4, REFERENCE_WEEKS + 17)) : -1,
    shiftFactor: up ? uniform(rng, 1.15, 1.6) : uniform(rng, 0.45, 0.87),
    firstWeek: lateU < LATE_SHARE ? 1 + Math.floor((1 - lateU / LATE_SHARE) * (REFERENCE_WEEKS - 1)) : 0,
    presence: dept.tiny ? uniform(rng, 0.15, 0.8) : 1,
  };
}
