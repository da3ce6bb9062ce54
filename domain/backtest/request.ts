/**
 * What a backtest is asked to do, validated once at the boundary (the CLI,
 * and the gateway before it queues one for the trainer). Errors name
 * the field (or the CLI flag) and what was expected.
 */
import { ValidationError } from '../../lib/errors.js';
import { isIsoDate } from '../../lib/weeks.js';
import { MAX_HORIZON } from '../features/spec.js';
import { parseParams } from '../training/request.js';
import type { XgbParams } from '../training/params.js';

/** Which weeks are cut-offs: the last N evaluable ones, or every evaluable one in a range. */
export type CutoffSpec = { kind: 'last'; count: number } | { kind: 'range'; from: string; to: string };

export interface BacktestRequest {
  cutoffs: CutoffSpec;
  /** H: forecasts for h = 1..H weeks after each cut-off (1..52). */
  horizon: number;
  /** Refit at every k-th cut-off, the first one always (k >= 1). */
  refitEvery: number;
  /** XGBoost overrides on top of the trainer's DEFAULT_TRAIN_PARAMS. */
  params: XgbParams;
  /** `store:dept` series charted in the report; empty = the three largest. */
  series: string[];
  /** Output folder; null = `<stackDir>/backtests/<id>/`. */
  outDir: string | null;
  reason: string;
  requestedBy: string;
}

/** Default number of cut-offs: the last 39 evaluable weeks (three quarters). */
export const DEFAULT_CUTOFFS = 39;
/** Default refit cadence: every 4 cut-offs (about monthly). */
export const DEFAULT_REFIT_EVERY = 4;
/** Most cut-offs one backtest may have (ten years of weeks). */
export const MAX_CUTOFFS = 520;

/** Raw option values as a CLI or an API gives them (strings or numbers). */
export interface RawRequest {
  cutoffs?: string | number;
  from?: string;
  to?: string;
  horizon?: string | number;
  refitEvery?: string | number;
  series?: string | string[];
  params?: string | XgbParams;
  out?: string;
  reason?: string;
  requestedBy?: string;
}

const FLAGS: Record<string, string> = { cutoffs: '--cutoffs', from: '--from', to: '--to', horizon: '--horizon', refitEvery: '--refit-every', series: '--series', params: '--params' };

/**
 * Validates raw options into a request. `flags` names fields as CLI flags in
 * errors (`--refit-every` rather than `refitEvery`); `defaultHorizon` is the
 * trainer's TRAIN_HORIZON.
 */
export function parseRequest(raw: RawRequest, defaultHorizon: number, flags = false): BacktestRequest {
  const name = (f: string) => (flags ? (FLAGS[f] ?? f) : f);
  const int = (f: keyof RawRequest, v: string | number | undefined, dflt: number, min: number, max: number) => {
    if (v === undefined || v === '') return dflt;
    const n = typeof v === 'number' ? v : /^\s*-?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new ValidationError(name(f), `an integer ${min}..${max}`, v);
    return n;
  };
  let cutoffs: CutoffSpec;
  if (raw.from !== undefined || raw.to !== undefined) {
    if (raw.cutoffs !== undefined) throw new ValidationError(name('cutoffs'), `either ${name('cutoffs')} or ${name('from')}/${name('to')}, not both`, raw.cutoffs);
    for (const f of ['from', 'to'] as const) if (!raw[f] || !isIsoDate(raw[f])) throw new ValidationError(name(f), 'a week date YYYY-MM-DD (both ends of the range)', raw[f]);
    if (raw.from! > raw.to!) throw new ValidationError(name('to'), `a date on or after ${raw.from}`, raw.to);
    cutoffs = { kind: 'range', from: raw.from!, to: raw.to! };
  } else {
    cutoffs = { kind: 'last', count: int('cutoffs', raw.cutoffs, DEFAULT_CUTOFFS, 1, MAX_CUTOFFS) };
  }
  const seriesList = raw.series === undefined ? [] : Array.isArray(raw.series) ? raw.series : raw.series.split(',');
  const series = seriesList.map((s) => s.trim()).filter(Boolean);
  for (const s of series) if (!/^[1-9]\d*:[1-9]\d*$/.test(s)) throw new ValidationError(name('series'), 'store:dept pairs separated by commas, e.g. 1:1,2:5', s);
  let params: XgbParams;
  try {
    params = typeof raw.params === 'object' ? parseParams(JSON.stringify(raw.params)) : parseParams(raw.params ?? null);
  } catch (err) {
    if (err instanceof ValidationError && flags) throw new ValidationError(`--${err.field}`, err.expected, err.got);
    throw err;
  }
  return {
    cutoffs,
    horizon: int('horizon', raw.horizon, defaultHorizon, 1, MAX_HORIZON),
    refitEvery: int('refitEvery', raw.refitEvery, DEFAULT_REFIT_EVERY, 1, MAX_CUTOFFS),
    params,
    series,
    outDir: raw.out && raw.out.trim() !== '' ? raw.out : null,
    reason: raw.reason?.trim() || 'walk-forward backtest',
    requestedBy: raw.requestedBy?.trim() || 'cli',
  };
}
