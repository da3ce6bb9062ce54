/**
 * Registry events <-> projection rows. Rows keep every field of the event
 * (so the registry fold can be rebuilt from the tables alone) plus where the
 * event sits in the log, which orders and de-duplicates them.
 */
import type { ModelPromoted, ModelTrained, TrainingRequested } from '../../../schemas/types.js';
import { runMetrics } from '../state.js';

export interface LogPosition {
  partition: number;
  offset: string;
}

export interface RequestRow {
  request_id: string;
  trigger: string;
  reason: string;
  cutoff_week: string | null;
  requested_by: string;
  requested_at: number;
  params: string | null;
  kafka_partition: number;
  kafka_offset: number;
}

export interface RunRow {
  version: number;
  run_id: string;
  request_ids: string[];
  trigger: string;
  reasons: string[];
  params: string;
  feature_version: string;
  features: string[];
  horizon: number;
  metrics: string;
  wape_model: number | null;
  wape_seasonal_naive: number | null;
  wape_last_value: number | null;
  wape_champion: number | null;
  holdout_weeks: string[];
  data_max_week: string;
  data_rows: number;
  data_series: number;
  topic_offsets: string;
  duration_ms: number;
  artifact_sha256: string;
  artifact_uri: string;
  artifact_bytes: number;
  decision: string;
  decision_reason: string;
  trained_at: number;
  kafka_partition: number;
  kafka_offset: number;
}

export interface PromotionRow {
  version: number;
  run_id: string;
  previous_version: number | null;
  kind: string;
  reason: string;
  artifact_sha256: string;
  artifact_uri: string;
  promoted_by: string;
  promoted_at: number;
  /** 1 when the promotion took effect, 0 when the registry fold refused it (it did not replace the champion it named). */
  applied: number;
  kafka_partition: number;
  kafka_offset: number;
}

export function requestRow(e: TrainingRequested, at: LogPosition): RequestRow {
  return {
    request_id: e.requestId,
    trigger: e.trigger,
    reason: e.reason,
    cutoff_week: e.cutoffWeek,
    requested_by: e.requestedBy,
    requested_at: e.requestedAt,
    params: e.params,
    kafka_partition: at.partition,
    kafka_offset: Number(at.offset),
  };
}

export function runRow(e: ModelTrained, at: LogPosition): RunRow {
  const m = runMetrics(e);
  const w = (x: { wape?: number } | null | undefined) => (typeof x?.wape === 'number' && Number.isFinite(x.wape) ? x.wape : null);
  return {
    version: e.version,
    run_id: e.runId,
    request_ids: e.requestIds,
    trigger: e.trigger,
    reasons: e.reasons,
    params: e.params,
    feature_version: e.featureVersion,
    features: e.features,
    horizon: e.horizon,
    metrics: e.metrics,
    wape_model: w(m.model),
    wape_seasonal_naive: w(m.seasonalNaive),
    wape_last_value: w(m.lastValue),
    wape_champion: w(m.champion),
    holdout_weeks: e.holdoutWeeks,
    data_max_week: e.dataMaxWeek,
    data_rows: e.dataRows,
    data_series: e.dataSeries,
    topic_offsets: e.topicOffsets,
    duration_ms: e.durationMs,
    artifact_sha256: e.artifactSha256,
    artifact_uri: e.artifactUri,
    artifact_bytes: e.artifactBytes,
    decision: e.decision,
    decision_reason: e.decisionReason,
    trained_at: e.trainedAt,
    kafka_partition: at.partition,
    kafka_offset: Number(at.offset),
  };
}

/** `applied`: what the registry fold made of the event at its place in the log (promotion-outcomes.ts). */
export function promotionRow(e: ModelPromoted, at: LogPosition, applied: boolean): PromotionRow {
  return {
    version: e.version,
    run_id: e.runId,
    previous_version: e.previousVersion,
    kind: e.kind,
    reason: e.reason,
    artifact_sha256: e.artifactSha256,
    artifact_uri: e.artifactUri,
    promoted_by: e.promotedBy,
    promoted_at: e.promotedAt,
    applied: applied ? 1 : 0,
    kafka_partition: at.partition,
    kafka_offset: Number(at.offset),
  };
}

/** ClickHouse returns 64-bit integers as strings in JSON; these read them back as numbers. */
const n = (v: unknown): number => Number(v);

/** The event a run row was written from. */
export function runOfRow(r: RunRow): ModelTrained {
  return {
    runId: r.run_id,
    version: n(r.version),
    requestIds: r.request_ids,
    trigger: r.trigger,
    reasons: r.reasons,
    params: r.params,
    featureVersion: r.feature_version,
    features: r.features,
    horizon: n(r.horizon),
    metrics: r.metrics,
    holdoutWeeks: r.holdout_weeks,
    dataMaxWeek: r.data_max_week,
    dataRows: n(r.data_rows),
    dataSeries: n(r.data_series),
    topicOffsets: r.topic_offsets,
    durationMs: n(r.duration_ms),
    artifactSha256: r.artifact_sha256,
    artifactUri: r.artifact_uri,
    artifactBytes: n(r.artifact_bytes),
    decision: r.decision as ModelTrained['decision'],
    decisionReason: r.decision_reason,
    trainedAt: n(r.trained_at),
  };
}

/** The event a promotion row was written from. */
export function promotionOfRow(r: PromotionRow): ModelPromoted {
  return {
    version: n(r.version),
    runId: r.run_id,
    previousVersion: r.previous_version === null ? null : n(r.previous_version),
    kind: r.kind as ModelPromoted['kind'],
    reason: r.reason,
    artifactSha256: r.artifact_sha256,
    artifactUri: r.artifact_uri,
    promotedBy: r.promoted_by,
    promotedAt: n(r.promoted_at),
  };
}

/** The event a request row was written from. */
export function requestOfRow(r: RequestRow): TrainingRequested {
  return {
    requestId: r.request_id,
    trigger: r.trigger as TrainingRequested['trigger'],
    reason: r.reason,
    cutoffWeek: r.cutoff_week,
    requestedBy: r.requested_by,
    requestedAt: n(r.requested_at),
    params: r.params,
  };
}
