/**
 * The typed contracts: each Avro contract with the one validator every
 * consumer of its topic runs (lib/avro/codec.ts `decode(contract, bytes)`). The
 * field readers check what Avro's types cannot say to TypeScript; the domain
 * rules (a real calendar date, ids in range, the event id) come from the
 * concept's own module.
 */
import { typedContract } from '../lib/avro/codec.js';
import { ValidationError } from '../lib/errors.js';
import { FieldReader } from '../lib/avro/fields.js';
import { addWeeks, isIsoDate } from '../lib/weeks.js';
import type {
  BacktestFinished, BacktestRequested, ForecastPoint, ForecastPublished, ModelAliasChanged, ModelAnnotated, ModelPromoted, ModelTrained, SalesWeek, ScheduleChanged, SimulationPaceChanged, TrainingRequested,
} from '../schemas/types.js';
import { validateAlias } from './registry/aliases.js';
import { MAX_DESCRIPTION, validateTags } from './registry/annotations.js';
import { BACKTEST_ID } from './backtest/events.js';
import { validateSalesWeek } from './sales/validate.js';
import { validatePaceSeconds } from './simulation/pace.js';
import { validateCurves, validateImportance } from './training/curves.js';

const TRIGGERS = ['schedule', 'threshold', 'manual', 'backtest', 'decay'] as const;
const DECISIONS = ['promoted', 'rejected', 'failed'] as const;
const KINDS = ['promotion', 'rollback', 'manual'] as const;
const BACKTEST_STATUSES = ['finished', 'failed'] as const;
const FORECAST_TRIGGERS = ['promotion', 'week', 'catch-up'] as const;
const FORECAST_LEVELS = ['total', 'store', 'dept', 'series'] as const;

/** A real calendar date, or null. */
function dateOrNull(r: FieldReader, field: string): string | null {
  const s = r.strOrNull(field);
  if (s !== null && !isIsoDate(s)) throw new ValidationError(`${r.record}.${field}`, 'a real calendar date YYYY-MM-DD or null', s);
  return s;
}

function backtestId(r: FieldReader): string {
  const id = r.str('backtestId');
  if (!BACKTEST_ID.test(id)) throw new ValidationError(`${r.record}.backtestId`, 'a backtest id such as bt-20240131-120000-a1b2c3', id);
  return id;
}

function readSalesWeek(value: unknown): SalesWeek {
  const r = new FieldReader('SalesWeekRecorded', value);
  return validateSalesWeek({
    eventId: r.str('eventId'),
    store: r.int('store'),
    dept: r.int('dept'),
    week: r.str('week'),
    weeklySales: r.num('weeklySales'),
    isHoliday: r.bool('isHoliday'),
    temperature: r.numOrNull('temperature'),
    fuelPrice: r.numOrNull('fuelPrice'),
    markdown1: r.numOrNull('markdown1'),
    markdown2: r.numOrNull('markdown2'),
    markdown3: r.numOrNull('markdown3'),
    markdown4: r.numOrNull('markdown4'),
    markdown5: r.numOrNull('markdown5'),
    cpi: r.numOrNull('cpi'),
    unemployment: r.numOrNull('unemployment'),
    storeType: r.strOrNull('storeType'),
    storeSize: r.intOrNull('storeSize', 0),
    source: r.str('source'),
    producedAt: r.int('producedAt', 0),
  });
}

function readTrainingRequested(value: unknown): TrainingRequested {
  const r = new FieldReader('TrainingRequested', value);
  const params = r.strOrNull('params');
  if (params !== null) r.json('params');
  return {
    requestId: r.str('requestId'),
    trigger: r.oneOf('trigger', TRIGGERS),
    reason: r.str('reason'),
    cutoffWeek: dateOrNull(r, 'cutoffWeek'),
    requestedBy: r.str('requestedBy'),
    requestedAt: r.int('requestedAt', 0),
    params,
  };
}

function readModelTrained(value: unknown): ModelTrained {
  const r = new FieldReader('ModelTrained', value);
  return {
    runId: r.str('runId'),
    version: r.int('version', 1),
    requestIds: r.strs('requestIds'),
    trigger: r.str('trigger'),
    reasons: r.strs('reasons'),
    params: r.json('params'),
    featureVersion: r.str('featureVersion'),
    features: r.strs('features'),
    horizon: r.int('horizon', 1),
    metrics: r.json('metrics'),
    holdoutWeeks: r.strs('holdoutWeeks'),
    dataMaxWeek: r.str('dataMaxWeek'),
    dataRows: r.int('dataRows', 0),
    dataSeries: r.int('dataSeries', 0),
    topicOffsets: r.json('topicOffsets'),
    durationMs: r.int('durationMs', 0),
    artifactSha256: r.str('artifactSha256'),
    artifactUri: r.str('artifactUri'),
    artifactBytes: r.int('artifactBytes', 0),
    decision: r.oneOf('decision', DECISIONS),
    decisionReason: r.str('decisionReason'),
    trainedAt: r.int('trainedAt', 0),
    // written before the fields existed: no curves, no importance (the schema's defaults)
    curves: r.has('curves') ? validateCurves(r.raw('curves'), 'ModelTrained.curves') : null,
    featureImportance: r.has('featureImportance') ? validateImportance(r.raw('featureImportance'), 'ModelTrained.featureImportance') : [],
  };
}

function readModelPromoted(value: unknown): ModelPromoted {
  const r = new FieldReader('ModelPromoted', value);
  return {
    version: r.int('version', 1),
    runId: r.str('runId'),
    previousVersion: r.intOrNull('previousVersion', 1),
    kind: r.oneOf('kind', KINDS),
    reason: r.str('reason'),
    artifactSha256: r.str('artifactSha256'),
    artifactUri: r.str('artifactUri'),
    promotedBy: r.str('promotedBy'),
    promotedAt: r.int('promotedAt', 0),
  };
}

function readBacktestRequested(value: unknown): BacktestRequested {
  const r = new FieldReader('BacktestRequested', value);
  return {
    backtestId: backtestId(r),
    cutoffCount: r.intOrNull('cutoffCount', 1),
    fromWeek: dateOrNull(r, 'fromWeek'),
    toWeek: dateOrNull(r, 'toWeek'),
    horizon: r.int('horizon', 1),
    refitEvery: r.int('refitEvery', 1),
    params: r.json('params'),
    series: r.strs('series'),
    salesTopic: r.str('salesTopic'),
    topicOffsets: r.json('topicOffsets'),
    reason: r.str('reason'),
    requestedBy: r.str('requestedBy'),
    requestedAt: r.int('requestedAt', 0),
    runner: r.strOrNull('runner'),
  };
}

function readBacktestFinished(value: unknown): BacktestFinished {
  const r = new FieldReader('BacktestFinished', value);
  return {
    backtestId: backtestId(r),
    status: r.oneOf('status', BACKTEST_STATUSES),
    reason: r.str('reason'),
    notes: r.strs('notes'),
    cutoffs: r.strs('cutoffs'),
    horizon: r.int('horizon', 1),
    refitEvery: r.int('refitEvery', 1),
    refits: r.int('refits', 0),
    series: r.int('series', 0),
    points: r.int('points', 0),
    dropped: r.int('dropped', 0),
    methods: r.strs('methods'),
    metrics: r.json('metrics'),
    reportPath: r.str('reportPath'),
    outputDir: r.str('outputDir'),
    requestedAt: r.int('requestedAt', 0),
    durationMs: r.int('durationMs', 0),
    finishedAt: r.int('finishedAt', 0),
  };
}

function readScheduleChanged(value: unknown): ScheduleChanged {
  const r = new FieldReader('ScheduleChanged', value);
  return { action: r.oneOf('action', ['paused', 'resumed'] as const), reason: r.str('reason'), changedBy: r.str('changedBy'), changedAt: r.int('changedAt', 0) };
}

function readSimulationPaceChanged(value: unknown): SimulationPaceChanged {
  const r = new FieldReader('SimulationPaceChanged', value);
  const action = r.oneOf('action', ['paced', 'paused', 'resumed'] as const);
  const raw = r.raw('secondsPerWeek');
  if (raw !== null && raw !== undefined && typeof raw !== 'number') throw new ValidationError('SimulationPaceChanged.secondsPerWeek', 'an integer or null', raw);
  return {
    action,
    secondsPerWeek: validatePaceSeconds(action, (raw as number | null | undefined) ?? null),
    reason: r.str('reason'),
    changedBy: r.str('changedBy'),
    changedAt: r.int('changedAt', 0),
  };
}

function readModelAnnotated(value: unknown): ModelAnnotated {
  const r = new FieldReader('ModelAnnotated', value);
  const { setTags, removeTags } = validateTags(r.raw('setTags'), r.raw('removeTags'), 'ModelAnnotated');
  const description = r.strOrNull('description');
  if (description !== null && description.length > MAX_DESCRIPTION) throw new ValidationError('ModelAnnotated.description', `at most ${MAX_DESCRIPTION} characters`, description.length);
  return { version: r.int('version', 1), setTags, removeTags, description, annotatedBy: r.str('annotatedBy'), annotatedAt: r.int('annotatedAt', 0) };
}

function readModelAliasChanged(value: unknown): ModelAliasChanged {
  const r = new FieldReader('ModelAliasChanged', value);
  return {
    alias: validateAlias(r.raw('alias'), 'ModelAliasChanged.alias'),
    version: r.intOrNull('version', 1),
    previousVersion: r.intOrNull('previousVersion', 1),
    reason: r.str('reason'),
    changedBy: r.str('changedBy'),
    changedAt: r.int('changedAt', 0),
  };
}

/** One point of a published forecast: its week is `horizon` weeks after the origin, and each interval's lower bound is at most its upper bound. */
function readForecastPoint(value: unknown, record: string, origin: string): ForecastPoint {
  const r = new FieldReader(record, value);
  const p: ForecastPoint = {
    week: r.str('week'),
    horizon: r.int('horizon', 1, 52),
    forecast: r.num('forecast'),
    lower80: r.numOrNull('lower80'),
    upper80: r.numOrNull('upper80'),
    lower95: r.numOrNull('lower95'),
    upper95: r.numOrNull('upper95'),
  };
  if (p.week !== addWeeks(origin, p.horizon)) throw new ValidationError(`${record}.week`, `${addWeeks(origin, p.horizon)}, ${p.horizon} weeks after the origin ${origin}`, p.week);
  for (const [lo, hi] of [['lower80', 'upper80'], ['lower95', 'upper95']] as const) {
    if ((p[lo] === null) !== (p[hi] === null)) throw new ValidationError(`${record}.${hi}`, `null exactly when ${lo} is null`, p[hi]);
    if (p[lo] !== null && p[hi] !== null && p[lo] > p[hi]) throw new ValidationError(`${record}.${lo}`, `at most ${hi} (${p[hi]})`, p[lo]);
  }
  return p;
}

/** A node's store or dept: 1..65535 where its level names one, else 0 (all), so each node of the hierarchy has one key. */
function nodeKey(r: FieldReader, field: 'store' | 'dept', named: boolean, level: string): number {
  const x = r.raw(field);
  if (named) return r.int(field, 1, 65535);
  if (x !== 0) throw new ValidationError(`ForecastPublished.${field}`, `0 (all) at level ${level}`, x);
  return 0;
}

function readForecastPublished(value: unknown): ForecastPublished {
  const r = new FieldReader('ForecastPublished', value);
  const origin = dateOrNull(r, 'origin');
  if (origin === null) throw new ValidationError('ForecastPublished.origin', 'a real calendar date YYYY-MM-DD', null);
  const points = r.list('points').map((p, i) => readForecastPoint(p, `ForecastPublished.points.${i}`, origin));
  // h = 1..H in order: the cache and the table read point i as horizon i + 1
  points.forEach((p, i) => {
    if (p.horizon !== i + 1) throw new ValidationError(`ForecastPublished.points.${i}.horizon`, `${i + 1} (horizons 1..H in order)`, p.horizon);
  });
  if (points.length === 0) throw new ValidationError('ForecastPublished.points', 'at least one point', 0);
  // absent only in an event built in memory by a producer of series (the Avro decoder fills the default)
  const level = r.raw('level') === undefined ? 'series' : r.oneOf('level', FORECAST_LEVELS);
  return {
    level,
    store: nodeKey(r, 'store', level === 'series' || level === 'store', level),
    dept: nodeKey(r, 'dept', level === 'series' || level === 'dept', level),
    origin,
    modelVersion: r.int('modelVersion', 1),
    trigger: r.oneOf('trigger', FORECAST_TRIGGERS),
    points,
    publishedAt: r.int('publishedAt', 0),
  };
}

export const SALES_WEEK = typedContract('sales', readSalesWeek);
export const TRAINING_REQUESTED = typedContract('trainingRequests', readTrainingRequested);
export const MODEL_TRAINED = typedContract('modelTrained', readModelTrained);
export const MODEL_PROMOTED = typedContract('modelPromoted', readModelPromoted);
export const BACKTEST_REQUESTED = typedContract('backtestRequested', readBacktestRequested);
export const BACKTEST_FINISHED = typedContract('backtestFinished', readBacktestFinished);
export const SCHEDULE_CHANGED = typedContract('scheduleChanged', readScheduleChanged);
export const MODEL_ANNOTATED = typedContract('modelAnnotated', readModelAnnotated);
export const MODEL_ALIAS_CHANGED = typedContract('modelAliasChanged', readModelAliasChanged);
export const FORECAST_PUBLISHED = typedContract('forecastPublished', readForecastPublished);
export const SIMULATION_PACE_CHANGED = typedContract('simulationPaceChanged', readSimulationPaceChanged);
