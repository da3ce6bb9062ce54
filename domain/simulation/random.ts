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

/** Inverse of the standard normal CDF for p in (0, 1) (Acklam's rational approximation, relative error < 1.2e-9). */
export function probit(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const tail = (q: number) => (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/**
 * `n` standard normals, one from each of n equal-probability strata, in random
 * order: the sample's spread barely depends on the seed, unlike n independent draws.
 */
export function stratifiedNormals(rng: Rng, n: number): number[] {
  const slots = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = slots[i] ?? 0;
    slots[i] = slots[j] ?? 0;
    slots[j] = t;
  }
  return slots.map((s) => probit((s + 0.001 + 0.998 * rng()) / n));
}

/** Fisher–Yates shuffle in place; returns the array. */
export function shuffled<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}
