import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ModelPromoted, ModelTrained, TrainingRequested } from '../../schemas/types.js';
import { TRAINING_CHANNEL_NAME, type TrainingDiagnostic } from '../../domain/training/diagnostics.js';
import type { LoadEvent } from '../model/loader.js';
import type { TrainingLine } from '../../domain/live/protocol.js';

/**
 * A training-log line for a model-log event (works whichever process the trainer runs in).
 * `refusedBy`: for a promotion the registry fold refused, the champion it met instead (null = none).
 */
export function lineOfModelLog(
  e: { type: 'requested'; event: TrainingRequested } | { type: 'trained'; event: ModelTrained } | { type: 'promoted'; event: ModelPromoted },
  refusedBy?: number | null,
): TrainingLine {
  switch (e.type) {
    case 'requested':
      return { at: Number(e.event.requestedAt), runId: null, kind: 'requested', level: 'info', text: `request ${e.event.requestId.slice(0, 8)} (${e.event.trigger}, by ${e.event.requestedBy}): ${e.event.reason}` };
    case 'trained': {
      const r = e.event;
      return {
        at: Number(r.trainedAt),
        runId: r.runId,
        kind: 'finished',
        level: r.decision === 'failed' ? 'error' : r.decision === 'rejected' ? 'warn' : 'info',
        text: `run v${r.version} ${r.decision} after ${(Number(r.durationMs) / 1000).toFixed(1)} s (${r.trigger}): ${r.decisionReason}`,
      };
    }
    case 'promoted': {
      const p = e.event;
      const was = (v: number | null) => (v === null ? 'none' : `v${v}`);
      if (refusedBy !== undefined) {
        return {
          at: Number(p.promotedAt),
          runId: p.runId,
          kind: 'promoted',
          level: 'warn',
          text: `${p.kind} to v${p.version} by ${p.promotedBy} refused: it replaces ${was(p.previousVersion)} but the champion is ${was(refusedBy)}`,
        };
      }
      return {
        at: Number(p.promotedAt),
        runId: p.runId,
        kind: 'promoted',
        level: 'info',
        text: `${p.kind} to v${p.version}${p.previousVersion !== null ? ` (was v${p.previousVersion})` : ''} by ${p.promotedBy}: ${p.reason}`,
      };
    }
    default: {
      const never: never = e;
      throw new Error(`unhandled ${JSON.stringify(never)}`);
    }
  }
}

/** A line for a model load on this gateway. */
export function lineOfLoad(e: LoadEvent): TrainingLine | null {
  if (e.type === 'loading') return null;
  if (e.type === 'loaded') return { at: e.at, runId: null, kind: 'load', level: 'info', text: `gateway serving v${e.version} (loaded in ${Math.round(e.ms)} ms)` };
  return { at: e.at, runId: null, kind: 'load', level: 'error', text: `gateway could not load v${e.version}, ${'previous model keeps serving'}: ${e.reason}` };
}

/** A line for a trainer diagnostic, or null for those the model log already reports (requested, finished). `at`: when it was said (epoch ms; default now). */
export function lineOfDiagnostic(d: TrainingDiagnostic, at = Date.now()): TrainingLine | null {
  switch (d.type) {
    case 'requested':
    case 'finished':
      return null;
    case 'started':
      return { at: d.at, runId: d.runId, kind: 'started', level: 'info', text: `run v${d.version} started for ${d.requestIds.length} request(s): ${d.reasons.join('; ')}` };
    case 'phase':
      return { at, runId: d.runId, kind: 'phase', level: 'info', text: `${d.phase} done in ${(d.ms / 1000).toFixed(2)} s${d.detail ? ` ${JSON.stringify(d.detail)}` : ''}` };
    case 'log': {
      const l = d.line;
      const text =
        l.type === 'progress'
          ? `round ${l.round}/${l.of}${l.validMae != null ? `, valid MAE ${l.validMae.toFixed(4)}` : ''}`
          : l.type === 'done'
            ? `xgboost done, best iteration ${l.bestIteration}`
            : l.type === 'error'
              ? `${l.code}: ${l.msg}`
              : l.msg;
      return { at, runId: d.runId, kind: 'log', level: l.type === 'error' ? 'error' : l.type === 'stderr' ? 'warn' : 'info', text };
    }
    case 'trigger':
      // a wait is a warning: no training is asked for until the data is materialized
      return { at: d.at, runId: null, kind: 'trigger', level: d.waiting ? 'warn' : 'info', text: d.reason };
    case 'decay':
      return {
        at: d.at,
        runId: null,
        kind: 'decay',
        level: d.decayed ? 'warn' : 'info',
        text: d.text,
        ...(d.window ? { decay: { version: d.version, ...d.window, decayed: d.decayed } } : {}),
      };
    default: {
      const never: never = d;
      throw new Error(`unhandled ${JSON.stringify(never)}`);
    }
  }
}

/** Subscribes to the trainer's diagnostics channel (in-process trainers only); returns the unsubscribe. */
export function followTrainingDiagnostics(onLine: (l: TrainingLine) => void): () => void {
  const handler = (msg: unknown) => {
    const line = lineOfDiagnostic(msg as TrainingDiagnostic);
    if (line) onLine(line);
  };
  subscribe(TRAINING_CHANNEL_NAME, handler);
  return () => unsubscribe(TRAINING_CHANNEL_NAME, handler);
}
