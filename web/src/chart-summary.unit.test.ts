import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartSummary } from './chart-summary.js';

const week = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

describe('chart text alternative', () => {
  it('says the weeks covered and each series\' last value and range', () => {
    const data = [
      [week('2011-07-29'), week('2011-08-05'), week('2011-08-12')],
      [12_000, 8_000.4, 16_500],
      [null, null, 14_210.6],
      [null, null, null],
    ];
    assert.equal(
      chartSummary(data, ['actual', 'predicted', 'forecast'], 'date'),
      '3 weeks, 2011-07-29 to 2011-08-12. actual: last 16,500, from 8,000 to 16,500. predicted: last 14,211, from 14,211 to 14,211. forecast: no data.',
    );
  });

  it('keeps small values readable, names versions, and says when there is nothing yet', () => {
    assert.equal(chartSummary([[2], [0.0812]], ['model'], 'version'), '1 version, v2. model: last 0.081, from 0.081 to 0.081.');
    assert.equal(chartSummary([[1, 2], [0.1, 0.25]], ['WAPE'], 'horizon', (v) => `${(v * 100).toFixed(1)}%`), '2 horizons, h1 to h2. WAPE: last 25.0%, from 10.0% to 25.0%.');
    assert.equal(chartSummary([[], []], ['rows'], 'clock'), 'No data yet.');
  });
});
