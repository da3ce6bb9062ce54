/**
 * The departments of the simulated world: size, how they sell through the year
 * (a yearly profile their stores share), holiday sensitivity, noise and trend.
 * Calibrated against real retail with `npm run simulate -- traits` (issue 9).
 */
import type { DeptModel } from './sim-model.js';
import { normal, shuffled, stratifiedNormals, uniform, type Rng } from './random.js';

/** Harmonics of the yearly profile: the department's shape, and a store's own deviation from it. */
export const DEPT_HARMONICS = 6;
export const SERIES_HARMONICS = 4;
/** typical standard deviation of a dept's yearly log-profile */
const PROFILE_SD = 0.14;
/** typical weekly lognormal noise of a regular dept */
const NOISE_SD = 0.095;
/** The shape every department shares: a lull after the holidays (log scale, same layout as DeptModel.profile). */
const RETAIL_PROFILE = [-0.05, 0, -0.02, 0];
/** Higher harmonics carry less of the profile: sharp but not jagged shapes. */
export const HARMONIC_DECAY = [1, 0.8, 0.6, 0.45, 0.35, 0.25];
/** Makes harmonic sds of HARMONIC_DECAY[k] x scale / HARMONIC_NORM add up to a profile sd of `scale`. */
export const HARMONIC_NORM = Math.sqrt(HARMONIC_DECAY.reduce((s, x) => s + x * x, 0));

/** `count` departments numbered 1..count, drawn from `rng`. */
export function makeDepts(rng: Rng, count: number): DeptModel[] {
  // Exact shares of each kind keep the series count steady across seeds.
  const kinds = shuffled(rng, Array.from({ length: count }, (_, i) => (i < Math.round(count * 0.1) ? 'tiny' : i < Math.round(count * 0.28) ? 'niche' : 'core')));
  // Stratified draws for what differs most between departments, so the traits of
  // the history (calibrated with traits.ts) hold for every seed, not only on average.
  const tinyCount = kinds.filter((k) => k === 'tiny').length;
  const scaleZ = stratifiedNormals(rng, count - tinyCount);
  const noiseZ = stratifiedNormals(rng, count - tinyCount);
  const shapeZ = stratifiedNormals(rng, count);
  const tinyPrevalence = stratifiedNormals(rng, tinyCount).map((z) => 0.55 + 0.12 * z);
  let regular = 0;
  let tinies = 0;
  const gifts = shuffled(rng, Array.from({ length: count }, (_, i) => i < Math.round(count * 0.3)));
  const depts: DeptModel[] = [];
  for (let d = 1; d <= count; d++) {
    const kind = kinds[d - 1];
    const tiny = kind === 'tiny';
    // index among the regular departments, or among the tiny ones
    const r = tiny ? tinies++ : regular++;
    // Most departments are in every store; a minority are niche formats (pharmacy, optical...).
    const prevalence = tiny ? Math.min(0.8, Math.max(0.3, tinyPrevalence[r] ?? 0.55)) : kind === 'core' ? uniform(rng, 0.98, 1) : uniform(rng, 0.72, 0.98);
    // Heavy tail: a lognormal over departments makes a few (grocery, pharmacy) dominate.
    const scale = tiny ? uniform(rng, 30, 400) : Math.min(150_000, Math.max(300, Math.exp(Math.log(8000) + 1.0 * (scaleZ[r] ?? 0))));
    const gift = gifts[d - 1] ? uniform(rng, 0.5, 1) : uniform(rng, 0, 0.15);
    // Seasonal departments (garden, toys, school supplies) have strong yearly shapes;
    // the big staples (grocery, pharmacy) flatter ones.
    const shape = Math.exp(Math.log(PROFILE_SD) + 0.6 * (shapeZ[d - 1] ?? 0)) * Math.min(1.5, Math.pow(scale / 8000, -0.2));
    const profile: number[] = [];
    for (let k = 1; k <= DEPT_HARMONICS; k++) {
      const sd = (shape * (HARMONIC_DECAY[k - 1] ?? 0)) / HARMONIC_NORM;
      profile.push((RETAIL_PROFILE[2 * k - 2] ?? 0) + sd * normal(rng), (RETAIL_PROFILE[2 * k - 1] ?? 0) + sd * normal(rng));
    }
    depts.push({
      dept: d,
      prevalence,
      scale,
      tiny,
      noise: tiny ? uniform(rng, 0.35, 0.6) : Math.exp(Math.log(NOISE_SD) + 0.45 * (noiseZ[r] ?? 0)),
      profile,
      profileNoise: shape * uniform(rng, 0.2, 0.45),
      lifts: {
        superBowl: rng() < 0.08 ? uniform(rng, 0.4, 0.8) : uniform(rng, 0.02, 0.15),
        easter: rng() < 0.15 ? uniform(rng, 0.3, 0.8) : uniform(rng, 0, 0.1),
        laborDay: uniform(rng, 0.05, 0.3),
        thanksgiving: 0.3 + 2.5 * gift * uniform(rng, 0.8, 1.2),
        christmas: 0.2 + 1.4 * gift * uniform(rng, 0.7, 1.3),
      },
      markdownSensitivity: uniform(rng, 0, 0.04),
      trend: 0.04 * normal(rng) - 0.01,
    });
  }
  return depts;
}

