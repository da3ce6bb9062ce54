/**
 * ClickHouse's RowBinary input format, written from a column list. It is
 * what an insert costs least to build here and to parse there: no JSON text
 * per row, no number printing and re-parsing, and ClickHouse 18.16 reads it
 * as current releases do (the @clickhouse/client `insert()` offers only text
 * formats, so the body goes through `exec`: lib/clickhouse.ts insertRowBinary).
 * Only the column types our tables use are known; another one is refused
 * when the encoder is built, not at the first row.
 */
import { parseIsoDay } from './weeks.js';

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

/** A growable byte buffer with the little-endian writes RowBinary needs. */
class ByteSink {
  buf: Buffer;
  pos = 0;

  constructor(initial: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, initial));
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  varUint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
}

type Write = (s: ByteSink, v: unknown) => void;

const isUint = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

/** Writers of unsigned integers that fit a JS number exactly (UInt64 up to 2^53). */
function uintWriter(name: string, bytes: 1 | 2 | 4 | 8): Write {
  const max = bytes === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * bytes) - 1;
  const expected = `an integer from 0 to ${max}`;
  return (s, v) => {
    if (!isUint(v, max)) throw new RowBinaryValueError(name, expected, v);
    s.ensure(bytes);
    if (bytes === 8) {
      s.buf.writeUInt32LE(v % 0x1_0000_0000, s.pos);
      s.buf.writeUInt32LE(Math.floor(v / 0x1_0000_0000), s.pos + 4);
    } else {
      s.buf.writeUIntLE(v, s.pos, bytes);
    }
    s.pos += bytes;
  };
}

function float64Writer(name: string): Write {
  return (s, v) => {
    if (typeof v !== 'number') throw new RowBinaryValueError(name, 'a number', v);
    s.ensure(8);
    s.pos = s.buf.writeDoubleLE(v, s.pos);
  };
}

/** Date: days since 1970-01-01 as UInt16, from an ISO date string. */
function dateWriter(name: string): Write {
  return (s, v) => {
    const day = typeof v === 'string' ? parseIsoDay(v) : null;
    if (day === null || day < 0 || day > 0xffff) throw new RowBinaryValueError(name, 'a date YYYY-MM-DD from 1970-01-01 to 2149-06-06', v);
    s.ensure(2);
    s.pos = s.buf.writeUInt16LE(day, s.pos);
  };
}

/** String: LEB128 byte length, then the UTF-8 bytes. */
function stringWriter(name: string): Write {
  return (s, v) => {
    if (typeof v !== 'string') throw new RowBinaryValueError(name, 'a string', v);
    const n = Buffer.byteLength(v);
    s.varUint(n);
    s.ensure(n);
    s.pos += s.buf.write(v, s.pos, n, 'utf8');
  };
}

/** Nullable(T): a 1 byte for null (nothing follows), else 0 then T. */
function nullableWriter(inner: Write): Write {
  return (s, v) => {
    if (v === null || v === undefined) return s.u8(1);
    s.u8(0);
    inner(s, v);
  };
}

/** The writer of one column type; throws on a type this module does not know. */
export function columnWriter(name: string, type: string): Write {
  const nullable = /^Nullable\((.+)\)$/.exec(type);
  if (nullable) return nullableWriter(columnWriter(name, nullable[1]!));
  switch (type) {
    case 'UInt8':
      return uintWriter(name, 1);
    case 'UInt16':
      return uintWriter(name, 2);
    case 'UInt32':
      return uintWriter(name, 4);
    case 'UInt64':
      return uintWriter(name, 8);
    case 'Float64':
      return float64Writer(name);
    case 'Date':
      return dateWriter(name);
    case 'String':
      return stringWriter(name);
    default:
      throw new Error(`RowBinary: column ${name} has type ${type}, which this encoder does not write`);
  }
}

/** Encodes rows (objects keyed by column name) as one RowBinary body, columns in the given order. */
export type RowBinaryEncoder = (rows: readonly object[]) => Buffer;

/** An encoder for `columns`; `bytesPerRow` only sizes the first buffer (default 128). */
export function rowBinaryEncoder(columns: readonly BinaryColumn[], bytesPerRow = 128): RowBinaryEncoder {
  const names = columns.map((c) => c.name);
  const writers = columns.map((c) => columnWriter(c.name, c.type));
  return (rows) => {
    const s = new ByteSink(rows.length * bytesPerRow);
    for (const row of rows) {
      const r = row as Record<string, unknown>;
      for (let i = 0; i < writers.length; i++) writers[i]!(s, r[names[i]!]);
    }
    return s.buf.subarray(0, s.pos);
  };
}
