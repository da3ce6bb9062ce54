/**
 * The predict benchmark's short run (not a timed test: figures on a shared
 * machine say nothing here): every target starts, every workload runs
 * against it through wrk, the Node open-loop client and in-process without
 * a failed request, and the summary has every figure the README reports,
 * so `npm run bench` cannot rot unnoticed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../lib/config.js';
import { benchPredict } from './predict.js';

describe('predict benchmark, short run', { timeout: 300_000 }, () => {
  it('runs every workload on the gateway (cached and computed), the JSON echo, the FastAPI reference and onnxruntime alone, with no failed request', async () => {
    const { rows, summary } = await benchPredict(loadConfig(), { small: true, durationMs: 1000, warmupMs: 100, rate: 200, concurrency: 2, batchSize: 20, rounds: 1 });
    const singles = ['echo', 'gateway, cached', 'gateway, computed', 'FastAPI + xgboost'];
    assert.deepEqual(rows.map((r) => `${r.workload}: ${r.target}`), [
      ...singles.map((t) => `single, open loop 200/s: ${t}`),
      ...singles.map((t) => `single, wrk 2 connections: ${t}`),
      ...[...singles, 'onnxruntime-node alone (same model, features ready)', 'gateway code without HTTP (resolve, features, model, intervals, JSON)'].map((t) => `batch of 20, wrk 2 connections: ${t}`),
    ]);
    for (const r of rows) {
      assert.equal(r.errors, 0, `${r.target} ${r.workload}: ${String(r['first error'] ?? '')}`);
      assert.ok(Number(r.requests) > 0, `${r.target} ${r.workload} answered`);
    }
    assert.equal(summary.length, 12);
    for (const s of summary) assert.equal(typeof s.value, 'number', `${String(s.figure)} measured`);
  });
});
