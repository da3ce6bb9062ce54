import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrainingRequested } from '../../schemas/types.js';
import { AppError } from '../../lib/errors.js';
import { isRefusal } from '../../domain/decider.js';
import { givenWhenThen } from '../../domain/given-when-then.js';
import { coordinatorDecider, handleCoordinator, initialCoordinatorState, type CoordinatorCommand, type CoordinatorEvent } from './training-coordinator.js';
import { planRun } from '../../domain/training/request.js';

const req = (id: string, trigger: TrainingRequested['trigger'], extra: Partial<TrainingRequested> = {}): TrainingRequested => ({
  requestId: id,
  trigger,
  reason: `why ${id}`,
  cutoffWeek: null,
  requestedBy: 'test',
  requestedAt: 1,
  params: null,
  ...extra,
});

/** given events, when commands, then: the events the commands produced and the final state (a refusal fails the test). */
function scenario(given: CoordinatorEvent[], when: CoordinatorCommand[]) {
  const { then, state } = givenWhenThen(coordinatorDecider, given, when);
  if (isRefusal(then)) throw then.refusal;
  return { then, state };
}

describe('training coordinator', () => {
  it('given nothing, when a request arrives and a run is started, then the run answers that request', () => {
    const a = req('a', 'manual');
    const { then, state } = scenario([], [{ type: 'request', request: a }, { type: 'start', runId: 'r1' }]);
    assert.deepEqual(then, [
      { type: 'requestQueued', request: a },
      { type: 'runStarted', runId: 'r1', requests: [a] },
    ]);
    assert.equal(state.pending.length, 0);
    assert.equal(state.running?.runId, 'r1');
  });

  it('given a run in progress, when a burst of three triggers arrives, then ONE next run keeps all three ids and reasons', () => {
    const a = req('a', 'manual');
    const [s, t, m] = [req('s', 'schedule'), req('t', 'threshold', { cutoffWeek: '2012-10-26' }), req('m', 'manual')];
    const { then, state } = scenario(
      [{ type: 'requestQueued', request: a }, { type: 'runStarted', runId: 'r1', requests: [a] }],
      [
        { type: 'request', request: s },
        { type: 'request', request: t },
        { type: 'start', runId: 'ignored-while-running' },
        { type: 'request', request: m },
        { type: 'finish', runId: 'r1' },
        { type: 'start', runId: 'r2' },
        { type: 'start', runId: 'r3' },
      ],
    );
    const started = then.filter((e) => e.type === 'runStarted');
    assert.equal(started.length, 1, 'exactly one next run');
    assert.deepEqual(started[0], { type: 'runStarted', runId: 'r2', requests: [s, t, m] });
    assert.equal(state.running?.runId, 'r2');
    const plan = planRun(state.running!.requests);
    assert.deepEqual(plan.requestIds, ['s', 't', 'm']);
    assert.deepEqual(plan.reasons, ['schedule: why s', 'threshold: why t', 'manual: why m']);
    assert.equal(plan.trigger, 'schedule+threshold+manual');
    assert.equal(plan.cutoffWeek, null, 'one request asked for all data');
  });

  it('given a request seen before, when it is redelivered, then it is ignored', () => {
    const a = req('a', 'schedule');
    const { then, state } = scenario([{ type: 'requestQueued', request: a }], [{ type: 'request', request: a }]);
    assert.deepEqual(then, [{ type: 'requestIgnored', requestId: 'a', why: 'duplicate' }]);
    assert.equal(state.pending.length, 1);
  });

  it('given requests a recorded run already answered, when they are replayed at start-up, then no run starts', () => {
    const a = req('a', 'manual');
    const b = req('b', 'manual');
    const { then, state } = scenario(
      [],
      [{ type: 'markAnswered', requestIds: ['a'] }, { type: 'request', request: a }, { type: 'request', request: b }, { type: 'start', runId: 'r1' }],
    );
    assert.deepEqual(
      then.map((e) => e.type),
      ['requestsAnswered', 'requestIgnored', 'requestQueued', 'runStarted'],
    );
    assert.deepEqual(state.running?.requests.map((r) => r.requestId), ['b']);
  });

  it('given a pending request, when another instance records a run answering it, then it leaves the queue', () => {
    const a = req('a', 'manual');
    const { state } = scenario([{ type: 'requestQueued', request: a }], [{ type: 'markAnswered', requestIds: ['a'] }, { type: 'start', runId: 'r1' }]);
    assert.equal(state.pending.length, 0);
    assert.equal(state.running, null);
  });

  it('given no run, when a finish arrives, then it is refused', () => {
    assert.throws(() => handleCoordinator(initialCoordinatorState, { type: 'finish', runId: 'x' }), /COORDINATOR|no run/);
    const { then } = givenWhenThen(coordinatorDecider, [], { type: 'finish', runId: 'x' });
    assert.ok(isRefusal(then) && then.refusal instanceof AppError && then.refusal.code === 'COORDINATOR_STATE', 'the decider refuses; handle throws the refusal');
  });
});

describe('run plan', () => {
  it('uses the latest cut-off when every request names one, and merges params in arrival order', () => {
    const plan = planRun([
      req('a', 'threshold', { cutoffWeek: '2012-10-19', params: '{"rounds":50,"eta":0.1}' }),
      req('b', 'backtest', { cutoffWeek: '2012-10-26', params: '{"rounds":80}' }),
    ]);
    assert.equal(plan.cutoffWeek, '2012-10-26');
    assert.deepEqual(JSON.parse(plan.params), { rounds: 80, eta: 0.1 });
  });

  it('refuses unknown parameter names', () => {
    assert.throws(() => planRun([req('a', 'manual', { params: '{"round":5}' })]), /params/);
  });
});
