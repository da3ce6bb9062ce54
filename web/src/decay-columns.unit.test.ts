import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decayColumns } from './decay-columns.js';
import type { DecayPoint } from '../../domain/live/protocol.js';

const pt = (version: number, to: string, wmae: number, threshold: number, decayed = false): DecayPoint => ({ version, from: to, to, wmae, threshold, decayed });
// 2011-09-02T00:00Z in seconds
const SEP2 = 1_314_921_600;
const WEEK = 7 * 86_400;

describe('decay chart columns', () => {
  it('one x per window end, one WMAE column per version, the threshold last, a marker where it fired', () => {
    const c = decayColumns([pt(1, '2011-09-02', 1900, 1368, true), pt(1, '2011-09-09', 2500, 1368), pt(2, '2011-09-09', 800, 2164), pt(2, '2011-09-16', 700, 2164)]);
    assert.deepEqual(c.versions, [1, 2]);
    assert.deepEqual(c.data, [
      [SEP2, SEP2 + WEEK, SEP2 + 2 * WEEK],
      [1900, 2500, null],
      [null, 800, 700],
      // on 09-09 both were measured: v2's bar (listed after v1) is the one drawn
      [1368, 2164, 2164],
    ]);
    assert.deepEqual(c.markers, [SEP2]);
  });

  it('nothing measured: empty columns and no marker', () => {
    assert.deepEqual(decayColumns([]), { data: [[], []], versions: [], markers: [] });
  });
});
