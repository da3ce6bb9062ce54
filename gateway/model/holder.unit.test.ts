import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelHolder, type LoadedModel } from './holder.js';

function fake(version: number, released: number[]): LoadedModel {
  return {
    version,
    runId: `r${version}`,
    sha256: `s${version}`,
    horizon: 4,
    intervals: null,
    loadedAt: 0,
    scorer: { score: async () => new Float32Array(0), warm: async () => undefined, release: async () => void released.push(version) },
  };
}

describe('model holder: atomic swap with leases', () => {
  it('no lease before the first model', () => {
    assert.equal(new ModelHolder().lease(), null);
  });

  it('a lease taken before a swap keeps its model; the old session is released only when the last lease returns', () => {
    const released: number[] = [];
    const h = new ModelHolder();
    h.swap(fake(1, released));
    const a = h.lease()!;
    const b = h.lease()!;
    h.swap(fake(2, released));
    assert.equal(h.lease()!.model.version, 2, 'new leases get the new model at once');
    assert.equal(a.model.version, 1);
    a.release();
    a.release(); // idempotent
    assert.deepEqual(released, [], 'v1 still has a request in flight');
    b.release();
    assert.deepEqual(released, [1]);
  });

  it('an idle model is released at the swap', () => {
    const released: number[] = [];
    const h = new ModelHolder();
    h.swap(fake(1, released));
    h.swap(fake(2, released));
    assert.deepEqual(released, [1]);
    assert.equal(h.current?.version, 2);
  });
});
