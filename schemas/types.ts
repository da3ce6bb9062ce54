/** TypeScript shapes of the Avro contracts in this folder. Handlers only ever see these. */

/** One week of sales for one series; `week` is an ISO date (YYYY-MM-DD), any weekday. */
export interface SalesWeek {
  eventId: string;
  store: number;
  dept: number;
  week: string;
  weeklySales: number;
  isHoliday: boolean;
  temperature: number | null;
  fuelPrice: number | null;
  markdown1: number | null;
  markdown2: number | null;
  markdown3: number | null;
  markdown4: number | null;
  markdown5: number | null;
  cpi: number | null;
  unemployment: number | null;
  storeType: string | null;
  storeSize: number | null;
  source: string;
  /** epoch milliseconds */
  producedAt: number;
}

/** The optional exogenous fields of a SalesWeek, in schema order. */
export const EXOGENOUS_FIELDS = [
  'temperature', 'fuelPrice', 'markdown1', 'markdown2', 'markdown3', 'markdown4', 'markdown5', 'cpi', 'unemployment',
] as const;
export type ExogenousField = (typeof EXOGENOUS_FIELDS)[number];

export type TrainingTrigger = 'schedule' | 'threshold' | 'manual' | 'backtest' | 'decay';

export interface TrainingRequested {
  requestId: string;
  trigger: TrainingTrigger;
  reason: string;
  cutoffWeek: string | null;
  requestedBy: string;
  requestedAt: number;
  /** JSON overrides of training parameters, or null */
  params: string | null;
}

export type PromotionDecision = 'promoted' | 'rejected' | 'failed';

export interface ModelTrained {
  runId: string;
  version: number;
  requestIds: string[];
  trigger: string;
  reasons: string[];
  params: string;
  featureVersion: string;
  features: string[];
  horizon: number;
  metrics: string;
  holdoutWeeks: string[];
  dataMaxWeek: string;
  dataRows: number;
  dataSeries: number;
  topicOffsets: string;
  durationMs: number;
  artifactSha256: string;
  artifactUri: string;
  artifactBytes: number;
  decision: PromotionDecision;
  decisionReason: string;
  trainedAt: number;
  /** Per-round curves of the fit (null: an older or failed run). Optional in code: absent means null. */
  curves?: TrainingCurves | null;
  /** Gain per feature, highest first (empty: an older or failed run). */
  featureImportance?: FeatureGain[];
}

/** The metric per boosting round on the training and validation sets (at most 300 rounds kept). */
export interface TrainingCurves {
  metric: string;
  /** 1-based rounds kept, increasing. */
  rounds: number[];
  train: number[];
  /** Empty when the run had no validation set. */
  valid: number[];
  /** The round whose trees the model keeps (1-based). */
  bestRound: number;
  totalRounds: number;
}

/** One feature's importance: XGBoost's average gain of its splits, and how many splits use it. */
export interface FeatureGain {
  feature: string;
  gain: number;
  splits: number;
}

export type PromotionKind = 'promotion' | 'rollback' | 'manual';

export interface ModelPromoted {
  version: number;
  runId: string;
  previousVersion: number | null;
  kind: PromotionKind;
  reason: string;
  artifactSha256: string;
  artifactUri: string;
  promotedBy: string;
  promotedAt: number;
}

/** A walk-forward backtest was asked for (`backtest.requests`). */
export interface BacktestRequested {
  backtestId: string;
  /** The last N evaluable weeks as cut-offs; null when a range is given. */
  cutoffCount: number | null;
  fromWeek: string | null;
  toWeek: string | null;
  horizon: number;
  refitEvery: number;
  /** JSON of the XGBoost parameters used. */
  params: string;
  /** `store:dept` series charted in the report. */
  series: string[];
  salesTopic: string;
  /** JSON: partition -> end offset (exclusive) of the sales log read. */
  topicOffsets: string;
  reason: string;
  requestedBy: string;
  /** epoch milliseconds */
  requestedAt: number;
  /** null: the process that recorded it runs it (the CLI); 'trainer': queued for the trainer service (from the gateway). */
  runner: string | null;
}

export type BacktestStatus = 'finished' | 'failed';

/** The outcome of one backtest (`backtest.results`). */
export interface BacktestFinished {
  backtestId: string;
  status: BacktestStatus;
  reason: string;
  notes: string[];
  cutoffs: string[];
  horizon: number;
  refitEvery: number;
  refits: number;
  series: number;
  points: number;
  dropped: number;
  methods: string[];
  /** JSON: overall, byHorizon and byCutoff metrics per method. */
  metrics: string;
  reportPath: string;
  outputDir: string;
  requestedAt: number;
  durationMs: number;
  finishedAt: number;
}

/** The training schedule was paused or resumed (`training.schedule`); the latest event decides. */
export interface ScheduleChanged {
  action: 'paused' | 'resumed';
  reason: string;
  changedBy: string;
  /** epoch milliseconds */
  changedAt: number;
}

/** What a pace change does: set the seconds per simulated week, pause, or resume. */
export type PaceAction = 'paced' | 'paused' | 'resumed';

/** The continuous simulator's pace changed (`simulation.pace`); the latest event decides. */
export interface SimulationPaceChanged {
  action: PaceAction;
  /** paced: seconds one simulated week takes; null for paused and resumed. */
  secondsPerWeek: number | null;
  reason: string;
  changedBy: string;
  /** epoch milliseconds */
  changedAt: number;
}

/** Tags and the description of a version changed: a patch (`description` null leaves it unchanged). */
export interface ModelAnnotated {
  version: number;
  setTags: Record<string, string>;
  removeTags: string[];
  description: string | null;
  annotatedBy: string;
  /** epoch milliseconds */
  annotatedAt: number;
}

/** An alias was pointed at a version (`version` null: removed); `previousVersion` is what it named when decided. */
export interface ModelAliasChanged {
  alias: string;
  version: number | null;
  previousVersion: number | null;
  reason: string;
  changedBy: string;
  /** epoch milliseconds */
  changedAt: number;
}

/** Why forecasts were (re)published: a promotion, a new week of the series, or a gateway catching up on what was not published yet. */
export type ForecastTrigger = 'promotion' | 'week' | 'catch-up';

/** One week ahead of a forecast origin; bounds of the 80% and 95% conformal intervals, null where the model has none. */
export interface ForecastPoint {
  week: string;
  horizon: number;
  forecast: number;
  lower80: number | null;
  upper80: number | null;
  lower95: number | null;
  upper95: number | null;
}

/** The levels of the sales hierarchy a forecast can be of (domain/hierarchy/hierarchy.ts). */
export type ForecastLevel = 'total' | 'store' | 'dept' | 'series';

/** The champion's forecasts of one node of the hierarchy from its last known week (`forecast.published`, key `store:dept`; 0 = all). */
export interface ForecastPublished {
  /** 0 at the total and dept levels. */
  store: number;
  /** 0 at the total and store levels. */
  dept: number;
  origin: string;
  modelVersion: number;
  trigger: ForecastTrigger;
  points: ForecastPoint[];
  publishedAt: number;
  /** Absent (events written before the hierarchy, and producers of series) = 'series'; the decoder always sets it. */
  level?: ForecastLevel;
}

/** Deterministic event id of a series-week: `store-dept-week`. */
export function salesEventId(store: number, dept: number, week: string): string {
  return `${store}-${dept}-${week}`;
}

/** Kafka key of a series: `store:dept` keeps a series ordered in one partition. */
export function seriesKey(store: number, dept: number): string {
  return `${store}:${dept}`;
}
