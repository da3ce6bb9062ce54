/**
 * SeriesHistory <-> bytes, for the gateway's restart snapshot. Only what a
 * fold of `sales.weekly` decides is written (first day, length and the
 * `length` used slots of each per-week array), never the spare capacity, so
 * two histories that hold the same weeks encode to the same bytes whatever
 * order their events arrived in; `historiesChecksum` relies on that to prove
 * a restored state equals a full fold. Arrays are copied as raw bytes: NaN
 * (a missing week) and every double survive exactly. Little-endian, as every
 * platform Node ships for.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../../lib/errors.js';
import { EXO_COUNT, SeriesHistory } from './series-history.js';

/** Bytes of one series' header: store i32, dept i32, firstDay f64, length u32. */
const HEADER = 4 + 4 + 8 + 4;

/** Encoded size of one history in bytes. */
export function encodedSize(h: SeriesHistory): number {
  const n = h.length;
  return HEADER + n * 8 * (1 + EXO_COUNT + 2) + n;
}

/** One chunk: u32 count, then each history (header, sales, exo, storeTypes, storeSizes, holiday). */
export function encodeHistories(hs: readonly SeriesHistory[]): Buffer {
  let size = 4;
  for (const h of hs) size += encodedSize(h);
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32LE(hs.length, 0);
  let at = 4;
  for (const h of hs) {
    const n = h.length;
    buf.writeInt32LE(h.store, at);
    buf.writeInt32LE(h.dept, at + 4);
    buf.writeDoubleLE(h.firstDay, at + 8);
    buf.writeUInt32LE(n, at + 16);
    at += HEADER;
    at = put(buf, at, h.sales, n);
    at = put(buf, at, h.exo, n * EXO_COUNT);
    at = put(buf, at, h.storeTypes, n);
    at = put(buf, at, h.storeSizes, n);
    buf.set(h.holiday.subarray(0, n), at);
    at += n;
  }
  return buf;
}

/** The histories of one chunk; ValidationError naming the byte offset when it is truncated or has bytes left over. */
export function decodeHistories(buf: Buffer): SeriesHistory[] {
  const need = (at: number, bytes: number, what: string) => {
    if (at + bytes > buf.length) throw new ValidationError(`snapshot chunk byte ${at}`, `${bytes} more bytes of ${what}`, `${buf.length - at} left`);
  };
  need(0, 4, 'the series count');
  const count = buf.readUInt32LE(0);
  const out: SeriesHistory[] = [];
  let at = 4;
  for (let s = 0; s < count; s++) {
    need(at, HEADER, `series ${s}'s header`);
    const h = new SeriesHistory(buf.readInt32LE(at), buf.readInt32LE(at + 4));
    const firstDay = buf.readDoubleLE(at + 8);
    const n = buf.readUInt32LE(at + 16);
    at += HEADER;
    need(at, n * 8 * (1 + EXO_COUNT + 2) + n, `series ${h.store}:${h.dept}'s ${n} weeks`);
    h.firstDay = firstDay;
    h.length = n;
    [h.sales, at] = take(buf, at, n);
    [h.exo, at] = take(buf, at, n * EXO_COUNT);
    [h.storeTypes, at] = take(buf, at, n);
    [h.storeSizes, at] = take(buf, at, n);
    h.holiday = new Uint8Array(n);
    h.holiday.set(buf.subarray(at, at + n));
    at += n;
    out.push(h);
  }
  if (at !== buf.length) throw new ValidationError(`snapshot chunk byte ${at}`, `the end of a chunk of ${count} series`, `${buf.length - at} more bytes`);
  return out;
}

/**
 * sha256 (hex) of the histories in `store:dept` order: equal iff every
 * series holds the same weeks with the same values, bit for bit.
 */
export function historiesChecksum(hs: Iterable<SeriesHistory>): string {
  const sorted = [...hs].sort((a, b) => a.store - b.store || a.dept - b.dept);
  const hash = createHash('sha256');
  for (const h of sorted) hash.update(encodeHistories([h]));
  return hash.digest('hex');
}

function put(buf: Buffer, at: number, a: Float64Array, n: number): number {
  buf.set(new Uint8Array(a.buffer, a.byteOffset, n * 8), at);
  return at + n * 8;
}

/** A fresh (8-byte aligned) Float64Array of n values copied from buf at `at`. */
function take(buf: Buffer, at: number, n: number): [Float64Array, number] {
  const a = new Float64Array(n);
  new Uint8Array(a.buffer).set(buf.subarray(at, at + n * 8));
  return [a, at + n * 8];
}
