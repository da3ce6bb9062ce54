import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replayStart } from './args.js';

describe('replay --from / --in-place', () => {
  it('starts at the beginning without --from, or with --from beginning, in place or not', () => {
    for (const inPlace of [false, true]) {
      assert.deepEqual(replayStart(undefined, inPlace), { kind: 'beginning' });
      assert.deepEqual(replayStart('beginning', inPlace), { kind: 'beginning' });
    }
  });

  it('starts at a time into another database', () => {
    assert.deepEqual(replayStart('2026-11-26T10:00:00Z', false), { kind: 'timestamp', ms: Date.parse('2026-11-26T10:00:00Z') });
  });

  it('refuses a partial in-place rebuild, saying why and what to do instead', () => {
    assert.throws(() => replayStart('2026-11-26T10:00:00Z', true), /^UsageError: --from: refused with --in-place: an in-place replay drops the live projection tables, so it must rebuild them from the beginning \(got --from 2026-11-26T10:00:00Z\)\. Drop --from .*\(--target DB/);
  });

  it('names --from and the expected form for a time it cannot read', () => {
    assert.throws(() => replayStart('yesterday', false), /^UsageError: --from: expected an ISO 8601 time such as 2026-11-26T10:00:00Z \(or "beginning"\), got "yesterday"$/);
  });
});
