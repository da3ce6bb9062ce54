/**
 * Request and response shapes of the backtest reads (GET /v1/backtests...),
 * as zod schemas like api/schemas.ts: the routes validate with them and the
 * OpenAPI document is generated from them. The by-horizon and by-cut-off
 * metrics go out as columns, ready for uPlot, so the dashboard only draws.
 */
import { z } from 'zod';
import { QueryInt } from '../../lib/query.js';
import { BACKTEST_ID } from './events.js';

const EXPECTED_ID = 'a backtest id such as bt-20240131-120000-a1b2c3';

export const BacktestParams = z.strictObject({
  id: z.string().regex(BACKTEST_ID, { error: EXPECTED_ID }).describe('backtest id (bt-YYYYMMDD-HHMMSS-xxxxxx)'),
});

export const BacktestsQuery = z.strictObject({
  limit: QueryInt(1, 1000).optional().describe('how many, newest first (default 50)'),
});

const perMethod = (what: string) =>
  z
    .object({ model: z.number().nullable(), seasonalNaive: z.number().nullable(), lastValue: z.number().nullable(), mean4: z.number().nullable() })
    .describe(`${what} per method on the same points; null when the method was not evaluated`);

export const BacktestSummary = z
  .object({
    id: z.string(),
    status: z.enum(['requested', 'finished', 'failed']).describe('requested = still running, or its process died before recording an outcome'),
    reason: z.string(),
    requestedBy: z.string(),
    requestedAt: z.number().describe('epoch ms'),
    finishedAt: z.number().nullable().describe('epoch ms'),
    durationMs: z.number().nullable(),
    horizon: z.int().describe('forecasts h = 1..horizon weeks ahead of each cut-off'),
    refitEvery: z.int().describe('the model is refitted at every k-th cut-off'),
    cutoffs: z.object({ count: z.int(), first: z.string().nullable(), last: z.string().nullable() }).describe('cut-offs evaluated'),
    refits: z.int(),
    points: z.int().describe('scored points (same for every method)'),
    methods: z.array(z.string()),
    wape: perMethod('overall WAPE (fraction)'),
    wmae: perMethod('overall WMAE (holiday weeks weigh 5)'),
    failure: z.string().nullable().describe('CODE: message when it failed'),
    notes: z.array(z.string()).describe('what could not be evaluated, and why'),
    reportUrl: z.string().nullable().describe('GET this for the HTML report; null when this gateway has no copy of it'),
  })
  .meta({ id: 'BacktestSummary' });
export type BacktestSummary = z.output<typeof BacktestSummary>;

export const BacktestsResponse = z.object({ backtests: z.array(BacktestSummary) }).meta({ id: 'BacktestsResponse' });

const wapeColumns = z.record(z.string(), z.array(z.number().nullable())).describe('method -> WAPE (fraction) per x value, null where not evaluated');

export const BacktestDetail = BacktestSummary.extend({
  cutoffList: z.array(z.string()).describe('every cut-off evaluated, oldest first'),
  byHorizon: z.object({ horizon: z.array(z.int()), wape: wapeColumns }).describe('WAPE by horizon, as columns'),
  byCutoff: z.object({ cutoff: z.array(z.string()), wape: wapeColumns }).describe('WAPE by cut-off, as columns'),
  metrics: z.record(z.string(), z.unknown()).describe('everything recorded: overall, byHorizon, byCutoff, each method {n, wape, mae, rmse, wmae}'),
}).meta({ id: 'BacktestDetail' });
export type BacktestDetail = z.output<typeof BacktestDetail>;

export const BacktestReport = z.string().describe('the self-contained HTML report (uPlot inlined)');

export const BacktestStarted = z
  .object({
    backtestId: z.string(),
    topic: z.string().describe('where the request was appended'),
    statusUrl: z.string().describe('GET this for its status: 404 until the trainer takes it, then requested (running), finished or failed'),
  })
  .meta({ id: 'BacktestStarted' });
