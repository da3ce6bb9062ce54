/**
 * CONTRIBUTING.md's "Add a feature" recipe, followed in a test: one declaration
 * (what FEATURE_SPEC.declared in spec.ts would hold) and one fill function (what
 * FILLS in fill.ts would hold) give a new column in the online vector and the
 * training matrix alike, and a new FEATURE_VERSION.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks } from '../../lib/weeks.js';
import {
  buildTrainingMatrix,
  COL,
  FEATURE_COUNT,
  FEATURE_NAMES,
  FEATURE_SPEC,
  FEATURE_VERSION,
  FILLS,
  featureLayout,
  featureSet,
  featureVector,
  SeriesHistory,
  type DeclaredFeature,
  type DeclaredFill,
} from './features.js';
import { fillOrigin, fillTarget } from './fill.js';

const W0 = '2010-02-05';
const wk = (i: number) => addWeeks(W0, i);

// The recipe's two edits. diff_k: this week's sales minus those k weeks before, at the origin, over the scale.
const DIFF: DeclaredFeature = { name: 'diff_1', params: { weeks: 1 } };
const diff: DeclaredFill = (s, { o }, v, p) => (s.salesAt(o) - s.salesAt(o - p.weeks!)) / v[COL.scale]!;

const withDiff = (params = DIFF.params) => featureSet(featureLayout([...FEATURE_SPEC.declared, { ...DIFF, params }]), { ...FILLS, diff_1: diff });

/** 8 weeks of sales 10, 20, 30, (missing), 50, 60, 70, 80. */
function history(sales: (number | null)[] = [10, 20, 30, null, 50, 60, 70, 80]): SeriesHistory {
  return SeriesHistory.fromRows(1, 2, sales.map((y, i) => ({ week: wk(i), sales: y, isHoliday: false, storeType: 'A', storeSize: 1000 })));
}

describe('add a feature: the spec and one fill function', () => {
  it('the vector gets the new last column, by hand', () => {
    const set = withDiff();
    assert.equal(set.layout.count, FEATURE_COUNT + 1);
    assert.deepEqual(set.layout.names, [...FEATURE_NAMES, 'diff_1']);
    // T = week 6, h = 1: origin O = week 5. Level and scale over weeks 0..5 known: (10+20+30+50+60)/5 = 34.
    const v = featureVector(history(), wk(6), 1, undefined, set);
    assert.equal(v.length, FEATURE_COUNT + 1);
    assert.equal(v[COL.scale], 34);
    assert.ok(Math.abs(v[FEATURE_COUNT]! - (60 - 50) / 34) < 1e-6, `diff_1 = ${v[FEATURE_COUNT]}`);
    // h = 2: origin week 4, one week before it is the missing week 3.
    assert.ok(Number.isNaN(featureVector(history(), wk(6), 2, undefined, set)[FEATURE_COUNT]!));
    // The base columns are the ones the default set computes, bit for bit.
    assert.deepEqual(v.subarray(0, FEATURE_COUNT), featureVector(history(), wk(6), 1));
    // fillOrigin + fillTarget, the two calls the gateway's batch path makes, write it too.
    const raw = new Float32Array(set.layout.count);
    fillOrigin(history(), 5, raw);
    fillTarget(history(), 6, 1, raw, set.layout, set.fills);
    assert.deepEqual(raw, v);
  });

  it('training gets the same column as serving', () => {
    const set = withDiff();
    const m = buildTrainingMatrix([history()], { horizon: 1, fromWeek: wk(6), toWeek: wk(6), features: set });
    assert.equal(m.rows, 1);
    assert.equal(m.cols, FEATURE_COUNT + 1);
    assert.equal(m.names.at(-1), 'diff_1');
    assert.deepEqual(m.X, featureVector(history(), wk(6), 1, undefined, set));
  });

  it('reads nothing after the origin', () => {
    const set = withDiff();
    const a = featureVector(history(), wk(6), 1, undefined, set);
    const b = featureVector(history([10, 20, 30, null, 50, 60, 7000, -80]), wk(6), 1, undefined, set);
    assert.equal(a[FEATURE_COUNT], b[FEATURE_COUNT]);
  });

  it('changes FEATURE_VERSION, and again when a parameter changes', () => {
    const v1 = withDiff().layout.version;
    const v2 = withDiff({ weeks: 2 }).layout.version;
    assert.match(v1, /^v1-[0-9a-f]{8}$/);
    assert.notEqual(v1, FEATURE_VERSION);
    assert.notEqual(v2, v1);
    assert.equal(featureLayout(FEATURE_SPEC.declared).version, FEATURE_VERSION);
  });
});

describe('add a feature: what the checks refuse', () => {
  it('a declaration without its fill, or a fill without its declaration', () => {
    assert.throws(() => featureSet(featureLayout([DIFF]), FILLS), /declared feature diff_1: expected a fill function named diff_1 in FILLS/);
    assert.throws(() => featureSet(featureLayout([]), { diff_1: diff }), /fill diff_1: expected a feature named diff_1 in FEATURE_SPEC.declared/);
  });

  it('a name already in the layout, twice, or not snake_case', () => {
    assert.throws(() => featureLayout([{ name: 'lag_1', params: {} }]), /declared feature lag_1: expected a name not already in the layout/);
    assert.throws(() => featureLayout([DIFF, DIFF]), /declared feature diff_1: expected a name not already/);
    assert.throws(() => featureLayout([{ name: 'Diff-1', params: {} }]), /"Diff-1": expected snake_case/);
  });
});
