import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkColumnType, rowBinaryEncoder, RowBinaryValueError } from './row-binary.js';

describe('RowBinary encoder', () => {
  it('writes each type little-endian in column order, hand-checked bytes', () => {
    const enc = rowBinaryEncoder([
      { name: 'a', type: 'UInt16' },
      { name: 'd', type: 'Date' },
      { name: 'x', type: 'Nullable(Float64)' },
      { name: 's', type: 'String' },
      { name: 'o', type: 'UInt64' },
      { name: 'f', type: 'UInt8' },
    ]);
    const out = enc([
      { a: 258, d: '1970-01-03', x: null, s: 'é', o: 2 ** 32 + 5, f: 1 },
      { a: 1, d: '2010-02-05', x: 1.5, s: '', o: 0, f: 0 },
    ]);
    const f15 = Buffer.alloc(8);
    f15.writeDoubleLE(1.5);
    const expected = Buffer.concat([
      Buffer.from([0x02, 0x01, 0x02, 0x00, 0x01, 0x02, 0xc3, 0xa9, 5, 0, 0, 0, 1, 0, 0, 0, 0x01]),
      // 2010-02-05 is day 14645 = 0x3935
      Buffer.from([0x01, 0x00, 0x35, 0x39, 0x00]),
      f15,
      Buffer.from([0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]),
    ]);
    assert.deepEqual(out, expected);
  });

  it('writes string lengths as LEB128 varints', () => {
    const out = rowBinaryEncoder([{ name: 's', type: 'String' }])([{ s: 'x'.repeat(300) }]);
    assert.deepEqual([...out.subarray(0, 2)], [0xac, 0x02]);
    assert.equal(out.length, 302);
  });

  it('grows its buffer past the first guess', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ s: `row-${i}-${'y'.repeat(50)}` }));
    const out = rowBinaryEncoder([{ name: 's', type: 'String' }], 1)(rows);
    assert.equal(out.length, rows.reduce((n, r) => n + 1 + Buffer.byteLength(r.s), 0));
  });

  it('refuses a value that does not fit its column, naming the column', () => {
    const enc = rowBinaryEncoder([{ name: 'store', type: 'UInt16' }]);
    assert.throws(() => enc([{ store: 70_000 }]), (e: unknown) => e instanceof RowBinaryValueError && /column store: expected an integer from 0 to 65535/.test(e.message));
    assert.throws(() => rowBinaryEncoder([{ name: 'w', type: 'Date' }])([{ w: '2010-02-30' }]), /column w: expected a date/);
    assert.throws(() => rowBinaryEncoder([{ name: 'n', type: 'Float64' }])([{ n: null }]), /column n: expected a number/);
  });

  it('refuses an unknown column type when built', () => {
    assert.throws(() => checkColumnType('t', 'DateTime64(3)'), /column t has type DateTime64\(3\)/);
    assert.throws(() => rowBinaryEncoder([{ name: 't', type: 'Nullable(Nullable(UInt8))' }]), /column t has type Nullable\(Nullable\(UInt8\)\)/);
  });
});
