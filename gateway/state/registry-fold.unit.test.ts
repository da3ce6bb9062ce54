import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelPromoted, ModelTrained, TrainingRequested } from '../../schemas/types.js';
import { championOf, foldRegistry, type RegistryEvent } from '../../domain/registry/state.js';
import { AppError } from '../../lib/errors.js';
import { foldAll } from '../../domain/decider.js';
import { evolveGatewayRegistry, gatewayRegistryFold, initialGatewayRegistry, runOfRequest, type ModelLogEvent } from './registry-fold.js';

const req = (id: string): TrainingRequested => ({ requestId: id, trigger: 'manual', reason: 'r', cutoffWeek: null, requestedBy: 't', requestedAt: 1, params: null });
const run = (version: number, requestIds: string[]): ModelTrained =>
  ({ runId: `run-${version}`, version, requestIds, decision: 'promoted' }) as unknown as ModelTrained;
const promo = (version: number, at: number, previousVersion: number | null = null): ModelPromoted =>
  ({ version, runId: `run-${version}`, previousVersion, kind: 'promotion', reason: '', artifactSha256: '', artifactUri: '', promotedBy: 't', promotedAt: at }) as ModelPromoted;

const fold = (events: ModelLogEvent[]) => foldAll(gatewayRegistryFold, events);

describe('gateway registry fold', () => {
  it('given requests, runs and promotions, the last promotion is the champion and requests know their run', () => {
    const s = fold([
      { type: 'requested', event: req('a') },
      { type: 'requested', event: req('b') },
      { type: 'trained', event: run(1, ['a', 'b']) },
      { type: 'promoted', event: promo(1, 10) },
      { type: 'trained', event: run(2, []) },
      { type: 'promoted', event: promo(2, 20, 1) },
    ]);
    assert.equal(championOf(s.registry)?.version, 2);
    assert.deepEqual([...runOfRequest(s)], [['a', 'run-1'], ['b', 'run-1']]);
  });

  it('is the domain fold: a promotion that does not replace the current champion is refused, as everywhere', () => {
    const events: RegistryEvent[] = [{ type: 'promoted', event: promo(1, 10) }, { type: 'promoted', event: promo(3, 20, 1) }, { type: 'promoted', event: promo(2, 30, 1) }];
    const s = fold(events);
    assert.deepEqual(s.registry, foldRegistry(events));
    assert.equal(championOf(s.registry)?.version, 3);
    assert.deepEqual(s.registry.refused.map((p) => p.version), [2]);
  });

  it('a redelivered request changes nothing (same state object)', () => {
    const once = fold([{ type: 'requested', event: req('a') }]);
    assert.equal(evolveGatewayRegistry(once, { type: 'requested', event: req('a') }), once);
  });

  it('replaying the same events rebuilds an equal state', () => {
    const events: ModelLogEvent[] = [{ type: 'requested', event: req('a') }, { type: 'trained', event: run(1, ['a']) }, { type: 'promoted', event: promo(1, 5) }];
    assert.deepEqual(fold(events), fold(events));
  });

  it('an event type outside the union is a bug: the fold throws UNREACHABLE naming it', () => {
    assert.throws(
      () => evolveGatewayRegistry(initialGatewayRegistry, { type: 'renamed', event: {} } as never),
      (e: unknown) => e instanceof AppError && e.code === 'UNREACHABLE' && /model-log event/.test(e.message),
    );
  });
});
