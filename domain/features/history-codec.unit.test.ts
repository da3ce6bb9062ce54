import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../lib/errors.js';
import { addWeeks } from '../../lib/weeks.js';
import { decodeHistories, encodedSize, encodeHistories, historiesChecksum } from './history-codec.js';
import { EXO_COUNT, SeriesHistory, type HistoryRow } from './series-history.js';

const W0 = '2010-02-05';
const wk = (i: number) => addWeeks(W0, i);

/** Store 1 dept 2: weeks 0, 1, 3 (week 2 missing), with a holiday, a descriptor and exogenous values, some null. */
const rowsA: HistoryRow[] = [
  { week: wk(0), sales: 100.25, isHoliday: false, storeType: 'B', storeSize: 151315, temperature: 42.31, fuelPrice: 2.572, markdown1: null, cpi: 211.0963582, unemployment: 8.106 },
  { week: wk(1), sales: -5.5, isHoliday: true, temperature: 38.51 },
  { week: wk(3), sales: 0.1 + 0.2 },
];
const a = () => SeriesHistory.fromRows(1, 2, rowsA);
const b = () => SeriesHistory.fromRows(7, 1, [{ week: '2011-01-07', sales: 12 }]);

/** Every stored slot of two histories, bit for bit (Object.is: NaN equals NaN, 0 differs from -0). */
function assertSameHistory(x: SeriesHistory, y: SeriesHistory): void {
  assert.deepEqual([x.store, x.dept, x.firstDay, x.length], [y.store, y.dept, y.firstDay, y.length]);
  const n = x.length;
  for (const [name, p, q, k] of [['sales', x.sales, y.sales, n], ['exo', x.exo, y.exo, n * EXO_COUNT], ['storeTypes', x.storeTypes, y.storeTypes, n], ['storeSizes', x.storeSizes, y.storeSizes, n]] as const) {
    for (let i = 0; i < k; i++) assert.ok(Object.is(p[i], q[i]), `${name}[${i}]: ${p[i]} vs ${q[i]}`);
  }
  assert.deepEqual([...x.holiday.subarray(0, n)], [...y.holiday.subarray(0, n)]);
}

describe('history codec', () => {
  it('sizes a history by its weeks, not its capacity: header 24 bytes, 12 doubles a week, the flags padded to 8 bytes', () => {
    const h = a();
    assert.equal(h.length, 4);
    // 24 + 4 weeks * 8 * (1 sales + 9 exo + 2 descriptors) + 4 flags padded to 8 = 24 + 384 + 8 = 416
    assert.equal(encodedSize(h), 416);
    // chunk header 8 + 416 + (24 + 96 + 8)
    assert.equal(encodeHistories([h, b()]).length, 8 + 416 + 128);
  });

  it('round-trips every slot exactly: doubles, NaN for a missing week or null, holiday flags, store descriptors', () => {
    const [x, y] = decodeHistories(encodeHistories([a(), b()]));
    assertSameHistory(x!, a());
    assertSameHistory(y!, b());
    assert.ok(Number.isNaN(x!.salesAt(2)), 'week 2 stays missing');
    assert.equal(x!.salesAt(3), 0.1 + 0.2);
    assert.deepEqual([...x!.holiday], [0, 1, 255, 255]);
    assert.equal(x!.storeTypes[0], 1, 'B');
    // a decoded history keeps taking upserts (its arrays are exactly `length` long)
    x!.upsert({ week: wk(6), sales: 9 });
    assert.equal(x!.length, 7);
    assert.equal(x!.salesAt(6), 9);
    assert.equal(x!.salesAt(3), 0.1 + 0.2);
  });

  it('decodes a chunk that does not start on an 8-byte boundary (copied once) to the same histories', () => {
    const buf = encodeHistories([a(), b()]);
    const odd = Buffer.concat([Buffer.alloc(1), buf]).subarray(1);
    assert.equal(odd.byteOffset % 8 !== 0, true);
    const [x, y] = decodeHistories(odd);
    assertSameHistory(x!, a());
    assertSameHistory(y!, b());
  });

  it("writes a store's block (exo, store type and size) once per chunk: an equal block is referred to, copied on decode, a different one kept", () => {
    const sameStore = SeriesHistory.fromRows(1, 3, rowsA.map((r) => ({ ...r, sales: 1 })));
    const otherExo = SeriesHistory.fromRows(1, 4, rowsA.map((r) => ({ ...r, temperature: 0 })));
    const otherStore = SeriesHistory.fromRows(2, 2, rowsA);
    const otherSize = SeriesHistory.fromRows(1, 5, rowsA.map((r) => ({ ...r, storeSize: 1 })));
    // a: 416 inline; sameStore: 416 - 4 weeks * (9 + 2) * 8 = 64; the other three inline
    const buf = encodeHistories([a(), sameStore, otherExo, otherStore, otherSize]);
    assert.equal(buf.length, 8 + 416 + 64 + 416 + 416 + 416);
    assert.equal(buf.readUInt32LE(8 + 416 + 20), 1, 'refers to series 0');
    const [x, y, z, w, v] = decodeHistories(buf);
    assertSameHistory(y!, sameStore);
    assertSameHistory(z!, otherExo);
    assertSameHistory(w!, otherStore);
    assertSameHistory(v!, otherSize);
    y!.upsert({ ...rowsA[0]!, temperature: 99 });
    assert.equal(x!.exo[0], 42.31, "an upsert into the referring series leaves the referred one's block alone");
    // a reference to a series that is not earlier, or has other weeks, is refused
    const bad = Buffer.from(buf);
    bad.writeUInt32LE(3, 8 + 416 + 20);
    assert.throws(() => decodeHistories(bad), (e: unknown) => e instanceof ValidationError && e.field === 'snapshot chunk byte 444' && /an earlier series of store 1 with the same 4 weeks/.test(e.expected));
  });

  it('decodes with spare room: the same slots, `spare` more weeks of NaN / holiday 255 in one block, and the next weeks land in place', () => {
    const sameStore = SeriesHistory.fromRows(1, 3, rowsA.map((r) => ({ ...r, sales: 1 })));
    const buf = encodeHistories([a(), sameStore, b()]);
    const [x, y, z] = decodeHistories(buf, 3);
    assertSameHistory(x!, a());
    assertSameHistory(y!, sameStore);
    assertSameHistory(z!, b());
    // a: 4 weeks + 3 spare = 7 slots; b: 1 + 3 = 4
    assert.deepEqual([x!.sales.length, x!.exo.length, x!.storeTypes.length, x!.storeSizes.length, x!.holiday.length], [7, 63, 7, 7, 7]);
    assert.equal(z!.sales.length, 4);
    assert.deepEqual([...x!.holiday], [0, 1, 255, 255, 255, 255, 255]);
    assert.ok([4, 5, 6].every((i) => Number.isNaN(x!.sales[i]!) && Number.isNaN(x!.storeSizes[i]!)), 'spare weeks are missing');
    assert.ok(x!.exo.subarray(4 * EXO_COUNT).every((v) => Number.isNaN(v)));
    // one block per chunk: every array of every history on the same buffer, none on the chunk's
    const block = x!.sales.buffer;
    for (const h of [x!, y!, z!]) for (const arr of [h.sales, h.exo, h.storeTypes, h.storeSizes, h.holiday]) assert.equal(arr.buffer, block);
    assert.notEqual(block, buf.buffer);
    // weeks 4..6 fit: no reallocation; week 7 grows as a fold does
    const sales = x!.sales;
    x!.upsert({ week: wk(6), sales: 9, isHoliday: true, temperature: 1.5 });
    assert.equal(x!.sales, sales, 'same array: the week landed in place');
    assert.deepEqual([x!.length, x!.salesAt(6), x!.exo[6 * EXO_COUNT + 0], x!.holiday[6]], [7, 9, 1.5, 1]);
    assert.ok(Number.isNaN(x!.salesAt(5)));
    assert.ok(Number.isNaN(y!.exo[6 * EXO_COUNT]!), "the referring series' block is its own copy: x's new week is not in it");
    assert.equal(y!.exo[0], 42.31);
    x!.upsert({ week: wk(7), sales: 10 });
    assert.notEqual(x!.sales, sales, 'past the spare room the arrays grow');
    assert.deepEqual([x!.length, x!.salesAt(7), x!.salesAt(6), x!.salesAt(3)], [8, 10, 9, 0.1 + 0.2]);
    // the same weeks as a fold of the same rows
    const folded = SeriesHistory.fromRows(1, 2, [...rowsA, { week: wk(6), sales: 9, isHoliday: true, temperature: 1.5 }, { week: wk(7), sales: 10 }]);
    assert.equal(historiesChecksum([x!]), historiesChecksum([folded]));
  });

  it('refuses a truncated chunk and one with bytes left over, naming the byte offset', () => {
    const buf = encodeHistories([a(), b()]);
    assert.throws(() => decodeHistories(buf.subarray(0, buf.length - 1)), (e: unknown) => e instanceof ValidationError && /snapshot chunk byte 448/.test(e.field) && /series 7:1's 1 weeks/.test(e.expected));
    assert.throws(() => decodeHistories(buf.subarray(0, 10)), (e: unknown) => e instanceof ValidationError && /series 0's header/.test(e.expected));
    assert.throws(() => decodeHistories(Buffer.concat([buf, Buffer.from([0])])), (e: unknown) => e instanceof ValidationError && /the end of a chunk of 2 series/.test(e.expected));
    assert.throws(() => decodeHistories(Buffer.alloc(2)), (e: unknown) => e instanceof ValidationError && /the chunk header/.test(e.expected));
    // with spare room too (the restore's path)
    assert.throws(() => decodeHistories(buf.subarray(0, buf.length - 1), 8), (e: unknown) => e instanceof ValidationError && /snapshot chunk byte 448/.test(e.field));
  });

  it('checksum: equal for the same weeks whatever the arrival order, different when one value or one series differs', () => {
    const forward = [a(), b()];
    const reversed = [b(), SeriesHistory.fromRows(1, 2, [...rowsA].reverse())];
    assert.equal(historiesChecksum(forward), historiesChecksum(reversed));
    const changed = a();
    changed.upsert({ ...rowsA[2]!, sales: 0.30000000000000004 + 1e-12 });
    assert.notEqual(historiesChecksum([changed, b()]), historiesChecksum(forward));
    assert.notEqual(historiesChecksum([a()]), historiesChecksum(forward));
    const unknownHoliday = SeriesHistory.fromRows(7, 1, [{ week: '2011-01-07', sales: 12, isHoliday: false }]);
    assert.notEqual(historiesChecksum([a(), unknownHoliday]), historiesChecksum(forward), 'holiday false differs from unknown');
  });
});
