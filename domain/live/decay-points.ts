/**
 * The decay windows the dashboard draws, kept the same way by the gateway
 * (its snapshot) and by the dashboard (lines arriving live): one point per
 * (champion, window end), the later measurement of a window replacing the
 * earlier (the watcher measures a window again when more of its points are
 * projected), at most `cap` points, ordered by window end then version.
 */
import type { DecayPoint } from './protocol.js';

/** How many decay windows the gateway keeps and the dashboard draws: two years of weeks. */
export const DECAY_CAP = 104;

/** `points` with `p` added (or replacing the one for the same version and window end); pure. */
export function addDecayPoint(points: readonly DecayPoint[], p: DecayPoint, cap = DECAY_CAP): DecayPoint[] {
  const out = points.filter((x) => !(x.version === p.version && x.to === p.to));
  out.push(p);
  out.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : a.version - b.version));
  return out.length > cap ? out.slice(out.length - cap) : out;
}
