import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addInterval, emptyIntervalSums, intervalMetricsOf, winklerScore } from './score.js';

describe('interval scores', () => {
  it('Winkler: the width inside, plus 2/alpha times the miss outside', () => {
    assert.equal(winklerScore(15, 10, 20, 0.8), 10);
    assert.ok(Math.abs(winklerScore(5, 10, 20, 0.8) - 60) < 1e-9, '10 + (2 / 0.2) * 5');
    assert.ok(Math.abs(winklerScore(25, 10, 20, 0.8) - 60) < 1e-9);
    assert.ok(Math.abs(winklerScore(21, 10, 20, 0.95) - 50) < 1e-9, '10 + (2 / 0.05) * 1');
  });

  it('coverage is the share of actuals inside; bounds count as inside; missing points are ignored', () => {
    const acc = emptyIntervalSums(0.8);
    addInterval(acc, 10, 10, 20);
    addInterval(acc, 20, 10, 20);
    addInterval(acc, 21, 10, 20);
    addInterval(acc, 0, 10, 20);
    addInterval(acc, Number.NaN, 10, 20);
    addInterval(acc, 15, Number.NaN, 20);
    const m = intervalMetricsOf(acc);
    assert.equal(m.n, 4);
    assert.equal(m.coverage, 0.5);
    assert.ok(Math.abs(m.winkler - (10 + 10 + 20 + 110) / 4) < 1e-9);
    assert.ok(Number.isNaN(intervalMetricsOf(emptyIntervalSums(0.95)).coverage));
  });
});
