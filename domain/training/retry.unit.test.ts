import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrainingRequested } from '../../schemas/types.js';
import { attemptOf, retryOf } from './retry.js';

const req: TrainingRequested = { requestId: 'abc', trigger: 'manual', reason: 'by hand', cutoffWeek: '2012-06-01', requestedBy: 'ops', requestedAt: 1, params: '{"rounds":50}' };

test('the attempt number and the original id come from the request id', () => {
  assert.deepEqual(attemptOf('abc'), { retry: 0, original: 'abc' });
  assert.deepEqual(attemptOf('retry-2-abc'), { retry: 2, original: 'abc' });
  assert.deepEqual(attemptOf('retry-2-retry-x'), { retry: 2, original: 'retry-x' });
});

test('a failed request is retried with the same trigger, cut-off and params, a counted id and a doubling backoff', () => {
  const first = retryOf(req, 'python exited 1', 3, 30_000, 100)!;
  assert.equal(first.request.requestId, 'retry-1-abc');
  assert.equal(first.waitMs, 30_000);
  assert.equal(first.request.trigger, 'manual');
  assert.equal(first.request.cutoffWeek, '2012-06-01');
  assert.equal(first.request.params, '{"rounds":50}');
  assert.equal(first.request.requestedAt, 100);
  assert.equal(first.request.reason, 'retry 1/3 of abc (by hand): the run failed: python exited 1');
  const third = retryOf({ ...req, requestId: 'retry-2-abc' }, 'again', 3, 30_000, 200)!;
  assert.equal(third.request.requestId, 'retry-3-abc');
  assert.equal(third.waitMs, 120_000);
});

test('no retry once the retries are used up', () => {
  assert.equal(retryOf({ ...req, requestId: 'retry-3-abc' }, 'x', 3, 1, 0), null);
  assert.equal(retryOf(req, 'x', 0, 1, 0), null);
});
