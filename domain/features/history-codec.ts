/**
 * SeriesHistory <-> bytes, for the gateway's restart snapshot. Only what a
 * fold of `sales.weekly` decides is written (first day, length and the
 * `length` used slots of each per-week array), never the spare capacity, so
 * two histories that hold the same weeks encode to the same bytes whatever
 * order their events arrived in; `historiesChecksum` relies on that to prove
 * a restored state equals a full fold. Arrays are copied as raw bytes: NaN
 * (a missing week) and every double survive exactly. Little-endian, as every
 * platform Node ships for. Every array starts on a multiple of 8 bytes, so a
 * decoded history's arrays are views on the chunk's memory, not copies: at
 * 50,000 series that copy was most of a restore's time. The exogenous
 * columns (temperature, fuel price, markdowns, CPI, unemployment) and the
 * store descriptors are a store's, the same in each of its departments: a
 * series whose "store block" (exo, storeTypes, storeSizes) equals an earlier
 * one of the same chunk refers to it instead of repeating it, which leaves
 * about a tenth of the bytes to inflate at restore. A restore decodes with
 * spare room (decodeHistories' `spare`), so the weeks that follow the
 * snapshot do not reallocate every series.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../../lib/errors.js';
import { EXO_COUNT, SeriesHistory } from './series-history.js';

/** Bytes of a chunk's header (u32 count, u32 zero) and of one series' header (store i32, dept i32, firstDay f64, length u32, storeRef u32: 0 = its store block follows, k = the same block as the chunk's series k - 1). */
const CHUNK_HEADER = 8;
const HEADER = 24;

/** The holiday flags padded to the next multiple of 8 bytes. */
const padded = (n: number) => Math.ceil(n / 8) * 8;

/** Encoded size of one history in bytes, its exogenous block included (an upper bound inside a chunk). */
export function encodedSize(h: SeriesHistory): number {
  const n = h.length;
  return HEADER + n * 8 * (1 + EXO_COUNT + 2) + padded(n);
}

const bytesOf = (a: Float64Array, n: number) => new Uint8Array(a.buffer, a.byteOffset, n * 8);

/** Bytes of a store block (exo, storeTypes, storeSizes) of n weeks. */
const storeBlock = (n: number) => n * 8 * (EXO_COUNT + 2);

/** Whether two histories of n weeks hold the same store block, byte for byte. */
function sameStoreBlock(a: SeriesHistory, b: SeriesHistory, n: number): boolean {
  const eq = (x: Float64Array, y: Float64Array, k: number) => Buffer.compare(bytesOf(x, k), bytesOf(y, k)) === 0;
  return eq(a.exo, b.exo, n * EXO_COUNT) && eq(a.storeTypes, b.storeTypes, n) && eq(a.storeSizes, b.storeSizes, n);
}

/** For each history, 0 or 1 + the index of an earlier one in `hs` with the same store, weeks and store block. */
function storeRefs(hs: readonly SeriesHistory[]): number[] {
  const last = new Map<string, number>();
  return hs.map((h, i) => {
    if (h.length === 0) return 0;
    const key = `${h.store}:${h.firstDay}:${h.length}`;
    const j = last.get(key);
    if (j !== undefined && sameStoreBlock(hs[j]!, h, h.length)) return j + 1;
    last.set(key, i);
    return 0;
  });
}

/** One chunk: its header, then each history (header, sales, its store block unless referred: exo, storeTypes, storeSizes; holiday flags). */
export function encodeHistories(hs: readonly SeriesHistory[]): Buffer {
  const refs = storeRefs(hs);
  let size = CHUNK_HEADER;
  for (const [i, h] of hs.entries()) size += encodedSize(h) - (refs[i] ? storeBlock(h.length) : 0);
  // zeroed: the padding is part of the bytes a checksum hashes
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(hs.length, 0);
  let at = CHUNK_HEADER;
  for (const [i, h] of hs.entries()) {
    const n = h.length;
    buf.writeInt32LE(h.store, at);
    buf.writeInt32LE(h.dept, at + 4);
    buf.writeDoubleLE(h.firstDay, at + 8);
    buf.writeUInt32LE(n, at + 16);
    buf.writeUInt32LE(refs[i]!, at + 20);
    at += HEADER;
    at = put(buf, at, h.sales, n);
    if (!refs[i]) {
      at = put(buf, at, h.exo, n * EXO_COUNT);
      at = put(buf, at, h.storeTypes, n);
      at = put(buf, at, h.storeSizes, n);
    }
    buf.set(h.holiday.subarray(0, n), at);
    at += padded(n);
  }
  return buf;
}

/**
 * The histories of one chunk; ValidationError naming the byte offset when it
 * is truncated or has bytes left over. With `spare` = 0 their arrays view
 * `buf`'s memory (copied once when `buf` does not start on a multiple of 8
 * bytes): exactly `length` long, so the next week each one takes
 * reallocates it. With `spare` > 0 they are moved into one block of memory
 * per chunk with room for `spare` more weeks each (NaN, holiday 255, as
 * SeriesHistory leaves unused slots): the weeks read after a snapshot then
 * land in place. At 52,290 series that reallocation was most of the
 * catch-up after a restore.
 */
export function decodeHistories(input: Buffer, spare = 0): SeriesHistory[] {
  const buf = input.byteOffset % 8 === 0 ? input : Buffer.from(new Uint8Array(input).buffer);
  const need = (at: number, bytes: number, what: string) => {
    if (at + bytes > buf.length) throw new ValidationError(`snapshot chunk byte ${at}`, `${bytes} more bytes of ${what}`, `${buf.length - at} left`);
  };
  need(0, CHUNK_HEADER, 'the chunk header');
  const count = buf.readUInt32LE(0);
  const out: SeriesHistory[] = [];
  let at = CHUNK_HEADER;
  for (let s = 0; s < count; s++) {
    need(at, HEADER, `series ${s}'s header`);
    const h = new SeriesHistory(buf.readInt32LE(at), buf.readInt32LE(at + 4));
    const firstDay = buf.readDoubleLE(at + 8);
    const n = buf.readUInt32LE(at + 16);
    const ref = buf.readUInt32LE(at + 20);
    const same = ref === 0 ? null : out[ref - 1];
    if (ref !== 0 && (!same || same.store !== h.store || same.firstDay !== firstDay || same.length !== n)) {
      throw new ValidationError(`snapshot chunk byte ${at + 20}`, `0 or the number of an earlier series of store ${h.store} with the same ${n} weeks`, ref);
    }
    at += HEADER;
    need(at, n * 8 + (same ? 0 : storeBlock(n)) + padded(n), `series ${h.store}:${h.dept}'s ${n} weeks`);
    h.firstDay = firstDay;
    h.length = n;
    [h.sales, at] = view(buf, at, n);
    if (same && spare > 0) {
      // shared for now: withSpare below gives each history its own copy
      h.exo = same.exo;
      h.storeTypes = same.storeTypes;
      h.storeSizes = same.storeSizes;
    } else if (same) {
      // a referred block is copied: each history's arrays take upserts in place
      h.exo = same.exo.slice(0, n * EXO_COUNT);
      h.storeTypes = same.storeTypes.slice(0, n);
      h.storeSizes = same.storeSizes.slice(0, n);
    } else {
      [h.exo, at] = view(buf, at, n * EXO_COUNT);
      [h.storeTypes, at] = view(buf, at, n);
      [h.storeSizes, at] = view(buf, at, n);
    }
    h.holiday = new Uint8Array(buf.buffer, buf.byteOffset + at, n);
    at += padded(n);
    out.push(h);
  }
  if (at !== buf.length) throw new ValidationError(`snapshot chunk byte ${at}`, `the end of a chunk of ${count} series`, `${buf.length - at} more bytes`);
  return spare > 0 ? withSpare(out, spare) : out;
}

/** Bytes of one history's arrays with room for `cap` weeks in an arena (every region a multiple of 8 bytes). */
const arenaBytes = (cap: number) => cap * 8 * (1 + EXO_COUNT + 2) + padded(cap);

/** Moves each history's `length` weeks into one ArrayBuffer with room for `spare` more weeks each (one allocation and a copy per chunk, no per-array allocation). */
function withSpare(hs: SeriesHistory[], spare: number): SeriesHistory[] {
  let size = 0;
  for (const h of hs) size += arenaBytes(h.length + spare);
  const arena = new ArrayBuffer(size);
  new Float64Array(arena).fill(Number.NaN);
  let at = 0;
  const take = (src: Float64Array, n: number, cap: number): Float64Array => {
    const a = new Float64Array(arena, at, cap);
    a.set(src.subarray(0, n));
    at += cap * 8;
    return a;
  };
  for (const h of hs) {
    const n = h.length;
    const cap = n + spare;
    h.sales = take(h.sales, n, cap);
    h.exo = take(h.exo, n * EXO_COUNT, cap * EXO_COUNT);
    h.storeTypes = take(h.storeTypes, n, cap);
    h.storeSizes = take(h.storeSizes, n, cap);
    const hol = new Uint8Array(arena, at, cap);
    hol.fill(255);
    hol.set(h.holiday.subarray(0, n));
    h.holiday = hol;
    at += padded(cap);
  }
  return hs;
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

/** n doubles of `buf` at `at` (a multiple of 8 from an 8-aligned start), without copying. */
function view(buf: Buffer, at: number, n: number): [Float64Array, number] {
  return [new Float64Array(buf.buffer, buf.byteOffset + at, n), at + n * 8];
}
