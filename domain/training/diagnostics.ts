/**
 * What the trainer says while it works, on `node:diagnostics_channel`
 * (the gateway subscribes and forwards to the dashboard; nothing here knows
 * about the dashboard). Publishing costs nothing when nobody listens.
 */
import { channel } from 'node:diagnostics_channel';
import type { TrainerLine } from './params.js';

/** Channel name the gateway subscribes to. */
export const TRAINING_CHANNEL_NAME = 'forecast:training';
export const TRAINING_CHANNEL = channel(TRAINING_CHANNEL_NAME);

export type TrainingDiagnostic =
  | { type: 'requested'; requestId: string; trigger: string; reason: string; at: number }
  | { type: 'started'; runId: string; version: number; requestIds: string[]; reasons: string[]; at: number }
  | { type: 'phase'; runId: string; phase: string; ms: number; detail?: Record<string, unknown> }
  | { type: 'log'; runId: string; line: TrainerLine }
  | { type: 'finished'; runId: string; version: number; decision: 'promoted' | 'rejected' | 'failed'; reason: string; durationMs: number; at: number }
  /** A trigger waits for the sales log to be materialized before it decides (waiting), or its wait ended; `reason` is the log line. */
  | { type: 'trigger'; trigger: string; waiting: boolean; reason: string; at: number }
  /** The decay trigger measured a new window of the champion's live accuracy (`decayed`: it asked for a retraining); `text` has the numbers, `window` those the dashboard draws. */
  | { type: 'decay'; version: number; decayed: boolean; text: string; at: number; window?: DecayWindowFigures };

/** A measured decay window as the dashboard draws it: its weeks, the live WMAE and the WMAE from which it fires (trainer/triggers/decay.ts decayThreshold). */
export interface DecayWindowFigures {
  from: string;
  to: string;
  wmae: number;
  threshold: number;
}

/** Publishes one message when someone listens. */
export function publishTraining(msg: TrainingDiagnostic): void {
  if (TRAINING_CHANNEL.hasSubscribers) TRAINING_CHANNEL.publish(msg);
}
