import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelTrained } from '../../../schemas/types.js';
import { trained } from '../test/events.js';
import { runValueRows, tagRows } from './search-rows.js';

describe('search projection rows', () => {
  const at = { partition: 0, offset: '7' };

  it('params flattened, metrics of the model bare and of comparators prefixed; non-finite values left out', () => {
    const metrics = { model: { n: 4, wape: 0.1, mae: 2, rmse: null, wmae: 3 }, seasonalNaive: { n: 4, wape: 0.3 }, champion: null, points: 4 };
    const e = trained(2, 'promoted', { metrics: JSON.stringify(metrics), params: JSON.stringify({ eta: 0.2, booster: 'gbtree', nested: { a: 1 } }) }).event as ModelTrained;
    const rows = runValueRows(e, at).map((r) => [r.kind, r.key, r.num, r.str]);
    assert.deepEqual(rows, [
      ['metric', 'wape', 0.1, '0.1'],
      ['metric', 'mae', 2, '2'],
      ['metric', 'wmae', 3, '3'],
      ['metric', 'n', 4, '4'],
      ['metric', 'seasonalNaive.wape', 0.3, '0.3'],
      ['metric', 'seasonalNaive.n', 4, '4'],
      ['metric', 'points', 4, '4'],
      ['param', 'eta', 0.2, '0.2'],
      ['param', 'booster', 0, 'gbtree'],
      ['param', 'nested.a', 1, '1'],
    ]);
    assert.ok(runValueRows(e, at).every((r) => r.version === 2 && r.kafka_offset === 7));
  });

  it('a tag patch: set keys with values, removed keys marked', () => {
    const rows = tagRows({ version: 3, setTags: { team: 'x' }, removeTags: ['old'], description: null, annotatedBy: 'a', annotatedAt: 1 }, at);
    assert.deepEqual(rows.map((r) => [r.key, r.value, r.removed]), [['team', 'x', 0], ['old', '', 1]]);
  });
});
