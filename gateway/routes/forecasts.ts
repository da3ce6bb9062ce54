import type { z } from 'zod';
import { clickhouseCode } from '../../lib/clickhouse/client.js';
import { DependencyError } from '../../lib/errors.js';
import { exportFilterRefusal, forecastExportSql } from '../../domain/forecasts/export.js';
import { UnprocessableError } from '../../lib/errors.js';
import { route, type Route } from '../api/route.js';
import { ForecastsExport, ForecastsExportQuery } from '../api/schemas.js';
import type { GatewayContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { Slots } from '../http/slots.js';

/** What these routes take from the gateway context, and nothing more. */
export type ForecastRouteDeps = Pick<GatewayContext, 'cfg' | 'ch'>;

const CSV = 'text/csv';
const NDJSON = 'application/x-ndjson';

/** The export's column names, as CSVWithNames writes its header. */
const CSV_HEADER = ['store', 'dept', 'origin', 'week', 'horizon', 'forecast', 'lower_80', 'upper_80', 'lower_95', 'upper_95', 'model_version', 'published_at', 'level'].map((c) => `"${c}"`).join(',') + '\n';

/** ClickHouse codes of a missing table (60) or database (81): the projector has not run yet. */
const NOT_YET = new Set([60, 81]);

/** Seconds a refused export is told to wait. */
const BUSY_RETRY_S = 2;

/**
 * GET /v1/forecasts?week=...[&level=&store=&dept=]: the forecast projection's
 * rows for one target week (optionally one level, store, department), streamed from ClickHouse as it produces them (the gateway holds no
 * copy of the whole answer), CSV by default or NDJSON by Accept.
 */
export function forecastRoutes(g: ForecastRouteDeps): Route[] {
  // each export holds a ClickHouse connection while the client reads: at most exportConcurrency at once, the rest refused
  const slots = new Slots(g.cfg.gateway.exportConcurrency);
  return [
    route(
      {
        method: 'get',
        path: '/v1/forecasts',
        tag: 'predict',
        access: 'read',
        summary: 'Bulk export of the published forecasts of a target week (the ClickHouse forecasts table), streamed as CSV or NDJSON',
        query: ForecastsExportQuery,
        ok: { schema: ForecastsExport, description: 'the rows, ordered by store, dept, origin, model version', contentType: [CSV, NDJSON] },
        errors: {
          422: 'a query parameter with the wrong shape, or store / dept with a level whose rows cover all of them (store with level total or dept, dept with level total or store); the error names the field',
          503: `ClickHouse cannot be reached, or GATEWAY_EXPORT_CONCURRENCY exports are already streaming (EXPORT_BUSY, with Retry-After)`,
        },
      },
      async ({ query }, ctx) => {
        const q = query as z.output<typeof ForecastsExportQuery>;
        const csv = ctx.accepts(CSV, NDJSON) !== NDJSON;
        const filter = { level: q.level, store: q.store, dept: q.dept };
        const refused = exportFilterRefusal(filter);
        if (refused) throw new UnprocessableError(refused.field, refused.expected, q[refused.field]);
        const sql = forecastExportSql(g.cfg.clickhouse.database, q.week, q.modelVersion, csv, filter);
        const release = slots.tryTake();
        if (!release) {
          throw new HttpError(503, 'EXPORT_BUSY', `exports: expected at most ${slots.capacity} streaming at once (GATEWAY_EXPORT_CONCURRENCY); retry after ${BUSY_RETRY_S} s`, {
            headers: { 'retry-after': String(BUSY_RETRY_S) },
            retriable: true,
          });
        }
        let stream;
        try {
          ({ stream } = await g.ch.exec({ query: sql, clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } }));
        } catch (err) {
          release();
          // before the projector's first run there is no table: an empty export, and a GET never creates one (the projector does)
          if (NOT_YET.has(clickhouseCode(err) ?? 0)) {
            ctx.type = `${csv ? CSV : NDJSON}; charset=utf-8`;
            return csv ? CSV_HEADER : '';
          }
          throw new DependencyError('clickhouse', (err as Error).message, err);
        }
        // the slot is held until the stream is done: read to its end, failed, or destroyed by Koa when the client goes away
        stream.once('close', release);
        ctx.res.once('close', release);
        ctx.type = `${csv ? CSV : NDJSON}; charset=utf-8`;
        if (csv) ctx.set('content-disposition', `attachment; filename="forecasts-${q.week}.csv"`);
        return stream;
      },
    ),
  ];
}
