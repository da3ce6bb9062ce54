import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompareColumns } from './model-actions.js';
import { curveChart, importanceRows } from './model-columns.js';

const columns: CompareColumns = {
  versions: [2, 5],
  metric: 'mae',
  rounds: [1, 2, 3],
  curves: [
    { version: 2, split: 'train', values: [0.5, 0.4, null] },
    { version: 2, split: 'valid', values: [0.6, 0.55, null] },
    { version: 5, split: 'train', values: [0.7, 0.5, 0.3] },
    { version: 5, split: 'valid', values: [0.8, 0.6, 0.58] },
  ],
  runs: [{ version: 2, bestRound: 2, totalRounds: 2 }, { version: 5, bestRound: 3, totalRounds: 3 }],
  importance: { features: ['lag_1', 'week'], versions: [{ version: 2, gain: [8, 2], share: [0.8, 0.2] }, { version: 5, gain: [30, 10], share: [0.75, 0.25] }] },
};

describe('Models view columns', () => {
  it('draws the validation curves of every version on the gateway\'s round axis', () => {
    const { data, lines } = curveChart(columns, ['valid']);
    assert.deepEqual(data, [[1, 2, 3], [0.6, 0.55, null], [0.8, 0.6, 0.58]]);
    assert.deepEqual(lines.map((l) => l.label), ['v2 valid', 'v5 valid']);
    assert.equal(curveChart(columns, ['train', 'valid']).data.length, 5, 'x plus four curves');
  });

  it('sizes importance bars by share of gain, the largest (0.8) filling the row', () => {
    const rows = importanceRows(columns);
    assert.deepEqual(rows.map((r) => r.feature), ['lag_1', 'week']);
    assert.deepEqual(rows[0]!.bars.map((b) => [b.version, b.width]), [[2, 100], [5, 93.75]]);
    assert.deepEqual(rows[1]!.bars.map((b) => [b.version, b.width, b.gain]), [[2, 25, 2], [5, 31.25, 10]]);
  });
});
