import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../lib/errors.js';
import { MODEL_TRAINED } from '../contracts.js';
import { trained } from '../registry/test/events.js';
import { boundCurves, CURVE_POINTS, validateCurves, validateImportance } from './curves.js';

const tenRounds = { metric: 'mae', train: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], valid: [20, 18, 16, 15, 14, 13.5, 14, 15, 16, 17], bestRound: 6 };

const throwsField = (fn: () => unknown, field: string) =>
  assert.throws(fn, (err: unknown) => err instanceof ValidationError && err.field === field);

describe('training curves', () => {
  it('keeps every round when there are no more than the bound', () => {
    const c = boundCurves(tenRounds);
    assert.deepEqual(c.rounds, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(c.valid, tenRounds.valid);
    assert.equal(c.totalRounds, 10);
    assert.equal(c.bestRound, 6);
  });

  it('thins 10 rounds to 5: rounds 1, 4, 7, 10 evenly spaced (step 9/3 = 3) plus the best, 6', () => {
    const c = boundCurves(tenRounds, 5);
    assert.deepEqual(c.rounds, [1, 4, 6, 7, 10]);
    assert.deepEqual(c.train, [10, 7, 5, 4, 1]);
    assert.deepEqual(c.valid, [20, 15, 13.5, 14, 17]);
    assert.equal(c.totalRounds, 10);
  });

  it('bounds a long fit to CURVE_POINTS rounds with the first, best and last', () => {
    const n = 2000;
    const train = Array.from({ length: n }, (_, i) => 1 / (i + 1));
    const c = boundCurves({ metric: 'mae', train, valid: [], bestRound: 1234 });
    assert.ok(c.rounds.length <= CURVE_POINTS && c.rounds.length >= CURVE_POINTS - 1, `${c.rounds.length} rounds`);
    assert.equal(c.rounds[0], 1);
    assert.equal(c.rounds.at(-1), n);
    assert.ok(c.rounds.includes(1234));
    assert.deepEqual(c.valid, [], 'no validation set: no valid curve');
    assert.doesNotThrow(() => validateCurves(c));
  });

  it('refuses curves of different lengths or a best round outside the fit, naming the field', () => {
    throwsField(() => boundCurves({ ...tenRounds, valid: [1, 2] }), 'curves.valid');
    throwsField(() => boundCurves({ ...tenRounds, bestRound: 11 }), 'curves.bestRound');
    const ok = boundCurves(tenRounds);
    throwsField(() => validateCurves({ ...ok, rounds: [1, 3, 2, 4, 5, 6, 7, 8, 9, 10] }), 'curves.rounds');
    throwsField(() => validateCurves({ ...ok, train: ok.train.slice(1) }), 'curves.train');
    throwsField(() => validateCurves({ ...ok, valid: [...ok.valid.slice(1), Number.NaN] }), 'curves.valid');
    throwsField(() => validateCurves({ ...ok, totalRounds: 9 }), 'curves.totalRounds');
    throwsField(() => validateCurves({ ...ok, metric: '' }), 'curves.metric');
  });

  it('checks importance entries by index', () => {
    assert.deepEqual(validateImportance([{ feature: 'lag_1', gain: 2.5, splits: 3 }]), [{ feature: 'lag_1', gain: 2.5, splits: 3 }]);
    throwsField(() => validateImportance([{ feature: 'lag_1', gain: 1, splits: 1 }, { feature: 'x', gain: -1, splits: 1 }]), 'featureImportance.1.gain');
    throwsField(() => validateImportance([{ feature: '', gain: 1, splits: 1 }]), 'featureImportance.0.feature');
    throwsField(() => validateImportance('nope'), 'featureImportance');
  });
});

describe('ModelTrained contract: curves and importance', () => {
  const base = trained(1, 'promoted');
  const record = base.type === 'trained' ? base.event : null;

  it('decodes a record written before the fields existed as no curves and no importance', () => {
    const old: Record<string, unknown> = { ...record };
    delete old.curves;
    delete old.featureImportance;
    const e = MODEL_TRAINED.validate(old);
    assert.equal(e.curves, null);
    assert.deepEqual(e.featureImportance, []);
  });

  it('keeps valid curves and refuses bad ones naming ModelTrained.curves.<field>', () => {
    const curves = boundCurves(tenRounds);
    const e = MODEL_TRAINED.validate({ ...record, curves, featureImportance: [{ feature: 'lag_1', gain: 3, splits: 2 }] });
    assert.deepEqual(e.curves, curves);
    assert.equal(e.featureImportance?.[0]?.feature, 'lag_1');
    throwsField(() => MODEL_TRAINED.validate({ ...record, curves: { ...curves, train: [] } }), 'ModelTrained.curves.train');
  });
});
