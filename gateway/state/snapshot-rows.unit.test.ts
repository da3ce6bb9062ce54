import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partRows, rowBinaryString } from './snapshot-rows.js';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
};
async function* pieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
const collect = async (it: AsyncIterable<{ part: number; data: Buffer }>) => {
  const out: [number, string][] = [];
  for await (const r of it) out.push([r.part, r.data.toString('hex')]);
  return out;
};

describe('snapshot chunks as RowBinary', () => {
  it('writes a String as LEB128 length + bytes (hand-checked: 3 -> 03, 200 -> c8 01, 0 -> 00)', () => {
    assert.equal(rowBinaryString(Buffer.from('abc')).toString('hex'), '03616263');
    assert.equal(rowBinaryString(Buffer.alloc(200, 1)).subarray(0, 2).toString('hex'), 'c801');
    assert.equal(rowBinaryString(Buffer.alloc(200, 1)).length, 202);
    assert.equal(rowBinaryString(Buffer.alloc(0)).toString('hex'), '00');
  });

  it('reads (part, data) rows whatever the response pieces: one byte at a time, 7 bytes, all at once', async () => {
    const big = Buffer.alloc(200, 7);
    const body = Buffer.concat([u32(0), rowBinaryString(Buffer.from('abc')), u32(1), rowBinaryString(big), u32(2), rowBinaryString(Buffer.alloc(0))]);
    const want: [number, string][] = [[0, '616263'], [1, big.toString('hex')], [2, '']];
    for (const size of [1, 7, body.length]) assert.deepEqual(await collect(partRows(pieces(body, size))), want, `pieces of ${size}`);
  });

  it('refuses a response cut inside a row, saying how many bytes were left', async () => {
    const body = Buffer.concat([u32(0), rowBinaryString(Buffer.from('abc')), u32(1), rowBinaryString(Buffer.alloc(200, 7))]);
    await assert.rejects(collect(partRows(pieces(body.subarray(0, body.length - 1), 5))), /a snapshot chunk row ended after 205 bytes \(response cut short\)/);
  });
});
