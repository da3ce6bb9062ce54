/** Registry events for the fold and decider tests: run `v` and its promotions, with predictable fields. */
import type { ModelPromoted, ModelTrained } from '../../../schemas/types.js';
import type { RegistryEvent } from '../state.js';

export const sha = (v: number) => String(v).repeat(64).slice(0, 64);
export const trained = (version: number, decision: ModelTrained['decision'], extra: Partial<ModelTrained> = {}): RegistryEvent => ({
  type: 'trained',
  event: {
    runId: `run-${version}`,
    version,
    requestIds: [`req-${version}`],
    trigger: 'manual',
    reasons: ['test'],
    params: '{}',
    featureVersion: 'v1-test',
    features: ['a'],
    horizon: 4,
    metrics: JSON.stringify({ model: { n: 10, wape: 0.05 * version, mae: 1, rmse: 1, wmae: 1 } }),
    holdoutWeeks: [],
    dataMaxWeek: `2012-10-${String(10 + version).padStart(2, '0')}`,
    dataRows: 100,
    dataSeries: 3,
    topicOffsets: '{}',
    durationMs: 1,
    artifactSha256: decision === 'failed' ? '' : sha(version),
    artifactUri: decision === 'failed' ? '' : `kafka://t/${sha(version)}`,
    artifactBytes: decision === 'failed' ? 0 : 10,
    decision,
    decisionReason: decision,
    trainedAt: 1000 + version,
    ...extra,
  },
});
export const promoted = (version: number, previousVersion: number | null, kind: ModelPromoted['kind'] = 'promotion', at = 2000 + version): RegistryEvent => ({
  type: 'promoted',
  event: {
    version,
    runId: `run-${version}`,
    previousVersion,
    kind,
    reason: kind,
    artifactSha256: sha(version),
    artifactUri: `kafka://t/${sha(version)}`,
    promotedBy: 'trainer',
    promotedAt: at,
  },
});

