import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../config.js';
import { AppError, DependencyError } from '../errors.js';

// the SQL literals are pure (lib/clickhouse/sql.ts): pure domain code imports them from there, without the client
export { dateLit, ident, strLit } from './sql.js';

/**
 * Session settings of every query on a cluster (CLICKHOUSE_CLUSTER), both
 * checked by stack/clickhouse-cluster.int.test.ts:
 * - insert_distributed_sync: an INSERT into a Distributed table returns only
 *   once every shard holds its rows, and fails (code 279, retried) while a
 *   shard is down. By default the receiving server queues the other shards'
 *   rows on its own disk and answers OK, so the projector would commit
 *   offsets for rows no reader sees yet, and that a lost server loses.
 * - prefer_localhost_replica = 0: the node that receives a query asks its own
 *   shard over TCP like the others. On 18.16 its in-process path fails a
 *   Distributed `SELECT ... FINAL ... ORDER BY` that leaves out the version
 *   column ("Cannot find column version in source stream"); over TCP the same
 *   query is answered. Current releases accept both settings.
 */
export const CLUSTER_SETTINGS = { insert_distributed_sync: 1, prefer_localhost_replica: 0 } as const;

/**
 * A ClickHouse HTTP client. SQL here must run on ClickHouse 18.16 (Debian)
 * and on current releases: no query parameters, no DateTime64, no Map, so
 * every value interpolated into SQL goes through the typed helpers below.
 */
export function createClickhouse(cfg: Readonly<Config>): ClickHouseClient {
  return createClient({
    url: cfg.clickhouse.url,
    ...(cfg.clickhouse.cluster ? { clickhouse_settings: CLUSTER_SETTINGS } : {}),
    username: cfg.clickhouse.user,
    password: cfg.clickhouse.password,
    max_open_connections: 8,
    compression: { request: false, response: false },
    // failures surface as DependencyError from the helpers below; the client's own error log would print them twice
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/** Runs a statement, mapping connection failures to a retriable DependencyError. */
export async function exec(ch: ClickHouseClient, query: string): Promise<void> {
  try {
    await ch.command({ query });
  } catch (err) {
    throw new DependencyError('clickhouse', (err as Error).message, err);
  }
}

/** Runs a query and returns its rows as objects (JSONEachRow). */
export async function rows<T>(ch: ClickHouseClient, query: string): Promise<T[]> {
  try {
    const rs = await ch.query({ query, format: 'JSONEachRow' });
    return await rs.json<T>();
  } catch (err) {
    throw new DependencyError('clickhouse', (err as Error).message, err);
  }
}

/** ClickHouse error codes that refuse the data itself: retrying the same rows can never succeed. */
const REFUSED_CODES = new Set([6, 26, 27, 33, 38, 41, 53, 69, 70, 72, 117, 131, 190]);
/**
 * ClickHouse error codes of a server that is busy or short of resources, or
 * of a cluster whose shard cannot be reached (279: a synchronous Distributed
 * insert found a shard down): worth retrying.
 */
const TRANSIENT_CODES = new Set([159, 160, 164, 202, 203, 209, 210, 241, 252, 279, 285, 319, 425]);
/** Node and HTTP-client failures of the connection itself. */
const NETWORK = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up|Timeout error|timed? ?out|other side closed|fetch failed/i;

/** Some rows of an insert were refused by the table (bad data): not retriable, the caller dead-letters them. */
export class RowsRefusedError extends AppError {
  constructor(table: string, message: string, cause?: unknown) {
    super('ROWS_REFUSED', `${table} refused the rows: ${message}`, { cause });
  }
}

/** The ClickHouse error code of a failure (from the client's field or the server's "Code: N" text), or null. */
export function clickhouseCode(err: unknown): number | null {
  const c = Number((err as { code?: unknown } | null)?.code);
  if (Number.isInteger(c) && c > 0) return c;
  const m = /\bCode: (\d+)/.exec(String((err as Error | null)?.message ?? err));
  return m ? Number(m[1]) : null;
}

/**
 * What an insert failure means: a connection problem or a busy server is a
 * retriable DependencyError; refused data is RowsRefusedError; anything else
 * (a missing table, a wrong query) is a non-retriable error that stops the
 * consumer loudly.
 */
export function classifyInsertError(table: string, err: unknown): AppError {
  const msg = (err as Error | null)?.message ?? String(err);
  const code = clickhouseCode(err);
  if (code !== null && REFUSED_CODES.has(code)) return new RowsRefusedError(table, msg, err);
  if ((code !== null && TRANSIENT_CODES.has(code)) || (code === null && NETWORK.test(`${msg} ${String((err as { code?: unknown } | null)?.code ?? '')}`))) {
    return new DependencyError('clickhouse', `insert into ${table} failed: ${msg}`, err);
  }
  return new AppError('CLICKHOUSE', `insert into ${table} failed (code ${code ?? 'none'}): ${msg}`, { cause: err });
}

/** Inserts objects in one request (JSONEachRow); failures are classified (see classifyInsertError). */
export async function insertRows(ch: ClickHouseClient, table: string, values: readonly object[]): Promise<void> {
  if (values.length === 0) return;
  try {
    await ch.insert({ table, values: values as object[], format: 'JSONEachRow' });
  } catch (err) {
    throw classifyInsertError(table, err);
  }
}

/**
 * Inserts a RowBinary body (lib/clickhouse/row-binary.ts) into `columns` of `table` in
 * one request. The client's insert() speaks only text formats, so this goes
 * through exec with the body as the request stream; failures are classified
 * as for insertRows.
 */
export async function insertRowBinary(ch: ClickHouseClient, table: string, columns: readonly string[], body: Buffer): Promise<void> {
  if (body.length === 0) return;
  try {
    const r = await ch.exec({ query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT RowBinary`, values: Readable.from([body]) });
    // the (empty) response must be read for the connection to go back to the pool
    for await (const chunk of r.stream) void chunk;
  } catch (err) {
    throw classifyInsertError(table, err);
  }
}
