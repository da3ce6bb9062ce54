/**
 * One model run for the small scoring calls made in one turn of the event
 * loop. onnxruntime-node runs a session synchronously on the main thread
 * (from a setImmediate), and a run has a fixed cost of its own, tens of
 * microseconds here, several times a row's: a profile of single computed
 * predictions under 8 concurrent connections spent about a quarter of each
 * request's CPU in runs of one row. Requests read in the same poll phase of
 * the loop call `score` before its check phase, so their rows are copied
 * into one matrix there and scored together; each caller gets its own rows'
 * outputs, or the run's error. It adds no wait beyond the setImmediate the
 * runtime takes anyway, and a call alone in its turn is passed through.
 */
import type { Scorer } from '../model/holder.js';

/** Calls with at least this many rows go straight to the model: copying them would cost more than the run's fixed part. */
const DIRECT_ROWS = 64;

interface Pending {
  X: Float32Array;
  rows: number;
  resolve: (z: Float32Array) => void;
  reject: (err: unknown) => void;
}

export class CoalescingScorer {
  private queue: Pending[] = [];
  /** Model runs made, and calls answered by them (tests, and the benchmark's view of how much was merged). */
  runs = 0;
  calls = 0;

  constructor(private readonly scorer: Scorer) {}

  /** The model's outputs for the `rows` rows of X, scored alone or with the other calls of this turn. */
  score(X: Float32Array, rows: number): Promise<Float32Array> {
    this.calls++;
    if (rows >= DIRECT_ROWS) {
      this.runs++;
      return this.scorer.score(X, rows);
    }
    return new Promise((resolve, reject) => {
      if (this.queue.push({ X, rows, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const q = this.queue;
    this.queue = [];
    this.runs++;
    if (q.length === 1) {
      const p = q[0]!;
      this.scorer.score(p.X, p.rows).then(p.resolve, p.reject);
      return;
    }
    let total = 0;
    let width = 0;
    for (const p of q) {
      total += p.rows;
      width += p.X.length;
    }
    const X = new Float32Array(width);
    let at = 0;
    for (const p of q) {
      X.set(p.X, at);
      at += p.X.length;
    }
    this.scorer.score(X, total).then(
      (z) => {
        let row = 0;
        for (const p of q) {
          p.resolve(z.subarray(row, row + p.rows));
          row += p.rows;
        }
      },
      (err: unknown) => {
        for (const p of q) p.reject(err);
      },
    );
  }
}

const coalescers = new WeakMap<Scorer, CoalescingScorer>();

/** The coalescing front of a model's scorer (one per scorer, made on first use). */
export function coalescing(scorer: Scorer): CoalescingScorer {
  let c = coalescers.get(scorer);
  if (!c) coalescers.set(scorer, (c = new CoalescingScorer(scorer)));
  return c;
}
