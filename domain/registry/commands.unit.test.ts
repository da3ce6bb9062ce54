import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError } from '../../lib/errors.js';
import type { ModelPromoted, ModelTrained } from '../../schemas/types.js';
import { isRefusal, type Refusal } from '../decider.js';
import { givenWhenThen } from '../given-when-then.js';
import { promotionOfRun, registryDecider, type RegistryCommand } from './commands.js';
import { runRegistryCommand } from './command-handler.js';
import { championOf, foldRegistry, stageOf, type RegistryEvent, type RegistryState } from './state.js';
import { promoted, sha, trained } from './test/events.js';

/** given events, when a command, then the decision (the events, or the refusal). */
const when = (given: RegistryEvent[], cmd: RegistryCommand) => givenWhenThen(registryDecider, given, cmd).then;
const eventOf = (d: RegistryEvent[] | Refusal): ModelPromoted => {
  assert.ok(!isRefusal(d), `expected events, got the refusal ${isRefusal(d) ? d.refusal.message : ''}`);
  assert.equal(d.length, 1);
  assert.equal(d[0]!.type, 'promoted');
  return d[0]!.event as ModelPromoted;
};
const refusalOf = (d: RegistryEvent[] | Refusal) => {
  assert.ok(isRefusal(d), 'expected a refusal');
  return d.refusal;
};

// v1 champion, v2 rejected, v3 champion (replacing v1), v4 failed
const history = [trained(1, 'promoted'), promoted(1, null), trained(2, 'rejected'), trained(3, 'promoted'), promoted(3, 1), trained(4, 'failed')];
const by = { reason: 'x', by: 'ana', at: 9 };

describe('registry commands (given / when / then)', () => {
  it('given v3 champion after v1, when rolling back without a version, then v1 comes back as a rollback replacing v3', () => {
    const p = eventOf(when(history, { type: 'rollback', reason: 'bad forecasts', by: 'ops', at: 9 }));
    assert.deepEqual(
      { version: p.version, previousVersion: p.previousVersion, kind: p.kind, uri: p.artifactUri },
      { version: 1, previousVersion: 3, kind: 'rollback', uri: `kafka://t/${sha(1)}` },
    );
    const after = foldRegistry([...history, { type: 'promoted', event: p }]);
    assert.equal(championOf(after)?.version, 1);
    assert.equal(stageOf(after, 3), 'archived');
  });

  it('given v3 champion, when promoting the rejected v2 by hand, then a manual promotion replacing v3', () => {
    const p = eventOf(when(history, { type: 'promote', version: 2, kind: 'manual', reason: 'looks better on stores 1-5', by: 'ana', at: 9 }));
    assert.deepEqual([p.version, p.kind, p.previousVersion, p.reason, p.promotedBy, p.promotedAt], [2, 'manual', 3, 'looks better on stores 1-5', 'ana', 9]);
  });

  it('given v3 champion, when the command expects v3, then it is decided; when it expects v1 or none, then Conflict naming v3', () => {
    assert.equal(eventOf(when(history, { type: 'promote', version: 2, kind: 'manual', ...by, expectedChampion: 3 })).previousVersion, 3);
    for (const expectedChampion of [1, null]) {
      const r = refusalOf(when(history, { type: 'promote', version: 2, kind: 'manual', ...by, expectedChampion }));
      assert.ok(r instanceof ConflictError);
      assert.deepEqual([r.code, r.expected, r.actual], ['CONFLICT', expectedChampion, 3]);
      assert.match(r.message, /the champion is v3/);
    }
    assert.ok(refusalOf(when(history, { type: 'rollback', ...by, expectedChampion: 1 })) instanceof ConflictError);
  });

  it('given v3 champion, when promoting v3, then Conflict (not a validation error)', () => {
    const r = refusalOf(when(history, { type: 'promote', version: 3, kind: 'manual', ...by }));
    assert.ok(r instanceof ConflictError);
    assert.match(r.message, /v3 is already the champion/);
  });

  it('refuses a failed version, an unknown one and an empty reason, naming the problem', () => {
    assert.match(refusalOf(when(history, { type: 'promote', version: 4, kind: 'manual', ...by })).message, /failed to train/);
    assert.match(refusalOf(when(history, { type: 'promote', version: 99, kind: 'manual', ...by })).message, /model version 99 not found/);
    assert.match(refusalOf(when(history, { type: 'promote', version: 2, kind: 'manual', ...by, reason: ' ' })).message, /reason/);
  });

  it('given a first champion only, when rolling back, then NO_PREVIOUS; given nothing, then NO_CHAMPION', () => {
    assert.equal(refusalOf(when([trained(1, 'promoted'), promoted(1, null)], { type: 'rollback', ...by })).code, 'NO_PREVIOUS');
    assert.equal(refusalOf(when([], { type: 'rollback', ...by })).code, 'NO_CHAMPION');
  });

  it('the trainer records a policy promotion replacing the champion its run was measured against', () => {
    const run = (trained(5, 'promoted') as { event: ModelTrained }).event;
    const p = promotionOfRun(run, foldRegistry(history), 77);
    assert.deepEqual([p.version, p.previousVersion, p.kind, p.promotedAt], [5, 3, 'promotion', 77]);
  });
});

/** An in-memory log: append puts the event after whatever `interleave` slips in first (a concurrent writer). */
function memoryLog(given: RegistryEvent[], interleave: ModelPromoted[] = []) {
  const events = [...given];
  return {
    events,
    read: async (): Promise<RegistryState> => foldRegistry(events),
    append: async (e: ModelPromoted) => {
      for (const x of interleave.splice(0)) events.push({ type: 'promoted', event: x });
      events.push({ type: 'promoted', event: e });
    },
  };
}

describe('running a registry command against the log', () => {
  it('given v3 champion, when v2 is promoted, then the event is appended and takes effect', async () => {
    const log = memoryLog(history);
    const p = await runRegistryCommand({ type: 'promote', version: 2, kind: 'manual', ...by }, log);
    assert.equal(p.previousVersion, 3);
    assert.equal(championOf(await log.read())?.version, 2);
  });

  it('given v3 champion, when another promotion of v1 lands between decide and append, then Conflict naming v1 and v1 stays champion', async () => {
    const rival = eventOf(when(history, { type: 'rollback', reason: 'rival', by: 'bob', at: 8 }));
    const log = memoryLog(history, [rival]);
    await assert.rejects(
      runRegistryCommand({ type: 'promote', version: 2, kind: 'manual', ...by }, log),
      (err: unknown) => err instanceof ConflictError && err.actual === 1 && err.expected === 3 && /another promotion landed first/.test(err.message),
    );
    const s = await log.read();
    assert.equal(championOf(s)?.version, 1);
    assert.deepEqual(s.refused.map((p) => p.version), [2], 'the loser is in the log but refused');
  });

  it('a refused decision appends nothing', async () => {
    const log = memoryLog(history);
    await assert.rejects(runRegistryCommand({ type: 'promote', version: 3, kind: 'manual', ...by }, log), ConflictError);
    assert.equal(log.events.length, history.length);
  });
});
