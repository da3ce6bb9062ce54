import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bandIndex, compareByBand, horizonBands, ratio } from './bands.js';

describe('horizon bands', () => {
  it('cuts 1..H at 4 and 13 and drops empty bands', () => {
    assert.deepEqual(horizonBands(39).map((b) => b.label), ['1..4', '5..13', '14..39']);
    assert.deepEqual(horizonBands(13).map((b) => b.label), ['1..4', '5..13']);
    assert.deepEqual(horizonBands(3), [{ label: '1..3', from: 1, to: 3 }]);
    assert.deepEqual([1, 4, 5, 13, 14, 52, 53, 0].map((h) => bandIndex(h, 52)), [0, 0, 1, 1, 2, 2, -1, -1]);
  });

  it('scores each band on its own points, holiday weeks weighing 5', () => {
    const actual = [100, 100, 100, 100];
    const horizon = [1, 2, 5, 14];
    const holiday = [0, 1, 0, 0];
    const model = [90, 100, 130, 100];
    const naive = [100, 80, 110, 50];
    const [near, mid, far] = compareByBand(actual, holiday, horizon, { model, naive }, 20);
    assert.equal(near!.comparison.n, 2);
    assert.equal(near!.comparison.metrics.model!.wmae, (10 + 0) / 6, 'weights 1 and 5');
    assert.equal(near!.comparison.metrics.naive!.wmae, (0 + 5 * 20) / 6);
    assert.equal(mid!.comparison.metrics.model!.wape, 0.3);
    assert.equal(far!.comparison.metrics.naive!.mae, 50);
    assert.equal(ratio(mid!.comparison.metrics.model!.wmae, mid!.comparison.metrics.naive!.wmae), 3);
    assert.ok(Number.isNaN(ratio(1, 0)));
  });
});
