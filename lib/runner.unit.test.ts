import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextOffsets, type Delivery } from './runner.js';

const at = (topic: string, partition: number, offset: string): Delivery => ({ topic, partition, offset, key: null, value: null, timestamp: '0', headers: {} });

describe('nextOffsets', () => {
  it('commits the highest offset + 1 of each topic-partition, whatever the order', () => {
    const out = nextOffsets([at('s', 0, '9'), at('s', 1, '3'), at('s', 0, '10'), at('s', 0, '2'), at('t', 0, '99'), at('s', 1, '1')]);
    assert.deepEqual(
      [...out.values()],
      [
        { topic: 's', partition: 0, offset: '11' },
        { topic: 's', partition: 1, offset: '4' },
        { topic: 't', partition: 0, offset: '100' },
      ],
    );
  });

  it('is exact past 2^53', () => {
    const out = nextOffsets([at('s', 0, '9007199254740993'), at('s', 0, '9007199254740992')]);
    assert.equal(out.get('s/0')?.offset, '9007199254740994');
  });
});
