import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from '../../domain/registry/metrics.js';
import { addError, emptySums, metricsOf, summarize } from './aggregate.js';
import { PointSet, type Method } from '../../domain/backtest/points.js';

const NaN_ = Number.NaN;
const close = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-9, `${msg ?? ''} ${a} != ${b}`);

/** cut-off, horizon, actual, holiday, [model, seasonalNaive, lastValue, mean4] */
function pointsOf(rows: [number, number, number, boolean, [number, number, number, number]][]): PointSet {
  const p = new PointSet();
  rows.forEach(([cutoff, horizon, actual, holiday, [model, seasonalNaive, lastValue, mean4]], i) =>
    p.push({ cutoff, series: i, horizon, targetDay: 15000 + 7 * i, holiday, actual, forecasts: { model, seasonalNaive, lastValue, mean4 } }),
  );
  return p;
}

describe('backtest scoring', () => {
  // p1 has no 4-week mean (dropped for every method), p3 has no actual (not a point to score)
  const points = pointsOf([
    [0, 1, 100, false, [90, 120, 100, 80]],
    [0, 2, 200, true, [210, 150, 100, NaN_]],
    [1, 1, 50, true, [70, 50, 40, 55]],
    [1, 2, NaN_, false, [1, 1, 1, 1]],
  ]);

  it('scores every method on exactly the same points, with hand-computed values', () => {
    const m = summarize(points, ['2012-01-06', '2012-01-13'], 2);
    assert.deepEqual(m.methods, ['model', 'seasonalNaive', 'lastValue', 'mean4']);
    assert.equal(m.points, 2);
    assert.equal(m.dropped, 1);
    // model: |e| = 10 (plain week), 20 (holiday); sum|y| = 150
    const model = m.overall.model!;
    assert.equal(model.n, 2);
    close(model.wape, 30 / 150, 'wape');
    close(model.mae, 15, 'mae');
    close(model.rmse, Math.sqrt((100 + 400) / 2), 'rmse');
    close(model.wmae, (10 + 5 * 20) / 6, 'wmae: holiday weighs 5');
    close(m.overall.seasonalNaive!.wape, 20 / 150);
    close(m.overall.seasonalNaive!.wmae, 20 / 6);
    close(m.overall.lastValue!.rmse, Math.sqrt(100 / 2));
    close(m.overall.lastValue!.wmae, 50 / 6);
    close(m.overall.mean4!.mae, 12.5);
    close(m.overall.mean4!.rmse, Math.sqrt(212.5));
  });

  it('groups by horizon and by cut-off', () => {
    const m = summarize(points, ['2012-01-06', '2012-01-13'], 2);
    assert.equal(m.byHorizon[0]!.metrics.model!.n, 2);
    assert.equal(m.byHorizon[1]!.metrics.model!.n, 0, 'h=2 points were dropped or had no actual');
    assert.ok(Number.isNaN(m.byHorizon[1]!.metrics.model!.wape));
    assert.equal(m.byCutoff[0]!.cutoff, '2012-01-06');
    close(m.byCutoff[0]!.metrics.model!.wape, 10 / 100);
    close(m.byCutoff[1]!.metrics.model!.wape, 20 / 50);
    close(m.byCutoff[1]!.metrics.lastValue!.wmae, 10);
  });

  it('agrees with the trainer metrics on the same points', () => {
    const actual = [100, 50];
    const holiday = [0, 1];
    const m = summarize(points, ['a', 'b'], 2);
    const forecasts: Record<Method, number[]> = { model: [90, 70], seasonalNaive: [120, 50], lastValue: [100, 40], mean4: [80, 55] };
    for (const k of m.methods) {
      const ref = evaluate(actual, forecasts[k], holiday);
      for (const key of ['wape', 'mae', 'rmse', 'wmae'] as const) close(m.overall[k]![key], ref[key], `${k}.${key}`);
    }
  });

  it('leaves out a method with no forecast anywhere, saying why, instead of emptying the comparison', () => {
    const p = pointsOf([
      [0, 1, 100, false, [90, NaN_, 100, 80]],
      [0, 2, 200, false, [210, NaN_, 100, 150]],
    ]);
    const m = summarize(p, ['2012-01-06'], 2);
    assert.deepEqual(m.methods, ['model', 'lastValue', 'mean4']);
    assert.equal(m.excluded[0]!.method, 'seasonalNaive');
    assert.match(m.excluded[0]!.reason, /52 weeks/);
    assert.equal(m.points, 2);
    assert.equal(m.overall.seasonalNaive, undefined);
  });

  it('gives NaN, not 0, where a metric is undefined', () => {
    const acc = emptySums();
    const empty = metricsOf(acc);
    assert.ok(Number.isNaN(empty.wape) && Number.isNaN(empty.mae) && Number.isNaN(empty.rmse) && Number.isNaN(empty.wmae));
    addError(acc, 0, 5, false);
    const zeros = metricsOf(acc);
    assert.ok(Number.isNaN(zeros.wape), 'every actual 0: no WAPE');
    assert.equal(zeros.mae, 5);
  });

  it('reports each horizon band with ratios to seasonal naive and the model\'s coverage and Winkler score (hand-computed)', () => {
    const p = new PointSet();
    // horizon, actual, holiday, model, seasonal naive, [lower80, upper80, lower95, upper95]
    const rows: [number, number, boolean, number, number, number[] | null][] = [
      [1, 100, false, 90, 120, [85, 95, 80, 110]],
      [2, 200, true, 210, 150, [190, 230, 180, 240]],
      [5, 50, false, 70, 40, [60, 80, 40, 100]],
      [14, 10, false, 10, 20, null],
    ];
    rows.forEach(([horizon, actual, holiday, model, seasonalNaive, b], i) =>
      p.push({
        cutoff: 0, series: i, horizon, targetDay: 15000 + 7 * i, holiday, actual,
        forecasts: { model, seasonalNaive, lastValue: NaN_, mean4: NaN_ },
        ...(b ? { bounds: { lower80: b[0]!, upper80: b[1]!, lower95: b[2]!, upper95: b[3]! } } : {}),
      }),
    );
    const m = summarize(p, ['2012-01-06'], 14);
    assert.deepEqual(m.byBand.map((b) => [b.band, b.points]), [['1..4', 2], ['5..13', 1], ['14..14', 1]]);
    const [near, mid, far] = m.byBand;
    // model |e| 10, 10 (holiday x5) -> WMAE 60/6 = 10; seasonal naive 20, 50 (x5) -> 270/6 = 45
    close(near!.metrics.model!.wmae, 10);
    close(near!.ratios.model!.wmae, 10 / 45);
    close(near!.ratios.model!.wape, 20 / 70);
    close(near!.ratios.seasonalNaive!.wmae, 1);
    close(mid!.ratios.model!.wmae, 2, 'loses 20 vs 10 at h = 5');
    close(far!.ratios.model!.wape, 0);
    // 80%: actual 100 above [85, 95] -> 10 + (2 / 0.2) * 5 = 60; 200 inside [190, 230] -> 40
    const [n80, n95] = near!.intervals;
    assert.equal(n80!.level, 0.8);
    close(n80!.coverage, 0.5);
    close(n80!.winkler, (60 + 40) / 2);
    close(n95!.coverage, 1);
    close(n95!.winkler, (30 + 60) / 2);
    close(mid!.intervals[0]!.winkler, 20 + 10 * 10, '50 below [60, 80]');
    assert.deepEqual(far!.intervals, [], 'no bounds in that band');
    assert.equal(m.intervals[0]!.n, 3);
    close(m.intervals[0]!.coverage, 1 / 3);
    close(m.intervals[0]!.winkler, (60 + 40 + 120) / 3);
  });
});
