import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from './config.js';
import { DependencyError, ValidationError } from './errors.js';

/**
 * A ClickHouse HTTP client. SQL here must run on ClickHouse 18.16 (Debian)
 * and on current releases: no query parameters, no DateTime64, no Map, so
 * every value interpolated into SQL goes through the typed helpers below.
 */
export function createClickhouse(cfg: Readonly<Config>): ClickHouseClient {
  return createClient({
    url: cfg.clickhouse.url,
    username: cfg.clickhouse.user,
    password: cfg.clickhouse.password,
    max_open_connections: 8,
    compression: { request: false, response: false },
    // failures surface as DependencyError from the helpers below; the client's own error log would print them twice
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/** A validated SQL identifier (database or table name). */
export function ident(name: string, field = 'identifier'): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ValidationError(field, 'a SQL identifier ([A-Za-z_][A-Za-z0-9_]*)', name);
  return name;
}

/** A SQL string literal of an ISO date after checking its shape. */
export function dateLit(iso: string, field = 'week'): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new ValidationError(field, 'a date YYYY-MM-DD', iso);
  return `toDate('${iso}')`;
}

/** A SQL string literal with quotes and backslashes escaped. */
export function strLit(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
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

/** Inserts objects in one request (JSONEachRow). */
export async function insertRows(ch: ClickHouseClient, table: string, values: readonly object[]): Promise<void> {
  if (values.length === 0) return;
  try {
    await ch.insert({ table, values: values as object[], format: 'JSONEachRow' });
  } catch (err) {
    throw new DependencyError('clickhouse', `insert into ${table} failed: ${(err as Error).message}`, err);
  }
}
