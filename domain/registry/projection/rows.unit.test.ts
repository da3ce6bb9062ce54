import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelPromoted, ModelTrained, TrainingRequested } from '../../../schemas/types.js';
import { promotionOfRow, promotionRow, requestOfRow, requestRow, runOfRow, runRow } from './rows.js';

const trained: ModelTrained = {
  runId: 'r1', version: 3, requestIds: ['a', 'b'], trigger: 'schedule+manual', reasons: ['x', 'y'], params: '{"rounds":5}',
  featureVersion: 'v1-abc', features: ['horizon'], horizon: 4,
  metrics: JSON.stringify({ model: { n: 2, wape: 0.08, mae: 1, rmse: 1, wmae: 1 }, seasonalNaive: { n: 2, wape: 0.1, mae: 1, rmse: 1, wmae: 1 }, champion: null }),
  holdoutWeeks: ['2012-10-26'], dataMaxWeek: '2012-10-26', dataRows: 10, dataSeries: 2, topicOffsets: '{"0":9}', durationMs: 5,
  artifactSha256: 'f'.repeat(64), artifactUri: `kafka://t/${'f'.repeat(64)}`, artifactBytes: 7, decision: 'promoted', decisionReason: 'ok', trainedAt: 11,
};

describe('registry rows', () => {
  it('a run row keeps every field, pulls out the WAPEs, and reads back to the same event (64-bit ints arrive as strings)', () => {
    const row = runRow(trained, { partition: 0, offset: '41' });
    assert.deepEqual([row.wape_model, row.wape_seasonal_naive, row.wape_champion, row.kafka_offset], [0.08, 0.1, null, 41]);
    const asRead = { ...row, data_rows: '10', trained_at: '11', duration_ms: '5', artifact_bytes: '7' } as unknown as typeof row;
    assert.deepEqual(runOfRow(asRead), trained);
  });

  it('promotion and request rows read back to the same events, nulls included', () => {
    const p: ModelPromoted = { version: 2, runId: 'r', previousVersion: null, kind: 'rollback', reason: 'x', artifactSha256: 's', artifactUri: 'u', promotedBy: 'ana', promotedAt: 5 };
    assert.deepEqual(promotionOfRow(promotionRow(p, { partition: 0, offset: '1' }, true)), p);
    assert.deepEqual([promotionRow(p, { partition: 0, offset: '1' }, true).applied, promotionRow(p, { partition: 0, offset: '1' }, false).applied], [1, 0]);
    const r: TrainingRequested = { requestId: 'q', trigger: 'threshold', reason: 'y', cutoffWeek: null, requestedBy: 'w', requestedAt: 3, params: null };
    assert.deepEqual(requestOfRow(requestRow(r, { partition: 0, offset: '2' })), r);
  });
});
