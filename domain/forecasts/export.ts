/**
 * The bulk export of the forecast projection (GET /v1/forecasts): the rows
 * of one target week read FINAL, as CSV or NDJSON. One SQL builder, so the
 * route and the cluster test run the same query.
 */
import { dateLit, ident } from '../../lib/clickhouse.js';
import { FORECASTS_TABLE } from './table.js';

/** The export's columns; CSV writes a missing bound as an empty field (18.16 has no null representation setting). */
function selectList(csv: boolean): string {
  const bound = (c: string) => (csv ? `if(isNull(${c}), '', toString(${c})) AS ${c}` : c);
  return [
    'store', 'dept', 'toString(origin) AS origin', 'toString(week) AS week', 'horizon', 'forecast',
    bound('lower_80'), bound('upper_80'), bound('lower_95'), bound('upper_95'), 'model_version', 'published_at',
    // last, so readers by position keep their columns; total / store / dept rows have store or dept 0 (all)
    'level',
  ].join(', ');
}

/** The export query of target `week` (ISO date), optionally one model version, in CSVWithNames or JSONEachRow. */
export function forecastExportSql(database: string, week: string, modelVersion: number | undefined, csv: boolean): string {
  const db = ident(database, 'database');
  const where = [`week = ${dateLit(week)}`, ...(modelVersion !== undefined ? [`model_version = ${Number(modelVersion)}`] : [])].join(' AND ');
  // filtered inside, formatted outside: the output aliases (origin and week as ISO strings) must not shadow the Date columns in WHERE
  return (
    `SELECT ${selectList(csv)} FROM (SELECT * FROM ${db}.${FORECASTS_TABLE} FINAL WHERE ${where}) ` +
    `ORDER BY store, dept, origin, model_version, horizon FORMAT ${csv ? 'CSVWithNames' : 'JSONEachRow'}`
  );
}
