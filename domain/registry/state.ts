/**
 * The model registry is a fold over two logs: `model.trained` (every run,
 * its numbers and decision) and `model.promoted` (every change of champion,
 * rollbacks included). The same `evolveRegistry` serves the trainer and the
 * CLI's commands (live, from Kafka), the gateway (its in-memory projection),
 * the registry projector (the `applied` column) and the projection's readers
 * (from ClickHouse rows).
 *
 * The two topics are read side by side, so a promotion may be folded before
 * the run it names; nothing here depends on that order: the champion is the
 * last applied promotion in the promotion log, and a version's stage is
 * derived when asked, not stored.
 *
 * Optimistic concurrency, decided by the log itself: every promotion carries
 * the champion it replaces (`previousVersion`, null for the first one). A
 * promotion applies only when that is the champion at its place in the
 * promotion log (one partition, so log order is total); otherwise it is
 * refused, kept in `refused` and changes nothing. Two commands decided on
 * the same champion may both be appended, but only the first one in the log
 * takes effect, for every reader alike; the other's writer reads the log to
 * its end, sees its event refused and answers Conflict (409). A stale writer
 * (a lagging projection, a long training run) can therefore never record a
 * wrong `previousVersion` that a later rollback would follow.
 */
import { AppError, NotFoundError, UnprocessableError } from '../../lib/errors.js';
import { assertNever, foldAll, type Fold } from '../decider.js';
import type { ModelAliasChanged, ModelAnnotated, ModelPromoted, ModelTrained } from '../../schemas/types.js';
import { applyAlias, sameAliasChange } from './aliases.js';
import { applyAnnotation, type Annotations } from './annotations.js';
import type { Metrics } from './metrics.js';
import type { ConformalIntervals } from '../intervals/conformal.js';
import type { Blend } from '../ensemble/blend.js';

export type RegistryEvent =
  | { type: 'trained'; event: ModelTrained }
  | { type: 'promoted'; event: ModelPromoted }
  | { type: 'annotated'; event: ModelAnnotated }
  | { type: 'aliased'; event: ModelAliasChanged };

export interface RegistryState {
  /** Every run by version (a failed run has a version too: versions number runs). */
  readonly versions: ReadonlyMap<number, ModelTrained>;
  /** Promotions that took effect, in log order; the last one names the champion. */
  readonly promotions: readonly ModelPromoted[];
  /** Promotions the log refused: their `previousVersion` was not the champion where they landed. */
  readonly refused: readonly ModelPromoted[];
  /** Tags and description per version (model.annotations), patches applied in log order. */
  readonly annotations: ReadonlyMap<number, Annotations>;
  /** Alias -> version, besides the champion (model.aliases). */
  readonly aliases: ReadonlyMap<string, number>;
  /** Alias changes that took effect, and those the log refused (they did not replace what they named), as for promotions. */
  readonly aliasChanges: readonly ModelAliasChanged[];
  readonly refusedAliasChanges: readonly ModelAliasChanged[];
}

export const emptyRegistry: RegistryState = Object.freeze({
  versions: new Map<number, ModelTrained>(),
  promotions: [],
  refused: [],
  annotations: new Map<number, Annotations>(),
  aliases: new Map<string, number>(),
  aliasChanges: [],
  refusedAliasChanges: [],
});

/**
 * - champion: named by the latest promotion
 * - archived: was champion once, not now
 * - candidate: passed the policy but no promotion is recorded (yet)
 * - rejected / failed: the run's own decision
 */
export type Stage = 'champion' | 'archived' | 'candidate' | 'rejected' | 'failed';

/**
 * Applies one event. Redelivered events (same version, or an identical
 * promotion) leave the state as it was; a promotion that does not replace
 * the current champion is refused (see the file comment).
 */
export function evolveRegistry(state: RegistryState, e: RegistryEvent): RegistryState {
  switch (e.type) {
    case 'trained': {
      const versions = new Map(state.versions);
      versions.set(e.event.version, e.event);
      return { ...state, versions };
    }
    case 'promoted': {
      const p = e.event;
      const same = (q: ModelPromoted) => samePromotion(q, p);
      if (state.promotions.some(same) || state.refused.some(same)) return state;
      return p.previousVersion === (championOf(state)?.version ?? null)
        ? { ...state, promotions: [...state.promotions, p] }
        : { ...state, refused: [...state.refused, p] };
    }
    case 'annotated': {
      const annotations = new Map(state.annotations);
      annotations.set(e.event.version, applyAnnotation(state.annotations.get(e.event.version), e.event));
      return { ...state, annotations };
    }
    case 'aliased': {
      const a = e.event;
      const same = (q: ModelAliasChanged) => sameAliasChange(q, a);
      if (state.aliasChanges.some(same) || state.refusedAliasChanges.some(same)) return state;
      const aliases = applyAlias(state.aliases, a);
      return aliases ? { ...state, aliases, aliasChanges: [...state.aliasChanges, a] } : { ...state, refusedAliasChanges: [...state.refusedAliasChanges, a] };
    }
    default:
      return assertNever(e);
  }
}

/** Whether `p` is one of the promotions that took effect (false: refused, or not folded yet). */
export function isApplied(state: RegistryState, p: ModelPromoted): boolean {
  return state.promotions.some((q) => samePromotion(q, p));
}

/** Whether an alias change took effect (false: refused, or not folded yet). */
export function isAliasApplied(state: RegistryState, a: ModelAliasChanged): boolean {
  return state.aliasChanges.some((q) => sameAliasChange(q, a));
}

/** Whether an alias change was folded and refused. */
export function isAliasRefused(state: RegistryState, a: ModelAliasChanged): boolean {
  return state.refusedAliasChanges.some((q) => sameAliasChange(q, a));
}

/** The aliases naming a version, sorted. */
export function aliasesOf(state: RegistryState, version: number): string[] {
  return [...state.aliases].filter(([, v]) => v === version).map(([a]) => a).sort();
}

/** Whether the registry has heard of a version (its run or a promotion of it). */
export function isKnownVersion(state: RegistryState, version: number): boolean {
  return state.versions.has(version) || state.promotions.some((p) => p.version === version);
}

/** The artifact a version can be served from: its run's, or a promotion's; null when it has none (unknown, failed). */
export function artifactOfVersion(state: RegistryState, version: number): { sha256: string; uri: string; runId: string } | null {
  const run = state.versions.get(version);
  if (run && run.decision !== 'failed' && run.artifactUri !== '') return { sha256: run.artifactSha256, uri: run.artifactUri, runId: run.runId };
  const p = [...state.promotions].reverse().find((q) => q.version === version);
  return p && p.artifactUri !== '' ? { sha256: p.artifactSha256, uri: p.artifactUri, runId: p.runId } : null;
}

/** Why a version cannot be served (NotFoundError: unknown; UnprocessableError: no artifact), or null. */
export function unservable(state: RegistryState, version: number): AppError | null {
  if (!isKnownVersion(state, version)) return new NotFoundError(`model version ${version}`);
  if (!artifactOfVersion(state, version)) return new UnprocessableError('version', `a version with a model artifact (v${version} has none: it failed to train)`, version);
  return null;
}

/** Whether `p` was folded and refused. */
export function isRefused(state: RegistryState, p: ModelPromoted): boolean {
  return state.refused.some((q) => samePromotion(q, p));
}

/** The same event (a redelivery): every field equal. */
function samePromotion(a: ModelPromoted, b: ModelPromoted): boolean {
  return (
    a.version === b.version &&
    a.promotedAt === b.promotedAt &&
    a.kind === b.kind &&
    a.previousVersion === b.previousVersion &&
    a.promotedBy === b.promotedBy &&
    a.reason === b.reason &&
    a.runId === b.runId
  );
}

/** Folds events from the empty registry. */
export function foldRegistry(events: Iterable<RegistryEvent>, from: RegistryState = emptyRegistry): RegistryState {
  return foldAll(registryFold, events, from);
}

/** The registry as a fold (registryDecider in commands.ts adds the commands). */
export const registryFold: Fold<RegistryState, RegistryEvent> = { initial: emptyRegistry, evolve: evolveRegistry };

/** The latest applied promotion (the champion's record), or null before the first one. */
export function championOf(state: RegistryState): ModelPromoted | null {
  return state.promotions.at(-1) ?? null;
}

/** The stage of a version, or null when the registry has never heard of it. */
export function stageOf(state: RegistryState, version: number): Stage | null {
  const champion = championOf(state);
  if (champion?.version === version) return 'champion';
  if (state.promotions.some((p) => p.version === version)) return 'archived';
  const run = state.versions.get(version);
  if (!run) return null;
  return run.decision === 'promoted' ? 'candidate' : run.decision;
}

/** The next version number: one past every version either log mentions (1 for an empty registry). */
export function nextVersion(state: RegistryState): number {
  let max = 0;
  for (const v of state.versions.keys()) max = Math.max(max, v);
  for (const p of [...state.promotions, ...state.refused]) max = Math.max(max, p.version);
  return max + 1;
}

/** The last week the champion was trained on, or null without a champion (or before its run is folded). */
export function championDataWeek(state: RegistryState): string | null {
  const c = championOf(state);
  if (!c) return null;
  const run = state.versions.get(c.version);
  return run && run.dataMaxWeek !== '' ? run.dataMaxWeek : null;
}

/** Every request id some recorded run answered. */
export function answeredRequestIds(state: RegistryState): string[] {
  const out: string[] = [];
  for (const run of state.versions.values()) out.push(...run.requestIds);
  return out;
}

/** A run's metrics JSON as written by the trainer. */
export interface RunMetrics {
  model?: Metrics;
  seasonalNaive?: Metrics;
  lastValue?: Metrics;
  champion?: Metrics | null;
  championVersion?: number | null;
  /** Why the champion has no numbers (no champion, other feature layout...). */
  championNote?: string;
  /** Holdout points every forecast was scored on, and those left out. */
  points?: number;
  dropped?: number;
  /** The same comparison per horizon band (1..4, 5..13, 14..H). */
  bands?: { label: string; from: number; to: number; points: number; metrics: Record<string, Metrics> }[];
  /** Conformal intervals calibrated on the holdout residuals; the gateway serves them with the model. */
  intervals?: ConformalIntervals;
  /** The ensemble weights per horizon band (domain/ensemble/blend.ts); the gateway blends with them. Absent = the model alone. */
  blend?: Blend;
  /** Rows the model learned from, of how many qualified (the row budget samples beyond it), and the target-week window (0 = all). */
  training?: { rows: number; candidates: number; sampleRate: number; windowWeeks: number };
}

/** Parses a run's metrics JSON; malformed text gives an empty object (a failed run has none). */
export function runMetrics(run: ModelTrained): RunMetrics {
  try {
    const v = JSON.parse(run.metrics) as unknown;
    return v && typeof v === 'object' ? (v as RunMetrics) : {};
  } catch {
    return {};
  }
}

/** One line of a version listing. */
export interface ModelSummary {
  version: number;
  stage: Stage;
  runId: string;
  decision: ModelTrained['decision'] | 'unknown';
  decisionReason: string;
  trigger: string;
  dataMaxWeek: string;
  trainedAt: number | null;
  /** Holdout WAPE of the model and its comparators (null when not measured). */
  wape: { model: number | null; seasonalNaive: number | null; lastValue: number | null; champion: number | null };
  artifactUri: string;
}

/** Every known version, newest first, with its stage and headline numbers. */
export function summarize(state: RegistryState): ModelSummary[] {
  const versions = new Set<number>([...state.versions.keys(), ...state.promotions.map((p) => p.version)]);
  return [...versions]
    .sort((a, b) => b - a)
    .map((v) => {
      const run = state.versions.get(v);
      const m = run ? runMetrics(run) : {};
      const promo = [...state.promotions].reverse().find((p) => p.version === v);
      return {
        version: v,
        stage: stageOf(state, v) ?? 'candidate',
        runId: run?.runId ?? promo?.runId ?? '',
        decision: run?.decision ?? 'unknown',
        decisionReason: run?.decisionReason ?? '',
        trigger: run?.trigger ?? '',
        dataMaxWeek: run?.dataMaxWeek ?? '',
        trainedAt: run?.trainedAt ?? null,
        wape: {
          model: num(m.model?.wape),
          seasonalNaive: num(m.seasonalNaive?.wape),
          lastValue: num(m.lastValue?.wape),
          champion: num(m.champion?.wape),
        },
        artifactUri: run?.artifactUri || promo?.artifactUri || '',
      };
    });
}

function num(v: number | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
