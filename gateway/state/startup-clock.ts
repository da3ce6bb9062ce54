/**
 * The gateway's start-up phases in its log: one info line per phase,
 * `start-up <phase>: <seconds> s (at +<seconds since the process started> s)`,
 * so where a slow start went is read off the log (bench/restart.ts prints
 * these lines for each start).
 */
import type { Logger } from '../../lib/log.js';

const s = (ms: number) => (ms / 1000).toFixed(2);

/** Logs `phase` as taking from `t0` (a `performance.now()`) to now; returns now, the next phase's start. */
export function phase(log: Logger, name: string, t0: number, detail?: string): number {
  const now = performance.now();
  log.info(`start-up ${name}: ${s(now - t0)} s (at +${s(now)} s)${detail ? `: ${detail}` : ''}`);
  return now;
}
