/**
 * Commands on the registry (promote a version, roll back) decided against the
 * folded state. The only way the champion changes is a `model.promoted`
 * event; these functions say which one, or why not.
 */
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { ModelPromoted, ModelTrained, PromotionKind } from '../../schemas/types.js';
import { championOf, type RegistryState } from './state.js';

export type RegistryCommand =
  | { type: 'promote'; version: number; kind: PromotionKind; reason: string; by: string; at: number }
  /** Without a version: back to the champion before the current one. */
  | { type: 'rollback'; version?: number; reason: string; by: string; at: number };

/** The promotion event a command asks for; throws ValidationError / NotFoundError with what was wrong. */
export function decideRegistry(cmd: RegistryCommand, state: RegistryState): ModelPromoted {
  if (typeof cmd.reason !== 'string' || cmd.reason.trim() === '') throw new ValidationError('reason', 'a non-empty text', cmd.reason);
  const champion = championOf(state);
  let version: number;
  let kind: PromotionKind;
  if (cmd.type === 'promote') {
    version = cmd.version;
    kind = cmd.kind;
  } else {
    kind = 'rollback';
    if (cmd.version !== undefined) version = cmd.version;
    else if (!champion) throw new AppError('NO_CHAMPION', 'there is no champion to roll back from');
    else if (champion.previousVersion === null) throw new AppError('NO_PREVIOUS', `champion v${champion.version} has no earlier champion to roll back to`);
    else version = champion.previousVersion;
  }
  if (!Number.isInteger(version) || version < 1) throw new ValidationError('version', 'a positive integer', version);
  const run = state.versions.get(version);
  const earlier = [...state.promotions].reverse().find((p) => p.version === version);
  if (!run && !earlier) throw new NotFoundError(`model version ${version}`);
  if (champion?.version === version) throw new ValidationError('version', `a version other than the current champion v${version}`, version);
  const artifact = artifactOf(run, earlier);
  if (!artifact) {
    throw new ValidationError('version', `a version with a model artifact (v${version} ${run?.decision === 'failed' ? 'failed to train' : 'has none'})`, version);
  }
  return {
    version,
    runId: run?.runId ?? earlier!.runId,
    previousVersion: champion?.version ?? null,
    kind,
    reason: cmd.reason.trim(),
    artifactSha256: artifact.sha256,
    artifactUri: artifact.uri,
    promotedBy: cmd.by,
    promotedAt: cmd.at,
  };
}

/** The promotion the trainer records for a run its policy promoted. */
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

function artifactOf(run: ModelTrained | undefined, earlier: ModelPromoted | undefined): { sha256: string; uri: string } | null {
  if (run && run.decision !== 'failed' && run.artifactUri !== '') return { sha256: run.artifactSha256, uri: run.artifactUri };
  if (earlier && earlier.artifactUri !== '') return { sha256: earlier.artifactSha256, uri: earlier.artifactUri };
  return null;
}
