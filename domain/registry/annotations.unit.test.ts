import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../lib/errors.js';
import type { ModelAliasChanged, ModelAnnotated } from '../../schemas/types.js';
import { isRefusal, type Refusal } from '../decider.js';
import { givenWhenThen } from '../given-when-then.js';
import { MAX_ALIASES, type AliasCommand } from './aliases.js';
import { MAX_TAGS, type AnnotateCommand } from './annotations.js';
import { registryDecider } from './commands.js';
import { aliasesOf, foldRegistry, isAliasApplied, isAliasRefused, type RegistryEvent } from './state.js';
import { promoted, trained } from './test/events.js';

const annotated = (version: number, patch: Partial<ModelAnnotated>, at: number): RegistryEvent => ({
  type: 'annotated',
  event: { version, setTags: {}, removeTags: [], description: null, annotatedBy: 'ann', annotatedAt: at, ...patch },
});
const aliased = (alias: string, version: number | null, previousVersion: number | null, at: number): RegistryEvent => ({
  type: 'aliased',
  event: { alias, version, previousVersion, reason: 'r', changedBy: 'me', changedAt: at },
});
const baseEvents: RegistryEvent[] = [trained(1, 'promoted'), promoted(1, null), trained(2, 'rejected'), trained(3, 'failed')];
const base = () => foldRegistry(baseEvents);

/** given events, when one registry command, then: its one event's payload, or throws its refusal. */
function decided(given: RegistryEvent[], cmd: Parameters<typeof registryDecider.decide>[0]): unknown {
  const { then } = givenWhenThen(registryDecider, given, cmd);
  if (isRefusal(then)) throw then.refusal;
  assert.equal(then.length, 1);
  return then[0]!.event;
}
/** given events, when an annotate command, then its refusal (null when it decided an event). */
const annotateRefusal = (given: RegistryEvent[], cmd: AnnotateCommand) => {
  const { then } = givenWhenThen(registryDecider, given, { ...cmd, type: 'annotate' });
  return isRefusal(then) ? (then as Refusal).refusal : null;
};
type Cmd = { type: 'set-alias'; alias: string; version: number; reason?: string; expectedVersion?: number | null } | { type: 'remove-alias'; alias: string; expectedVersion?: number | null };
const alias = (cmd: Cmd, given: RegistryEvent[]): ModelAliasChanged => decided(given, { ...cmd, by: 'me', at: 5 } as AliasCommand) as ModelAliasChanged;

describe('tags and description (model.annotations)', () => {
  it('given patches in log order, then tags merge per key and the description is the last one set', () => {
    const s = foldRegistry(
      [
        annotated(2, { setTags: { team: 'demand', stage: 'try' }, description: 'first try' }, 10),
        annotated(2, { setTags: { stage: 'keep' }, removeTags: ['team'] }, 11),
        annotated(2, { setTags: { owner: 'ana' } }, 12),
      ],
      base(),
    );
    const a = s.annotations.get(2)!;
    assert.deepEqual(a.tags, { stage: 'keep', owner: 'ana' });
    assert.equal(a.description, 'first try', 'a patch without a description leaves it');
    assert.equal(a.updatedAt, 12);
    const cleared = foldRegistry([annotated(2, { description: '' }, 13)], s);
    assert.equal(cleared.annotations.get(2)!.description, '');
    assert.deepEqual(foldRegistry([annotated(2, { setTags: { owner: 'ana' } }, 12)], s).annotations.get(2), a, 'a redelivery changes nothing');
  });

  it('decides an edit: unknown version 404, a bad key 400 naming the field, nothing to change or too many tags 422', () => {
    const s = baseEvents;
    const e = decided(s, { type: 'annotate', version: 2, setTags: { team: 'x' }, description: 'd', by: 'me', at: 7 });
    assert.deepEqual(e, { version: 2, setTags: { team: 'x' }, removeTags: [], description: 'd', annotatedBy: 'me', annotatedAt: 7 });
    assert.ok(annotateRefusal(s, { version: 9, setTags: { a: 'b' }, by: 'me', at: 1 }) instanceof NotFoundError);
    const empty = annotateRefusal(s, { version: 2, by: 'me', at: 1 });
    assert.ok(empty instanceof UnprocessableError && empty.field === 'body');
    const badKey = annotateRefusal(s, { version: 2, setTags: { 'white space': 'b' }, by: 'me', at: 1 });
    assert.ok(badKey instanceof ValidationError && badKey.field === 'setTags.white space', String(badKey));
    const both = annotateRefusal(s, { version: 2, setTags: { a: '1' }, removeTags: ['a'], by: 'me', at: 1 });
    assert.ok(both instanceof ValidationError && both.field === 'removeTags.0');
    const full = Object.fromEntries(Array.from({ length: MAX_TAGS }, (_, i) => [`k${i}`, 'v']));
    const s2 = [...s, annotated(2, { setTags: full }, 1)];
    const over = annotateRefusal(s2, { version: 2, setTags: { one: 'more' }, by: 'me', at: 2 });
    assert.ok(over instanceof UnprocessableError && over.field === 'setTags');
    assert.equal(annotateRefusal(s2, { version: 2, setTags: { k0: 'replaced' }, by: 'me', at: 2 }), null, 'replacing a tag is no new tag');
  });
});

describe('aliases (model.aliases)', () => {
  it('given set, move and remove, then the alias names what the last applied change says', () => {
    const s = foldRegistry([aliased('pinned', 1, null, 10), aliased('challenger', 2, null, 11), aliased('pinned', 2, 1, 12)], base());
    assert.deepEqual([...s.aliases].sort(), [['challenger', 2], ['pinned', 2]]);
    assert.deepEqual(aliasesOf(s, 2), ['challenger', 'pinned']);
    assert.deepEqual(aliasesOf(s, 1), []);
    const removed = foldRegistry([aliased('challenger', null, 2, 13)], s);
    assert.deepEqual([...removed.aliases], [['pinned', 2]]);
  });

  it('refuses a change that does not replace what the alias names where it lands (the first of two concurrent ones wins)', () => {
    const a = aliased('pinned', 1, null, 10);
    const b = aliased('pinned', 2, null, 11);
    const s = foldRegistry([a, b], base());
    assert.equal(s.aliases.get('pinned'), 1);
    assert.ok(isAliasApplied(s, a.event as ModelAliasChanged));
    assert.ok(isAliasRefused(s, b.event as ModelAliasChanged));
    assert.deepEqual(foldRegistry([a], s), s, 'a redelivery of an applied change changes nothing');
  });

  it('decides set and remove: previousVersion from the state, 409 on a stale expectation or no change, 404 and 422 naming the version', () => {
    const s = [...baseEvents, aliased('pinned', 1, null, 10)];
    assert.deepEqual(alias({ type: 'set-alias', alias: 'pinned', version: 2, reason: ' why ' }, s), { alias: 'pinned', version: 2, previousVersion: 1, reason: 'why', changedBy: 'me', changedAt: 5 });
    assert.deepEqual(alias({ type: 'remove-alias', alias: 'pinned' }, s), { alias: 'pinned', version: null, previousVersion: 1, reason: 'removed pinned', changedBy: 'me', changedAt: 5 });
    assert.throws(() => alias({ type: 'set-alias', alias: 'pinned', version: 2, expectedVersion: null }, s), (e: unknown) => e instanceof ConflictError && e.actual === 1 && e.expected === null);
    assert.throws(() => alias({ type: 'set-alias', alias: 'pinned', version: 1 }, s), ConflictError);
    assert.throws(() => alias({ type: 'set-alias', alias: 'other', version: 9 }, s), (e: unknown) => e instanceof NotFoundError && /version 9/.test(e.message));
    assert.throws(() => alias({ type: 'set-alias', alias: 'other', version: 3 }, s), (e: unknown) => e instanceof UnprocessableError && e.field === 'version');
    assert.throws(() => alias({ type: 'remove-alias', alias: 'nope' }, s), NotFoundError);
    assert.throws(() => alias({ type: 'set-alias', alias: 'champion', version: 2 }, s), (e: unknown) => e instanceof ValidationError && e.field === 'alias');
    assert.throws(() => alias({ type: 'set-alias', alias: 'Pinned', version: 2 }, s), (e: unknown) => e instanceof ValidationError && e.field === 'alias');
  });

  it(`holds at most ${MAX_ALIASES} aliases; moving one of them is still allowed`, () => {
    const s = [...baseEvents, ...Array.from({ length: MAX_ALIASES }, (_, i) => aliased(`a${i}`, 1, null, i))];
    assert.throws(() => alias({ type: 'set-alias', alias: 'one-more', version: 2 }, s), (e: unknown) => e instanceof UnprocessableError && e.field === 'alias');
    assert.equal(alias({ type: 'set-alias', alias: 'a0', version: 2 }, s).previousVersion, 1);
  });
});
