import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combinedHalfWidth } from './intervals.js';

describe('an aggregate\'s half-width from its series\' half-widths', () => {
  it('is sqrt(3^2 + 4^2) = 5 for independent errors, 3 + 4 = 7 for comonotone ones, sqrt(0.5 * 25 + 0.5 * 49) between', () => {
    assert.equal(combinedHalfWidth([3, 4], 0), 5);
    assert.equal(combinedHalfWidth([3, 4], 1), 7);
    assert.equal(combinedHalfWidth([3, 4], 0.5), Math.sqrt(37));
  });

  it('refuses a correlation outside [0, 1]', () => {
    assert.throws(() => combinedHalfWidth([3, 4], 1.5), /rho.*\[0, 1\]/);
    assert.throws(() => combinedHalfWidth([3, 4], Number.NaN), /rho/);
  });
});
