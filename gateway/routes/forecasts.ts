import type { z } from 'zod';
import { dateLit, ident } from '../../lib/clickhouse.js';
import { DependencyError } from '../../lib/errors.js';
import { createForecastTable, FORECASTS_TABLE } from '../../domain/forecasts/table.js';
import { route, type Route } from '../api/route.js';
import { ForecastsExport, ForecastsExportQuery } from '../api/schemas.js';
import type { GatewayContext } from '../context.js';

const CSV = 'text/csv';
const NDJSON = 'application/x-ndjson';

/** The export's columns; CSV writes a missing bound as an empty field (18.16 has no null representation setting). */
function selectList(csv: boolean): string {
  const bound = (c: string) => (csv ? `if(isNull(${c}), '', toString(${c})) AS ${c}` : c);
  return [
    'store', 'dept', 'toString(origin) AS origin', 'toString(week) AS week', 'horizon', 'forecast',
    bound('lower_80'), bound('upper_80'), bound('lower_95'), bound('upper_95'), 'model_version', 'published_at',
  ].join(', ');
}

/**
 * GET /v1/forecasts?week=...: the forecast projection's rows for one target
 * week, streamed from ClickHouse as it produces them (the gateway holds no
 * copy of the whole answer), CSV by default or NDJSON by Accept.
 */
export function forecastRoutes(g: GatewayContext): Route[] {
  // before the projector's first run the table does not exist: the export is then empty, not an error (the DDL is idempotent)
  let table: Promise<void> | null = null;
  const ensureTable = () => (table ??= createForecastTable(g.ch, g.cfg.clickhouse.database, g.cfg.clickhouse.cluster).catch((err: unknown) => {
    table = null;
    throw err;
  }));
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
        errors: { 503: 'ClickHouse cannot be reached' },
      },
      async ({ query }, ctx) => {
        const q = query as z.output<typeof ForecastsExportQuery>;
        const csv = ctx.accepts(CSV, NDJSON) !== NDJSON;
        const db = ident(g.cfg.clickhouse.database, 'database');
        const where = [`week = ${dateLit(q.week)}`, ...(q.modelVersion !== undefined ? [`model_version = ${q.modelVersion}`] : [])].join(' AND ');
        // filtered inside, formatted outside: the output aliases (origin and week as ISO strings) must not shadow the Date columns in WHERE
        const sql =
          `SELECT ${selectList(csv)} FROM (SELECT * FROM ${db}.${FORECASTS_TABLE} FINAL WHERE ${where}) ` +
          `ORDER BY store, dept, origin, model_version, horizon FORMAT ${csv ? 'CSVWithNames' : 'JSONEachRow'}`;
        await ensureTable();
        let stream;
        try {
          ({ stream } = await g.ch.exec({ query: sql, clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } }));
        } catch (err) {
          throw new DependencyError('clickhouse', (err as Error).message, err);
        }
        ctx.type = `${csv ? CSV : NDJSON}; charset=utf-8`;
        if (csv) ctx.set('content-disposition', `attachment; filename="forecasts-${q.week}.csv"`);
        return stream;
      },
    ),
  ];
}
