/**
 * The shape of a finished backtest as written to result.json, and the summary
 * of it that goes into the `backtest.results` event.
 */
import { dirname } from 'node:path';
import type { BacktestFinished } from '../../schemas/types.js';
import type { XgbParams } from '../run/xgboost.js';
import type { BacktestMetrics } from './aggregate.js';
import type { EveryPointMetrics } from './every-point.js';
import type { HierarchyReport } from './hierarchy.js';
import type { CutoffSpec } from './cutoffs.js';
import type { RefitRecord } from './walk-forward.js';

export interface BacktestResult {
  id: string;
  /** epoch ms */
  requestedAt: number;
  finishedAt: number;
  durationMs: number;
  spec: { cutoffs: CutoffSpec; horizon: number; refitEvery: number; params: XgbParams; series: string[] };
  data: {
    topic: string;
    /** partition -> end offset (exclusive) read */
    offsets: Record<string, number>;
    /** messages read, and how many of them were not valid sales events */
    read: number;
    invalid: number;
    events: number;
    series: number;
    firstWeek: string | null;
    lastWeek: string | null;
    weeks: number;
  };
  cutoffs: string[];
  refits: RefitRecord[];
  metrics: BacktestMetrics;
  /** The same on every point with an actual, missing forecasts replaced by their fallbacks (every-point.ts): the headline. */
  everyPoint?: EveryPointMetrics;
  /** Scores per level of the hierarchy (total, store, dept, series) for base, bottom-up and MinT-shrink (hierarchy.ts); absent when skipped (see notes). */
  hierarchy?: HierarchyReport;
  /** Series forecast at one cut-off at least. */
  seriesForecast: number;
  /** Forecasts without an actual in the log (past the end of the data, or a missing week): not scored. */
  noActual: number;
  notes: string[];
  /** Milliseconds per phase. */
  timings: Record<string, number>;
  files: { result: string; metricsCsv: string; pointsCsv: string; report: string };
}

/** The finished event of a result (the metrics JSON keeps overall, per horizon and per cut-off). */
export function finishedEvent(r: BacktestResult): BacktestFinished {
  const m = r.metrics;
  return {
    backtestId: r.id,
    status: 'finished',
    reason: '',
    notes: r.notes,
    cutoffs: r.cutoffs,
    horizon: r.spec.horizon,
    refitEvery: r.spec.refitEvery,
    refits: r.refits.length,
    series: r.seriesForecast,
    points: m.points,
    dropped: m.dropped,
    methods: m.methods,
    metrics: JSON.stringify({ overall: m.overall, byHorizon: m.byHorizon, byCutoff: m.byCutoff, byBand: m.byBand, intervals: m.intervals, excluded: m.excluded }),
    reportPath: r.files.report,
    outputDir: dirname(r.files.report),
    requestedAt: r.requestedAt,
    durationMs: r.durationMs,
    finishedAt: r.finishedAt,
  };
}
