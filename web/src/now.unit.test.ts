import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelRow, TrainingLine } from '../../domain/live/protocol.js';
import { left, nowOf, runningBacktests, runningRun } from './now.js';

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
    assert.deepEqual(n, { training: null, waiting: 1, lastPromotion: { version: 3, at: T0 + 5 }, backtests: [{ id: 'bt-2', since: T0 + 1, cutoff: null, of: null, leftMs: null }] });
  });

  it('a backtest\'s cut-off i/n from its log lines, with the time left; none once it ended', () => {
    const lines = [
      line('log', 'bt-x', 'backtest bt-x started (dashboard)', T0),
      line('log', 'bt-x', 'backtest bt-x: read 880 events', T0 + 1_000),
      line('log', 'bt-x', 'backtest bt-x: cut-off 1/36 2011-01-07, refit on 500 rows', T0 + 4_000),
      line('log', 'bt-x', 'backtest bt-x: cut-off 3/36 2011-01-21', T0 + 12_000),
    ];
    // 3 cut-offs in 12 s: 33 left at 4 s each
    assert.deepEqual(runningBacktests(lines, []), [{ id: 'bt-x', since: T0, cutoff: 3, of: 36, leftMs: 132_000 }]);
    // listed as finished by the gateway, or ended on the log: not running
    assert.deepEqual(runningBacktests(lines, [{ id: 'bt-x', status: 'finished', requestedAt: T0 }]), []);
    assert.deepEqual(runningBacktests([...lines, line('log', 'bt-x', 'backtest bt-x failed: no data', T0 + 13_000)], []), []);
    // listed as requested: its request time, and the log's progress
    assert.deepEqual(runningBacktests(lines, [{ id: 'bt-x', status: 'requested', requestedAt: T0 - 500 }]), [{ id: 'bt-x', since: T0 - 500, cutoff: 3, of: 36, leftMs: 132_000 }]);
  });

  it('writes a time left as a reader needs it', () => {
    assert.equal(left(45_400), '45 s');
    assert.equal(left(110_000), '1 min 50 s');
    assert.equal(left(120_000), '2 min');
    assert.equal(left(7_500_000), '2 h 5 min');
  });
});
