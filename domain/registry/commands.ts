/**
 * Commands on the registry (promote a version, roll back; with aliases.ts and
 * annotations.ts: set or remove an alias, annotate) as one pure decider,
 * `registryDecider` (domain/decider.ts): `decide(command, state)` returns
 * the events to append or the refusal, never throws; `evolve` is the
 * registry fold (state.ts). The only way the champion changes is a
 * `model.promoted` event; this says which one, or why not.
 *
 * A command names the champion it expects to replace (`expectedChampion`;
 * omitted: the champion of the state it is decided on, i.e. the one the
 * caller just read from the log). The event carries it as
 * `previousVersion`, and the fold (state.ts) applies a promotion only when
 * that is still the champion where it lands in the log, so a command decided
 * on a stale state can never take effect. `runRegistryCommand`
 * (command-handler.ts) reads the log to its end before and after appending.
 */
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { ModelPromoted, ModelTrained, PromotionKind } from '../../schemas/types.js';
import { assertNever, eventsOrThrow, refuse, type Decider, type Refusal } from '../decider.js';
import { decideAlias, type AliasCommand } from './aliases.js';
import { decideAnnotation, type AnnotateCommand } from './annotations.js';
import { championOf, emptyRegistry, evolveRegistry, isKnownVersion, unservable, type RegistryEvent, type RegistryState } from './state.js';

interface CommandBase {
  reason: string;
  by: string;
  /** When the command was issued (epoch ms). */
  at: number;
  /** The champion the command replaces (null: none yet); default the state's champion. */
  expectedChampion?: number | null;
}

export type RegistryCommand =
  | (CommandBase & { type: 'promote'; version: number; kind: PromotionKind })
  /** Without a version: back to the champion before the current one. */
  | (CommandBase & { type: 'rollback'; version?: number });

/** What a promote / rollback decides: the promotion to append, or why not (an error to throw or answer with). */
export type RegistryDecision = [{ type: 'promoted'; event: ModelPromoted }] | Refusal;

/** Every command the registry decides on. */
export type AnyRegistryCommand = RegistryCommand | AliasCommand | (AnnotateCommand & { type: 'annotate' });

/** The registry as one decider: promote / rollback here, aliases and annotations in their files, all over the one registry state. */
export const registryDecider: Decider<AnyRegistryCommand, RegistryState, RegistryEvent> = {
  initial: emptyRegistry,
  decide(cmd, state) {
    switch (cmd.type) {
      case 'promote':
      case 'rollback':
        return decideRegistry(cmd, state);
      case 'set-alias':
      case 'remove-alias':
        return decideAlias(cmd, { aliases: state.aliases, unservable: (v) => unservable(state, v) });
      case 'annotate':
        return decideAnnotation(cmd, { known: (v) => isKnownVersion(state, v), current: (v) => state.annotations.get(v) });
      default:
        return assertNever(cmd, 'registry command');
    }
  },
  evolve: evolveRegistry,
};

/**
 * Decides a command against the registry state.
 * Refusals: ValidationError (reason, version), NotFoundError (unknown
 * version), ConflictError (the champion is not the expected one, or the
 * version asked for is already the champion), AppError NO_CHAMPION /
 * NO_PREVIOUS (nothing to roll back to).
 */
export function decideRegistry(cmd: RegistryCommand, state: RegistryState): RegistryDecision {
  if (typeof cmd.reason !== 'string' || cmd.reason.trim() === '') return refuse(new ValidationError('reason', 'a non-empty text', cmd.reason));
  const current = championOf(state)?.version ?? null;
  const expected = cmd.expectedChampion === undefined ? current : cmd.expectedChampion;
  if (expected !== current) {
    return refuse(new ConflictError(`the champion is ${name(current)}, not ${name(expected)} as the command expected`, expected, current));
  }
  const target = targetOf(cmd, state);
  if (target instanceof AppError) return refuse(target);
  const { version, kind } = target;
  if (!Number.isInteger(version) || version < 1) return refuse(new ValidationError('version', 'a positive integer', version));
  const run = state.versions.get(version);
  const earlier = [...state.promotions].reverse().find((p) => p.version === version);
  if (!run && !earlier) return refuse(new NotFoundError(`model version ${version}`));
  if (current === version) return refuse(new ConflictError(`v${version} is already the champion`, expected, current));
  const artifact = artifactOf(run, earlier);
  if (!artifact) {
    return refuse(new ValidationError('version', `a version with a model artifact (v${version} ${run?.decision === 'failed' ? 'failed to train' : 'has none'})`, version));
  }
  const event: ModelPromoted = {
    version,
    runId: run?.runId ?? earlier!.runId,
    previousVersion: current,
    kind,
    reason: cmd.reason.trim(),
    artifactSha256: artifact.sha256,
    artifactUri: artifact.uri,
    promotedBy: cmd.by,
    promotedAt: cmd.at,
  };
  return [{ type: 'promoted', event }];
}

/** The promotion a command decides, or throws its refusal (for callers that answer with exceptions). */
export function promotionOrThrow(d: RegistryDecision): ModelPromoted {
  return eventsOrThrow(d)[0].event;
}

/**
 * The promotion the trainer records for a run its policy promoted, replacing
 * the champion the run was validated against (so if someone promoted another
 * version meanwhile, the fold refuses it rather than replace an unmeasured champion).
 */
export function promotionOfRun(run: ModelTrained, state: RegistryState, at: number): ModelPromoted {
  return {
    version: run.version,
    runId: run.runId,
    previousVersion: championOf(state)?.version ?? null,
    kind: 'promotion',
    reason: run.decisionReason,
    artifactSha256: run.artifactSha256,
    artifactUri: run.artifactUri,
    promotedBy: 'trainer',
    promotedAt: at,
  };
}

function targetOf(cmd: RegistryCommand, state: RegistryState): { version: number; kind: PromotionKind } | AppError {
  if (cmd.type === 'promote') return { version: cmd.version, kind: cmd.kind };
  if (cmd.type !== 'rollback') return assertNever(cmd, 'registry command');
  if (cmd.version !== undefined) return { version: cmd.version, kind: 'rollback' };
  const champion = championOf(state);
  if (!champion) return new AppError('NO_CHAMPION', 'there is no champion to roll back from');
  if (champion.previousVersion === null) return new AppError('NO_PREVIOUS', `champion v${champion.version} has no earlier champion to roll back to`);
  return { version: champion.previousVersion, kind: 'rollback' };
}

function artifactOf(run: ModelTrained | undefined, earlier: ModelPromoted | undefined): { sha256: string; uri: string } | null {
  if (run && run.decision !== 'failed' && run.artifactUri !== '') return { sha256: run.artifactSha256, uri: run.artifactUri };
  if (earlier && earlier.artifactUri !== '') return { sha256: earlier.artifactSha256, uri: earlier.artifactUri };
  return null;
}

const name = (v: number | null) => (v === null ? 'none' : `v${v}`);
