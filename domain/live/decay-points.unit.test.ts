import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDecayPoint } from './decay-points.js';
import type { DecayPoint } from './protocol.js';

const pt = (version: number, to: string, wmae: number, decayed = false): DecayPoint => ({ version, from: to, to, wmae, threshold: 1000, decayed });

describe('decay points', () => {
  it('one point per version and window end: a later measurement replaces the earlier', () => {
    let s = addDecayPoint([], pt(1, '2011-08-26', 900));
    s = addDecayPoint(s, pt(1, '2011-09-02', 1500));
    s = addDecayPoint(s, pt(1, '2011-09-02', 1900, true));
    assert.deepEqual(s, [pt(1, '2011-08-26', 900), pt(1, '2011-09-02', 1900, true)]);
  });

  it('ordered by window end, then version (a promotion in the middle of a week)', () => {
    const s = [pt(2, '2011-09-09', 800), pt(1, '2011-09-02', 1900), pt(1, '2011-09-09', 2100)].reduce<DecayPoint[]>((a, p) => addDecayPoint(a, p), []);
    assert.deepEqual(s.map((p) => `v${p.version} ${p.to}`), ['v1 2011-09-02', 'v1 2011-09-09', 'v2 2011-09-09']);
  });

  it('keeps the last `cap` windows', () => {
    const s = ['2011-01-07', '2011-01-14', '2011-01-21'].reduce<DecayPoint[]>((a, to) => addDecayPoint(a, pt(1, to, 1), 2), []);
    assert.deepEqual(s.map((p) => p.to), ['2011-01-14', '2011-01-21']);
  });
});
