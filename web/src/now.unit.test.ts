import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelRow, TrainingLine } from '../../domain/live/protocol.js';
import { left, nowOf, runningRun } from './now.js';

const T0 = 1_800_000_000_000;
const line = (kind: TrainingLine['kind'], runId: string | null, text: string, at: number): TrainingLine => ({ kind, runId, text, at, level: 'info' });
const model = (version: number, runId: string, promotedAt: number | null) => ({ version, runId, promotedAt }) as ModelRow;

describe('now: what is running', () => {
  it('the started run with its latest round and a linear estimate of the time left', () => {
    const lines = [
      line('started', 'r3', 'run v3 started for 1 request(s): x', T0 - 60_000),
      line('finished', 'r3', 'run v3 promoted after 50 s', T0 - 10_000),
      line('started', 'r4', 'run v4 started for 1 request(s): manual', T0),
      line('phase', 'r4', 'load done in 2.00 s', T0 + 2_000),
      line('log', 'r4', 'round 20/150, valid MAE 0.1', T0 + 20_000),
      line('log', 'r4', 'round 40/150, valid MAE 0.1', T0 + 40_000),
    ];
    // 40 rounds in 40 s: 110 rounds left at 1 s each
    assert.deepEqual(runningRun(lines, []), { runId: 'r4', version: 4, startedAt: T0, round: 40, of: 150, leftMs: 110_000 });
  });

  it('nothing once the run is recorded or finished, and no estimate before the first round', () => {
    const started = [line('started', 'r4', 'run v4 started for 1 request(s): manual', T0)];
    assert.deepEqual(runningRun(started, []), { runId: 'r4', version: 4, startedAt: T0, round: null, of: null, leftMs: null });
    assert.equal(runningRun(started, [model(4, 'r4', null)]), null, 'in the registry');
    assert.equal(runningRun([...started, line('finished', 'r4', 'run v4 failed after 1.0 s', T0 + 1000)], []), null, 'finished line');
    assert.equal(runningRun([], []), null);
  });

  it('counts waiting requests, finds the latest promotion and the running backtests', () => {
    const n = nowOf({
      training: [],
      models: [model(1, 'a', T0), model(3, 'c', T0 + 5), model(2, 'b', null)],
      requests: [
        { requestId: 'q1', trigger: 'manual', reason: '', requestedBy: '', requestedAt: T0, runId: null },
        { requestId: 'q2', trigger: 'manual', reason: '', requestedBy: '', requestedAt: T0, runId: 'a' },
      ],
      backtests: [
        { id: 'bt-1', status: 'finished', requestedAt: T0 },
        { id: 'bt-2', status: 'requested', requestedAt: T0 + 1 },
      ],
    });
    assert.deepEqual(n, { training: null, waiting: 1, lastPromotion: { version: 3, at: T0 + 5 }, backtests: [{ id: 'bt-2', requestedAt: T0 + 1 }] });
  });

  it('writes a time left as a reader needs it', () => {
    assert.equal(left(45_400), '45 s');
    assert.equal(left(110_000), '1 min 50 s');
    assert.equal(left(120_000), '2 min');
    assert.equal(left(7_500_000), '2 h 5 min');
  });
});
