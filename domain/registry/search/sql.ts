/**
 * A parsed run search (filter.ts, order.ts) as ClickHouse SQL over the
 * registry projection: runs, their stage (from the promotions), their params and metrics
 * (model_run_values) and their live tags (model_tags), each as parallel key
 * and value arrays per version (ClickHouse 18.16 has no Map). Every value of
 * the request is a placeholder `{pN:Type}` in the text and a typed entry in
 * `params`; identifiers are only ever chosen from fixed lists. `bind`
 * renders the placeholders with one typed literal encoder, because 18.16
 * has no server-side query parameters (current ClickHouse does: the same
 * text with `query_params` would run there unchanged).
 */
import { strLit } from '../../../lib/clickhouse/sql.js';
import { ATTRIBUTES, type Attribute, type Comparison } from './filter.js';
import type { OrderKey } from './order.js';
import { PROMOTIONS_TABLE, RUNS_TABLE } from '../projection/tables.js';
import { RUN_VALUES_TABLE, TAGS_TABLE } from '../projection/search-tables.js';

export type Param = { type: 'String'; value: string } | { type: 'Float64'; value: number } | { type: 'UInt32'; value: number };
export interface Sql {
  text: string;
  params: Record<string, Param>;
}

export interface SearchQuery {
  filter: Comparison[];
  order: OrderKey[];
  limit: number;
  offset: number;
}

/**
 * The current champion (the latest applied promotion), read first: the
 * search computes each run's stage from it. (Joining the model_versions
 * view, whose stage uses a scalar subquery, and filtering on its stage
 * crashes ClickHouse 18.16 with a segmentation fault.)
 */
export function championSql(db: string): string {
  return `SELECT version FROM ${db}.${PROMOTIONS_TABLE} FINAL WHERE applied = 1 ORDER BY kafka_partition DESC, kafka_offset DESC LIMIT 1`;
}

/** `db` must already be a checked identifier (lib/clickhouse/sql.ts ident); `champion` from championSql (null: none yet). */
export function compileSearch(q: SearchQuery, db: string, champion: number | null): Sql {
  const params: Record<string, Param> = {};
  const p = (v: Param): string => {
    const name = `p${Object.keys(params).length}`;
    params[name] = v;
    return `{${name}:${v.type}}`;
  };
  const where = q.filter.map((c) => condition(c, p));
  const order = q.order.flatMap((o) => sortTerms(o, p).map((t) => `${t} ${o.desc ? 'DESC' : 'ASC'} NULLS LAST`));
  const attrs = Object.keys(ATTRIBUTES).filter((a) => a !== 'stage').join(', ');
  // the stage rule of domain/registry/state.ts stageOf (and the model_versions view): champion, archived (was champion), candidate, else the decision
  const stage = `multiIf(${champion === null ? '0' : `version = ${p({ type: 'UInt32', value: champion })}`}, 'champion', times_promoted > 0, 'archived', decision = 'promoted', 'candidate', decision)`;
  const text = `SELECT version FROM (
  SELECT ${attrs}, stage, m_keys, m_values, p_keys, p_values FROM (
    SELECT ${attrs}, ${stage} AS stage FROM (SELECT ${attrs} FROM ${db}.${RUNS_TABLE} FINAL)
    ANY LEFT JOIN (SELECT version, count() AS times_promoted FROM ${db}.${PROMOTIONS_TABLE} FINAL WHERE applied = 1 GROUP BY version) USING version
  ) ANY LEFT JOIN (
    SELECT version, groupArrayIf(key, kind = 'metric') AS m_keys, groupArrayIf(num, kind = 'metric') AS m_values,
      groupArrayIf(key, kind = 'param') AS p_keys, groupArrayIf(str, kind = 'param') AS p_values
    FROM ${db}.${RUN_VALUES_TABLE} FINAL GROUP BY version
  ) USING version
) ANY LEFT JOIN (
  SELECT version, groupArray(key) AS t_keys, groupArray(value) AS t_values FROM ${db}.${TAGS_TABLE} FINAL WHERE removed = 0 GROUP BY version
) USING version
${where.length > 0 ? `WHERE ${where.join(' AND ')}\n` : ''}ORDER BY ${[...order, 'version DESC'].join(', ')}
LIMIT ${p({ type: 'UInt32', value: q.limit })} OFFSET ${p({ type: 'UInt32', value: q.offset })}`;
  return { text, params };
}

const ARRAYS = { metrics: ['m_keys', 'm_values'], params: ['p_keys', 'p_values'], tags: ['t_keys', 't_values'] } as const;

/** The value of a key in a run's arrays (only meaningful where `has(keys, k)`). */
function valueAt(scope: keyof typeof ARRAYS, k: string): { has: string; value: string } {
  const [keys, values] = ARRAYS[scope];
  return { has: `has(${keys}, ${k})`, value: `${values}[indexOf(${keys}, ${k})]` };
}

function condition(c: Comparison, p: (v: Param) => string): string {
  const v = c.value.type === 'number' ? p({ type: 'Float64', value: c.value.value }) : p({ type: 'String', value: c.value.value });
  if (c.scope === 'attributes') return `${attribute(c.key)} ${c.op} ${v}`;
  const { has, value } = valueAt(c.scope, p({ type: 'String', value: c.key }));
  // a param or tag compared with a number is read as one (a text that is not a number matches nothing); a missing key matches nothing, != included (as MLflow)
  const lhs = c.scope !== 'metrics' && c.value.type === 'number' ? `toFloat64OrNull(${value})` : value;
  return `(${has} AND ${lhs} ${c.op} ${v})`;
}

/** Sort terms of one key: params sort as numbers first (when they are), then as text. */
function sortTerms(o: OrderKey, p: (v: Param) => string): string[] {
  if (o.scope === 'attributes') return [attribute(o.key)];
  const { has, value } = valueAt(o.scope, p({ type: 'String', value: o.key }));
  const orNull = (e: string) => `if(${has}, ${e}, NULL)`;
  if (o.scope === 'metrics') return [orNull(value)];
  if (o.scope === 'params') return [orNull(`toFloat64OrNull(${value})`), orNull(value)];
  return [orNull(value)];
}

/** An attribute's column: only names from ATTRIBUTES reach the SQL text. */
function attribute(key: string): string {
  if (!(key in ATTRIBUTES)) throw new Error(`not an attribute: ${key}`);
  return key as Attribute;
}

/**
 * Renders `{name:Type}` placeholders as typed literals: a String through the
 * one string escaper, a Float64 only when finite, a UInt32 only when a whole
 * number in range. A placeholder without a value, or a value of another
 * type than its placeholder says, is a bug and throws.
 */
export function bind(sql: Sql): string {
  return sql.text.replace(/\{(\w+):(\w+)\}/g, (_m, name: string, type: string) => {
    const v = sql.params[name];
    if (!v || v.type !== type) throw new Error(`placeholder {${name}:${type}} has no ${type} value`);
    return literal(v);
  });
}

/** One typed literal. */
export function literal(v: Param): string {
  switch (v.type) {
    case 'String':
      return strLit(v.value);
    case 'Float64':
      if (!Number.isFinite(v.value)) throw new Error(`not a finite Float64: ${v.value}`);
      // in parentheses: a negative number can never meet a preceding minus as a comment (--)
      return `(${String(v.value)})`;
    case 'UInt32':
      if (!Number.isInteger(v.value) || v.value < 0 || v.value > 2 ** 32 - 1) throw new Error(`not a UInt32: ${v.value}`);
      return String(v.value);
  }
}
