import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Config } from '../../lib/config.js';
import { NotFoundError, UnprocessableError, ValidationError } from '../../lib/errors.js';
import type { Metrics } from '../../domain/registry/metrics.js';
import { BACKTEST_FILES } from '../../domain/backtest/files.js';
import { BACKTEST_ID } from '../../domain/backtest/events.js';
import { backtestDir, listBacktests, readBacktest, type BacktestDetail as Detail, type BacktestListing } from '../../domain/backtest/io/projection/read.js';
import { BacktestDetail, BacktestParams, BacktestReport, BacktestsQuery, BacktestsResponse, BacktestStarted, type BacktestSummary } from '../../domain/backtest/api.js';
import { route, type Route } from '../api/route.js';
import { BacktestStartBody } from '../api/backtest-start-schemas.js';
import type { GatewayContext } from '../context.js';
import { REPORT_CSP } from '../http/security-headers.js';
import { HttpError } from '../http/errors.js';

/** What these routes take from the gateway context, and nothing more. */
export type BacktestRouteDeps = Pick<GatewayContext, 'cfg' | 'ch' | 'metrics' | 'ops'>;

/**
 * Where this gateway looks for a backtest's report: the default folder only.
 * The path recorded in the log is never opened, so nothing on the log can
 * make the gateway serve an arbitrary file.
 */
function localReport(cfg: Readonly<Config>, id: string): string {
  return join(backtestDir(cfg, id), BACKTEST_FILES.report);
}

function summary(cfg: Readonly<Config>, b: BacktestListing): BacktestSummary {
  const { reportPath: _reportPath, ...rest } = b;
  const here = BACKTEST_ID.test(b.id) && existsSync(localReport(cfg, b.id));
  return { ...rest, reportUrl: here ? `/v1/backtests/${b.id}/report` : null };
}

type ByMethod = Partial<Record<string, Metrics>>;

/** WAPE per method as columns over `groups` (null where a method has no finite value). */
function wapeColumns(methods: readonly string[], groups: readonly { metrics: ByMethod }[]): Record<string, (number | null)[]> {
  return Object.fromEntries(
    methods.map((m) => [
      m,
      groups.map((g) => {
        const w = g.metrics[m]?.wape;
        return typeof w === 'number' && Number.isFinite(w) ? w : null;
      }),
    ]),
  );
}

function detail(cfg: Readonly<Config>, d: Detail): z.output<typeof BacktestDetail> {
  const { metrics, cutoffList, ...listing } = d;
  const byHorizon = metrics.byHorizon ?? [];
  const byCutoff = metrics.byCutoff ?? [];
  return {
    ...summary(cfg, listing),
    cutoffList,
    byHorizon: { horizon: byHorizon.map((g) => g.horizon), wape: wapeColumns(d.methods, byHorizon) },
    byCutoff: { cutoff: byCutoff.map((g) => g.cutoff), wape: wapeColumns(d.methods, byCutoff) },
    metrics: metrics as Record<string, unknown>,
  };
}

/** GET /v1/backtests, /v1/backtests/:id and its report: reads of the backtest projection (trainer/backtest). */
export function backtestRoutes(g: BacktestRouteDeps): Route[] {
  return [
    listBacktestsRoute(g),
    startBacktestRoute(g),
    oneBacktestRoute(g),
    fileRoute(g, 'report', 'report', 'text/html', 'The self-contained HTML report of a backtest, when it was written on this machine'),
    fileRoute(g, 'metrics.csv', 'metricsCsv', 'text/csv', 'The metrics of a backtest as CSV (overall, by horizon, by cut-off; one row per method)'),
    fileRoute(g, 'points.csv', 'pointsCsv', 'text/csv', 'Every scored point of a backtest as CSV (series, cut-off, week, horizon, actual and each method\'s forecast), streamed'),
  ];
}

/** GET /v1/backtests */
function listBacktestsRoute(g: BacktestRouteDeps): Route {
  return route(
    {
      method: 'get',
      path: '/v1/backtests',
      tag: 'backtests',
      access: 'read',
      summary: 'Past walk-forward backtests, newest first, with status, cut-offs and overall WAPE of the model and the baselines',
      query: BacktestsQuery,
      ok: { schema: BacktestsResponse, description: 'backtests, newest first (empty before the first one)' },
    },
    async ({ query }) => {
      const q = query as z.output<typeof BacktestsQuery>;
      const backtests = await listBacktests(g.cfg, { limit: q.limit ?? 50, ch: g.ch });
      return { backtests: backtests.map((b) => summary(g.cfg, b)) };
    },
  );
}

/** GET /v1/backtests/:id */
function oneBacktestRoute(g: BacktestRouteDeps): Route {
  return route(
    {
      method: 'get',
      path: '/v1/backtests/:id',
      tag: 'backtests',
      access: 'read',
      summary: 'One backtest with its metrics by horizon and by cut-off (as columns)',
      params: BacktestParams,
      ok: { schema: BacktestDetail, description: 'the backtest' },
      errors: { 404: 'unknown backtest id' },
    },
    async ({ params }) => {
      const { id } = params as z.output<typeof BacktestParams>;
      const d = await readBacktest(g.cfg, id, { ch: g.ch });
      if (!d) throw new NotFoundError(`backtest ${id}`);
      return detail(g.cfg, d);
    },
  );
}

/** POST /v1/backtests */
function startBacktestRoute(g: BacktestRouteDeps): Route {
  return route(
    {
      method: 'post',
      path: '/v1/backtests',
      tag: 'backtests',
      access: 'write',
      summary: 'Start a walk-forward backtest: queued on backtest.requests for the trainer, which runs one at a time (as npm run backtest does)',
      body: BacktestStartBody,
      ok: { schema: BacktestStarted, description: 'the request was appended and is listed (status requested); follow it at statusUrl', status: 202 },
      errors: { 422: 'fields that contradict each other (cut-offs as a count and as a range, a range with one end, `from` after `to`), or a range reaching past the last scorable cut-off (the latest week minus the horizon: later cut-offs have no actuals to score); `error.details` names each field and, for the latter, the last scorable cut-off' },
    },
    async ({ body }, ctx) => {
      const b = body as z.output<typeof BacktestStartBody>;
      const r = await g.ops.requestBacktest({ ...b, by: `gateway:${ctx.ip}` }).catch((err: unknown) => {
        // the shape was valid (the schema ran first): what is left are rules across fields
        throw err instanceof ValidationError ? UnprocessableError.of(err.problems) : err;
      });
      return { ...r, statusUrl: `/v1/backtests/${r.backtestId}` };
    },
  );
}

/** GET /v1/backtests/:id/<name>: one of the files a backtest wrote, streamed, when it was written on this machine. */
function fileRoute(g: BacktestRouteDeps, name: string, file: keyof typeof BACKTEST_FILES, contentType: string, summary: string): Route {
  return route(
    {
      method: 'get',
      path: `/v1/backtests/:id/${name}`,
      tag: 'backtests',
      access: 'read',
      summary,
      params: BacktestParams,
      ok: { schema: BacktestReport, description: `the ${BACKTEST_FILES[file]} file`, contentType },
      errors: { 404: 'unknown backtest id, or no copy of its files here (the message says which)' },
    },
    async ({ params }, ctx) => {
      const { id } = params as z.output<typeof BacktestParams>;
      const path = join(backtestDir(g.cfg, id), BACKTEST_FILES[file]);
      if (!existsSync(path)) {
        const d = await readBacktest(g.cfg, id, { ch: g.ch });
        if (!d) throw new NotFoundError(`backtest ${id}`);
        throw new HttpError(404, 'REPORT_NOT_HERE', reportMissing(d, BACKTEST_FILES[file]));
      }
      ctx.type = `${contentType}; charset=utf-8`;
      if (contentType === 'text/html') ctx.set('content-security-policy', REPORT_CSP);
      if (contentType === 'text/csv') ctx.set('content-disposition', `attachment; filename="${id}-${BACKTEST_FILES[file]}"`);
      return createReadStream(path);
    },
  );
}

/** Why a known backtest's report cannot be served, in words a person can act on; no path of either machine (the route is open). */
function reportMissing(d: BacktestListing, file: string): string {
  if (d.status === 'requested') return `backtest ${d.id} has not finished yet, so it has no report`;
  if (d.status === 'failed') return `backtest ${d.id} failed (${d.failure ?? 'no reason recorded'}), so it has no report`;
  if (!d.reportPath) return `backtest ${d.id} wrote no report`;
  return `the report of backtest ${d.id} is not on this gateway's machine (no ${file} in its backtest directory); it was written on the machine that ran it`;
}
