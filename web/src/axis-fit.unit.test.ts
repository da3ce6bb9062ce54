import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type uPlot from 'uplot';
import { fitAxis } from './axis-fit.js';

// 7 px a character: "140,000" is 49 px wide
const measure = (s: string) => s.length * 7;
const plot = (axis: Partial<uPlot.Axis>) => ({ axes: [{}, axis] }) as unknown as uPlot;

describe('y axis width', () => {
  it('holds the widest label, the tick and the gap', () => {
    const size = fitAxis(40, measure) as (u: uPlot, v: string[], i: number, c: number) => number;
    // 49 + tick 10 + gap 5 + 4 of air
    assert.equal(size(plot({ ticks: { size: 10 }, gap: 5 }), ['0', '70,000', '140,000'], 1, 0), 68);
    assert.ok(size(plot({}), ['140,000'], 1, 0) > 60, 'wider than the 60 px that cut it');
  });

  it('keeps its minimum for short labels, and before any label is known', () => {
    const size = fitAxis(50, measure) as (u: uPlot, v: string[] | null, i: number, c: number) => number;
    assert.equal(size(plot({}), ['0', '5'], 1, 0), 50);
    assert.equal(size(plot({}), null, 1, 0), 50);
  });

  it('leaves the tick out when ticks are hidden', () => {
    const size = fitAxis(0, measure) as (u: uPlot, v: string[], i: number, c: number) => number;
    assert.equal(size(plot({ ticks: { show: false }, gap: 5 }), ['140,000'], 1, 0), 58);
  });
});
