/**
 * Seeded randomness for the simulator. Two kinds, because the generator needs both:
 * a sequential stream (mulberry32) to build the catalog once, and a counter-based
 * hash so any (series, week) draw can be made directly, which lets `generateWeek(i)`
 * produce week i without replaying weeks 0..i-1.
 */
export type Rng = () => number;

/** Sequential PRNG, uniform in [0, 1); same seed gives the same stream. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** lowbias32 finaliser: a cheap 32-bit mix with good avalanche. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1) addressed by (seed, a, b, c): the same address always gives the same number. */
export function hashUnit(seed: number, a: number, b: number, c: number): number {
  let h = mix32(seed ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(a + 1, 0x85ebca77));
  h = mix32(h ^ Math.imul(b + 1, 0xc2b2ae3d));
  h = mix32(h ^ Math.imul(c + 1, 0x27d4eb2f));
  return h / 4294967296;
}

/** Standard normal from two uniforms in [0, 1) (Box–Muller; 1 - u keeps log away from 0). */
export function gaussian(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/** Standard normal drawn from a sequential stream. */
export function normal(rng: Rng): number {
  return gaussian(rng(), rng());
}

/** Uniform in [lo, hi) drawn from a sequential stream. */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}
