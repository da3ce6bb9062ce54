import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addRound, emptyMerged, rowOf, summary, type Row } from './report.js';

const round = (requests: number, errors: number, firstError: string | null, seconds: number, p50: number, p99: number, max: number) => ({ requests, errors, firstError, seconds, p50, p99, max });
const obs = (cpuMs: number, loopP99Ms: number, loopMaxMs: number) => ({ value: null, cpuMs, loopP99Ms, loopMaxMs, gcMaxMs: 0, gcTotalMs: 0 });

function threeRounds() {
  const m = emptyMerged();
  addRound(m, round(1000, 0, null, 1, 0.5, 2, 5), obs(100, 1.2, 3));
  addRound(m, round(2000, 1, 'x', 1, 0.3, 4, 9), obs(200, 0.8, 7));
  addRound(m, round(1000, 2, 'y', 2, 0.4, 1, 6), obs(100, 2.5, 4));
  return m;
}

describe("the predict benchmark's merged rounds", () => {
  it('sums requests, errors, seconds and CPU, keeps the first error and the worst max and loop delays', () => {
    assert.deepEqual(threeRounds(), { requests: 4000, errors: 3, firstError: 'x', seconds: 4, p50: [0.5, 0.3, 0.4], p99: [2, 4, 1], max: 9, cpuMs: 400, loopP99Ms: 2.5, loopMaxMs: 7 });
  });
  it("prints throughput over all rounds, the median round's percentiles and CPU per request for an in-process server", () => {
    assert.deepEqual(rowOf({ name: 'batch', rowsPerRequest: 20 }, { target: 'gateway', inProcess: true }, threeRounds()), {
      workload: 'batch',
      target: 'gateway',
      requests: 4000,
      errors: 3,
      'req/s': 1000,
      'rows/s': 20_000,
      'p50 ms': 0.4,
      'p99 ms': 2,
      'max ms': 9,
      'server CPU µs/req': 100,
      'loop p99/max ms': '2.5/7.0',
      'first error': 'x',
    });
  });
  it('takes the lower middle of an even number of rounds, and leaves out CPU and loop for a server in another process', () => {
    const m = threeRounds();
    addRound(m, round(0, 0, null, 0, 0.1, 3, 1), obs(0, 0, 0));
    const r = rowOf({ name: 'single', rowsPerRequest: 1 }, { target: 'reference', inProcess: false }, m);
    assert.equal(r['p50 ms'], 0.3);
    assert.equal(r['p99 ms'], 2);
    assert.equal(r['server CPU µs/req'], '-');
    assert.equal(r['loop p99/max ms'], '-');
  });
});

describe("the predict benchmark's summary", () => {
  const o = { rate: 1000, concurrency: 8, batchSize: 100 };
  const single = 'single, wrk 8 connections';
  const open = 'single, open loop 1000/s';
  const batch = 'batch of 100, wrk 8 connections';
  const rows: Row[] = [
    { workload: single, target: 'echo', 'req/s': 20_000, 'server CPU µs/req': 40 },
    { workload: single, target: 'gateway, cached', 'req/s': 13_000, 'server CPU µs/req': 80 },
    { workload: single, target: 'gateway, computed', 'req/s': 6000 },
    { workload: single, target: 'FastAPI + xgboost', 'req/s': 2000 },
    { workload: open, target: 'gateway, cached', 'p99 ms': 2.5 },
    { workload: open, target: 'gateway, computed', 'p99 ms': 3.5 },
    { workload: open, target: 'FastAPI + xgboost', 'p99 ms': 12 },
    { workload: batch, target: 'gateway, computed', 'rows/s': 400_000 },
    { workload: batch, target: 'gateway, cached', 'rows/s': 900_000 },
    { workload: batch, target: 'onnxruntime-node alone (same model, features ready)', 'rows/s': 2_000_000 },
    { workload: batch, target: 'FastAPI + xgboost', 'rows/s': 50_000 },
  ];
  it('computes each ratio and judges it against its target (met, missed, or not judged)', () => {
    assert.deepEqual(
      summary(rows, o).map((s) => [s.value, s.target, s.met]),
      [
        [0.65, '>= 0.6', 'met'],
        [0.3, '>= 0.35', 'missed'],
        [2.5, '<= 3', 'met'],
        [3.5, '<= 3', 'missed'],
        [400_000, '>= 350,000', 'met'],
        [0.2, '>= 0.25', 'missed'],
        [900_000, '', ''],
        [0.5, '', ''],
        [6.5, '', ''],
        [3, '', ''],
        [8, '', ''],
        [12, '', ''],
      ],
    );
  });
  it('says n/a, unjudged, for a figure whose row is missing', () => {
    const s = summary(rows.filter((r) => r.target !== 'echo'), o);
    assert.deepEqual(s.slice(0, 2).map((x) => [x.value, x.met]), [['n/a', ''], ['n/a', '']]);
    assert.equal(s[2]!.met, 'met');
  });
});
