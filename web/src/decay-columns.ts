/**
 * The decay chart's columns: per window end (x, seconds), the champion's
 * trailing live WMAE in one column per version (null where another version
 * was measured), then the decay threshold of the version measured there;
 * and the window ends where a retraining was asked for (vertical markers).
 * The gateway sends the windows; this only lays them out for uPlot.
 */
import type uPlot from 'uplot';
import type { DecayPoint } from '../../domain/live/protocol.js';
import { isoToSec } from './format.js';

export interface DecayColumns {
  data: uPlot.AlignedData;
  /** The versions of the WMAE columns, in column order. */
  versions: number[];
  /** x (seconds) of each window that asked for a retraining. */
  markers: number[];
}

/** Columns from windows ordered by end then version (domain/live/decay-points.ts); one x per window end. */
export function decayColumns(points: readonly DecayPoint[]): DecayColumns {
  const ends = [...new Set(points.map((p) => p.to))];
  const versions = [...new Set(points.map((p) => p.version))].sort((a, b) => a - b);
  const at = new Map(ends.map((e, i) => [e, i]));
  const wmae = versions.map(() => ends.map((): number | null => null));
  const threshold = ends.map((): number | null => null);
  for (const p of points) {
    const i = at.get(p.to)!;
    wmae[versions.indexOf(p.version)]![i] = p.wmae;
    // two versions measured on one week (a promotion): the later version's bar, the one that decides from now on
    threshold[i] = p.threshold;
  }
  const markers = [...new Set(points.filter((p) => p.decayed).map((p) => isoToSec(p.to)))];
  return { data: [ends.map(isoToSec), ...wmae, threshold] as uPlot.AlignedData, versions, markers };
}
