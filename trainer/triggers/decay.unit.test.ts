import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, ValidationError } from '../../lib/errors.js';
import { isRefusal } from '../../domain/decider.js';
import { givenWhenThen } from '../../domain/given-when-then.js';
import { decayDecider, decayReason, decayThreshold, decayRequestId, liveSummary, measureDecay, parseDecayRequestId, type CheckDecay, type DecayEvent, type DecayPolicy, type WeekErrors } from './decay.js';

const policy: DecayPolicy = { weeks: 2, naiveRatio: 1, backtestFactor: 2 };
/** A week with `points` points of weight 1 each; errors as totals. */
const wk = (week: string, absErr: number, naiveAbsErr: number, weight = 10): WeekErrors => ({ week, points: weight, weight, absErr, naiveAbsErr });
const champion = (backtestWmae: number | null = 100, version = 3) => ({ version, backtestWmae });
/** A check of `weeks` for `champ` (v3, backtest 100 by default). */
const check = (weeks: WeekErrors[], champ: CheckDecay['champion'] = champion(), p: DecayPolicy = policy): CheckDecay => ({ type: 'check', champion: champ, weeks, policy: p });
/** Two weeks with the same errors each. */
const twoWeeks = (absErr: number, naiveAbsErr: number) => [wk('2012-01-13', absErr, naiveAbsErr), wk('2012-01-20', absErr, naiveAbsErr)];
/** The events of a scenario (fails the test on a refusal). */
const events = (given: DecayEvent[], when: CheckDecay | CheckDecay[]): DecayEvent[] => {
  const { then } = givenWhenThen(decayDecider, given, when);
  assert.ok(!isRefusal(then), 'refused');
  return then;
};

describe('accuracy decay trigger', () => {
  it('measures the trailing window: WMAE = weighted error / weight over the last `weeks` weeks only', () => {
    // the first week is outside the window; (1000 + 2000) / (10 + 20) = 100; naive (1500 + 3000) / 30 = 150
    const m = measureDecay([wk('2012-01-06', 99_999, 1), wk('2012-01-13', 1000, 1500), wk('2012-01-20', 2000, 3000, 20)], policy, 80);
    assert.deepEqual(m, { from: '2012-01-13', to: '2012-01-20', points: 30, wmae: 100, naiveWmae: 150, ratioToNaive: 100 / 150, backtestWmae: 80, ratioToBacktest: 1.25 });
    assert.equal(measureDecay([wk('2012-01-13', 1, 1)], policy, 80), null, 'fewer scored weeks than the window');
  });

  it('given nothing, when a champion better than naive and near its backtest is checked, then nothing is asked', () => {
    // wmae 100 < naive 150, and 100 / 100 < 2
    assert.deepEqual(events([], check(twoWeeks(1000, 1500))), []);
    assert.deepEqual(events([], check(twoWeeks(9e9, 1), null)), [], 'no champion');
    assert.deepEqual(events([], check([wk('2012-01-20', 9e9, 1)])), [], 'one scored week of two');
  });

  it('given nothing, when live WMAE reaches seasonal naive, or twice the backtest, then decayDetected with the numbers', () => {
    // wmae 160 >= naive 150 (backtest 1000: 0.16x)
    assert.deepEqual(events([], check(twoWeeks(1600, 1500), champion(1000))), [
      { type: 'decayDetected', version: 3, from: '2012-01-13', to: '2012-01-20', points: 20, wmae: 160, naiveWmae: 150, ratioToNaive: 160 / 150, backtestWmae: 1000, ratioToBacktest: 0.16 },
    ]);
    // wmae 200 = 2 x backtest 100, still better than naive 300
    const [b] = events([], check(twoWeeks(2000, 3000), champion(100)));
    assert.ok(b && b.type === 'decayDetected');
    assert.equal(
      decayReason(b, policy),
      "accuracy decay of v3: live WMAE 200 over 2 weeks 2012-01-13..2012-01-20 (20 points) is 0.67x seasonal naive's 300 (threshold 1x) and 2.00x its backtest WMAE 100 (threshold 2x)",
    );
    assert.equal(liveSummary(3, b, policy), 'v3 live WMAE 200 over 2012-01-13..2012-01-20 (20 points): 0.67x seasonal naive (threshold 1x), 2.00x its backtest (threshold 2x)');
    // just under both: 199 / 100 < 2 and 199 < 300
    assert.deepEqual(events([], check(twoWeeks(1990, 3000), champion(100))), []);
    // no backtest figure: only the naive comparison decides
    assert.deepEqual(events([], check(twoWeeks(2000, 3000), champion(null))), []);
  });

  it('the threshold is the lower bar in WMAE: a window fires exactly from it', () => {
    // naive bar 1 x 300 = 300, backtest bar 2 x 100 = 200: 200
    assert.equal(decayThreshold({ naiveWmae: 300, backtestWmae: 100 }, policy), 200);
    // naive bar 150 below the backtest bar 2 x 100 = 200: 150
    assert.equal(decayThreshold({ naiveWmae: 150, backtestWmae: 100 }, policy), 150);
    assert.equal(decayThreshold({ naiveWmae: 300, backtestWmae: null }, policy), 300, 'no backtest figure: the naive bar');
    // at the threshold it fires, just under it it does not (backtest bar 200, as in the case above)
    assert.equal(events([], check(twoWeeks(2000, 3000))).length, 1);
    assert.equal(events([], check(twoWeeks(1990, 3000))).length, 0);
  });

  describe('once per champion and window', () => {
    const bad = (to: string) => [wk('2011-12-30', 5000, 1000), wk('2012-01-06', 5000, 1000), wk('2012-01-13', 5000, 1000), wk('2012-01-20', 5000, 1000)].filter((w) => w.week <= to);
    // 5000 / 10 = 500 live against naive 100 and backtest 100: decayed on both bars
    const firstWindow: DecayEvent = { type: 'decayDetected', version: 3, from: '2011-12-30', to: '2012-01-06', points: 20, wmae: 500, naiveWmae: 100, ratioToNaive: 5, backtestWmae: 100, ratioToBacktest: 5 };

    it('given nothing, when checked twice on the same window, then exactly one decayDetected, and the state remembers its end', () => {
      const { then, state } = givenWhenThen(decayDecider, [], [check(bad('2012-01-06')), check(bad('2012-01-06'))]);
      assert.deepEqual(then, [firstWindow]);
      assert.deepEqual([...state.fired], [[3, '2012-01-06']]);
    });

    it('given a detection, when the window moved one week (overlapping), then nothing; two weeks (disjoint), then a new one', () => {
      assert.deepEqual(events([firstWindow], check(bad('2012-01-13'))), [], 'one week later: the windows overlap');
      assert.deepEqual(
        events([firstWindow], check(bad('2012-01-20'))).map((e) => [e.version, e.to]),
        [[3, '2012-01-20']],
        'two weeks later: a new window',
      );
    });

    it('given a detection for v3, when v4 is champion, then it fires at once', () => {
      assert.deepEqual(
        events([firstWindow], check(bad('2012-01-13'), champion(100, 4))).map((e) => [e.version, e.to]),
        [[4, '2012-01-13']],
      );
    });

    it('given a request found in the log at start-up, then the same window does not fire again (the same state as a detection)', () => {
      const logged: DecayEvent = { type: 'decayRequested', ...parseDecayRequestId(decayRequestId(3, '2012-01-06'))! };
      assert.deepEqual(logged, { type: 'decayRequested', version: 3, to: '2012-01-06' });
      assert.deepEqual(givenWhenThen(decayDecider, [logged], []).state, givenWhenThen(decayDecider, [firstWindow], []).state);
      assert.deepEqual(events([logged], check(bad('2012-01-06'))), []);
      // an older request found later never moves the mark back
      assert.deepEqual([...givenWhenThen(decayDecider, [logged, { type: 'decayRequested', version: 3, to: '2011-12-23' }], []).state.fired], [[3, '2012-01-06']]);
      assert.equal(parseDecayRequestId('threshold-first-2012-01-06'), null);
    });
  });

  describe('refusals', () => {
    const refusalOf = (cmd: CheckDecay) => {
      const { then, state } = givenWhenThen(decayDecider, [], cmd);
      assert.ok(isRefusal(then), 'expected a refusal');
      assert.equal(state.fired.size, 0, 'a refused check changes nothing');
      assert.ok(then.refusal instanceof ValidationError);
      return then.refusal;
    };

    it('when the policy is impossible, then a refusal naming the field', () => {
      assert.equal(refusalOf(check(twoWeeks(9e9, 1), champion(), { ...policy, weeks: 0 })).message, 'policy.weeks: expected an integer 1..52, got 0');
      assert.equal(refusalOf(check(twoWeeks(9e9, 1), champion(), { ...policy, naiveRatio: 0 })).message, 'policy.naiveRatio: expected a positive number, got 0');
      assert.equal(refusalOf(check(twoWeeks(9e9, 1), champion(), { ...policy, backtestFactor: Number.NaN })).message, 'policy.backtestFactor: expected a positive number, got NaN');
    });

    it('when the weeks are out of order or repeated, then a refusal naming the week (it would pick the wrong trailing window)', () => {
      const swapped = [wk('2012-01-20', 9e9, 1), wk('2012-01-13', 9e9, 1)];
      assert.equal(refusalOf(check(swapped)).message, 'weeks.1.week: expected a week after 2012-01-20 (weeks ascending, each once), got "2012-01-13"');
      assert.equal(refusalOf(check([wk('2012-01-13', 1, 1), wk('2012-01-20', 1, 1), wk('2012-01-20', 1, 1)])).field, 'weeks.2.week');
    });

    it('an event outside the union is a bug: UNREACHABLE', () => {
      assert.throws(
        () => decayDecider.evolve(decayDecider.initial, { type: 'decayForgotten', version: 3, to: '2012-01-06' } as unknown as DecayEvent),
        (e: unknown) => e instanceof AppError && e.code === 'UNREACHABLE',
      );
    });
  });
});
