/**
 * The features, declared as data. Changing anything here changes
 * FEATURE_VERSION (it carries a hash of the spec), so a model trained on one
 * layout can never be served vectors of another without the mismatch showing.
 *
 * Vocabulary: T is the target week, h in 1..H the horizon, O = T - h the
 * forecast origin (the last week whose data may be used). "Normalized" means
 * (value - level) / scale with level/scale taken at O (see `level`): it makes
 * series of very different sizes look alike to one cross-series model.
 */
import { createHash } from 'node:crypto';
import { EXOGENOUS_FIELDS, type ExogenousField } from '../../schemas/types.js';

export interface FeatureSpec {
  /** lag k = y(O - k + 1): lag 1 is the value at the origin (k weeks before T when h = 1). Normalized. */
  readonly lags: readonly number[];
  /** Seasonal lag k = y(T - k), used only when T - k <= O (else NaN). Normalized. */
  readonly seasonalLags: readonly number[];
  /** Rolling windows w: mean (normalized) and population std (/ scale) over known weeks O-w+1..O. */
  readonly windows: readonly number[];
  /** Last year's level: mean over weeks O-52-w+1..O-52 (normalized); pairs with the seasonal lags. */
  readonly lastYearWindow: number;
  /** Count of known weeks in O-w+1..O (tells the model how much history it has). */
  readonly countWindow: number;
  /** Exogenous fields, each the last non-null value in O-lookback+1..O. */
  readonly exogenous: readonly ExogenousField[];
  readonly exoLookback: number;
  /**
   * Target transform base: level = mean of known weeks in O-window+1..O (falling
   * back to the longer window when that is empty); scale = max(mean |y| over the
   * same weeks, minScale). The model learns z = (y(T) - level) / scale.
   */
  readonly level: { readonly window: number; readonly fallbackWindow: number; readonly minScale: number };
  /**
   * The department's yearly profile across stores (dept-profile.ts): dept_ratio =
   * profile(T - lag) / profile's mean over the baseWeeks weeks up to O - lag, the
   * dept's own "target week vs the origin's quarter" a year earlier; dept_sn =
   * level x dept_ratio, normalized: a seasonal naive denoised across stores.
   */
  readonly deptProfile: { readonly lag: number; readonly baseWeeks: number };
  /**
   * The statistical member of the ensemble (domain/forecast/blend.ts), carried
   * in the vector so training and serving compute it once, the same way:
   * stat_base = last year's week smoothed with its neighbours (weights
   * `kernel` over T-51, T-52, T-53; a missing neighbour counts as 0 sales)
   * when y(T-52) is known at O, else the mean of the known weeks in
   * O-fallbackWeeks+1..O (the level when none): normalized like the lags.
   * growth = clip(sum of max(y, 0) over O-growthWindow+1..O / the same a year
   * earlier, growthClip), 1 when either sum is 0. On the real Walmart slice
   * (stores 1-30) the smoothing alone took seasonal naive to 0.93 and the
   * growth to 0.82-0.92 by band (README, "Forecast quality on real data").
   */
  readonly stat: {
    readonly kernel: readonly [number, number, number];
    readonly fallbackWeeks: number;
    readonly growthWindow: number;
    readonly growthClip: readonly [number, number];
  };
  /**
   * Features added by name (CONTRIBUTING.md, "Add a feature"): each is one
   * column after every base column, its value computed by the function of
   * the same name in fill.ts `FILLS`.
   */
  readonly declared: readonly DeclaredFeature[];
}

/** A feature declared as data: its column name and the numbers its fill function reads. */
export interface DeclaredFeature {
  /** Column name: unique, and not one of the base columns. */
  readonly name: string;
  /** Parameters (a window, a lag...) passed to the fill; part of FEATURE_VERSION, so changing one retires the models trained with the old value. */
  readonly params: Readonly<Record<string, number>>;
}

/** Horizons the module supports (the seasonal lag 52 stays known up to h = 52). */
export const MAX_HORIZON = 52;
/** Default forecast horizon H in weeks: a quarter, what planners buy stock for. */
export const DEFAULT_HORIZON = 13;

export const FEATURE_SPEC: FeatureSpec = Object.freeze({
  lags: [1, 2, 3, 4, 8, 13],
  seasonalLags: [51, 52, 53],
  windows: [4, 13, 52],
  lastYearWindow: 13,
  countWindow: 52,
  exogenous: EXOGENOUS_FIELDS,
  exoLookback: 4,
  level: { window: 13, fallbackWindow: 52, minScale: 1 },
  deptProfile: { lag: 52, baseWeeks: 13 },
  stat: { kernel: [1, 2, 1] as const, fallbackWeeks: 4, growthWindow: 13, growthClip: [0.6, 1.6] as const },
  declared: [],
});

/** The base columns, in order: fill.ts writes them at the fixed positions of `COL`. */
const BASE_NAMES: readonly string[] = Object.freeze([
  'horizon',
  'week_of_year',
  'holiday_target',
  'holiday_next',
  'store',
  'dept',
  'store_type',
  'store_size',
  'level',
  'scale',
  ...FEATURE_SPEC.lags.map((k) => `lag_${k}`),
  ...FEATURE_SPEC.seasonalLags.map((k) => `slag_${k}`),
  ...FEATURE_SPEC.windows.flatMap((w) => [`mean_${w}`, `std_${w}`]),
  `ly_mean_${FEATURE_SPEC.lastYearWindow}`,
  `known_${FEATURE_SPEC.countWindow}`,
  'dept_ratio',
  'dept_sn',
  'stat_base',
  'stat_seasonal',
  'growth',
  ...FEATURE_SPEC.exogenous.map((f) => `exo_${f}`),
]);

/** A model's input layout: the spec, its ordered column names and the version that identifies them. */
export interface FeatureLayout {
  readonly spec: FeatureSpec;
  readonly names: readonly string[];
  readonly count: number;
  readonly version: string;
}

/**
 * The layout of FEATURE_SPEC with `declared` as its declared features, appended
 * after the base columns (so `COL` never moves). Throws on a duplicate or base name.
 */
export function featureLayout(declared: readonly DeclaredFeature[]): FeatureLayout {
  const seen = new Set(BASE_NAMES);
  for (const d of declared) {
    if (!/^[a-z][a-z0-9_]*$/.test(d.name)) throw new RangeError(`declared feature name ${JSON.stringify(d.name)}: expected snake_case (a-z, 0-9, _)`);
    if (seen.has(d.name)) throw new RangeError(`declared feature ${d.name}: expected a name not already in the layout`);
    seen.add(d.name);
  }
  const spec: FeatureSpec = Object.freeze({ ...FEATURE_SPEC, declared });
  const names = Object.freeze([...BASE_NAMES, ...declared.map((d) => d.name)]);
  // With nothing declared, hash the spec without its (empty) `declared` key: the
  // layout every model so far was trained on keeps its version and stays servable.
  const { declared: _none, ...base } = spec;
  const hashed = declared.length === 0 ? { spec: base, names } : { spec, names };
  const version = `v1-${createHash('sha256').update(JSON.stringify(hashed)).digest('hex').slice(0, 8)}`;
  return Object.freeze({ spec, names, count: names.length, version });
}

/** The layout every process uses. */
export const FEATURES: FeatureLayout = featureLayout(FEATURE_SPEC.declared);

/** Ordered feature names: the model's input columns. */
export const FEATURE_NAMES: readonly string[] = FEATURES.names;

/** Number of model input columns. */
export const FEATURE_COUNT = FEATURES.count;

/** Version of the layout (a hash of spec and names): bump the prefix for semantic changes the spec cannot show. */
export const FEATURE_VERSION = FEATURES.version;

/** Column index of a feature name; throws on a typo so layouts cannot drift silently. */
export function col(name: string, layout: FeatureLayout = FEATURES): number {
  const i = layout.names.indexOf(name);
  if (i < 0) throw new RangeError(`unknown feature ${name}`);
  return i;
}

/** Fixed column positions the feature code writes to. */
export const COL = Object.freeze({
  horizon: col('horizon'),
  weekOfYear: col('week_of_year'),
  holiday: col('holiday_target'),
  holidayNext: col('holiday_next'),
  store: col('store'),
  dept: col('dept'),
  storeType: col('store_type'),
  storeSize: col('store_size'),
  level: col('level'),
  scale: col('scale'),
  lags: col(`lag_${FEATURE_SPEC.lags[0]}`),
  seasonal: col(`slag_${FEATURE_SPEC.seasonalLags[0]}`),
  windows: col(`mean_${FEATURE_SPEC.windows[0]}`),
  lastYear: col(`ly_mean_${FEATURE_SPEC.lastYearWindow}`),
  known: col(`known_${FEATURE_SPEC.countWindow}`),
  deptRatio: col('dept_ratio'),
  deptSn: col('dept_sn'),
  statBase: col('stat_base'),
  statSeasonal: col('stat_seasonal'),
  growth: col('growth'),
  exo: col(`exo_${FEATURE_SPEC.exogenous[0]}`),
});
