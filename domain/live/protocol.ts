/**
 * The Socket.IO messages the gateway sends the dashboard. Everything is
 * pre-aggregated on the server; the dashboard only draws. Shared as types
 * with web/ (type-only imports, erased at build time).
 */
import type { AccuracyColumns } from './accuracy.js';

/** Series of the system-status charts, one value per tick (1 s). */
export const STATUS_KEYS = ['sales', 'requests', 'trained', 'promoted', 'dead', 'matLag', 'gwLag', 'rows', 'p50', 'p99', 'rps'] as const;
export type StatusKey = (typeof STATUS_KEYS)[number];

export type StatusColumns = { t: number[] } & Record<StatusKey, (number | null)[]>;

export interface Component {
  name: string;
  /** null = unknown (not checked yet, or not observable from the gateway) */
  ok: boolean | null;
  detail: string;
}

export interface Totals {
  rows: number | null;
  series: number;
  firstWeek: string | null;
  latestWeek: string | null;
  deadLetters: number | null;
  /** Messages on each topic (end offsets summed). */
  topicEnds: Record<string, number>;
  predictions: number;
}

export interface ModelState {
  /** The version being served, or null. */
  serving: number | null;
  servingSince: number | null;
  /** The latest promotion in the log (what should be served). */
  champion: number | null;
  state: 'none' | 'loading' | 'loaded' | 'failed';
  detail: string;
  /** The last load that failed on this gateway (the served model, if any, kept serving). */
  lastFailure: { version: number; reason: string; at: number } | null;
}

export interface TrainingLine {
  at: number;
  runId: string | null;
  kind: 'requested' | 'started' | 'phase' | 'log' | 'finished' | 'promoted' | 'load' | 'trigger' | 'decay';
  text: string;
  level: 'info' | 'warn' | 'error';
  /** On a `decay` line: the window's figures (absent from a trainer that sends the text only). */
  decay?: DecayPoint;
}

/** One measured decay window of a champion: what the dashboard's decay chart draws (WMAE in sales units). */
export interface DecayPoint {
  version: number;
  from: string;
  /** The window's last week: where the point goes on the x axis. */
  to: string;
  /** The champion's live WMAE over the window. */
  wmae: number;
  /** The live WMAE from which the window counts as decayed. */
  threshold: number;
  /** Whether it asked for a retraining (a `decay` training request). */
  decayed: boolean;
}

export interface RequestRow {
  requestId: string;
  trigger: string;
  reason: string;
  requestedBy: string;
  requestedAt: number;
  runId: string | null;
}

/** A version as the dashboard lists it (the API's ModelSummary). */
export interface ModelRow {
  version: number;
  runId: string;
  stage: string;
  trigger: string;
  reasons: string[];
  decision: string;
  decisionReason: string;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
  featureVersion: string;
  horizon: number | null;
  holdoutWeeks: string[];
  dataMaxWeek: string;
  dataRows: number | null;
  dataSeries: number | null;
  durationMs: number | null;
  artifactSha256: string;
  artifactBytes: number | null;
  trainedAt: number | null;
  promotedAt: number | null;
  tags: Record<string, string>;
  description: string;
  aliases: string[];
  bestRound: number | null;
}

export interface ModelsMessage {
  champion: number | null;
  models: ModelRow[];
  requests: RequestRow[];
}

/** The continuous simulator's pace as simulation.pace sets it (GET /v1/simulation/pace answers the same numbers). */
export interface PaceStatus {
  /** Seconds a simulated week takes (the --rate default over `series` until a pace is set). */
  secondsPerWeek: number;
  /** Events per second while running (0 while paused). */
  eventsPerSecond: number;
  /** Series a week holds, as the gateway counts them (the series of the log; SIM_STORES x SIM_DEPTS before any). */
  series: number;
  paused: boolean;
  source: 'event' | 'default';
  changedBy: string | null;
  /** epoch ms of the latest change, null before any */
  changedAt: number | null;
}

export interface Tick {
  t: number;
  values: Record<StatusKey, number | null>;
  totals: Totals;
  components: Component[];
  model: ModelState;
  pace: PaceStatus;
}

export interface Snapshot {
  at: number;
  columns: StatusColumns;
  totals: Totals;
  components: Component[];
  model: ModelState;
  accuracy: AccuracyColumns;
  models: ModelsMessage;
  training: TrainingLine[];
  /** The decay windows measured, oldest first (the last DECAY_CAP). */
  decay: DecayPoint[];
  pace: PaceStatus;
  /** Whether write operations need a token (the sidebar asks for one). */
  writesNeedToken: boolean;
}

/** Server -> client event names and payloads. */
export interface ServerEvents {
  snapshot: (s: Snapshot) => void;
  tick: (t: Tick) => void;
  accuracy: (a: AccuracyColumns) => void;
  models: (m: ModelsMessage) => void;
  training: (l: TrainingLine) => void;
}
