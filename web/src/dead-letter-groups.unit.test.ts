import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupDeadLetters, originTopics, prettyRecord, reasonKind } from './dead-letter-groups.js';

const letter = (reason: string, at: string) => ({ reason, at });

describe('dead letters for the reader', () => {
  it('leaves the offending value out of a reason', () => {
    assert.equal(reasonKind('week: expected a date on series 1:1\'s 7-day grid (for example 2011-02-25 or 2011-03-04), got "2011-03-03"'), "week: expected a date on series 1:1's 7-day grid");
    assert.equal(reasonKind('schema: unknown id "42" in the header'), 'schema: unknown id "…" in the header');
    assert.equal(reasonKind('not decodable'), 'not decodable');
  });

  it('groups by origin topic and reason kind, counting messages and letters, most letters first', () => {
    const groups = groupDeadLetters([
      { origin: { topic: 'sales.weekly' }, letters: [letter('week: expected a date on the grid, got "2011-03-03"', '2026-01-01T10:00:00Z')] },
      { origin: { topic: 'forecast.published' }, letters: [letter('horizon: expected 1..52, got 0', '2026-01-01T09:00:00Z'), letter('horizon: expected 1..52, got 0', '2026-01-01T11:00:00Z')] },
      { origin: { topic: 'sales.weekly' }, letters: [letter('week: expected a date on the grid, got "2011-03-10"', '2026-01-01T12:00:00Z')] },
      { origin: { topic: 'forecast.published' }, letters: [letter('horizon: expected 1..52, got 99', '2026-01-01T08:00:00Z')] },
    ]);
    assert.deepEqual(groups, [
      { topic: 'forecast.published', reason: 'horizon: expected 1..52', messages: 2, letters: 3, last: '2026-01-01T11:00:00Z' },
      { topic: 'sales.weekly', reason: 'week: expected a date on the grid', messages: 2, letters: 2, last: '2026-01-01T12:00:00Z' },
    ]);
    assert.deepEqual(originTopics([{ origin: { topic: 'b' }, letters: [] }, { origin: { topic: 'a' }, letters: [] }, { origin: { topic: 'b' }, letters: [] }]), ['b', 'a']);
  });

  it('indents a JSON record and leaves anything else as it is', () => {
    assert.equal(prettyRecord('{"store":1,"week":"2011-03-03"}'), '{\n  "store": 1,\n  "week": "2011-03-03"\n}');
    assert.equal(prettyRecord('not json {'), 'not json {');
  });
});
