/**
 * Named aliases of model versions besides the champion ("challenger",
 * "pinned"...), recorded as `model.aliases` events. The champion stays the
 * promotion log's: "champion" is not an alias anyone can set. Like a
 * promotion, an alias change names what the alias pointed to when it was
 * decided (`previousVersion`), and the registry fold applies it only if that
 * still holds where it lands in the log; of two concurrent changes the first
 * wins for every reader and the other's writer answers Conflict (409).
 */
import { ConflictError, NotFoundError, UnprocessableError, ValidationError, type AppError } from '../../lib/errors.js';
import { checked, refuse, isRefusal, type Refusal } from '../decider.js';
import type { ModelAliasChanged } from '../../schemas/types.js';

/** An alias name: a lower-case letter, then up to 31 lower-case letters, digits, `_` or `-`. */
export const ALIAS = /^[a-z][a-z0-9_-]{0,31}$/;
/** Names the promotion log owns. */
export const RESERVED_ALIASES: readonly string[] = ['champion'];
/** Most aliases a registry holds at once (each one may keep a model loaded in every gateway). */
export const MAX_ALIASES = 16;

/** Checks an alias name; throws ValidationError naming `field`. */
export function validateAlias(alias: unknown, field = 'alias'): string {
  if (typeof alias !== 'string' || !ALIAS.test(alias)) throw new ValidationError(field, 'an alias name: a lower-case letter, then up to 31 of a-z, 0-9, _ or -', alias);
  if (RESERVED_ALIASES.includes(alias)) throw new ValidationError(field, `a name other than ${alias} (the champion changes only by promotion)`, alias);
  return alias;
}

interface AliasBase {
  alias: string;
  reason?: string;
  by: string;
  at: number;
  /** The version the alias names now (null: it does not exist); default what the state says. Another answers 409. */
  expectedVersion?: number | null;
}

export type AliasCommand = (AliasBase & { type: 'set-alias'; version: number }) | (AliasBase & { type: 'remove-alias' });

/** What the decider needs to know of the registry. */
export interface AliasFacts {
  aliases: ReadonlyMap<string, number>;
  /** Why a version cannot be aliased (unknown, failed, no artifact), or null when it can. */
  unservable(version: number): AppError | null;
}

/**
 * Decides an alias command: the event, or the refusal (ValidationError,
 * NotFoundError, ConflictError). `facts` is the decider's view of the
 * registry state (registryDecider in commands.ts builds it).
 */
export function decideAlias(cmd: AliasCommand, facts: AliasFacts): [{ type: 'aliased'; event: ModelAliasChanged }] | Refusal {
  const alias = checked(() => validateAlias(cmd.alias));
  if (isRefusal(alias)) return alias;
  const current = facts.aliases.get(alias) ?? null;
  const expected = cmd.expectedVersion === undefined ? current : cmd.expectedVersion;
  if (expected !== current) return refuse(new ConflictError(`alias ${alias} names ${name(current)}, not ${name(expected)} as the command expected`, expected, current));
  let version: number | null = null;
  if (cmd.type === 'set-alias') {
    if (!Number.isInteger(cmd.version) || cmd.version < 1) return refuse(new ValidationError('version', 'a positive integer', cmd.version));
    const why = facts.unservable(cmd.version);
    if (why) return refuse(why);
    if (current === cmd.version) return refuse(new ConflictError(`alias ${alias} already names v${cmd.version}`, expected, current));
    if (current === null && facts.aliases.size >= MAX_ALIASES) return refuse(new UnprocessableError('alias', `one of the ${MAX_ALIASES} aliases that exist (remove one first)`, alias));
    version = cmd.version;
  } else if (current === null) {
    return refuse(new NotFoundError(`alias ${alias}`));
  }
  const reason = (cmd.reason ?? '').trim() || (version === null ? `removed ${alias}` : `${alias} -> v${version}`);
  return [{ type: 'aliased', event: { alias, version, previousVersion: current, reason, changedBy: cmd.by, changedAt: cmd.at } }];
}

/** Applies an alias change to the alias map if it replaces what it names; returns null when the log refuses it. */
export function applyAlias(aliases: ReadonlyMap<string, number>, e: ModelAliasChanged): Map<string, number> | null {
  if ((aliases.get(e.alias) ?? null) !== e.previousVersion) return null;
  const next = new Map(aliases);
  if (e.version === null) next.delete(e.alias);
  else next.set(e.alias, e.version);
  return next;
}

/** The same event (a redelivery): every field equal. */
export function sameAliasChange(a: ModelAliasChanged, b: ModelAliasChanged): boolean {
  return a.alias === b.alias && a.version === b.version && a.previousVersion === b.previousVersion && a.changedAt === b.changedAt && a.changedBy === b.changedBy && a.reason === b.reason;
}

const name = (v: number | null) => (v === null ? 'nothing' : `v${v}`);
