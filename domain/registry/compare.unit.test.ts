import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelTrained } from '../../schemas/types.js';
import { curveColumns, importanceColumns } from './compare.js';
import { trained } from './test/events.js';

const run = (v: number, extra: Partial<ModelTrained>): ModelTrained => trained(v, 'promoted', extra).event as ModelTrained;
const runs = new Map<number, ModelTrained>([
  // v1 stopped after 3 rounds; v2 ran 5 rounds, thinned to rounds 1, 3, 5; v3 is an older run without curves
  [1, run(1, { curves: { metric: 'mae', rounds: [1, 2, 3], train: [0.9, 0.8, 0.7], valid: [1, 0.95, 0.97], bestRound: 2, totalRounds: 3 } })],
  [2, run(2, { curves: { metric: 'mae', rounds: [1, 3, 5], train: [0.5, 0.4, 0.3], valid: [], bestRound: 5, totalRounds: 5 } })],
  [3, run(3, {})],
]);
const runOf = (v: number) => runs.get(v);

describe('N-way comparison columns', () => {
  it('aligns curves of three versions on the union of their rounds, null where a version has no value', () => {
    const c = curveColumns([1, 2, 3], runOf);
    assert.equal(c.metric, 'mae');
    assert.deepEqual(c.rounds, [1, 2, 3, 5]);
    assert.deepEqual(c.curves, [
      { version: 1, split: 'train', values: [0.9, 0.8, 0.7, null] },
      { version: 1, split: 'valid', values: [1, 0.95, 0.97, null] },
      { version: 2, split: 'train', values: [0.5, null, 0.4, 0.3] },
    ]);
    assert.deepEqual(c.runs, [
      { version: 1, bestRound: 2, totalRounds: 3 },
      { version: 2, bestRound: 5, totalRounds: 5 },
      { version: 3, bestRound: null, totalRounds: null },
    ]);
  });

  it('ranks features by mean share of gain: raw gains of two models are not on one scale', () => {
    const imp = new Map<number, ModelTrained>([
      // shares v1: a 6/10 = 0.6, b 0.4; v2: a 10/100 = 0.1, b 0.2, c 0.7 -> mean a 0.35, b 0.3, c 0.35 (a before c by name)
      [1, run(1, { featureImportance: [{ feature: 'a', gain: 6, splits: 3 }, { feature: 'b', gain: 4, splits: 2 }] })],
      [2, run(2, { featureImportance: [{ feature: 'c', gain: 70, splits: 9 }, { feature: 'b', gain: 20, splits: 4 }, { feature: 'a', gain: 10, splits: 1 }] })],
      [3, run(3, {})],
    ]);
    const c = importanceColumns([1, 2, 3], (v) => imp.get(v));
    assert.deepEqual(c.features, ['a', 'c', 'b']);
    assert.deepEqual(c.versions[0], { version: 1, gain: [6, 0, 4], share: [0.6, 0, 0.4] });
    assert.deepEqual(c.versions[1], { version: 2, gain: [10, 70, 20], share: [0.1, 0.7, 0.2] });
    assert.deepEqual(c.versions[2], { version: 3, gain: [0, 0, 0], share: [0, 0, 0] }, 'a run without importance draws as zeros');
    assert.deepEqual(importanceColumns([1, 2], (v) => imp.get(v), 2).features, ['a', 'c'], 'top keeps the first features');
  });
});
