import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../lib/errors.js';
import { createLogger, setLogLevel } from '../../lib/log.js';
import { foldRegistry, type RegistryEvent, type RegistryState } from '../../domain/registry/state.js';
import { promoted, trained } from '../../domain/registry/test/events.js';
import { HttpError } from '../http/errors.js';
import { AliasModels } from './alias-models.js';
import { ModelHolder, type LoadedModel } from './holder.js';
import type { ArtifactRef } from './loader.js';

function fake(version: number, released: number[]): LoadedModel {
  return {
    version, runId: `run-${version}`, sha256: `s${version}`, horizon: 4, intervals: null, loadedAt: 0,
    scorer: { score: async () => new Float32Array(0), warm: async () => undefined, release: async () => void released.push(version) },
  };
}
const aliased = (alias: string, version: number | null, previousVersion: number | null, at: number): RegistryEvent => ({
  type: 'aliased',
  event: { alias, version, previousVersion, reason: 'r', changedBy: 'me', changedAt: at },
});

/** Alias models over a registry the test moves, with an opener that counts and can be made to fail. */
function setUp(events: RegistryEvent[]) {
  setLogLevel('error');
  let state: RegistryState = foldRegistry([trained(1, 'promoted'), promoted(1, null), trained(2, 'rejected'), trained(3, 'rejected'), ...events]);
  const opened: number[] = [];
  const released: number[] = [];
  const failing = new Set<number>();
  const champion = new ModelHolder();
  champion.swap(fake(1, released));
  const models = new AliasModels({
    open: async (ref: ArtifactRef) => {
      opened.push(ref.version);
      await new Promise((r) => setTimeout(r, 5));
      if (failing.has(ref.version)) throw new Error('artifact not found');
      return fake(ref.version, released);
    },
    registry: () => state,
    champion,
    log: createLogger('test'),
  });
  return { models, opened, released, failing, move: (e: RegistryEvent) => (state = foldRegistry([e], state)) };
}

describe('alias models', () => {
  it('serves the champion by default and an alias of the champion from the champion\'s own holder (loaded once)', async () => {
    const { models, opened } = setUp([aliased('pinned', 1, null, 1)]);
    const a = await models.lease(undefined);
    const b = await models.lease('pinned');
    assert.deepEqual([a.model.version, a.alias, b.model.version, b.alias], [1, 'champion', 1, 'pinned']);
    a.release();
    b.release();
    assert.deepEqual(opened, [], 'nothing loaded twice');
  });

  it('loads an aliased version once for concurrent requests, and 404s an unknown alias', async () => {
    const { models, opened } = setUp([aliased('challenger', 2, null, 1)]);
    const [a, b] = await Promise.all([models.lease('challenger'), models.lease('challenger')]);
    assert.deepEqual([a.model.version, b.model.version], [2, 2]);
    assert.deepEqual(opened, [2]);
    a.release();
    b.release();
    await assert.rejects(models.lease('nope'), NotFoundError);
  });

  it('releases a version no alias names any more, after its last in-flight request', async () => {
    const { models, released, move } = setUp([aliased('challenger', 2, null, 1)]);
    const inFlight = await models.lease('challenger');
    move(aliased('challenger', 3, 2, 2));
    models.sync();
    assert.deepEqual(released, [], 'v2 still answers a request');
    inFlight.release();
    assert.deepEqual(released, [2]);
    const next = await models.lease('challenger');
    assert.equal(next.model.version, 3);
    assert.deepEqual(models.loadedVersions(), [3]);
    next.release();
  });

  it('answers 503 with the reason when the aliased model cannot load, and loads it on a later request', async () => {
    const { models, failing } = setUp([aliased('challenger', 2, null, 1)]);
    failing.add(2);
    await assert.rejects(models.lease('challenger'), (err: unknown) => err instanceof HttpError && err.status === 503 && /v2 \(alias challenger\).*artifact not found/.test(err.message));
    failing.delete(2);
    const s = await models.lease('challenger');
    assert.equal(s.model.version, 2);
    s.release();
  });
});
