/**
 * Runs a registry command against the log: read the registry folded up to
 * the log's end offsets, decide, append, then read to the end again and
 * look at what the log made of the event. The fold applies a promotion only
 * if it still replaces the champion it names (state.ts), so when two
 * commands race, the one appended first wins for every reader and the other
 * finds its event refused and reports a ConflictError naming the champion
 * that won. No lock and no projection is involved.
 */
import { ConflictError, DependencyError } from '../../lib/errors.js';
import type { ModelAliasChanged, ModelAnnotated, ModelPromoted } from '../../schemas/types.js';
import { eventsOrThrow } from '../decider.js';
import type { AliasCommand } from './aliases.js';
import { noAnnotations, type AnnotateCommand, type Annotations } from './annotations.js';
import { decideRegistry, promotionOrThrow, registryDecider, type RegistryCommand } from './commands.js';
import { championOf, isAliasApplied, isAliasRefused, isApplied, isRefused, type RegistryState } from './state.js';

export interface RegistryLog {
  /** The registry folded from the log up to its end offsets as of the call. */
  read(): Promise<RegistryState>;
  /** Appends a promotion (acknowledged by all replicas). */
  append(e: ModelPromoted): Promise<void>;
}

/** The promotion that took effect; throws the decider's refusal, or ConflictError when a concurrent promotion landed first. */
export async function runRegistryCommand(cmd: RegistryCommand, log: RegistryLog): Promise<ModelPromoted> {
  const event = promotionOrThrow(decideRegistry(cmd, await log.read()));
  await log.append(event);
  const after = await log.read();
  if (isApplied(after, event)) return event;
  if (isRefused(after, event)) {
    const actual = championOf(after)?.version ?? null;
    throw new ConflictError(
      `another promotion landed first: the champion is ${actual === null ? 'none' : `v${actual}`}, not v${event.version} (this promotion of v${event.version} was recorded but refused)`,
      event.previousVersion,
      actual,
    );
  }
  throw new DependencyError('kafka', `the promotion of v${event.version} was acknowledged but is not in the log read to its end`);
}

/** The log as the alias and annotation commands see it. */
export interface AnnotationLog {
  read(): Promise<RegistryState>;
  appendAlias(e: ModelAliasChanged): Promise<void>;
  appendAnnotation(e: ModelAnnotated): Promise<void>;
}

/**
 * Sets or removes an alias as runRegistryCommand promotes: decide against the
 * log read to its end, append, read again; a change the fold refused (another
 * change of the same alias landed first) is a ConflictError naming what the alias names.
 */
export async function runAliasCommand(cmd: AliasCommand, log: AnnotationLog): Promise<ModelAliasChanged> {
  const [decided] = eventsOrThrow(registryDecider.decide(cmd, await log.read()));
  if (decided?.type !== 'aliased') throw new TypeError(`an alias command decided ${decided?.type ?? 'no event'}`);
  const event = decided.event;
  await log.appendAlias(event);
  const after = await log.read();
  if (isAliasApplied(after, event)) return event;
  if (isAliasRefused(after, event)) {
    const actual = after.aliases.get(event.alias) ?? null;
    throw new ConflictError(`another change of alias ${event.alias} landed first: it names ${actual === null ? 'nothing' : `v${actual}`} (this change was recorded but refused)`, event.previousVersion, actual);
  }
  throw new DependencyError('kafka', `the change of alias ${event.alias} was acknowledged but is not in the log read to its end`);
}

/** Edits a version's tags and description: decide, append, and wait until the log has it folded; returns the version's annotations then. */
export async function runAnnotationCommand(cmd: AnnotateCommand, log: AnnotationLog): Promise<Annotations> {
  const [decided] = eventsOrThrow(registryDecider.decide({ ...cmd, type: 'annotate' }, await log.read()));
  if (decided?.type !== 'annotated') throw new TypeError(`an annotate command decided ${decided?.type ?? 'no event'}`);
  await log.appendAnnotation(decided.event);
  const after = await log.read();
  return after.annotations.get(cmd.version) ?? noAnnotations;
}
