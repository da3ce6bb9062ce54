/**
 * The request log, `training.requests`: read once at start to recover (the
 * requests recorded runs already answered are marked, the others queued,
 * so a request accepted but never answered, say a crash mid-run, runs now),
 * then consumed through the one consumer edge
 * (lib/projection/handler-sink.ts): a request its contract refuses is
 * dead-lettered with the reason, a registry outage retried, a bug stops the
 * trainer. The coordinator drops duplicates, so the group redelivering the
 * same requests changes nothing.
 */
import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro/codec.js';
import type { Config } from '../../lib/config.js';
import { DeadLetters } from '../../lib/kafka/dead-letter.js';
import { runBuffered, type RunningConsumer } from '../../lib/kafka/runner.js';
import { startTail, tailOf } from '../../lib/kafka/topic-tail.js';
import type { Logger } from '../../lib/log.js';
import { handlerSink, on } from '../../lib/projection/handler-sink.js';
import type { TrainingRequested } from '../../schemas/types.js';
import { TRAINING_REQUESTED } from '../../domain/contracts.js';
import { answeredRequestIds } from '../../domain/registry/state.js';
import type { RegistryView } from '../../domain/registry/io/view.js';
import { publishTraining } from '../../domain/training/diagnostics.js';
import { parseDecayRequestId } from '../triggers/decay.js';
import type { Coordinator, RunPump } from './run-pump.js';

/** What the request log says the triggers already asked for: the last threshold cut-off, the last scheduled tick, the decay windows. */
export interface Recovered {
  lastThreshold: string | null;
  lastScheduled: number | null;
  decayed: { version: number; to: string }[];
}

/** Log recovery (see the top of the file); the triggers are seeded from what it returns. */
export async function recoverFromLog(cfg: Readonly<Config>, kafka: Kafka, codec: AvroCodec, view: RegistryView, coord: Coordinator, log: Logger): Promise<Recovered> {
  coord.dispatch({ type: 'markAnswered', requestIds: answeredRequestIds(view.state()) });
  const logged: TrainingRequested[] = [];
  const tail = await startTail({ kafka, codec, log, name: 'trainer-requests-replay', topics: [tailOf(cfg.topics.trainingRequests, TRAINING_REQUESTED, (r) => logged.push(r))] });
  await tail.sync();
  await tail.stop();
  const out: Recovered = { lastThreshold: null, lastScheduled: null, decayed: [] };
  for (const r of logged) {
    const d = r.trigger === 'decay' ? parseDecayRequestId(r.requestId) : null;
    if (d) out.decayed.push(d);
    if (r.trigger === 'threshold' && r.cutoffWeek && (!out.lastThreshold || r.cutoffWeek > out.lastThreshold)) out.lastThreshold = r.cutoffWeek;
    if (r.trigger === 'schedule' && (out.lastScheduled === null || r.requestedAt > out.lastScheduled)) out.lastScheduled = r.requestedAt;
    coord.dispatch({ type: 'request', request: r });
  }
  if (coord.state.pending.length > 0) log.info(`recovering ${coord.state.pending.length} unanswered request(s) from the log`);
  return out;
}

/** The request consumer: every request on the log goes to the coordinator, then the pump runs. */
export async function consumeRequests(cfg: Readonly<Config>, kafka: Kafka, codec: AvroCodec, groupId: string, coord: Coordinator, pump: RunPump, log: Logger): Promise<{ consumer: RunningConsumer; dead: DeadLetters }> {
  const dead = await DeadLetters.connect(kafka, cfg.topics.deadLetter, groupId);
  const queue = (r: TrainingRequested) => {
    for (const e of coord.dispatch({ type: 'request', request: r })) {
      if (e.type !== 'requestQueued') continue;
      log.info(`request ${r.requestId} (${r.trigger}) queued: ${r.reason}`);
      publishTraining({ type: 'requested', requestId: r.requestId, trigger: r.trigger, reason: r.reason, at: r.requestedAt });
    }
  };
  const edge = handlerSink({ codec, deadLetters: dead }, {
    [cfg.topics.trainingRequests]: on(TRAINING_REQUESTED, queue, (d, reason) => log.warn(`dead-lettering unreadable request ${d.topic}/${d.partition}@${d.offset}: ${reason}`)),
  });
  const consumer = await runBuffered({
    kafka,
    groupId,
    topics: [cfg.topics.trainingRequests],
    fromBeginning: true,
    flushMs: 100,
    log: log.child('requests'),
    sink: async (batch) => {
      await edge(batch);
      pump.pump();
    },
  });
  return { consumer, dead };
}
