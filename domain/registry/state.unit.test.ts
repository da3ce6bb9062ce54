import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelPromoted, ModelTrained } from '../../schemas/types.js';
import { decideRegistry, promotionOfRun } from './commands.js';
import {
  championDataWeek,
  championOf,
  foldRegistry,
  nextVersion,
  stageOf,
  summarize,
  type RegistryEvent,
} from './state.js';

const sha = (v: number) => String(v).repeat(64).slice(0, 64);
const trained = (version: number, decision: ModelTrained['decision'], extra: Partial<ModelTrained> = {}): RegistryEvent => ({
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
const promoted = (version: number, previousVersion: number | null, kind: ModelPromoted['kind'] = 'promotion', at = 2000 + version): RegistryEvent => ({
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

describe('registry fold', () => {
  it('given v1 promoted, v2 rejected, v3 promoted, v4 failed, then stages and champion follow', () => {
    const s = foldRegistry([trained(1, 'promoted'), promoted(1, null), trained(2, 'rejected'), trained(3, 'promoted'), promoted(3, 1), trained(4, 'failed')]);
    assert.equal(championOf(s)?.version, 3);
    assert.deepEqual([1, 2, 3, 4].map((v) => stageOf(s, v)), ['archived', 'rejected', 'champion', 'failed']);
    assert.equal(nextVersion(s), 5);
    assert.equal(championDataWeek(s), '2012-10-13');
    assert.deepEqual(summarize(s).map((x) => [x.version, x.stage]), [[4, 'failed'], [3, 'champion'], [2, 'rejected'], [1, 'archived']]);
  });

  it('gives the same state whatever the interleaving of the two topics', () => {
    const a = foldRegistry([trained(1, 'promoted'), promoted(1, null), trained(2, 'promoted'), promoted(2, 1)]);
    const b = foldRegistry([promoted(1, null), promoted(2, 1), trained(2, 'promoted'), trained(1, 'promoted')]);
    assert.deepEqual(summarize(a), summarize(b));
  });

  it('absorbs redelivered events', () => {
    const once = foldRegistry([trained(1, 'promoted'), promoted(1, null)]);
    const twice = foldRegistry([trained(1, 'promoted'), promoted(1, null), trained(1, 'promoted'), promoted(1, null)]);
    assert.equal(twice.promotions.length, 1);
    assert.deepEqual(summarize(twice), summarize(once));
  });

  it('a version promoted by the policy whose promotion is not yet folded is a candidate', () => {
    assert.equal(stageOf(foldRegistry([trained(1, 'promoted')]), 1), 'candidate');
  });
});

describe('registry commands', () => {
  const given = foldRegistry([trained(1, 'promoted'), promoted(1, null), trained(2, 'rejected'), trained(3, 'promoted'), promoted(3, 1), trained(4, 'failed')]);

  it('when rolling back without a version, then the previous champion comes back as a rollback', () => {
    const p = decideRegistry({ type: 'rollback', reason: 'bad forecasts', by: 'ops', at: 9 }, given);
    assert.deepEqual(
      { version: p.version, previousVersion: p.previousVersion, kind: p.kind, uri: p.artifactUri },
      { version: 1, previousVersion: 3, kind: 'rollback', uri: `kafka://t/${sha(1)}` },
    );
    const after = foldRegistry([{ type: 'promoted', event: p }], given);
    assert.equal(championOf(after)?.version, 1);
    assert.equal(stageOf(after, 3), 'archived');
  });

  it('when promoting a rejected version by hand, then it becomes champion (manual)', () => {
    const p = decideRegistry({ type: 'promote', version: 2, kind: 'manual', reason: 'looks better on stores 1-5', by: 'ana', at: 9 }, given);
    assert.equal(p.kind, 'manual');
    assert.equal(p.previousVersion, 3);
  });

  it('refuses a failed version, the current champion, and an unknown one, naming the problem', () => {
    const at = { kind: 'manual' as const, reason: 'x', by: 'ana', at: 9 };
    assert.throws(() => decideRegistry({ type: 'promote', version: 4, ...at }, given), /failed to train/);
    assert.throws(() => decideRegistry({ type: 'promote', version: 3, ...at }, given), /current champion/);
    assert.throws(() => decideRegistry({ type: 'promote', version: 99, ...at }, given), /model version 99 not found/);
    assert.throws(() => decideRegistry({ type: 'promote', version: 2, ...at, reason: ' ' }, given), /reason/);
  });

  it('refuses a rollback with no earlier champion', () => {
    const first = foldRegistry([trained(1, 'promoted'), promoted(1, null)]);
    assert.throws(() => decideRegistry({ type: 'rollback', reason: 'x', by: 'a', at: 1 }, first), /no earlier champion/);
  });

  it('the trainer records a policy promotion with the previous champion', () => {
    const run = (trained(5, 'promoted') as { event: ModelTrained }).event;
    const p = promotionOfRun(run, given, 77);
    assert.deepEqual([p.version, p.previousVersion, p.kind, p.promotedAt], [5, 3, 'promotion', 77]);
  });
});
