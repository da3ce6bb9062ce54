/**
 * Deterministic, Walmart-like weekly sales history. Each series is
 *   base × trend × level shift × seasonality × December ramp × holiday lift
 *     × store-week factor × markdown lift × lognormal noise,
 * with tiny departments sometimes netting returns (negative sales). Per-week draws
 * are addressed by (series, week) so `generateWeek(i)` needs no earlier weeks.
 */
import { salesEventId, type SalesWeek } from '../../schemas/types.js';
import { round, storeWeek, weekContext, type StoreWeek, type WeekContext } from './exogenous.js';
import { gaussian, hashUnit } from './random.js';
import { buildModel, resolveOptions, type DeptModel, type GeneratorOptions, type SeriesInfo, type SeriesModel, type SimModel } from './sim-model.js';

export type { GeneratorOptions, SeriesInfo, StoreType } from './sim-model.js';

const TAU = 2 * Math.PI;
const TINY_PRESENCE = 0.5;
const RETURN_CHANCE = 0.12;
const S_NOISE = 1;
const S_PRESENT = 3;
const S_RETURN = 4;

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

/** Late-opened departments have no rows before they open; tiny ones skip weeks with no sales. */
function isPresent(model: SimModel, s: SeriesModel, index: number): boolean {
  if (index < s.firstWeek) return false;
  return !(model.depts[s.deptIndex]?.tiny ?? false) || hashUnit(model.opts.seed, s.key, index, S_PRESENT) < TINY_PRESENCE;
}

function eventsOfWeek(model: SimModel, index: number, producedAt: number): SalesWeek[] {
  const ctx = weekContext(model, index);
  const storeWeeks = model.stores.map((s) => storeWeek(model, s, ctx));
  const deptFactors = model.depts.map((d) => deptFactor(d, ctx));
  const { seed, source } = model.opts;
  const out: SalesWeek[] = [];
  for (const s of model.series) {
    if (!isPresent(model, s, index)) continue;
    const dept = model.depts[s.deptIndex] as DeptModel;
    const sw = storeWeeks[s.storeIndex] as StoreWeek;
    const level = s.base * Math.max(0.2, 1 + s.trend * ctx.years) * (s.shiftWeek >= 0 && index >= s.shiftWeek ? s.shiftFactor : 1);
    let sales: number;
    if (dept.tiny && hashUnit(seed, s.key, index, S_RETURN) < RETURN_CHANCE) {
      sales = -level * (0.05 + 0.55 * hashUnit(seed, s.key, index, S_RETURN + 100));
    } else {
      const z = gaussian(hashUnit(seed, s.key, index, S_NOISE), hashUnit(seed, s.key, index, S_NOISE + 100));
      const noise = Math.exp(dept.noise * z - 0.5 * dept.noise * dept.noise);
      sales = level * (deptFactors[s.deptIndex] ?? 1) * sw.factor * (1 + dept.markdownSensitivity * sw.markdownIntensity) * noise;
    }
    out.push(makeEvent(s.info, ctx, round(sales, 2), sw, source, producedAt));
  }
  return out;
}

/** Seasonality, December build-up and holiday lift of one department in one week. */
function deptFactor(d: DeptModel, ctx: WeekContext): number {
  const season = 1 + d.seasonAmp * Math.sin(TAU * ctx.yearFrac + d.seasonPhase) + d.season2Amp * Math.sin(2 * TAU * ctx.yearFrac + d.season2Phase);
  let lift = 0;
  if (ctx.preChristmas) lift = d.lifts.preChristmas;
  else if (ctx.holiday === 'Thanksgiving') lift = d.lifts.thanksgiving;
  else if (ctx.holiday === 'Christmas') lift = d.lifts.christmas;
  else if (ctx.holiday === 'Super Bowl') lift = d.lifts.superBowl;
  else if (ctx.holiday === 'Labor Day') lift = d.lifts.laborDay;
  return season * (1 + d.decRamp * ctx.decRamp) * (1 + lift);
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
