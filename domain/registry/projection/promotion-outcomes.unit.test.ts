import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelPromoted } from '../../../schemas/types.js';
import { foldRegistry, isApplied } from '../state.js';
import { promoted } from '../test/events.js';
import { PromotionOutcomes } from './promotion-outcomes.js';

const p = (version: number, previous: number | null, at?: number) => (promoted(version, previous, 'promotion', at) as { event: ModelPromoted }).event;

describe('promotion outcomes (the projection agrees with the fold)', () => {
  // v1, v3 over v1, v2 over v1 (stale: refused), rollback to v1 over v3, v4 over v3 (stale: refused)
  const log = [p(1, null), p(3, 1), p(2, 1), p(1, 3, 9), p(4, 3)];

  it('given the promotion log in offset order, then each outcome is what the registry fold decides', () => {
    const o = new PromotionOutcomes();
    const got = log.map((e, i) => o.applied(e, { partition: 0, offset: String(i) }));
    assert.deepEqual(got, [true, true, false, true, false]);
    const s = foldRegistry(log.map((event) => ({ type: 'promoted' as const, event })));
    assert.deepEqual(got, log.map((e) => isApplied(s, e)));
  });

  it('a redelivered offset gets the answer it got the first time', () => {
    const o = new PromotionOutcomes();
    log.forEach((e, i) => o.applied(e, { partition: 0, offset: String(i) }));
    assert.equal(o.applied(log[1]!, { partition: 0, offset: '1' }), true);
    assert.equal(o.applied(log[2]!, { partition: 0, offset: '2' }), false);
    const late = new PromotionOutcomes();
    late.applied(log[0]!, { partition: 0, offset: '5' });
    assert.throws(() => late.applied(log[1]!, { partition: 0, offset: '3' }), /arrived after later offsets/);
  });
});
