import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bandRows } from './model-bands.js';

describe('holdout WAPE by horizon band', () => {
  it('reads each band of the metrics JSON with the model and the baselines', () => {
    const metrics = {
      model: { wape: 0.1 },
      bands: [
        { label: 'h1', from: 1, to: 1, points: 40, metrics: { model: { wape: 0.08 }, seasonalNaive: { wape: 0.2 }, lastValue: { wape: 0.12 } } },
        { label: 'h2-4', from: 2, to: 4, points: 120, metrics: { model: { wape: 0.11 }, seasonalNaive: { wape: 0.21 }, lastValue: { wape: 0.19 }, champion: { wape: 0.1 } } },
      ],
    };
    assert.deepEqual(bandRows(metrics), [
      { label: 'h1', from: 1, to: 1, points: 40, model: 0.08, seasonalNaive: 0.2, lastValue: 0.12, champion: null },
      { label: 'h2-4', from: 2, to: 4, points: 120, model: 0.11, seasonalNaive: 0.21, lastValue: 0.19, champion: 0.1 },
    ]);
  });

  it('is empty for a run without bands, and skips what is not a band', () => {
    assert.deepEqual(bandRows({ model: { wape: 0.1 } }), []);
    assert.deepEqual(bandRows({ bands: [null, 3, { label: 'h1', metrics: { model: { wape: 'x' } } }] }), [
      { label: 'h1', from: null, to: null, points: null, model: null, seasonalNaive: null, lastValue: null, champion: null },
    ]);
  });
});
