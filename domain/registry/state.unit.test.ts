import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelPromoted } from '../../schemas/types.js';
import { promoted, trained } from './test/events.js';
import {
  championDataWeek,
  championOf,
  foldRegistry,
  isApplied,
  isRefused,
  nextVersion,
  stageOf,
  summarize,
} from './state.js';

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

  it('given v1 then v3 champion, when a promotion naming v1 as the champion it replaces lands, then it is refused and changes nothing', () => {
    const given = [trained(1, 'promoted'), promoted(1, null), trained(2, 'promoted'), trained(3, 'promoted'), promoted(3, 1)];
    const s = foldRegistry([...given, promoted(2, 1)]);
    assert.equal(championOf(s)?.version, 3);
    assert.deepEqual(s.refused.map((p) => p.version), [2]);
    assert.equal(isRefused(s, (promoted(2, 1) as { event: ModelPromoted }).event), true);
    assert.equal(stageOf(s, 2), 'candidate', 'a refused promotion does not make a version archived');
    assert.equal(nextVersion(s), 4);
  });

  it('given two promotions decided on the same champion, then the first in the log wins and the second is refused', () => {
    const s = foldRegistry([trained(1, 'promoted'), promoted(1, null), trained(2, 'promoted'), trained(3, 'promoted'), promoted(3, 1), promoted(2, 1)]);
    const t = foldRegistry([trained(1, 'promoted'), promoted(1, null), trained(2, 'promoted'), trained(3, 'promoted'), promoted(2, 1), promoted(3, 1)]);
    assert.deepEqual([championOf(s)?.version, s.refused.map((p) => p.version)], [3, [2]]);
    assert.deepEqual([championOf(t)?.version, t.refused.map((p) => p.version)], [2, [3]]);
    assert.equal(isApplied(t, (promoted(2, 1) as { event: ModelPromoted }).event), true);
  });

  it('a first promotion must replace no champion', () => {
    const s = foldRegistry([trained(1, 'promoted'), promoted(1, 7)]);
    assert.equal(championOf(s), null);
    assert.equal(s.refused.length, 1);
  });

  it('a version promoted by the policy whose promotion is not yet folded is a candidate', () => {
    assert.equal(stageOf(foldRegistry([trained(1, 'promoted')]), 1), 'candidate');
  });
});
