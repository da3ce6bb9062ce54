/**
 * SQL literals that validate first: every value interpolated into SQL goes
 * through these (ClickHouse 18.16 has no query parameters). Pure: no client,
 * so the pure domain files that build SQL text import them from here.
 */
import { ValidationError } from '../errors.js';

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
