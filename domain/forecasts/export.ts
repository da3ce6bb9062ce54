/**
 * The bulk export of the forecast projection (GET /v1/forecasts): the rows
 * of one target week read FINAL, as CSV or NDJSON. One SQL builder, so the
 * route and the cluster test run the same query.
 */
import { dateLit, ident } from '../../lib/clickhouse/sql.js';
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

/** Rows of the export to keep besides the week: one level, one store, one department (each optional). */
export interface ExportFilter {
  level?: 'total' | 'store' | 'dept' | 'series';
  store?: number;
  dept?: number;
}

/** Which of store and dept each level's rows carry a number in (0 = all otherwise). */
const KEYED: Record<NonNullable<ExportFilter['level']>, readonly ('store' | 'dept')[]> = { total: [], store: ['store'], dept: ['dept'], series: ['store', 'dept'] };

/**
 * Why a filter can match no row by construction, as the field and what was
 * expected; null when it is fine. A level's rows hold 0 (all) in a key it does
 * not take, so store=3 with level total or dept (dept=5 with total or store)
 * would be an empty export that looks like missing data.
 */
export function exportFilterRefusal(f: ExportFilter): { field: 'store' | 'dept'; expected: string } | null {
  if (f.level === undefined) return null;
  for (const field of ['store', 'dept'] as const) {
    if (f[field] !== undefined && !KEYED[f.level].includes(field)) {
      return { field, expected: `absent with level ${f.level} (its rows cover all ${field === 'store' ? 'stores' : 'departments'}; store is taken by levels store and series, dept by dept and series)` };
    }
  }
  return null;
}

/** The export query of target `week` (ISO date), optionally one model version and a level / store / dept filter, in CSVWithNames or JSONEachRow. */
export function forecastExportSql(database: string, week: string, modelVersion: number | undefined, csv: boolean, filter: ExportFilter = {}): string {
  const db = ident(database, 'database');
  const where = [
    `week = ${dateLit(week)}`,
    ...(modelVersion !== undefined ? [`model_version = ${Number(modelVersion)}`] : []),
    // the level is one of four literals (checked by the caller's schema); quoted from the table below, never from the input
    ...(filter.level !== undefined ? [`level = '${levelLiteral(filter.level)}'`] : []),
    ...(filter.store !== undefined ? [`store = ${Number(filter.store)}`] : []),
    ...(filter.dept !== undefined ? [`dept = ${Number(filter.dept)}`] : []),
  ].join(' AND ');
  // filtered inside, formatted outside: the output aliases (origin and week as ISO strings) must not shadow the Date columns in WHERE
  return (
    `SELECT ${selectList(csv)} FROM (SELECT * FROM ${db}.${FORECASTS_TABLE} FINAL WHERE ${where}) ` +
    `ORDER BY store, dept, origin, model_version, horizon FORMAT ${csv ? 'CSVWithNames' : 'JSONEachRow'}`
  );
}

/** The level as SQL text, only if it is one of the four (a guard against a caller that skipped validation). */
function levelLiteral(level: string): string {
  if (!Object.hasOwn(KEYED, level)) throw new Error(`export level: expected total, store, dept or series, got ${JSON.stringify(level)}`);
  return level;
}
