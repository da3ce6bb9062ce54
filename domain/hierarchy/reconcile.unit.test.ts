import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregate, buildHierarchy, incoherence, summingMatrix } from './hierarchy.js';
import { bottomUp, mintReconciler, shrunkCovariance, type SymMatrix } from './reconcile.js';

// 2 stores x 2 departments; bottom order b11, b12, b21, b22 (store, dept)
const H = buildHierarchy([
  { store: 1, dept: 1 },
  { store: 1, dept: 2 },
  { store: 2, dept: 1 },
  { store: 2, dept: 2 },
]);
const BOTTOM = [10, 20, 30, 40];
/** Base forecasts: every aggregate the sum of its series except the total, which is off by d. */
const base = (d: number) => [100 + d, 30, 70, 40, 60, ...BOTTOM];
const diag = (v: number[]): SymMatrix => {
  const n = v.length;
  const data = new Float64Array(n * n);
  v.forEach((x, i) => (data[i * n + i] = x));
  return { n, data };
};
const close = (got: ArrayLike<number>, want: number[]) => want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-9, `node ${i}: got ${got[i]}, want ${w}`));

describe('the hierarchy of store x dept series', () => {
  it('orders total, stores, depts, then the series, and its S sums each aggregate\'s series', () => {
    assert.deepEqual(H.nodes.slice(0, 5).map((n) => `${n.level}:${n.store}:${n.dept}`), ['total:0:0', 'store:1:0', 'store:2:0', 'dept:0:1', 'dept:0:2']);
    assert.deepEqual(summingMatrix(H), [
      [1, 1, 1, 1],
      [1, 1, 0, 0],
      [0, 0, 1, 1],
      [1, 0, 1, 0],
      [0, 1, 0, 1],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
    assert.deepEqual([...aggregate(H, BOTTOM)], [100, 30, 70, 40, 60, 10, 20, 30, 40]);
  });

  it('refuses a series named twice (it would be counted twice in every aggregate) and bottom values of the wrong length', () => {
    assert.throws(() => buildHierarchy([{ store: 1, dept: 1 }, { store: 1, dept: 1 }]), /series\[1\].*each store:dept once/);
    assert.throws(() => aggregate(H, [1, 2, 3]), /4 values, one per series/);
  });
});

describe('reconciliation, 2 stores x 2 depts, computed by hand', () => {
  it('bottom-up keeps the series and sums them: total 100, stores 30 / 70, depts 40 / 60', () => {
    close(bottomUp(H, base(9)), [100, 30, 70, 40, 60, 10, 20, 30, 40]);
    assert.throws(() => bottomUp(H, [1, 2]), /base forecasts.*9 values/);
  });

  it('MinT with W = I (OLS) moves the total by -5d/9, each store and dept by +2d/9, each series by +d/9', () => {
    // U'y^ = d at the total only. By symmetry (U'WU)^-1 e_T d = (a, s, s, s, s) with
    //   total row:  5a + 8s = d  (1 + 4 series; shares 2 series with each store and dept)
    //   store row:  2a + 3s + 0 + s + s = 0  =>  a = -2.5s, s = -2d/9, a = 5d/9.
    // y~ = y^ - U x: total -a, store/dept -s, series +(a + 2s) = +d/9. d = 9:
    const y = mintReconciler(H, diag([1, 1, 1, 1, 1, 1, 1, 1, 1]))(base(9));
    close(y, [104, 32, 72, 42, 62, 11, 21, 31, 41]);
    assert.ok(incoherence(H, y) < 1e-9);
  });

  it('MinT with W = diag(4, 2, 2, 2, 2, 1, 1, 1, 1) moves the noisier total more: -3d/4, stores and depts +d/8, series +d/16', () => {
    // U'WU: total row (4 + 4)a + 2*2s + 2*2s = d; store row 2a + (2 + 2 + 1 + 1)s = 0
    //   => a = -3s, -16s = d, s = -d/16, a = 3d/16; y~ = y^ - W U x:
    //   total -4a = -3d/4, store -2s = +d/8, series -1 * -(a + 2s) = +d/16. d = 8:
    close(mintReconciler(H, diag([4, 2, 2, 2, 2, 1, 1, 1, 1]))(base(8)), [102, 31, 71, 41, 61, 10.5, 20.5, 30.5, 40.5]);
  });

  it('MinT tends to bottom-up when the aggregates\' base forecasts are far noisier than the series\'', () => {
    const y = mintReconciler(H, diag([1e9, 1e9, 1e9, 1e9, 1e9, 1, 1, 1, 1]))(base(9));
    close(y.map((v) => Math.round(v * 1e4) / 1e4), [100, 30, 70, 40, 60, 10, 20, 30, 40]);
  });

  it('refuses a W of the wrong size, and one that is not positive definite', () => {
    assert.throws(() => mintReconciler(H, diag([1, 1])), /W.*9 x 9/);
    assert.throws(() => mintReconciler(H, diag([0, 0, 0, 0, 0, 0, 0, 0, 0])), /W.*positive definite/);
  });
});

describe('Schaefer-Strimmer shrinkage', () => {
  it('two nodes, five residual vectors: correlation 0.6, lambda 4/9, covariance shrunk to 1/3', () => {
    // x1 = (1,-1,1,-1,1), x2 = (1,-1,1,-1,-1): variances 1, products w = (1,1,1,1,-1)
    //   r = sum w / 5 = 0.6; var(r) = (sum w^2 - (sum w)^2 / 5) / (5 * 4) = (5 - 1.8) / 20 = 0.16
    //   lambda = 0.16 / 0.36 = 4/9; W12 = (1 - 4/9) * 0.6 = 1/3
    const { W, lambda } = shrunkCovariance([[1, 1], [-1, -1], [1, 1], [-1, -1], [1, -1]]);
    assert.ok(Math.abs(lambda - 4 / 9) < 1e-12, `lambda ${lambda}`);
    close(W.data, [1, 1 / 3, 1 / 3, 1]);
  });

  it('keeps W invertible when a node never erred, and refuses too few or ragged residuals', () => {
    const { W } = shrunkCovariance([[1, 0], [-1, 0], [2, 0]]);
    assert.ok(W.data[3]! > 0);
    assert.throws(() => shrunkCovariance([[1, 2]]), /at least 2 residual vectors/);
    assert.throws(() => shrunkCovariance([[1, 2], [1]]), /residuals\[1\].*2 values/);
    assert.throws(() => shrunkCovariance([[1, 2], [1, Number.NaN]]), /residuals\[1\]\[1\].*finite/);
  });
});
