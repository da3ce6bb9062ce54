import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilter } from './filter.js';
import { parseOrder } from './order.js';
import { bind, compileSearch, literal } from './sql.js';

describe('run search SQL', () => {
  it('values of the request are placeholders with typed params, never in the text', () => {
    const q = compileSearch({ filter: parseFilter("metrics.wape < 0.12 and tags.team = 'x\\' OR 1=1 --'"), order: parseOrder('params.eta DESC'), limit: 10, offset: 20 }, 'db', 7);
    assert.ok(!q.text.includes('0.12') && !q.text.includes('OR 1=1') && !q.text.includes("'wape'"), q.text);
    assert.match(q.text, /\(has\(m_keys, \{p1:String\}\) AND m_values\[indexOf\(m_keys, \{p1:String\}\)\] < \{p0:Float64\}\)/);
    assert.match(q.text, /ORDER BY if\(has\(p_keys, \{p4:String\}\), toFloat64OrNull\(.*\), NULL\) DESC NULLS LAST, .* DESC NULLS LAST, version DESC\nLIMIT \{p6:UInt32\} OFFSET \{p7:UInt32\}$/);
    assert.match(q.text, /multiIf\(version = \{p5:UInt32\}, 'champion'/);
    assert.deepEqual(q.params, {
      p0: { type: 'Float64', value: 0.12 },
      p1: { type: 'String', value: 'wape' },
      p2: { type: 'String', value: "x' OR 1=1 --" },
      p3: { type: 'String', value: 'team' },
      p4: { type: 'String', value: 'eta' },
      p5: { type: 'UInt32', value: 7 },
      p6: { type: 'UInt32', value: 10 },
      p7: { type: 'UInt32', value: 20 },
    });
  });

  it('no champion yet: no run is the champion', () => {
    assert.match(compileSearch({ filter: [], order: [], limit: 1, offset: 0 }, 'db', null).text, /multiIf\(0, 'champion'/);
  });

  it('bind renders each placeholder with its typed literal; quotes and backslashes escaped', () => {
    assert.equal(bind({ text: 'a = {p0:String} AND b < {p1:Float64} LIMIT {p2:UInt32}', params: { p0: { type: 'String', value: "x' OR '1'='1\\" }, p1: { type: 'Float64', value: -3 }, p2: { type: 'UInt32', value: 5 } } }),
      "a = 'x\\' OR \\'1\\'=\\'1\\\\' AND b < (-3) LIMIT 5");
  });

  it('a placeholder without its value, of another type, or a value that does not fit, throws', () => {
    assert.throws(() => bind({ text: '{p0:String}', params: {} }), /has no String value/);
    assert.throws(() => bind({ text: '{p0:Float64}', params: { p0: { type: 'String', value: '1' } } }), /has no Float64 value/);
    assert.throws(() => literal({ type: 'Float64', value: Number.NaN }), /not a finite Float64/);
    assert.throws(() => literal({ type: 'UInt32', value: -1 }), /not a UInt32/);
    assert.throws(() => literal({ type: 'UInt32', value: 1.5 }), /not a UInt32/);
  });
});
