/**
 * The wire format of the `training.log` topic: one trainer diagnostic
 * (domain/training/diagnostics.ts) with where and when it was said. Telemetry, not a
 * domain fact, so plain JSON rather than an Avro contract: nothing replays
 * it, and a reader skips what it cannot parse.
 */
import { z } from 'zod';
import type { TrainingDiagnostic } from './diagnostics.js';

/** One relayed diagnostic. `relay` + `seq` identify it (a reader that sees it twice drops the second). */
export interface TrainingLogRecord {
  v: 1;
  /** Host and pid of the publishing process: a gateway in that same process already has the line from the channel. */
  host: string;
  pid: number;
  /** Random id of the relay that published it; `seq` counts up from 1 per relay. */
  relay: string;
  seq: number;
  /** epoch ms when the trainer said it */
  at: number;
  msg: TrainingDiagnostic;
}

const num = z.number();
const str = z.string();
const TrainerLineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('log'), msg: str }),
  z.object({ type: z.literal('progress'), round: num, of: num, validMae: num.nullable().optional() }),
  z.object({ type: z.literal('done'), bestIteration: num, timings: z.record(str, num) }),
  z.object({ type: z.literal('error'), code: str, msg: str }),
  z.object({ type: z.literal('stderr'), msg: str }),
]);
const DiagnosticSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('requested'), requestId: str, trigger: str, reason: str, at: num }),
  z.object({ type: z.literal('started'), runId: str, version: num, requestIds: z.array(str), reasons: z.array(str), at: num }),
  z.object({ type: z.literal('phase'), runId: str, phase: str, ms: num, detail: z.record(str, z.unknown()).optional() }),
  z.object({ type: z.literal('log'), runId: str, line: TrainerLineSchema }),
  z.object({ type: z.literal('finished'), runId: str, version: num, decision: z.enum(['promoted', 'rejected', 'failed']), reason: str, durationMs: num, at: num }),
  z.object({ type: z.literal('trigger'), trigger: str, waiting: z.boolean(), reason: str, at: num }),
  // `window` is optional: a relay from before it was added sends the text only
  z.object({ type: z.literal('decay'), version: num, decayed: z.boolean(), text: str, at: num, window: z.object({ from: str, to: str, wmae: num, threshold: num }).optional() }),
]);
const RecordSchema = z.object({ v: z.literal(1), host: str, pid: z.int(), relay: str, seq: z.int().min(1), at: num, msg: DiagnosticSchema });

/** The Kafka key: the run (or request) the line is about, so one run's lines stay in order on any partitioning. */
export function keyOf(msg: TrainingDiagnostic): string {
  return msg.type === 'requested' ? msg.requestId : msg.type === 'trigger' ? `trigger:${msg.trigger}` : msg.type === 'decay' ? `decay:v${msg.version}` : msg.runId;
}

/** JSON bytes of a record. */
export function encodeTrainingLog(r: TrainingLogRecord): Buffer {
  return Buffer.from(JSON.stringify(r));
}

/** The record in `value`, or null when it is not one (another version, or garbage): telemetry is skipped, never dead-lettered. */
export function decodeTrainingLog(value: Buffer | null): TrainingLogRecord | null {
  if (!value) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  const r = RecordSchema.safeParse(raw);
  return r.success ? (r.data as TrainingLogRecord) : null;
}
