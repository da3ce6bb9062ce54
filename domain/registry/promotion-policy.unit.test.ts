import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Metrics } from './metrics.js';
import { ValidationError } from '../../lib/errors.js';
import { isRefusal } from '../decider.js';
import { givenWhenThen } from '../given-when-then.js';
import { beats, promotionPolicy, type EvaluateChallenger, type PromotionVerdict } from './promotion-policy.js';

/** given nothing (the policy keeps no state), when a challenger is evaluated, then its one verdict; throws the refusal. */
function decidePromotion(c: EvaluateChallenger): PromotionVerdict {
  const { then } = givenWhenThen(promotionPolicy, [], c);
  if (isRefusal(then)) throw then.refusal;
  assert.equal(then.length, 1);
  return then[0]!;
}

const m = (wape: number): Metrics => ({ n: 100, wape, mae: 0, rmse: 0, wmae: 0 });
const cmd = (over: Partial<EvaluateChallenger>): EvaluateChallenger => ({
  type: 'evaluate',
  version: 7,
  model: m(0.08),
  seasonalNaive: m(0.1),
  champion: null,
  margin: 0,
  ...over,
});

describe('promotion policy', () => {
  it('given no champion, when the challenger beats seasonal-naive, then it is promoted with its numbers', () => {
    const v = decidePromotion(cmd({}));
    assert.equal(v.decision, 'promoted');
    assert.equal(v.numbers.model, 0.08);
    assert.equal(v.numbers.seasonalNaive, 0.1);
    assert.match(v.reason, /WAPE 8\.00% vs seasonal-naive 10\.00%/);
    assert.match(v.reason, /no champion yet/);
  });

  it('given a champion at 7.9%, when the challenger scores 8.0%, then it is rejected and says so', () => {
    const v = decidePromotion(cmd({ champion: { version: 3, metrics: m(0.079) } }));
    assert.equal(v.decision, 'rejected');
    assert.match(v.reason, /champion v3 7\.90% \(does not beat/);
  });

  it('given margin 5%, when the challenger is 4% better than both, then it is rejected (bars 9.5% and 8.36%)', () => {
    // seasonal-naive 0.10 -> bar 0.095; champion 0.088 -> bar 0.0836; model 0.0845 passes the first, not the second
    const v = decidePromotion(cmd({ model: m(0.0845), champion: { version: 2, metrics: m(0.088) }, margin: 0.05 }));
    assert.equal(v.decision, 'rejected');
    assert.ok(Math.abs(v.numbers.bars.seasonalNaive - 0.095) < 1e-12);
    assert.ok(Math.abs(v.numbers.bars.champion! - 0.0836) < 1e-12);
  });

  it('given margin 5%, when the challenger clears both bars, then it is promoted', () => {
    const v = decidePromotion(cmd({ model: m(0.08), champion: { version: 2, metrics: m(0.088) }, margin: 0.05 }));
    assert.equal(v.decision, 'promoted');
  });

  it('given a model that loses to seasonal-naive, then it is rejected even without a champion', () => {
    assert.equal(decidePromotion(cmd({ model: m(0.12) })).decision, 'rejected');
  });

  it('given an unmeasurable WAPE (NaN), then nothing is promoted', () => {
    assert.equal(decidePromotion(cmd({ model: m(Number.NaN) })).decision, 'rejected');
    assert.equal(beats(0.1, Number.NaN, 0), false);
  });

  it('given a champion that could not be scored, then the note is recorded and only the baseline is the bar', () => {
    const v = decidePromotion(cmd({ championNote: 'champion v4 uses feature layout v0-x' }));
    assert.equal(v.decision, 'promoted');
    assert.match(v.reason, /feature layout v0-x/);
  });

  it('refuses a margin outside [0, 1)', () => {
    assert.throws(() => decidePromotion(cmd({ margin: 1 })), /promotionMargin/);
    const { then } = givenWhenThen(promotionPolicy, [], cmd({ margin: -0.1 }));
    assert.ok(isRefusal(then) && then.refusal instanceof ValidationError && then.refusal.field === 'promotionMargin');
  });

  it('given a challenger that wins overall and at h = 1..4 but loses to the champion at 5..13, then it is rejected and the reason names the band', () => {
    const band = (label: string, model: number, naive: number, champion: number) => ({ label, model: m(model), seasonalNaive: m(naive), champion: m(champion) });
    const v = decidePromotion(
      cmd({
        model: m(0.08),
        champion: { version: 3, metrics: m(0.09) },
        bands: [band('1..4', 0.06, 0.1, 0.08), band('5..13', 0.095, 0.1, 0.09)],
      }),
    );
    assert.equal(v.decision, 'rejected');
    assert.deepEqual(v.bandLosses, [{ band: '5..13', to: 'champion', model: 0.095, other: 0.09 }]);
    assert.match(v.reason, /loses at h = 5\.\.13 to champion \(9\.50% vs 9\.00%\)/);
  });

  it('given no champion, a band where seasonal naive is better rejects; ties and unmeasurable baselines do not', () => {
    const band = (label: string, model: number, naive: number) => ({ label, model: m(model), seasonalNaive: m(naive), champion: null });
    const lose = decidePromotion(cmd({ bands: [band('1..4', 0.05, 0.1), band('14..39', 0.13, 0.12)] }));
    assert.equal(lose.decision, 'rejected');
    assert.equal(lose.bandLosses[0]!.to, 'seasonal-naive');
    const fine = decidePromotion(cmd({ bands: [band('1..4', 0.05, 0.1), band('5..13', 0.1, 0.1), band('14..20', 0.2, Number.NaN)] }));
    assert.equal(fine.decision, 'promoted');
    assert.match(fine.reason, /no loss in any horizon band/);
    assert.equal(decidePromotion(cmd({ bands: [band('1..4', Number.NaN, 0.1)] })).decision, 'rejected', 'an unmeasurable challenger band loses');
  });
});
