/**
 * Intervals of an aggregate from its series' interval half-widths. The error
 * of a sum has variance sum_i sum_j rho_ij s_i s_j; with one correlation rho
 * between every pair of series in the aggregate (an equicorrelation model)
 * and half-widths proportional to the errors' spreads, the aggregate's
 * half-width is sqrt((1 - rho) sum hw_i^2 + rho (sum hw_i)^2): rho = 0 the
 * independent case (errors cancel, narrowest), rho = 1 the comonotone one
 * (half-widths add, widest). The backtest measures the coverage of each rho
 * per level (trainer/backtest/hierarchy.ts, docs/hierarchy.md); the gateway
 * publishes with LEVEL_RHO.
 */
import { ValidationError } from '../../lib/errors.js';
import type { Level } from './hierarchy.js';

/** The half-width of a sum of series whose half-widths are `hw` (same nominal level), for correlation `rho` in [0, 1]. */
export function combinedHalfWidth(hw: readonly number[], rho: number): number {
  if (!(rho >= 0 && rho <= 1)) throw new ValidationError('rho', 'a correlation in [0, 1]', rho);
  let sum = 0;
  let sq = 0;
  for (const x of hw) {
    sum += x;
    sq += x * x;
  }
  return Math.sqrt((1 - rho) * sq + rho * sum * sum);
}

/**
 * The correlation the gateway combines series half-widths with, per level:
 * the smallest of the backtest's grid (RHOS) whose 80% and 95% coverage both
 * reached nominal on the real slice (stores 1-30, 28 scored weekly cut-offs
 * of 2012, h 1..4; `npm run bench -- hierarchy real`, docs/hierarchy.md).
 * Stores share more of their series' errors than the total's 2,200 series
 * do with each other on average, departments more still (one department
 * reacts alike in every store).
 */
export const LEVEL_RHO: Record<Exclude<Level, 'series'>, number> = { total: 0.1, store: 0.2, dept: 0.3 };
