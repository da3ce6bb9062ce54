import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Scorer } from '../model/holder.js';
import { CoalescingScorer } from './coalesce.js';

const COLS = 3;

/** A scorer whose output for a row is 10 x its first value + its second, recording each run's row count. */
function recording(fail = false): Scorer & { runs: number[] } {
  const runs: number[] = [];
  return {
    runs,
    score: async (X, rows) => {
      runs.push(rows);
      if (fail) throw new Error('session failed');
      assert.equal(X.length, rows * COLS, 'one matrix of whole rows');
      return Float32Array.from({ length: rows }, (_, r) => 10 * X[r * COLS]! + X[r * COLS + 1]!);
    },
    warm: async () => undefined,
    release: async () => undefined,
  };
}

/** `rows` rows whose first value is `id` and second the row's index. */
const matrix = (id: number, rows: number) => Float32Array.from({ length: rows * COLS }, (_, k) => (k % COLS === 0 ? id : k % COLS === 1 ? Math.floor(k / COLS) : 0));

describe('coalescing scoring calls of one loop turn', () => {
  it('scores the calls made in one turn in one run, each caller getting its own rows', async () => {
    const s = recording();
    const c = new CoalescingScorer(s);
    const [a, b, d] = await Promise.all([c.score(matrix(1, 1), 1), c.score(matrix(2, 3), 3), c.score(matrix(3, 2), 2)]);
    assert.deepEqual(s.runs, [6]);
    assert.deepEqual([...a!], [10]);
    assert.deepEqual([...b!], [20, 21, 22]);
    assert.deepEqual([...d!], [30, 31]);
    assert.deepEqual([c.runs, c.calls], [1, 3]);
  });

  it('runs calls of different turns separately, and a large call at once', async () => {
    const s = recording();
    const c = new CoalescingScorer(s);
    assert.deepEqual([...(await c.score(matrix(1, 2), 2))], [10, 11]);
    assert.deepEqual([...(await c.score(matrix(2, 1), 1))], [20]);
    const big = await c.score(matrix(4, 100), 100);
    assert.equal(big[99], 40 + 99);
    assert.deepEqual(s.runs, [2, 1, 100]);
  });

  it('fails every call of a run that failed, with the run\'s error', async () => {
    const c = new CoalescingScorer(recording(true));
    const results = await Promise.allSettled([c.score(matrix(1, 1), 1), c.score(matrix(2, 2), 2)]);
    assert.deepEqual(results.map((r) => r.status === 'rejected' && (r.reason as Error).message), ['session failed', 'session failed']);
  });
});
