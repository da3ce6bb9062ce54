/**
 * Forecast reconciliation: base forecasts of every node (which need not add
 * up) made coherent, so that each aggregate equals the sum of its series.
 *
 * - Bottom-up: keep the series' forecasts, sum them (y~ = S b^).
 * - MinT (Wickramasuriya, Athanasopoulos and Hyndman, JASA 2019): the
 *   coherent forecasts with the least total error variance given W, the
 *   covariance of the base forecasts' errors, here its Schaefer-Strimmer
 *   shrinkage towards the diagonal ("mint_shrink" in R's hts and Nixtla's
 *   hierarchicalforecast). With a few dozen residual vectors and thousands
 *   of nodes the sample covariance is singular; the shrinkage makes it
 *   invertible and estimates how far to trust the correlations.
 *
 * MinT is usually written y~ = S (S' W^-1 S)^-1 S' W^-1 y^, which inverts a
 * (series x series) matrix. The equivalent projection form,
 *   y~ = y^ - W U (U' W U)^-1 U' y^,   U' = [I  -C]  (one row per aggregate:
 *   aggregate minus the sum of its series, so U' y^ is the incoherence),
 * only solves an (aggregates x aggregates) system: ~110 x 110 for 30 stores
 * and 80 departments instead of ~2,300 x 2,300.
 */
import { ValidationError } from '../../lib/errors.js';
import { aggregate, bottomCount, type Hierarchy } from './hierarchy.js';

/** Bottom-up: the series' base forecasts (the bottom of `base`) summed into every node. */
export function bottomUp(h: Hierarchy, base: ArrayLike<number>): Float64Array {
  checkLength(h, base, 'base forecasts');
  return aggregate(h, Array.prototype.slice.call(base, h.aggregates) as number[]);
}

/** A dense symmetric n x n matrix, row-major. */
export interface SymMatrix {
  n: number;
  data: Float64Array;
}

/**
 * The MinT reconciler for error covariance `W` (nodes x nodes): factorizes
 * U'WU once and returns a function that reconciles one base vector (full
 * length, aggregates first) in O(nodes x aggregates).
 */
export function mintReconciler(h: Hierarchy, W: SymMatrix): (base: ArrayLike<number>) => Float64Array {
  const n = h.nodes.length;
  const a = h.aggregates;
  if (W.n !== n || W.data.length !== n * n) throw new ValidationError('W', `a ${n} x ${n} covariance (one row per node)`, `${W.n} x ${W.data.length / Math.max(W.n, 1)}`);
  // WU (n x a), column i: W[:, i] minus the columns of aggregate i's series
  const WU = new Float64Array(n * a);
  for (let k = 0; k < n; k++) {
    const row = k * n;
    for (let i = 0; i < a; i++) {
      let s = W.data[row + i]!;
      for (const j of h.members[i]!) s -= W.data[row + a + j]!;
      WU[k * a + i] = s;
    }
  }
  // U'WU (a x a): row k of U' applied to WU
  const M = new Float64Array(a * a);
  for (let k = 0; k < a; k++) {
    for (let i = 0; i < a; i++) {
      let s = WU[k * a + i]!;
      for (const j of h.members[k]!) s -= WU[(a + j) * a + i]!;
      M[k * a + i] = s;
    }
  }
  const L = cholesky(M, a);
  return (base) => {
    checkLength(h, base, 'base forecasts');
    const d = new Float64Array(a);
    for (let i = 0; i < a; i++) {
      let s = base[i]!;
      for (const j of h.members[i]!) s -= base[a + j]!;
      d[i] = s;
    }
    const x = choleskySolve(L, a, d);
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < a; i++) s += WU[k * a + i]! * x[i]!;
      out[k] = base[k]! - s;
    }
    return out;
  };
}

/** The result of shrinking a sample covariance. */
export interface ShrunkCovariance {
  W: SymMatrix;
  /** Shrinkage intensity in [0, 1]: 0 = the sample covariance, 1 = its diagonal. */
  lambda: number;
}

/**
 * Schaefer-Strimmer shrinkage of the (uncentred, forecast errors having mean
 * ~0) sample covariance of `residuals` towards its diagonal, as hts's
 * `shrink.estim`: lambda = sum of the estimated variances of the off-diagonal
 * correlations / sum of their squares, clipped to [0, 1].
 * `residuals[t][k]`: observation t (a cut-off and horizon) of node k; at least 2.
 * A node whose residuals are all 0 gets a variance floor (1e-6 of the largest,
 * at least 1e-9) so that W stays positive definite.
 */
export function shrunkCovariance(residuals: readonly ArrayLike<number>[]): ShrunkCovariance {
  const T = residuals.length;
  if (T < 2) throw new ValidationError('residuals', 'at least 2 residual vectors to estimate a covariance', T);
  const n = residuals[0]!.length;
  // column-major copy: the pair loops run over t
  const X = new Float64Array(n * T);
  residuals.forEach((r, t) => {
    if (r.length !== n) throw new ValidationError(`residuals[${t}]`, `${n} values, one per node`, r.length);
    for (let k = 0; k < n; k++) {
      const v = r[k]!;
      if (!Number.isFinite(v)) throw new ValidationError(`residuals[${t}][${k}]`, 'a finite number', v);
      X[k * T + t] = v;
    }
  });
  const variance = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let t = 0; t < T; t++) s += X[k * T + t]! ** 2;
    variance[k] = s / T;
  }
  const floor = Math.max(1e-9, 1e-6 * Math.max(...variance));
  const sd = variance.map((v) => Math.sqrt(Math.max(v, floor)));
  const Xs = new Float64Array(n * T);
  for (let k = 0; k < n; k++) for (let t = 0; t < T; t++) Xs[k * T + t] = X[k * T + t]! / sd[k]!;
  const data = new Float64Array(n * n);
  let sumVar = 0;
  let sumCor2 = 0;
  for (let i = 0; i < n; i++) {
    data[i * n + i] = Math.max(variance[i]!, floor);
    for (let j = i + 1; j < n; j++) {
      let p = 0; // sum of xs_i xs_j = T x correlation
      let q = 0; // sum of (xs_i xs_j)^2
      for (let t = 0; t < T; t++) {
        const w = Xs[i * T + t]! * Xs[j * T + t]!;
        p += w;
        q += w * w;
      }
      const r = p / T;
      sumVar += (q - (p * p) / T) / (T * (T - 1));
      sumCor2 += r * r;
      const c = r * sd[i]! * sd[j]!;
      data[i * n + j] = c;
      data[j * n + i] = c;
    }
  }
  const lambda = sumCor2 === 0 ? 1 : Math.min(1, Math.max(0, sumVar / sumCor2));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j) data[i * n + j] = data[i * n + j]! * (1 - lambda);
  }
  return { W: { n, data }, lambda };
}

function checkLength(h: Hierarchy, v: ArrayLike<number>, field: string): void {
  if (v.length !== h.nodes.length) throw new ValidationError(field, `${h.nodes.length} values (${h.aggregates} aggregates, then ${bottomCount(h)} series)`, v.length);
}

/** Lower-triangular L with M = L L' (M symmetric positive definite, a x a row-major). */
function cholesky(M: Float64Array, a: number): Float64Array {
  const L = new Float64Array(a * a);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j <= i; j++) {
      let s = M[i * a + j]!;
      for (let k = 0; k < j; k++) s -= L[i * a + k]! * L[j * a + k]!;
      if (i === j) {
        if (!(s > 0)) throw new ValidationError('W', 'a positive definite covariance (U\'WU is not: a node with no error variance?)', s);
        L[i * a + i] = Math.sqrt(s);
      } else {
        L[i * a + j] = s / L[j * a + j]!;
      }
    }
  }
  return L;
}

function choleskySolve(L: Float64Array, a: number, b: Float64Array): Float64Array {
  const y = new Float64Array(a);
  for (let i = 0; i < a; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * a + k]! * y[k]!;
    y[i] = s / L[i * a + i]!;
  }
  const x = new Float64Array(a);
  for (let i = a - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < a; k++) s -= L[k * a + i]! * x[k]!;
    x[i] = s / L[i * a + i]!;
  }
  return x;
}
