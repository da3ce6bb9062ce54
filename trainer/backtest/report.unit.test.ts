import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarize } from './aggregate.js';
import { metricsCsv } from './outputs.js';
import { PointSet } from '../../domain/backtest/points.js';
import { errorCharts } from './report-data.js';
import { renderReport } from './report-html.js';
import type { BacktestResult } from './result.js';

function tiny(): BacktestResult {
  const p = new PointSet();
  p.push({ cutoff: 0, series: 0, horizon: 1, targetDay: 15345, holiday: false, actual: 100, forecasts: { model: 90, seasonalNaive: 120, lastValue: 100, mean4: 80 }, bounds: { lower80: 85, upper80: 95, lower95: 80, upper95: 110 } });
  p.push({ cutoff: 0, series: 0, horizon: 2, targetDay: 15352, holiday: true, actual: 50, forecasts: { model: 70, seasonalNaive: 50, lastValue: 40, mean4: 55 } });
  const metrics = summarize(p, ['2012-01-06'], 2);
  return {
    id: 'bt-20240101-000000-abcdef',
    requestedAt: 0,
    finishedAt: 1000,
    durationMs: 1000,
    spec: { cutoffs: { kind: 'last', count: 1 }, horizon: 2, refitEvery: 1, params: { rounds: 10 }, series: [] },
    data: { topic: 'sales.weekly', offsets: { 0: 2 }, read: 2, invalid: 0, events: 2, series: 1, firstWeek: '2011-01-07', lastWeek: '2012-01-20', weeks: 55 },
    cutoffs: ['2012-01-06'],
    refits: [],
    metrics,
    seriesForecast: 1,
    noActual: 0,
    notes: ['a note with </script><img src=x> in it'],
    timings: {},
    files: { result: '/x/result.json', metricsCsv: '/x/metrics.csv', pointsCsv: '/x/points.csv', report: '/x/report.html' },
  };
}

describe('backtest outputs', () => {
  it('writes metrics CSV rows per scope, key and method', () => {
    const csv = metricsCsv(tiny().metrics).trim().split('\n');
    assert.equal(csv[0], 'scope,key,method,n,wape,mae,rmse,wmae');
    // model overall: |e| 10 and 20 over sum|y| 150; WMAE (10 + 5*20) / 6
    assert.equal(csv[1], `overall,all,model,2,0.2,15,${+Math.sqrt(250).toFixed(4)},18.3333`);
    assert.ok(csv.includes('horizon,2,lastValue,1,0.2,10,10,10'));
    assert.ok(csv.some((l) => l.startsWith('cutoff,2012-01-06,mean4,2,')));
    assert.equal(csv.length, 1 + 4 * (1 + 2 + 1));
  });

  it('renders a self-contained page: uPlot inlined, nothing fetched, text escaped', () => {
    const r = tiny();
    const html = renderReport(r, errorCharts(r.metrics));
    assert.ok(html.includes('uPlot'), 'uPlot script inlined');
    assert.ok(html.includes('.uplot'), 'uPlot stylesheet inlined');
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, 'no external script or stylesheet');
    assert.ok(!html.includes('<img src=x>'), 'notes are escaped');
    // band 1..2: model WMAE (10 + 5 x 20) / 6 over seasonal naive's (20 + 0) / 6 = 5.5; WAPE 30 / 20 = 1.5;
    // the one interval: 100 above [85, 95] (Winkler 10 + 10 x 5 = 60), inside [80, 110] (width 30)
    assert.match(html, /<tr><th>h 1\.\.2<\/th><td>2<\/td><td>5\.500<\/td><td>1\.500<\/td><td>0\.0%<\/td><td>100\.0%<\/td><td>60<\/td><td>30<\/td><\/tr>/);
    const json = /<script type="application\/json" id="chart-data">(.*?)<\/script>/s.exec(html)?.[1];
    const charts = JSON.parse(json ?? 'null') as { xs: number[]; lines: { label: string; values: (number | null)[] }[] }[];
    assert.deepEqual(charts[0]!.xs, [1, 2], 'error by horizon');
    assert.deepEqual(charts[0]!.lines[0], { label: 'model', color: '#1f6fd1', values: [10, 40] });
  });
});
