/**
 * The snapshot chunks table's rows (`gateway_snapshot_parts`, see
 * snapshot-store.ts) in ClickHouse's RowBinary format: the chunks go as
 * bytes both ways (no base64, no JSON), written as `(id String, part UInt32,
 * data String)` and read back as `(part UInt32, data String)`.
 */
import { DependencyError } from '../../lib/errors.js';

/** RowBinary String: LEB128 length, then the bytes. */
export function rowBinaryString(b: Buffer): Buffer {
  const len: number[] = [];
  let n = b.length;
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return Buffer.concat([Buffer.from(len), b]);
}

/** RowBinary UInt32: 4 bytes, little-endian. */
export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** Rows `(part UInt32, data String)` from a RowBinary response, each `data` whole (pieces are joined only once a row is complete). */
export async function* partRows(stream: AsyncIterable<Buffer>): AsyncGenerator<{ part: number; data: Buffer }> {
  let pieces: Buffer[] = [];
  let have = 0;
  let need = 5;
  let buf: Buffer = Buffer.alloc(0);
  const take = () => {
    buf = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, have);
    pieces = [buf];
  };
  for await (const piece of stream) {
    pieces.push(piece);
    have += piece.length;
    while (have >= need) {
      take();
      let len = 0;
      let i = 4;
      for (let shift = 1; ; shift *= 128, i++) {
        if (i >= buf.length) break;
        const byte = buf[i]!;
        len += (byte & 0x7f) * shift;
        if (byte < 0x80) break;
      }
      if (i >= buf.length) {
        need = buf.length + 1;
        break;
      }
      const end = i + 1 + len;
      if (buf.length < end) {
        need = end;
        break;
      }
      yield { part: buf.readUInt32LE(0), data: buf.subarray(i + 1, end) };
      buf = buf.subarray(end);
      pieces = buf.length > 0 ? [buf] : [];
      have = buf.length;
      need = 5;
    }
  }
  if (have > 0) throw new DependencyError('clickhouse', `a snapshot chunk row ended after ${have} bytes (response cut short)`);
}
