import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../lib/errors.js';
import type { BacktestRequested } from '../../schemas/types.js';
import { DEFAULT_TRAIN_PARAMS } from '../../domain/training/request.js';
import { requestOf } from './backtest-worker.js';

const queued = (over: Partial<BacktestRequested> = {}): BacktestRequested => ({
  backtestId: 'bt-20261202-101326-64dbcf',
  cutoffCount: 3,
  fromWeek: null,
  toWeek: null,
  horizon: 2,
  refitEvery: 3,
  params: JSON.stringify({ ...DEFAULT_TRAIN_PARAMS, rounds: 20 }),
  series: ['1:1'],
  salesTopic: 'sales.weekly',
  topicOffsets: '{}',
  reason: 'from the dashboard',
  requestedBy: 'gateway:127.0.0.1',
  requestedAt: 1_764_670_000_000,
  runner: 'trainer',
  ...over,
});

describe('a queued backtest request', () => {
  it('becomes the request the gateway checked, with the parameters it recorded', () => {
    const r = requestOf(queued(), 13);
    assert.deepEqual(r.cutoffs, { kind: 'last', count: 3 });
    assert.deepEqual([r.horizon, r.refitEvery, r.reason, r.requestedBy, r.series], [2, 3, 'from the dashboard', 'gateway:127.0.0.1', ['1:1']]);
    assert.deepEqual(r.params, { ...DEFAULT_TRAIN_PARAMS, rounds: 20 });
    assert.equal(r.outDir, null, 'written to the default folder the gateway serves from');
  });

  it('keeps a range of cut-offs', () => {
    assert.deepEqual(requestOf(queued({ cutoffCount: null, fromWeek: '2011-01-07', toWeek: '2011-03-04' }), 13).cutoffs, { kind: 'range', from: '2011-01-07', to: '2011-03-04' });
  });

  it('refuses an event that names both a count and a range, naming the field', () => {
    assert.throws(
      () => requestOf(queued({ fromWeek: '2011-01-07', toWeek: '2011-03-04' }), 13),
      (err: unknown) => err instanceof ValidationError && err.field === 'cutoffs',
    );
  });
});
