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
import type { ModelPromoted } from '../../schemas/types.js';
import { decideRegistry, promotionOrThrow, type RegistryCommand } from './commands.js';
import { championOf, isApplied, isRefused, type RegistryState } from './state.js';

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
