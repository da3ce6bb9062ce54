import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError } from '../../lib/errors.js';
import { parseCli } from '../../lib/process/cli.js';
import { MODELS_CLI, conflictMessage, expectArg, formatList } from './cli.js';

describe('trainer CLI', () => {
  it('splits words and flags (both --k v and --k=v)', () => {
    assert.deepEqual(parseCli(MODELS_CLI, ['models', 'promote', '3', '--reason', 'better on holidays', '--by=ana']), {
      values: { reason: 'better on holidays', by: 'ana' },
      positionals: ['models', 'promote', '3'],
    });
  });

  it('reads --expect as a version or none, and names the flag when it is neither', () => {
    assert.deepEqual([expectArg(undefined), expectArg('7'), expectArg('v7'), expectArg('none')], [undefined, 7, 7, null]);
    assert.throws(() => expectArg('seven'), /--expect: expected the champion version/);
  });

  it('prints a conflict with the actual champion and how to retry', () => {
    const text = conflictMessage(new ConflictError('the champion is v7, not v1 as the command expected', 1, 7));
    assert.match(text, /^conflict: the champion is v7, not v1/);
    assert.match(text, /--expect 7/);
  });

  it('names the flag that has no value, and an unknown flag as unknown (not as one missing a value)', () => {
    assert.throws(() => parseCli(MODELS_CLI, ['train', '--reason']), /^UsageError: --reason: expected a value after the flag$/);
    assert.throws(() => parseCli(MODELS_CLI, ['models', 'list', '--bogus']), /^UsageError: --bogus: unknown flag; known flags: --reason, --cutoff, --params, --by, --expect, --help$/);
  });

  it('lists versions as an aligned table with percentages', () => {
    const text = formatList([
      { version: 2, stage: 'champion', runId: 'r2', decision: 'promoted', decisionReason: '', trigger: 'manual', dataMaxWeek: '2012-10-26', trainedAt: Date.parse('2024-01-02T03:04:00Z'), wape: { model: 0.0812, seasonalNaive: 0.1, lastValue: null, champion: 0.09 }, artifactUri: 'u' },
    ]);
    const [head, row] = text.split('\n');
    assert.match(head!, /^version\s+stage\s+WAPE/);
    assert.match(row!, /^v2\s+champion\s+8\.12%\s+10\.00%\s+-\s+9\.00%\s+2012-10-26\s+2024-01-02 03:04\s+manual$/);
  });
});
