/**
 * One training run, start to record: read the projection up to the cut-off,
 * build the matrices with the shared feature module, train and export through
 * the Python driver (which refuses an ONNX that disagrees with XGBoost), score
 * model, baselines and champion on one holdout, decide with the policy,
 * publish the artifact, then the `model.trained` record and, when promoted,
 * the `model.promoted` event. Whatever fails, the run is still recorded.
 */
import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin, Kafka } from 'kafkajs';
import type { Config } from '../../lib/config.js';
import { messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { ModelPromoted, ModelTrained } from '../../schemas/types.js';
import { scoreChampion } from './champion-scorer.js';
import { publishTraining } from '../../domain/training/diagnostics.js';
import { blendForecasts, fitBlend } from '../../domain/ensemble/blend.js';
import { FEATURE_VERSION } from '../../domain/features/features.js';
import type { EventPublisher } from '../../domain/training/io/event-publisher.js';
import { holdoutIntervals, scoreHoldout, scoreHoldoutBands, splitHoldout, type HoldoutSplit } from './holdout.js';
import { decidePromotion } from '../../domain/registry/promotion-policy.js';
import { eventsOrThrow } from '../../domain/decider.js';
import { promotionOfRun } from '../../domain/registry/commands.js';
import { championOf, nextVersion, runMetrics, type RegistryState, type RunMetrics } from '../../domain/registry/state.js';
import type { RegistryView } from '../../domain/registry/io/view.js';
import { failedRecord, trainedRecord, type RunIdentity } from './run-record.js';
import { loadTrainingData, waitForMaterializer } from './training-data.js';
import { DEFAULT_TRAIN_PARAMS, parseParams, type RunPlan } from '../../domain/training/request.js';
import { trainWindowWeeks } from '../../domain/training/window.js';
import { trainXgboost, type TrainOptions, type TrainerLine, type XgbParams } from './xgboost.js';

export interface RunContext {
  cfg: Readonly<Config>;
  kafka: Kafka;
  admin: Admin;
  ch: ClickHouseClient;
  publisher: EventPublisher;
  view: RegistryView;
  log: Logger;
  /** Where fetched champion artifacts are cached (verified by hash on every read). */
  cacheDir: string;
  /** How long to wait for the materializer to catch up before reading; default 30 s. */
  materializerWaitMs?: number;
  /** Overrides for the Python step (tests, the benchmark's memory probe). */
  xgb?: Partial<Pick<TrainOptions, 'python' | 'script' | 'timeoutMs' | 'validWeeks' | 'parityTolerance'>>;
  /** Extra listener for the driver's lines (the benchmark); they also go to the diagnostics channel. */
  onLine?: (line: TrainerLine) => void;
}

export interface RunOutcome {
  trained: ModelTrained;
  promoted: ModelPromoted | null;
  metrics: RunMetrics;
  /** Milliseconds per phase: wait, read, features, train (incl. export and parity), champion, evaluate, publish. */
  timings: Record<string, number>;
  /** The driver's own timings (python load/train/predict/export, parity). */
  trainTimings: Record<string, number>;
}

/** Times one phase of a run and reports it on the diagnostics channel. */
type PhaseFn = <T>(name: string, fn: () => Promise<T> | T) => Promise<T>;
type KnownSoFar = NonNullable<Parameters<typeof failedRecord>[3]>;

/** Executes one run for a plan; throws only when even the failure could not be recorded. */
export async function executeRun(plan: RunPlan, ctx: RunContext, runId: string = randomUUID()): Promise<RunOutcome> {
  const { log } = ctx;
  const startedAt = Date.now();
  const state = await ctx.view.sync();
  // Record the parameters actually used (defaults under overrides), not only what was asked for.
  const effective = effectiveParams(plan.params);
  const id: RunIdentity = { runId, version: nextVersion(state), plan: { ...plan, params: effective.json }, horizon: ctx.cfg.trainer.horizon, startedAt };
  const timings: Record<string, number> = {};
  const phase: PhaseFn = async (name, fn) => {
    const t = performance.now();
    const v = await fn();
    timings[name] = performance.now() - t;
    publishTraining({ type: 'phase', runId, phase: name, ms: timings[name]! });
    return v;
  };
  log.info(`run ${runId} v${id.version} started: ${plan.reasons.join(' | ')}`);
  publishTraining({ type: 'started', runId, version: id.version, requestIds: plan.requestIds, reasons: plan.reasons, at: startedAt });

  const partial: KnownSoFar = {};
  let trained: ModelTrained;
  let trainTimings: Record<string, number> = {};
  try {
    const done = await trainAndDecide(plan, ctx, id, state, phase, partial);
    trained = done.trained;
    trainTimings = done.trainTimings;
  } catch (err) {
    log.error(`run ${runId} v${id.version} failed: ${messageOf(err)}`);
    trained = failedRecord(id, err, Date.now(), partial);
  }
  const promoted = await record(ctx, trained, state, timings);
  log.info(`run ${runId} v${id.version} ${trained.decision}: ${trained.decisionReason}`);
  publishTraining({ type: 'finished', runId, version: id.version, decision: trained.decision, reason: trained.decisionReason, durationMs: trained.durationMs, at: Date.now() });
  return { trained, promoted, metrics: runMetrics(trained), timings, trainTimings };
}

/** Read the projection, build the holdout split, train, score, decide and publish the artifact; fills `partial` as facts become known. */
async function trainAndDecide(plan: RunPlan, ctx: RunContext, id: RunIdentity, state: RegistryState, phase: PhaseFn, partial: KnownSoFar) {
  const { cfg, log } = ctx;
  const H = cfg.trainer.horizon;
  const params = parseParams(id.plan.params);
  const { data, split } = await prepare(plan, ctx, phase, partial);
  const result = await phase('train', () => fitModel(ctx, id.runId, split, params));
  log.info(`run ${id.runId}: ONNX ${result.sha256.slice(0, 12)} matches XGBoost on ${result.parity.rows} holdout rows (max |diff| ${result.parity.maxAbsDiff.toExponential(2)})`);

  const champion = championOf(state);
  const champ = champion
    ? await phase('champion', () => scoreChampion(ctx.kafka, champion, state.versions.get(champion.version), split.holdout, ctx.cacheDir))
    : null;
  const champPreds = champ && 'predictions' in champ ? champ.predictions : null;
  const { comparison, bands, intervals, blend } = await phase('evaluate', () => {
    // the served forecast is the blend (domain/ensemble/blend.ts): it is what the holdout scores and the intervals calibrate
    const blend = fitBlend(split.train, [{ rows: split.holdout, predictions: result.predictions }, ...(result.validation ? [result.validation] : [])], H);
    const served = blendForecasts(result.predictions, split.holdout.X, blend);
    const validation = result.validation ? { rows: result.validation.rows, predictions: blendForecasts(result.validation.predictions, result.validation.rows.X, blend) } : undefined;
    return {
      blend,
      comparison: scoreHoldout(split, data.series, served, champPreds),
      bands: scoreHoldoutBands(split, data.series, served, champPreds, H),
      intervals: holdoutIntervals(split, served, H, validation),
    };
  });
  const [verdict] = eventsOrThrow(decidePromotion({
    type: 'evaluate',
    version: id.version,
    model: comparison.metrics.model!,
    seasonalNaive: comparison.metrics.seasonalNaive!,
    champion: champ && comparison.metrics.champion ? { version: champ.version, metrics: comparison.metrics.champion } : null,
    ...(champ && 'note' in champ ? { championNote: champ.note } : {}),
    margin: cfg.trainer.promotionMargin,
    bands: bands.map((b) => ({ label: b.label, model: b.comparison.metrics.model!, seasonalNaive: b.comparison.metrics.seasonalNaive!, champion: b.comparison.metrics.champion ?? null })),
  }));
  const artifact = await phase('publish', () => ctx.publisher.artifact(result.onnx, { version: String(id.version), runId: id.runId, featureVersion: FEATURE_VERSION }));
  const trained = trainedRecord(
    id,
    {
      comparison,
      bands,
      intervals,
      blend,
      training: { rows: split.train.rows, candidates: split.train.sample?.candidates ?? split.train.rows, sampleRate: split.train.sample?.rate ?? 1, windowWeeks: trainWindowWeeks(H) },
      champion: champ ? { version: champ.version, ...('note' in champ ? { note: champ.note } : {}) } : null,
      holdoutWeeks: split.holdoutWeeks,
      dataMaxWeek: data.maxWeek!,
      dataRows: data.rows,
      dataSeries: data.series.size,
      topicOffsets: data.topicOffsets,
      artifact,
      decision: verdict.decision,
      decisionReason: verdict.reason,
      curves: result.curves,
      featureImportance: result.importance,
    },
    Date.now(),
  );
  return { trained, trainTimings: result.timings };
}

/** Waits for the materializer, reads the data up to the cut-off and builds the holdout split. */
async function prepare(plan: RunPlan, ctx: RunContext, phase: PhaseFn, partial: KnownSoFar) {
  const { cfg, log } = ctx;
  await phase('wait', async () => {
    const w = await waitForMaterializer(ctx.admin, cfg.materializer.groupId, cfg.topics.sales, ctx.materializerWaitMs ?? 30_000);
    if (!w.caughtUp && w.behind > 0) log.warn(`materializer still ${w.behind} events behind; training on what the projection holds`);
  });
  const data = await phase('read', () => loadTrainingData(ctx.ch, cfg.clickhouse.database, plan.cutoffWeek));
  if (data.maxWeek === null) throw new Error(`no sales rows in ${cfg.clickhouse.database} up to ${plan.cutoffWeek ?? 'now'}`);
  Object.assign(partial, { dataMaxWeek: data.maxWeek, dataRows: data.rows, dataSeries: data.series.size, topicOffsets: JSON.stringify(data.topicOffsets) });
  const split = await phase('features', () =>
    splitHoldout([...data.series.values()], { cutoffWeek: data.maxWeek!, holdoutWeeks: cfg.trainer.holdoutWeeks, horizon: cfg.trainer.horizon }),
  );
  partial.holdoutWeeks = split.holdoutWeeks;
  const sample = split.train.sample && split.train.sample.rate < 1 ? ` (a ${(split.train.sample.rate * 100).toFixed(1)}% sample of ${split.train.sample.candidates}: row budget)` : '';
  log.info(`run: ${data.rows} rows, ${data.series.size} series up to ${data.maxWeek}; ${split.train.rows} training rows${sample}, ${split.holdout.rows} holdout rows`);
  return { data, split };
}

/** The Python step with the run's log wiring. */
function fitModel(ctx: RunContext, runId: string, split: HoldoutSplit, params: XgbParams) {
  return trainXgboost({
    train: split.train,
    holdout: split.holdout,
    params,
    python: ctx.cfg.trainer.python,
    ...ctx.xgb,
    onLog: (line) => {
      if (line.type === 'log' || line.type === 'error') ctx.log.info(`[python] ${line.msg}`);
      else if (line.type === 'stderr') ctx.log.debug(`[python:stderr] ${line.msg}`);
      publishTraining({ type: 'log', runId, line });
      ctx.onLine?.(line);
    },
  });
}

/** Publishes the run record and, when promoted, the promotion. */
async function record(ctx: RunContext, trained: ModelTrained, state: RegistryState, timings: Record<string, number>): Promise<ModelPromoted | null> {
  const t = performance.now();
  await ctx.publisher.modelTrained(trained);
  let promoted: ModelPromoted | null = null;
  if (trained.decision === 'promoted') {
    promoted = promotionOfRun(trained, state, Date.now());
    await ctx.publisher.modelPromoted(promoted);
  }
  timings.record = performance.now() - t;
  return promoted;
}

/** Defaults under the plan's overrides as JSON; unparsable overrides are kept as they are so the run fails saying why. */
function effectiveParams(json: string): { json: string } {
  try {
    return { json: JSON.stringify({ ...DEFAULT_TRAIN_PARAMS, ...parseParams(json) }) };
  } catch {
    return { json };
  }
}
