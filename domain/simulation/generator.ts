/**
 * Deterministic, Walmart-like weekly sales history. Each series is
 *   base × trend × slow wander × level shift × yearly profile × holiday lift
 *     × store-week factor × markdown lift × lognormal noise,
 * where the yearly profile is the department's shape (shared by its stores) scaled
 * and perturbed per store, and holiday lifts follow the real dates (calendar-effects.ts).
 * Some series open late; tiny departments skip weeks and sometimes net returns
 * (negative sales). Per-week draws are addressed by (series, week) so
 * `generateWeek(i)` needs no earlier weeks. Calibrated with traits.ts.
 */
import { ValidationError } from '../../lib/errors.js';
import { salesEventId, type SalesWeek } from '../../schemas/types.js';
import { round, storeWeek, weekContext, type StoreWeek, type WeekContext } from './exogenous.js';
import { gaussian, hashUnit } from './random.js';
import { buildModel, resolveOptions, SERIES_HARMONICS, type DeptModel, type GeneratorOptions, type SeriesInfo, type SeriesModel, type SimModel } from './sim-model.js';

export type { GeneratorOptions, SeriesInfo, StoreType, StructuralBreak } from './sim-model.js';

const RETURN_CHANCE = 0.12;
const S_NOISE = 1;
const S_PRESENT = 3;
const S_RETURN = 4;

/**
 * The options for `multiplier` times the series (scale benchmarks): as many
 * times the stores, each with the departments a store of its type carries,
 * so series and events grow linearly (45 stores -> 3,263 series by default;
 * x4 ~ 13k, x16 ~ 53k). Throws ValidationError on a multiplier that is not
 * a positive integer or would pass the generator's 1,000 stores.
 */
export function scaledOptions(opts: GeneratorOptions, multiplier: number): GeneratorOptions {
  const stores = (opts.stores ?? 45) * multiplier;
  if (!Number.isInteger(multiplier) || multiplier < 1 || stores > 1000) throw new ValidationError('multiplier', `a positive integer with stores x multiplier <= 1000 (stores ${opts.stores ?? 45})`, multiplier);
  return { ...opts, stores };
}

/** The series the options produce, ordered by store then dept. */
export function seriesCatalog(opts: GeneratorOptions = {}): SeriesInfo[] {
  return buildModel(resolveOptions(opts)).series.map((s) => ({ ...s.info }));
}

/** All events of week `weekIndex` (0 = startWeek; may be >= opts.weeks for the "next week"), ordered by series. */
export function generateWeek(opts: GeneratorOptions, weekIndex: number): SalesWeek[] {
  if (!Number.isInteger(weekIndex) || weekIndex < 0) throw new RangeError(`weekIndex: expected a non-negative integer, got ${weekIndex}`);
  const model = buildModel(resolveOptions(opts));
  return eventsOfWeek(model, weekIndex, model.opts.producedAt ?? Date.now());
}

/** The whole history, opts.weeks weeks from startWeek, streamed week by week then series. */
export function* generateHistory(opts: GeneratorOptions = {}): Generator<SalesWeek> {
  const model = buildModel(resolveOptions(opts));
  const producedAt = model.opts.producedAt ?? Date.now();
  for (let i = 0; i < model.opts.weeks; i++) yield* eventsOfWeek(model, i, producedAt);
}

/** Number of events generateHistory(opts) yields, without generating them (progress totals). */
export function historyEventCount(opts: GeneratorOptions = {}): number {
  const model = buildModel(resolveOptions(opts));
  let n = 0;
  for (let i = 0; i < model.opts.weeks; i++) for (const s of model.series) if (isPresent(model, s, i)) n++;
  return n;
}

/** Late-opened departments have no rows before they open; intermittent ones skip weeks with no sales. */
function isPresent(model: SimModel, s: SeriesModel, index: number): boolean {
  if (index < s.firstWeek) return false;
  // The week a department opens it sells, so every series of the catalog has a first row.
  return s.presence >= 1 || index === s.firstWeek || hashUnit(model.opts.seed, s.key, index, S_PRESENT) < s.presence;
}

function eventsOfWeek(model: SimModel, index: number, producedAt: number): SalesWeek[] {
  const ctx = weekContext(model, index);
  const storeWeeks = model.stores.map((s) => storeWeek(model, s, ctx));
  const profiles = model.depts.map((d) => dot(d.profile, ctx.basis, d.profile.length));
  const lifts = model.depts.map((d) => holidayLift(d, ctx));
  const closedFactor = 1 - ctx.exposure.closed;
  const { seed, source } = model.opts;
  // the breaks in force this week, by department (ISO dates compare as strings)
  const broken = new Map<number, number>();
  for (const b of model.opts.breaks) if (ctx.week >= b.fromWeek) broken.set(b.dept, (broken.get(b.dept) ?? 1) * b.factor);
  const out: SalesWeek[] = [];
  for (const s of model.series) {
    if (!isPresent(model, s, index)) continue;
    const dept = model.depts[s.deptIndex] as DeptModel;
    const sw = storeWeeks[s.storeIndex] as StoreWeek;
    const w = s.wander;
    const wander = w[1] * (ctx.wanderBasis[2 * w[0]] ?? 0) + w[2] * (ctx.wanderBasis[2 * w[0] + 1] ?? 0);
    const logLevel = s.trend * ctx.years + wander + s.profileGain * (profiles[s.deptIndex] ?? 0) + dot(s.profileOwn, ctx.basis, 2 * SERIES_HARMONICS);
    const level = s.base * Math.exp(logLevel) * (s.shiftWeek >= 0 && index >= s.shiftWeek ? s.shiftFactor : 1);
    let sales: number;
    if (dept.tiny && hashUnit(seed, s.key, index, S_RETURN) < RETURN_CHANCE) {
      sales = -level * (0.05 + 0.55 * hashUnit(seed, s.key, index, S_RETURN + 100));
    } else {
      const z = gaussian(hashUnit(seed, s.key, index, S_NOISE), hashUnit(seed, s.key, index, S_NOISE + 100));
      const noise = Math.exp(s.noise * z - 0.5 * s.noise * s.noise);
      const lift = Math.max(0.05, closedFactor + s.holidayGain * (lifts[s.deptIndex] ?? 0));
      sales = level * lift * sw.factor * (1 + dept.markdownSensitivity * sw.markdownIntensity) * noise;
    }
    out.push(makeEvent(s.info, ctx, round(sales * (broken.get(s.info.dept) ?? 1), 2), sw, source, producedAt));
  }
  return out;
}

/** The holiday lift of one department in one week, over its regular level (0 = none). */
function holidayLift(d: DeptModel, ctx: WeekContext): number {
  const x = ctx.exposure;
  const l = d.lifts;
  return l.superBowl * x.superBowl + l.easter * x.easter + l.laborDay * x.laborDay + l.thanksgiving * x.thanksgiving + l.christmas * x.christmas;
}

function dot(coef: readonly number[], basis: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (coef[i] ?? 0) * (basis[i] ?? 0);
  return s;
}

function makeEvent(info: SeriesInfo, ctx: WeekContext, weeklySales: number, sw: StoreWeek, source: string, producedAt: number): SalesWeek {
  const md = sw.markdowns;
  // Literal in schema order so every event shares one hidden class.
  return {
    eventId: salesEventId(info.store, info.dept, ctx.week),
    store: info.store,
    dept: info.dept,
    week: ctx.week,
    weeklySales,
    isHoliday: ctx.holiday !== null,
    temperature: sw.temperature,
    fuelPrice: sw.fuelPrice,
    markdown1: md[0],
    markdown2: md[1],
    markdown3: md[2],
    markdown4: md[3],
    markdown5: md[4],
    cpi: sw.cpi,
    unemployment: sw.unemployment,
    storeType: info.storeType,
    storeSize: info.storeSize,
    source,
    producedAt,
  };
}
