/**
 * Past backtests for people and the gateway, read from the projection (fast,
 * no group join): requests joined with their outcome in code, so a backtest
 * still running (or one whose process died) shows as `requested`.
 */
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickhouse, ident, rows, strLit } from '../../../../lib/clickhouse/client.js';
import type { Config } from '../../../../lib/config.js';
import { ValidationError } from '../../../../lib/errors.js';
import type { Metrics } from '../../../registry/metrics.js';
import { BACKTEST_ID } from '../../events.js';
import type { Method } from '../../points.js';
import type { RequestRow, ResultRow } from '../../projection/rows.js';
import { BACKTEST_REQUESTS_TABLE, BACKTEST_RESULTS_TABLE } from '../../projection/tables.js';

export interface BacktestListing {
  id: string;
  status: 'requested' | 'finished' | 'failed';
  reason: string;
  requestedBy: string;
  /** epoch ms */
  requestedAt: number;
  /** epoch ms; null until an outcome is recorded */
  finishedAt: number | null;
  durationMs: number | null;
  horizon: number;
  refitEvery: number;
  /** Cut-offs actually evaluated (from the outcome); count 0 until then. */
  cutoffs: { count: number; first: string | null; last: string | null };
  refits: number;
  points: number;
  methods: string[];
  /** Overall WAPE (fraction) and WMAE per method on the same points; null when not evaluated. */
  wape: Record<Method, number | null>;
  wmae: Record<Method, number | null>;
  /** Why it failed (CODE: message), else null. */
  failure: string | null;
  notes: string[];
  /** The self-contained HTML report on the machine that ran the backtest; null when none was written. */
  reportPath: string | null;
}

/** A listing plus the full metrics (overall, byHorizon, byCutoff per method) for a detail view. */
export interface BacktestDetail extends BacktestListing {
  metrics: {
    overall?: Partial<Record<Method, Metrics>>;
    byHorizon?: { horizon: number; metrics: Partial<Record<Method, Metrics>> }[];
    byCutoff?: { cutoff: string; metrics: Partial<Record<Method, Metrics>> }[];
  };
  cutoffList: string[];
}

/** Where a backtest writes by default: `<stackDir>/backtests/<id>/` (report.html, result.json, metrics.csv, points.csv). Validates the id. */
export function backtestDir(cfg: Readonly<Config>, id: string): string {
  if (!BACKTEST_ID.test(id)) throw new ValidationError('id', 'a backtest id such as bt-20240131-120000-a1b2c3', id);
  return join(cfg.stackDir, 'backtests', id);
}

/** The newest `limit` (default 50) backtests, newest first; [] when the projection does not exist yet. */
export async function listBacktests(cfg: Readonly<Config>, opts: { limit?: number; ch?: ClickHouseClient } = {}): Promise<BacktestListing[]> {
  const limit = Math.max(1, Math.min(1000, Math.floor(opts.limit ?? 50)));
  return withClient(cfg, opts.ch, async (ch, db) => {
    const reqs = await rows<RequestRow>(ch, `SELECT * FROM ${db}.${BACKTEST_REQUESTS_TABLE} FINAL ORDER BY requested_at DESC, backtest_id DESC LIMIT ${limit}`);
    const results = await resultsOf(ch, db, reqs.map((r) => r.backtest_id));
    return reqs.map((r) => listing(r, results.get(r.backtest_id) ?? null));
  }, []);
}

/** One backtest with its full metrics, or null when the projection has no such id. */
export async function readBacktest(cfg: Readonly<Config>, id: string, opts: { ch?: ClickHouseClient } = {}): Promise<BacktestDetail | null> {
  if (!BACKTEST_ID.test(id)) throw new ValidationError('id', 'a backtest id such as bt-20240131-120000-a1b2c3', id);
  return withClient(cfg, opts.ch, async (ch, db) => {
    const reqs = await rows<RequestRow>(ch, `SELECT * FROM ${db}.${BACKTEST_REQUESTS_TABLE} FINAL WHERE backtest_id = ${strLit(id)}`);
    if (reqs.length === 0) return null;
    const result = (await resultsOf(ch, db, [id])).get(id) ?? null;
    let metrics: BacktestDetail['metrics'];
    try {
      metrics = result ? (JSON.parse(result.metrics) as BacktestDetail['metrics']) : {};
    } catch {
      metrics = {};
    }
    return { ...listing(reqs[0]!, result), metrics, cutoffList: result?.cutoffs ?? [] };
  }, null);
}

async function resultsOf(ch: ClickHouseClient, db: string, ids: string[]): Promise<Map<string, ResultRow>> {
  if (ids.length === 0) return new Map();
  const r = await rows<ResultRow>(ch, `SELECT * FROM ${db}.${BACKTEST_RESULTS_TABLE} FINAL WHERE backtest_id IN (${ids.map(strLit).join(', ')})`);
  return new Map(r.map((x) => [x.backtest_id, x]));
}

/** ClickHouse returns 64-bit integers as strings in JSON. */
const n = (v: unknown): number => Number(v);
const orNull = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

function listing(r: RequestRow, f: ResultRow | null): BacktestListing {
  return {
    id: r.backtest_id,
    status: f ? (f.status as 'finished' | 'failed') : 'requested',
    reason: r.reason,
    requestedBy: r.requested_by,
    requestedAt: n(r.requested_at),
    finishedAt: f ? n(f.finished_at) : null,
    durationMs: f ? n(f.duration_ms) : null,
    horizon: n(r.horizon),
    refitEvery: n(r.refit_every),
    cutoffs: { count: f?.cutoffs.length ?? 0, first: f?.first_cutoff || null, last: f?.last_cutoff || null },
    refits: f ? n(f.refits) : 0,
    points: f ? n(f.points) : 0,
    methods: f?.methods ?? [],
    wape: { model: orNull(f?.wape_model), seasonalNaive: orNull(f?.wape_seasonal_naive), lastValue: orNull(f?.wape_last_value), mean4: orNull(f?.wape_mean4) },
    wmae: { model: orNull(f?.wmae_model), seasonalNaive: orNull(f?.wmae_seasonal_naive), lastValue: orNull(f?.wmae_last_value), mean4: orNull(f?.wmae_mean4) },
    failure: f && f.status === 'failed' ? f.reason : null,
    notes: f?.notes ?? [],
    reportPath: f?.report_path || null,
  };
}

/** Runs `fn` with a client (the caller's or a fresh one) when both tables exist, else returns `none`. */
async function withClient<T>(cfg: Readonly<Config>, given: ClickHouseClient | undefined, fn: (ch: ClickHouseClient, db: string) => Promise<T>, none: T): Promise<T> {
  const ch = given ?? createClickhouse(cfg);
  try {
    const db = ident(cfg.clickhouse.database, 'database');
    const t = await rows<{ c: string }>(
      ch,
      `SELECT count() AS c FROM system.tables WHERE database = ${strLit(db)} AND name IN (${strLit(BACKTEST_REQUESTS_TABLE)}, ${strLit(BACKTEST_RESULTS_TABLE)})`,
    );
    if (Number(t[0]?.c ?? 0) < 2) return none;
    return await fn(ch, db);
  } finally {
    if (!given) await ch.close();
  }
}
