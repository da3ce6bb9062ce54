/**
 * Reads the fields of a decoded record into its TypeScript shape, checking
 * each one: the only place where a decoded `unknown` becomes a typed value.
 * Every failure is a ValidationError naming `<record>.<field>` and what was
 * expected, so a consumer can dead-letter the message with that reason.
 */
import { ValidationError } from '../errors.js';

export class FieldReader {
  private readonly v: Record<string, unknown>;
  constructor(readonly record: string, value: unknown) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError(record, 'a record', value);
    this.v = value as Record<string, unknown>;
  }

  private bad(field: string, expected: string): never {
    throw new ValidationError(`${this.record}.${field}`, expected, this.v[field]);
  }

  str(field: string): string {
    const x = this.v[field];
    return typeof x === 'string' ? x : this.bad(field, 'a string');
  }

  strOrNull(field: string): string | null {
    const x = this.v[field];
    return x === null || x === undefined ? null : typeof x === 'string' ? x : this.bad(field, 'a string or null');
  }

  num(field: string): number {
    const x = this.v[field];
    return typeof x === 'number' && Number.isFinite(x) ? x : this.bad(field, 'a finite number');
  }

  numOrNull(field: string): number | null {
    const x = this.v[field];
    return x === null || x === undefined ? null : typeof x === 'number' && Number.isFinite(x) ? x : this.bad(field, 'a finite number or null');
  }

  /** An integer in [min, max]. */
  int(field: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const x = this.v[field];
    return Number.isInteger(x) && (x as number) >= min && (x as number) <= max ? (x as number) : this.bad(field, `an integer from ${min} to ${max}`);
  }

  intOrNull(field: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | null {
    const x = this.v[field];
    return x === null || x === undefined ? null : this.int(field, min, max);
  }

  bool(field: string): boolean {
    const x = this.v[field];
    return typeof x === 'boolean' ? x : this.bad(field, 'true or false');
  }

  strs(field: string): string[] {
    const x = this.v[field];
    return Array.isArray(x) && x.every((s) => typeof s === 'string') ? [...(x as string[])] : this.bad(field, 'a list of strings');
  }

  /** A list (of records: read each with its own FieldReader). */
  list(field: string): unknown[] {
    const x = this.v[field];
    return Array.isArray(x) ? x : this.bad(field, 'a list');
  }

  /** One of `values` (an Avro enum, or a string with a closed set of values). */
  oneOf<T extends string>(field: string, values: readonly T[]): T {
    const x = this.v[field];
    return values.includes(x as T) ? (x as T) : this.bad(field, `one of ${values.join(', ')}`);
  }

  /** Whether the field is present and not null (a record written before an optional field existed lacks it). */
  has(field: string): boolean {
    return this.v[field] !== null && this.v[field] !== undefined;
  }

  /** The field as decoded, for a nested record that a domain validator checks. */
  raw(field: string): unknown {
    return this.v[field];
  }

  /** A string holding JSON (the contracts carry nested metrics and params as JSON text). */
  json(field: string): string {
    const s = this.str(field);
    try {
      JSON.parse(s);
    } catch {
      this.bad(field, 'a JSON text');
    }
    return s;
  }
}
