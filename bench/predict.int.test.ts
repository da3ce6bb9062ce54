/**
 * The predict benchmark's short run (not a timed test: figures on a shared
 * machine say nothing here): every target starts, every workload runs
 * against it without a failed request, and the summary has every figure the
 * README reports, so `npm run bench` cannot rot unnoticed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../lib/config.js';
import { benchPredict } from './predict.js';

describe('predict benchmark, short run', { timeout: 300_000 }, () => {
  it('runs every workload on the gateway, the JSON echo and the FastAPI reference, with no failed request', async () => {
    const { rows, summary } = await benchPredict(loadConfig(), { small: true, durationMs: 400, warmupMs: 100, rate: 200, concurrency: 2, batchSize: 20, rounds: 2 });
    const runs = rows.filter((r) => r.target === 'gateway' || r.target === 'echo' || r.target === 'reference');
    assert.deepEqual(runs.map((r) => `${r.target}: ${r.workload}`).sort(), [
      'echo: batch of 20, 2 concurrent', 'echo: single, 2 concurrent', 'echo: single, open loop 200/s',
      'gateway: batch of 20 computed (past origins), 2 concurrent', 'gateway: batch of 20, 2 concurrent', 'gateway: single, 2 concurrent', 'gateway: single, open loop 200/s',
      'reference: batch of 20, 2 concurrent', 'reference: single, 2 concurrent', 'reference: single, open loop 200/s',
    ]);
    for (const r of runs) {
      assert.equal(r.errors, 0, `${r.target} ${r.workload}: ${String(r['first error'] ?? '')}`);
      assert.ok(Number(r.requests) > 0, `${r.target} ${r.workload} answered`);
    }
    assert.equal(summary.length, 7);
    for (const s of summary) assert.equal(typeof s.value, 'number', `${String(s.figure)} measured`);
  });
});
