/**
 * One backtest from request to record: the request event (with the exact
 * slice of the sales log it will read) goes first, then read the log, plan
 * the cut-offs, walk forward, score, write the files, and record the outcome
 * (finished with its summary, or failed with why). The projection is brought
 * up to date last so listings show it at once.
 */
import { resolve } from 'node:path';
import type { Config } from '../../lib/config.js';
import { AppError, messageOf } from '../../lib/errors.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger, type Logger } from '../../lib/log.js';
import { isoOfDay } from '../../lib/weeks.js';
import type { BacktestFinished, BacktestRequested } from '../../schemas/types.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { DEFAULT_TRAIN_PARAMS } from '../../domain/training/request.js';
import { summarize } from './aggregate.js';
import { summarizeEveryPoint } from './every-point.js';
import { scoreLevels } from './hierarchy.js';
import { planCutoffs } from './cutoffs.js';
import { newBacktestId } from '../../domain/backtest/events.js';
import { BacktestPublisher } from '../../domain/backtest/io/publisher.js';
import { readSalesLog, sliceJson, sliceOf, type LogSlice, type ReadResult } from './log-reader.js';
import { filesIn, writeReportFiles, writeResultJson } from './outputs.js';
import { catchUpProjection } from '../../domain/backtest/io/projection/catch-up.js';
import { backtestDir } from '../../domain/backtest/io/projection/read.js';
import { errorCharts, pickSeries, seriesChart } from './report-data.js';
import type { BacktestRequest } from '../../domain/backtest/request.js';
import { finishedEvent, type BacktestResult } from './result.js';
import { walkForward, type CutoffProgress, type FitFn } from './walk-forward.js';
import { xgboostFit } from './xgboost-fit.js';

/**
 * Weeks of history a cut-off needs: trainXgboost keeps the last 6 target
 * weeks for early stopping (its default validWeeks), and 2 more are the least
 * that leaves anything to train on.
 */
export const MIN_HISTORY_WEEKS = 8;

export type BacktestProgress = { phase: 'read'; done: number; total: number } | ({ phase: 'cutoff' } & CutoffProgress);

export interface RunHooks {
  log?: Logger;
  onProgress?: (p: BacktestProgress) => void;
  /** The model step; default the trainer's XGBoost with DEFAULT_TRAIN_PARAMS under the request's params. */
  fit?: FitFn;
  /** Bring the backtest projection up to date after recording (default true). */
  project?: boolean;
  /** Use this id instead of a new one. */
  id?: string;
}

/** Runs and records one backtest; throws (after recording a failed outcome) when it cannot finish. */
export async function runBacktest(cfg: Readonly<Config>, req: BacktestRequest, hooks: RunHooks = {}): Promise<BacktestResult> {
  const log = hooks.log ?? createLogger('backtest');
  const id = hooks.id ?? newBacktestId();
  const outDir = req.outDir ? resolve(cfg.root, req.outDir) : backtestDir(cfg, id);
  const params = { ...DEFAULT_TRAIN_PARAMS, ...req.params };
  const requestedAt = Date.now();
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'backtest');
  const admin = kafka.admin();
  await admin.connect();
  const publisher = await BacktestPublisher.connect(kafka, codec, cfg.topics);
  try {
    const slice = await sliceOf(admin, cfg.topics.sales);
    const requested: BacktestRequested = {
      backtestId: id,
      cutoffCount: req.cutoffs.kind === 'last' ? req.cutoffs.count : null,
      fromWeek: req.cutoffs.kind === 'range' ? req.cutoffs.from : null,
      toWeek: req.cutoffs.kind === 'range' ? req.cutoffs.to : null,
      horizon: req.horizon,
      refitEvery: req.refitEvery,
      params: JSON.stringify(params),
      series: req.series,
      salesTopic: cfg.topics.sales,
      topicOffsets: sliceJson(slice),
      reason: req.reason,
      requestedBy: req.requestedBy,
      requestedAt,
      runner: null,
    };
    await publisher.requested(requested);
    log.info(`backtest ${id} requested: ${req.cutoffs.kind === 'last' ? `last ${req.cutoffs.count} cut-offs` : `${req.cutoffs.from} .. ${req.cutoffs.to}`}, h=1..${req.horizon}, refit every ${req.refitEvery}`);
    let result: BacktestResult;
    try {
      result = await execute(cfg, req, { id, outDir, params, requestedAt, slice, codec, kafka, log, hooks });
    } catch (err) {
      await publisher.finished(failedEvent(id, req, err, requestedAt));
      throw err;
    }
    await publisher.finished(finishedEvent(result));
    return result;
  } finally {
    await Promise.allSettled([publisher.disconnect(), admin.disconnect()]);
    if (hooks.project ?? true) await catchUpProjection(cfg, log);
  }
}

type Ctx = {
  id: string;
  outDir: string;
  params: BacktestResult['spec']['params'];
  requestedAt: number;
  slice: Awaited<ReturnType<typeof sliceOf>>;
  codec: Awaited<ReturnType<typeof bootstrapContracts>>;
  kafka: ReturnType<typeof createKafka>;
  log: Logger;
  hooks: RunHooks;
};

async function execute(cfg: Readonly<Config>, req: BacktestRequest, c: Ctx): Promise<BacktestResult> {
  const t0 = performance.now();
  const read = await readSalesLog(c.kafka, c.codec, cfg.topics.sales, c.slice, {
    groupId: `backtest-reader-${c.id}`,
    onProgress: (done, total) => c.hooks.onProgress?.({ phase: 'read', done, total }),
  });
  const { log: salesLog } = read;
  c.log.info(`read ${read.read} events (${read.invalid} not valid sales events) from ${cfg.topics.sales} in ${(read.ms / 1000).toFixed(1)} s: ${salesLog.series.length} series, ${salesLog.weekDays.length} weeks`);
  const plan = planCutoffs(salesLog.weekDays, req.cutoffs, MIN_HISTORY_WEEKS);
  const notes = [...plan.notes];
  notes.push(...readNotes(read));

  const tw = performance.now();
  const walk = await walkForward(salesLog, {
    cutoffs: plan.cutoffs,
    horizon: req.horizon,
    refitEvery: req.refitEvery,
    fit: c.hooks.fit ?? xgboostFit({ params: c.params, python: cfg.trainer.python, log: c.log }),
    onCutoff: (p) => c.hooks.onProgress?.({ phase: 'cutoff', ...p }),
  });
  notes.push(...walk.notes);
  const cutoffs = plan.cutoffs.map(isoOfDay);
  const metrics = summarize(walk.points, cutoffs, req.horizon);
  const everyPoint = summarizeEveryPoint(walk.points, cutoffs, req.horizon);
  notes.push(...unscoredNotes(walk, metrics.points, salesLog));
  const levels = scoreLevels(walk.points, salesLog.series, plan.cutoffs);
  if ('skipped' in levels) notes.push(levels.skipped);

  const tWrite = performance.now();
  const picked = pickSeries(salesLog, walk.points, metrics.methods, req.series);
  if (picked.missing.length > 0) notes.push(`series not in the data, not charted: ${picked.missing.join(', ')}`);
  const charts = [
    ...errorCharts(metrics),
    ...picked.series.map((si) => seriesChart(salesLog, walk.points, si, plan.cutoffs[0]!, plan.cutoffs[plan.cutoffs.length - 1]!, req.horizon, metrics.methods)),
  ];
  const result: BacktestResult = {
    id: c.id,
    requestedAt: c.requestedAt,
    finishedAt: 0,
    durationMs: 0,
    spec: { cutoffs: req.cutoffs, horizon: req.horizon, refitEvery: req.refitEvery, params: c.params, series: picked.series.map((i) => salesLog.series[i]!.key) },
    data: dataRead(cfg.topics.sales, c.slice, read),
    cutoffs,
    refits: walk.refits,
    metrics,
    everyPoint,
    ...('skipped' in levels ? {} : { hierarchy: levels }),
    seriesForecast: walk.seriesForecast,
    noActual: walk.noActual,
    notes,
    timings: { readMs: Math.round(read.ms), walkMs: Math.round(tWrite - tw), writeMs: 0 },
    files: filesIn(c.outDir),
  };
  result.finishedAt = Date.now();
  result.durationMs = result.finishedAt - c.requestedAt;
  await writeReportFiles(c.outDir, result, walk.points, salesLog, charts);
  result.timings.writeMs = Math.round(performance.now() - tWrite);
  result.timings.totalMs = Math.round(performance.now() - t0);
  await writeResultJson(result);
  return result;
}

/** Forecasts that could not be scored (past the log's end, no actual), and a walk that scored nothing, in words for the report. */
function unscoredNotes(walk: { pastEnd: number; noActual: number }, points: number, salesLog: ReadResult['log']): string[] {
  const notes: string[] = [];
  if (walk.pastEnd > 0) notes.push(`${walk.pastEnd} forecasts target weeks after the last one in the log (${isoOfDay(salesLog.weekDays[salesLog.weekDays.length - 1]!)}): not scored`);
  if (walk.noActual > walk.pastEnd) notes.push(`${walk.noActual - walk.pastEnd} forecasts target a week their series has no value for: not scored`);
  if (points === 0) notes.push('no point could be scored with every compared method');
  return notes;
}

/** What the read left out or could not order, in words for the report. */
function readNotes(read: ReadResult): string[] {
  const notes: string[] = [];
  const salesLog = read.log;
  if (read.invalid > 0) notes.push(`${read.invalid} messages of the topic are not valid sales events (the materializer dead-letters them) and were left out`);
  if (salesLog.offGrid > 0) notes.push(`${salesLog.offGrid} events are not a whole number of weeks from their series' first week and were left out`);
  if (salesLog.splitSeries > 0) notes.push(`${salesLog.splitSeries} series have events in more than one partition; their order across partitions is the order they were read`);
  return notes;
}

/** The data a backtest read: the topic and its end offsets, the counts and the weeks. */
function dataRead(topic: string, slice: LogSlice, read: ReadResult): BacktestResult['data'] {
  const salesLog = read.log;
  const weeks = salesLog.weekDays;
  return {
    topic,
    offsets: JSON.parse(sliceJson(slice)) as Record<string, number>,
    read: read.read,
    invalid: read.invalid,
    events: salesLog.events,
    series: salesLog.series.length,
    firstWeek: weeks.length > 0 ? isoOfDay(weeks[0]!) : null,
    lastWeek: weeks.length > 0 ? isoOfDay(weeks[weeks.length - 1]!) : null,
    weeks: weeks.length,
  };
}

function failedEvent(id: string, req: BacktestRequest, err: unknown, requestedAt: number): BacktestFinished {
  const code = err instanceof AppError ? err.code : 'ERROR';
  const now = Date.now();
  return {
    backtestId: id,
    status: 'failed',
    reason: `${code}: ${messageOf(err)}`.slice(0, 2000),
    notes: [],
    cutoffs: [],
    horizon: req.horizon,
    refitEvery: req.refitEvery,
    refits: 0,
    series: 0,
    points: 0,
    dropped: 0,
    methods: [],
    metrics: '{}',
    reportPath: '',
    outputDir: '',
    requestedAt,
    durationMs: now - requestedAt,
    finishedAt: now,
  };
}

