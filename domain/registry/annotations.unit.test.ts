import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../lib/errors.js';
import type { ModelAliasChanged, ModelAnnotated } from '../../schemas/types.js';
import { decideAlias, MAX_ALIASES, type AliasCommand } from './aliases.js';
import { decideAnnotation, MAX_TAGS } from './annotations.js';
import { aliasesOf, foldRegistry, isAliasApplied, isAliasRefused, isKnownVersion, unservable, type RegistryEvent, type RegistryState } from './state.js';
import { promoted, trained } from './test/events.js';

const annotated = (version: number, patch: Partial<ModelAnnotated>, at: number): RegistryEvent => ({
  type: 'annotated',
  event: { version, setTags: {}, removeTags: [], description: null, annotatedBy: 'ann', annotatedAt: at, ...patch },
});
const aliased = (alias: string, version: number | null, previousVersion: number | null, at: number): RegistryEvent => ({
  type: 'aliased',
  event: { alias, version, previousVersion, reason: 'r', changedBy: 'me', changedAt: at },
});
const base = () => foldRegistry([trained(1, 'promoted'), promoted(1, null), trained(2, 'rejected'), trained(3, 'failed')]);

/** The decision's event, or throws its refusal. */
function decided<T>(d: { events: [T] } | { refusal: AppError }): T {
  if ('refusal' in d) throw d.refusal;
  return d.events[0];
}
type Cmd = { type: 'set-alias'; alias: string; version: number; reason?: string; expectedVersion?: number | null } | { type: 'remove-alias'; alias: string; expectedVersion?: number | null };
const alias = (cmd: Cmd, s: RegistryState): ModelAliasChanged =>
  decided(decideAlias({ ...cmd, by: 'me', at: 5 } as AliasCommand, { aliases: s.aliases, unservable: (v) => unservable(s, v) }));

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
    const s = base();
    const known = (v: number) => isKnownVersion(s, v);
    const e = decided(decideAnnotation({ version: 2, setTags: { team: 'x' }, description: 'd', by: 'me', at: 7 }, known, undefined));
    assert.deepEqual(e, { version: 2, setTags: { team: 'x' }, removeTags: [], description: 'd', annotatedBy: 'me', annotatedAt: 7 });
    const refusal = (d: ReturnType<typeof decideAnnotation>) => ('refusal' in d ? d.refusal : null);
    assert.ok(refusal(decideAnnotation({ version: 9, setTags: { a: 'b' }, by: 'me', at: 1 }, known, undefined)) instanceof NotFoundError);
    const empty = refusal(decideAnnotation({ version: 2, by: 'me', at: 1 }, known, undefined));
    assert.ok(empty instanceof UnprocessableError && empty.field === 'body');
    const badKey = refusal(decideAnnotation({ version: 2, setTags: { 'white space': 'b' }, by: 'me', at: 1 }, known, undefined));
    assert.ok(badKey instanceof ValidationError && badKey.field === 'setTags.white space', String(badKey));
    const both = refusal(decideAnnotation({ version: 2, setTags: { a: '1' }, removeTags: ['a'], by: 'me', at: 1 }, known, undefined));
    assert.ok(both instanceof ValidationError && both.field === 'removeTags.0');
    const full = Object.fromEntries(Array.from({ length: MAX_TAGS }, (_, i) => [`k${i}`, 'v']));
    const s2 = foldRegistry([annotated(2, { setTags: full }, 1)], s);
    const over = refusal(decideAnnotation({ version: 2, setTags: { one: 'more' }, by: 'me', at: 2 }, known, s2.annotations.get(2)));
    assert.ok(over instanceof UnprocessableError && over.field === 'setTags');
    assert.ok(!('refusal' in decideAnnotation({ version: 2, setTags: { k0: 'replaced' }, by: 'me', at: 2 }, known, s2.annotations.get(2))), 'replacing a tag is no new tag');
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
    const s = foldRegistry([aliased('pinned', 1, null, 10)], base());
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
    const s = foldRegistry(Array.from({ length: MAX_ALIASES }, (_, i) => aliased(`a${i}`, 1, null, i)), base());
    assert.throws(() => alias({ type: 'set-alias', alias: 'one-more', version: 2 }, s), (e: unknown) => e instanceof UnprocessableError && e.field === 'alias');
    assert.equal(alias({ type: 'set-alias', alias: 'a0', version: 2 }, s).previousVersion, 1);
  });
});
