/**
 * ClickHouse's RowBinary input format, written from a column list. It is
 * what an insert costs least to build here and to parse there: no JSON text
 * per row, no number printing and re-parsing, and ClickHouse 18.16 reads it
 * as current releases do (the @clickhouse/client `insert()` offers only text
 * formats, so the body goes through `exec`: lib/clickhouse/client.ts insertRowBinary).
 * Only the column types our tables use are known; another one is refused
 * when the encoder is built, not at the first row.
 */
import { parseIsoDay } from '../weeks.js';

/** A column as a table declares it: name and ClickHouse type. */
export interface BinaryColumn {
  name: string;
  type: string;
}

/** A value that does not fit its column: the row is refused (the caller dead-letters it). */
export class RowBinaryValueError extends Error {
  constructor(
    readonly column: string,
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(`column ${column}: expected ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
  }
}

/** What a column's bytes need: its kind, its byte width when fixed, and the text of the check that fails. */
interface ColumnPlan {
  name: string;
  kind: 'uint' | 'float64' | 'date' | 'string';
  bytes: number;
  max: number;
  nullable: boolean;
  expected: string;
}

/** The plan of one column type; throws on a type this module does not know. */
function planColumn(name: string, type: string): ColumnPlan {
  const nullable = /^Nullable\((.+)\)$/.exec(type);
  if (nullable) {
    const inner = planColumn(name, nullable[1]!);
    if (inner.nullable) throw new Error(`RowBinary: column ${name} has type ${type}, which this encoder does not write`);
    return { ...inner, nullable: true };
  }
  const uint = (bytes: number) => {
    const max = bytes === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * bytes) - 1;
    return { name, kind: 'uint' as const, bytes, max, nullable: false, expected: `an integer from 0 to ${max}` };
  };
  switch (type) {
    case 'UInt8':
      return uint(1);
    case 'UInt16':
      return uint(2);
    case 'UInt32':
      return uint(4);
    case 'UInt64':
      return uint(8);
    case 'Float64':
      return { name, kind: 'float64', bytes: 8, max: 0, nullable: false, expected: 'a number' };
    case 'Date':
      return { name, kind: 'date', bytes: 2, max: 0xffff, nullable: false, expected: 'a date YYYY-MM-DD from 1970-01-01 to 2149-06-06' };
    case 'String':
      return { name, kind: 'string', bytes: 0, max: 0, nullable: false, expected: 'a string' };
    default:
      throw new Error(`RowBinary: column ${name} has type ${type}, which this encoder does not write`);
  }
}

/** Checks that a column type can be written (the encoder refuses the others when built). */
export function checkColumnType(name: string, type: string): void {
  planColumn(name, type);
}

/** Little-endian bytes of an unsigned integer `v` at `pos` (UInt64 as two 32-bit halves: exact up to 2^53). */
function uintCode(bytes: number): string {
  if (bytes === 8) return 'lo = v % 4294967296; hi = (v - lo) / 4294967296; buf[pos] = lo; buf[pos+1] = lo >>> 8; buf[pos+2] = lo >>> 16; buf[pos+3] = lo >>> 24; buf[pos+4] = hi; buf[pos+5] = hi >>> 8; buf[pos+6] = hi >>> 16; buf[pos+7] = hi >>> 24; pos += 8;';
  return [...Array(bytes).keys()].map((b) => `buf[pos+${b}] = v${b ? ` >>> ${8 * b}` : ''};`).join(' ') + ` pos += ${bytes};`;
}

/** The statements that check and write `v`, the value of column `i` (a failed check calls fail(i, v)). */
function columnCode(c: ColumnPlan, i: number): string {
  let write: string;
  switch (c.kind) {
    case 'uint':
      write = `if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > ${c.max}) fail(${i}, v); ${uintCode(c.bytes)}`;
      break;
    case 'float64':
      write = 'if (typeof v !== \'number\') fail(' + i + ', v); f64[0] = v; buf[pos] = u8[0]; buf[pos+1] = u8[1]; buf[pos+2] = u8[2]; buf[pos+3] = u8[3]; buf[pos+4] = u8[4]; buf[pos+5] = u8[5]; buf[pos+6] = u8[6]; buf[pos+7] = u8[7]; pos += 8;';
      break;
    case 'date':
      write = `d = typeof v === 'string' ? parseIsoDay(v) : null; if (d === null || d < 0 || d > 65535) fail(${i}, v); buf[pos] = d; buf[pos+1] = d >>> 8; pos += 2;`;
      break;
    case 'string':
      // a UTF-16 unit is at most 3 UTF-8 bytes; the reserve keeps room for the row's fixed columns after it
      write = `if (typeof v !== 'string') fail(${i}, v); if (pos + 3 * v.length + 10 + FIXED > buf.length) buf = grow(buf, pos, 3 * v.length + 10 + FIXED); pos = writeString(buf, pos, v);`;
      break;
  }
  return c.nullable ? `v = r[${i}]; if (v === null || v === undefined) buf[pos++] = 1; else { buf[pos++] = 0; ${write} }` : `v = r[${i}]; ${write}`;
}

/** Writes a string as LEB128 byte length then UTF-8 at `pos` (room already ensured); returns the position after it. ASCII is copied by hand, faster than Buffer#write for short strings. */
function writeString(buf: Buffer, pos: number, v: string): number {
  const len = v.length;
  if (len < 128) {
    let i = 0;
    for (; i < len; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0x80) break;
      buf[pos + 1 + i] = c;
    }
    if (i === len) {
      buf[pos] = len;
      return pos + 1 + len;
    }
  }
  let n = Buffer.byteLength(v);
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos + buf.write(v, pos, 'utf8');
}

function grow(buf: Buffer, pos: number, need: number): Buffer {
  const next = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + need));
  buf.copy(next, 0, 0, pos);
  return next;
}

/** Encodes rows (objects keyed by column name) as one RowBinary body, columns in the given order. */
export type RowBinaryEncoder = (rows: readonly object[]) => Buffer;

/**
 * An encoder for `columns`; `bytesPerRow` only sizes the first buffer
 * (default 128). The loop over rows is generated from the column list
 * (straight-line checks and byte writes per column, properties read by
 * name): the backfill's profile showed a closure per column, called through
 * one call site, at a few times the cost. Names only appear as property
 * keys through JSON.stringify, so no text of a column name becomes code.
 */
export function rowBinaryEncoder(columns: readonly BinaryColumn[], bytesPerRow = 128): RowBinaryEncoder {
  const plans = columns.map((c) => planColumn(c.name, c.type));
  const fixed = plans.reduce((n, c) => n + c.bytes + (c.nullable ? 1 : 0), 0);
  const body = `
    return function encode(rows) {
      let buf = Buffer.allocUnsafe(Math.max(64, rows.length * ${bytesPerRow}));
      let pos = 0, v, d, lo, hi;
      for (let k = 0; k < rows.length; k++) {
        const row = rows[k];
        if (pos + FIXED > buf.length) buf = grow(buf, pos, FIXED);
        ${plans.map((c, i) => columnCode(c, i).replace(`v = r[${i}];`, `v = row[${JSON.stringify(c.name)}];`)).join('\n        ')}
      }
      return buf.subarray(0, pos);
    };`;
  const f64 = new Float64Array(1);
  const u8 = new Uint8Array(f64.buffer);
  const fail = (i: number, v: unknown): never => {
    throw new RowBinaryValueError(plans[i]!.name, plans[i]!.expected, v);
  };
  return new Function('Buffer', 'FIXED', 'grow', 'writeString', 'parseIsoDay', 'fail', 'f64', 'u8', body)(Buffer, fixed, grow, writeString, parseIsoDay, fail, f64, u8) as RowBinaryEncoder;
}
