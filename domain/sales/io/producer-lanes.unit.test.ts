import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from 'kafkajs';
import { Lanes, type LaneProducer } from './producer-lanes.js';

/**
 * A broker stand-in: a send is written when it completes, after a delay of
 * its own, as concurrent requests to a real broker may be. Lanes must not
 * let that reorder a partition.
 */
function fakeLane(log: Message[], delays: () => number): LaneProducer {
  return {
    send: async (r) => {
      await new Promise((resolve) => setTimeout(resolve, delays()));
      log.push(...r.messages);
      return [];
    },
  };
}

/** A chunk of `n` events of one series (store 1, dept 1), values 'start'..'start+n-1' as its bytes. */
function chunkOf(start: number, n: number): { bytes: Uint8Array; ends: Uint32Array; series: Uint16Array } {
  const parts = Array.from({ length: n }, (_, i) => Buffer.from(String(start + i).padStart(4, '0')));
  const ends = new Uint32Array(n);
  parts.forEach((_, i) => (ends[i] = (i + 1) * 4));
  const series = new Uint16Array(2 * n);
  for (let i = 0; i < n; i++) series.set([1, 1], 2 * i);
  return { bytes: Buffer.concat(parts), ends, series };
}

describe('Lanes keep a partition in send order', () => {
  it('sends a partition\'s requests one after the other, within a chunk and across chunks in flight together', async () => {
    const log: Message[] = [];
    let k = 0;
    // later sends finish first: 30, 20, 10, 0 ms ... so concurrent sends would land in reverse
    const lanes = new Lanes({ topic: 't', partitions: 4, requestMessages: 5 }, [fakeLane(log, () => Math.max(0, 30 - 10 * (k++ % 4)))]);
    const chunks = [chunkOf(0, 12), chunkOf(12, 12), chunkOf(24, 12)].map((c) => lanes.sendChunk(c.bytes, c.ends, c.series));
    await Promise.all(chunks);
    assert.deepEqual(
      log.map((m) => Number(String(m.value))),
      Array.from({ length: 36 }, (_, i) => i),
    );
  });

  it('a failed request fails the rest of its chunk unsent; the next chunk still goes', async () => {
    const log: Message[] = [];
    let calls = 0;
    const lane: LaneProducer = {
      send: async (r) => {
        if (++calls === 1) throw Object.assign(new Error('broker down'), { retriable: true });
        log.push(...r.messages);
        return [];
      },
    };
    const lanes = new Lanes({ topic: 't', partitions: 1, requestMessages: 5 }, [lane]);
    const a = chunkOf(0, 10);
    await assert.rejects(lanes.sendChunk(a.bytes, a.ends, a.series), /broker down/);
    assert.equal(log.length, 0, 'nothing after the gap is written');
    const b = chunkOf(10, 3);
    await lanes.sendChunk(b.bytes, b.ends, b.series);
    assert.deepEqual(log.map((m) => Number(String(m.value))), [10, 11, 12]);
  });
});
