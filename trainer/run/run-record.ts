/**
 * The `model.trained` record of a run, successful or not. A failed run is a
 * fact too: it answers its requests (so they are not retried forever) and
 * says why, with empty artifact fields.
 */
import { AppError, messageOf } from '../../lib/errors.js';
import type { FeatureGain, ModelTrained, TrainingCurves } from '../../schemas/types.js';
import { FEATURE_NAMES, FEATURE_VERSION } from '../../domain/features/features.js';
import type { Comparison } from '../../domain/registry/metrics.js';
import type { BandComparison } from '../../domain/registry/bands.js';
import type { ConformalIntervals } from '../../domain/intervals/conformal.js';
import type { Blend } from '../../domain/ensemble/blend.js';
import type { RunMetrics } from '../../domain/registry/state.js';
import type { RunPlan } from '../../domain/training/request.js';

export interface RunIdentity {
  runId: string;
  version: number;
  plan: RunPlan;
  horizon: number;
  startedAt: number;
}

/** What a successful run measured and produced. */
export interface RunFacts {
  comparison: Comparison;
  bands: BandComparison[];
  intervals: ConformalIntervals;
  /** The ensemble weights the holdout was scored with (served with the model). */
  blend?: Blend | null;
  /** The rows the model learned from: how many, of how many that qualified (row budget), and the window (0 = all history). */
  training: TrainingRowsUsed;
  champion: { version: number; note?: string } | null;
  holdoutWeeks: string[];
  dataMaxWeek: string;
  dataRows: number;
  dataSeries: number;
  topicOffsets: Record<string, number>;
  artifact: { sha256: string; uri: string; bytes: number };
  decision: 'promoted' | 'rejected';
  decisionReason: string;
  /** The fit's per-round curves and feature gains (trainer/run/xgboost.ts). */
  curves: TrainingCurves;
  featureImportance: FeatureGain[];
}

export interface TrainingRowsUsed {
  rows: number;
  candidates: number;
  sampleRate: number;
  windowWeeks: number;
}

/** The metrics JSON of a comparison, its bands, the intervals and the training rows (NaN becomes null in JSON). */
export function metricsOf(c: Comparison, champion: RunFacts['champion'], bands: BandComparison[] = [], intervals?: ConformalIntervals, training?: TrainingRowsUsed, blend?: Blend | null): RunMetrics {
  return {
    model: c.metrics.model,
    seasonalNaive: c.metrics.seasonalNaive,
    lastValue: c.metrics.lastValue,
    champion: c.metrics.champion ?? null,
    championVersion: champion?.version ?? null,
    ...(champion?.note ? { championNote: champion.note } : champion ? {} : { championNote: 'no champion yet' }),
    points: c.n,
    dropped: c.dropped,
    bands: bands.map((b) => ({ label: b.label, from: b.from, to: b.to, points: b.comparison.n, metrics: b.comparison.metrics })),
    ...(intervals ? { intervals } : {}),
    ...(blend ? { blend } : {}),
    ...(training ? { training } : {}),
  };
}

/** The record of a run that trained, was validated and was decided on. */
export function trainedRecord(id: RunIdentity, f: RunFacts, now: number): ModelTrained {
  return {
    ...common(id, now),
    metrics: JSON.stringify(metricsOf(f.comparison, f.champion, f.bands, f.intervals, f.training, f.blend)),
    holdoutWeeks: f.holdoutWeeks,
    dataMaxWeek: f.dataMaxWeek,
    dataRows: f.dataRows,
    dataSeries: f.dataSeries,
    topicOffsets: JSON.stringify(f.topicOffsets),
    artifactSha256: f.artifact.sha256,
    artifactUri: f.artifact.uri,
    artifactBytes: f.artifact.bytes,
    decision: f.decision,
    decisionReason: f.decisionReason,
    curves: f.curves,
    featureImportance: f.featureImportance,
  };
}

/** The record of a run that failed; `partial` keeps whatever was known when it failed. */
export function failedRecord(id: RunIdentity, err: unknown, now: number, partial: Partial<Pick<ModelTrained, 'dataMaxWeek' | 'dataRows' | 'dataSeries' | 'topicOffsets' | 'holdoutWeeks'>> = {}): ModelTrained {
  const code = err instanceof AppError ? err.code : 'INTERNAL';
  return {
    ...common(id, now),
    metrics: '{}',
    holdoutWeeks: partial.holdoutWeeks ?? [],
    dataMaxWeek: partial.dataMaxWeek ?? '',
    dataRows: partial.dataRows ?? 0,
    dataSeries: partial.dataSeries ?? 0,
    topicOffsets: partial.topicOffsets ?? '{}',
    artifactSha256: '',
    artifactUri: '',
    artifactBytes: 0,
    decision: 'failed',
    decisionReason: `${code}: ${messageOf(err)}`.slice(0, 2000),
    curves: null,
    featureImportance: [],
  };
}

function common(id: RunIdentity, now: number) {
  return {
    runId: id.runId,
    version: id.version,
    requestIds: id.plan.requestIds,
    trigger: id.plan.trigger,
    reasons: id.plan.reasons,
    params: id.plan.params,
    featureVersion: FEATURE_VERSION,
    features: [...FEATURE_NAMES],
    horizon: id.horizon,
    durationMs: Math.max(0, now - id.startedAt),
    trainedAt: now,
  };
}
