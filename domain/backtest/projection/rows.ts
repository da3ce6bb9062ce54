/**
 * Backtest events <-> projection rows. Rows keep what a listing needs plus
 * where the event sits in the log; the headline WAPE/WMAE columns are lifted
 * out of the metrics JSON so a dashboard can sort and compare without parsing it.
 */
import type { BacktestFinished, BacktestRequested } from '../../../schemas/types.js';

export interface LogPosition {
  partition: number;
  offset: string;
}

export interface RequestRow {
  backtest_id: string;
  cutoff_count: number;
  from_week: string;
  to_week: string;
  horizon: number;
  refit_every: number;
  params: string;
  series: string[];
  sales_topic: string;
  topic_offsets: string;
  reason: string;
  requested_by: string;
  requested_at: number;
  kafka_partition: number;
  kafka_offset: number;
}

export interface ResultRow {
  backtest_id: string;
  status: string;
  reason: string;
  notes: string[];
  cutoffs: string[];
  first_cutoff: string;
  last_cutoff: string;
  horizon: number;
  refit_every: number;
  refits: number;
  series: number;
  points: number;
  dropped: number;
  methods: string[];
  metrics: string;
  wape_model: number | null;
  wape_seasonal_naive: number | null;
  wape_last_value: number | null;
  wape_mean4: number | null;
  wmae_model: number | null;
  wmae_seasonal_naive: number | null;
  wmae_last_value: number | null;
  wmae_mean4: number | null;
  report_path: string;
  output_dir: string;
  requested_at: number;
  duration_ms: number;
  finished_at: number;
  kafka_partition: number;
  kafka_offset: number;
}

export function requestRow(e: BacktestRequested, at: LogPosition): RequestRow {
  return {
    backtest_id: e.backtestId,
    cutoff_count: e.cutoffCount ?? 0,
    from_week: e.fromWeek ?? '',
    to_week: e.toWeek ?? '',
    horizon: e.horizon,
    refit_every: e.refitEvery,
    params: e.params,
    series: e.series,
    sales_topic: e.salesTopic,
    topic_offsets: e.topicOffsets,
    reason: e.reason,
    requested_by: e.requestedBy,
    requested_at: e.requestedAt,
    kafka_partition: at.partition,
    kafka_offset: Number(at.offset),
  };
}

type Overall = Record<string, { wape?: unknown; wmae?: unknown } | undefined>;

/** The overall metrics of a finished event's JSON; {} when it has none or is not JSON. */
export function overallOf(metricsJson: string): Overall {
  try {
    const v = JSON.parse(metricsJson) as { overall?: Overall } | null;
    return v && typeof v.overall === 'object' && v.overall !== null ? v.overall : {};
  } catch {
    return {};
  }
}

export function resultRow(e: BacktestFinished, at: LogPosition): ResultRow {
  const overall = overallOf(e.metrics);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const wape = (m: string) => num(overall[m]?.wape);
  const wmae = (m: string) => num(overall[m]?.wmae);
  return {
    backtest_id: e.backtestId,
    status: e.status,
    reason: e.reason,
    notes: e.notes,
    cutoffs: e.cutoffs,
    first_cutoff: e.cutoffs[0] ?? '',
    last_cutoff: e.cutoffs[e.cutoffs.length - 1] ?? '',
    horizon: e.horizon,
    refit_every: e.refitEvery,
    refits: e.refits,
    series: e.series,
    points: e.points,
    dropped: e.dropped,
    methods: e.methods,
    metrics: e.metrics,
    wape_model: wape('model'),
    wape_seasonal_naive: wape('seasonalNaive'),
    wape_last_value: wape('lastValue'),
    wape_mean4: wape('mean4'),
    wmae_model: wmae('model'),
    wmae_seasonal_naive: wmae('seasonalNaive'),
    wmae_last_value: wmae('lastValue'),
    wmae_mean4: wmae('mean4'),
    report_path: e.reportPath,
    output_dir: e.outputDir,
    requested_at: e.requestedAt,
    duration_ms: e.durationMs,
    finished_at: e.finishedAt,
    kafka_partition: at.partition,
    kafka_offset: Number(at.offset),
  };
}
