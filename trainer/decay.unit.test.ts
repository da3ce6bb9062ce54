import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decayReason, decayThreshold, decayRequestId, decideDecay, evolveDecay, initialDecayState, liveSummary, measureDecay, parseDecayRequestId, type DecayPolicy, type WeekErrors } from './decay.js';

const policy: DecayPolicy = { weeks: 2, naiveRatio: 1, backtestFactor: 2 };
/** A week with `points` points of weight 1 each; errors as totals. */
const wk = (week: string, absErr: number, naiveAbsErr: number, weight = 10): WeekErrors => ({ week, points: weight, weight, absErr, naiveAbsErr });
const champion = (backtestWmae: number | null = 100) => ({ version: 3, backtestWmae });

describe('accuracy decay trigger', () => {
  it('measures the trailing window: WMAE = weighted error / weight over the last `weeks` weeks only', () => {
    // the first week is outside the window; (1000 + 2000) / (10 + 20) = 100; naive (1500 + 3000) / 30 = 150
    const m = measureDecay([wk('2012-01-06', 99_999, 1), wk('2012-01-13', 1000, 1500), wk('2012-01-20', 2000, 3000, 20)], policy, 80);
    assert.deepEqual(m, { from: '2012-01-13', to: '2012-01-20', points: 30, wmae: 100, naiveWmae: 150, ratioToNaive: 100 / 150, backtestWmae: 80, ratioToBacktest: 1.25 });
    assert.equal(measureDecay([wk('2012-01-13', 1, 1)], policy, 80), null, 'fewer scored weeks than the window');
  });

  it('a champion better than naive and near its backtest asks nothing', () => {
    // wmae 100 < naive 150, and 100 / 100 < 2
    assert.deepEqual(decideDecay({ type: 'check', champion: champion(), weeks: [wk('2012-01-13', 1000, 1500), wk('2012-01-20', 1000, 1500)], policy }, initialDecayState), []);
    assert.deepEqual(decideDecay({ type: 'check', champion: null, weeks: [wk('2012-01-13', 9e9, 1), wk('2012-01-20', 9e9, 1)], policy }, initialDecayState), [], 'no champion');
  });

  it('fires when live WMAE reaches seasonal naive, or twice the backtest, with the numbers', () => {
    // wmae 160 >= naive 150
    const [e] = decideDecay({ type: 'check', champion: champion(1000), weeks: [wk('2012-01-13', 1600, 1500), wk('2012-01-20', 1600, 1500)], policy }, initialDecayState);
    assert.equal(e?.type, 'decayDetected');
    // wmae 200 = 2 x backtest 100, still better than naive 300
    const [b] = decideDecay({ type: 'check', champion: champion(100), weeks: [wk('2012-01-13', 2000, 3000), wk('2012-01-20', 2000, 3000)], policy }, initialDecayState);
    assert.ok(b && b.type === 'decayDetected');
    assert.equal(
      decayReason(b, policy),
      "accuracy decay of v3: live WMAE 200 over 2 weeks 2012-01-13..2012-01-20 (20 points) is 0.67x seasonal naive's 300 (threshold 1x) and 2.00x its backtest WMAE 100 (threshold 2x)",
    );
    assert.equal(liveSummary(3, b, policy), 'v3 live WMAE 200 over 2012-01-13..2012-01-20 (20 points): 0.67x seasonal naive (threshold 1x), 2.00x its backtest (threshold 2x)');
    // just under both: 199 / 100 < 2 and 199 < 300
    assert.deepEqual(decideDecay({ type: 'check', champion: champion(100), weeks: [wk('2012-01-13', 1990, 3000), wk('2012-01-20', 1990, 3000)], policy }, initialDecayState), []);
    // no backtest figure: only the naive comparison decides
    assert.deepEqual(decideDecay({ type: 'check', champion: champion(null), weeks: [wk('2012-01-13', 2000, 3000), wk('2012-01-20', 2000, 3000)], policy }, initialDecayState), []);
  });

  it('the threshold is the lower bar in WMAE: a window fires exactly from it', () => {
    // naive bar 1 x 300 = 300, backtest bar 2 x 100 = 200: 200
    assert.equal(decayThreshold({ naiveWmae: 300, backtestWmae: 100 }, policy), 200);
    // naive bar 150 below the backtest bar 2 x 100 = 200: 150
    assert.equal(decayThreshold({ naiveWmae: 150, backtestWmae: 100 }, policy), 150);
    assert.equal(decayThreshold({ naiveWmae: 300, backtestWmae: null }, policy), 300, 'no backtest figure: the naive bar');
    // at the threshold it fires, just under it it does not (backtest bar 200, as in the case above)
    const at = (err: number) => decideDecay({ type: 'check', champion: champion(100), weeks: [wk('2012-01-13', err, 3000), wk('2012-01-20', err, 3000)], policy }, initialDecayState).length;
    assert.equal(at(2000), 1);
    assert.equal(at(1990), 0);
  });

  it('asks once per champion and window: again only after a window that shares no week, and at once for a new champion', () => {
    const bad = (to: string) => [wk('2011-12-30', 5000, 1000), wk('2012-01-06', 5000, 1000), wk('2012-01-13', 5000, 1000), wk('2012-01-20', 5000, 1000)].filter((w) => w.week <= to);
    const [first] = decideDecay({ type: 'check', champion: champion(), weeks: bad('2012-01-06'), policy }, initialDecayState);
    assert.ok(first);
    const s = evolveDecay(initialDecayState, first);
    assert.deepEqual(decideDecay({ type: 'check', champion: champion(), weeks: bad('2012-01-13'), policy }, s), [], 'one week later: the windows overlap');
    assert.equal(decideDecay({ type: 'check', champion: champion(), weeks: bad('2012-01-20'), policy }, s).length, 1, 'two weeks later: a new window');
    assert.equal(decideDecay({ type: 'check', champion: { version: 4, backtestWmae: 100 }, weeks: bad('2012-01-13'), policy }, s).length, 1, 'a new champion');
    // a request found in the log at start-up counts as fired
    const restarted = evolveDecay(initialDecayState, { type: 'decayRequested', ...parseDecayRequestId(decayRequestId(3, '2012-01-06'))! });
    assert.deepEqual(restarted, s);
    assert.equal(parseDecayRequestId('threshold-first-2012-01-06'), null);
  });
});
