import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelPromoted } from '../../schemas/types.js';
import { lineOfModelLog } from './training-feed.js';

const p: ModelPromoted = { version: 2, runId: 'r2', previousVersion: 1, kind: 'manual', reason: 'x', artifactSha256: 's', artifactUri: 'u', promotedBy: 'ana', promotedAt: 5 };

describe('training feed lines for promotions', () => {
  it('an applied promotion says what it replaced', () => {
    const l = lineOfModelLog({ type: 'promoted', event: p });
    assert.deepEqual([l.level, l.text], ['info', 'manual to v2 (was v1) by ana: x']);
  });

  it('a refused promotion is a warning naming the champion it met', () => {
    const l = lineOfModelLog({ type: 'promoted', event: p }, 3);
    assert.deepEqual([l.level, l.text], ['warn', 'manual to v2 by ana refused: it replaces v1 but the champion is v3']);
  });
});
