/**
 * The `training.log` topic on the gateway: the step-by-step lines of a
 * trainer in another process (phases, XGBoost rounds), fed into the same
 * training feed as the in-process diagnostics channel.
 *
 * Lines published by this very process are skipped (the channel already
 * delivered them), and so is any line seen before (a relay id and its
 * sequence number), so a trainer in the gateway's process never shows twice.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../../lib/log.js';
import { decodeTrainingLog, type TrainingLogRecord } from '../../domain/training/log-record.js';
import type { TrainingLine } from '../../domain/live/protocol.js';
import { lineOfDiagnostic } from './training-feed.js';

/**
 * The pure handler: a record to a training line, or null when it was
 * already seen or the model log reports it anyway (requested, finished).
 * This topic is the one path of training lines to the dashboard, whichever
 * process the trainer runs in (the trainer relays its diagnostics channel).
 */
export function relayedLines(): (r: TrainingLogRecord) => TrainingLine | null {
  const lastSeq = new Map<string, number>();
  return (r) => {
    if (r.seq <= (lastSeq.get(r.relay) ?? 0)) return null;
    lastSeq.set(r.relay, r.seq);
    return lineOfDiagnostic(r.msg, r.at);
  };
}

export interface TrainingLogFollower {
  stop(): Promise<void>;
}

/**
 * Follows `topic` from its end as of this call (earlier progress lines are
 * history the model log already summarises), with a throw-away group that
 * never commits and is deleted on stop, like the state follower.
 */
export async function followTrainingLog(opts: { kafka: Kafka; admin: Admin; topic: string; log: Logger; onLine: (l: TrainingLine) => void }): Promise<TrainingLogFollower> {
  const groupId = `gateway-training-log-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // taken before joining, so a line written while the group forms is still read
  const start = await opts.admin.fetchTopicOffsets(opts.topic);
  const toLine = relayedLines();
  let unreadable = 0;
  // a short long-poll: these lines are watched live
  const consumer: Consumer = opts.kafka.consumer({ groupId, maxWaitTimeInMs: 250, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [opts.topic], fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      const r = decodeTrainingLog(message.value);
      if (!r) {
        if (unreadable++ === 0) opts.log.warn(`skipping unreadable records on ${opts.topic} (another format version?)`);
        return;
      }
      const line = toLine(r);
      if (line) opts.onLine(line);
    },
  });
  for (const p of start) consumer.seek({ topic: opts.topic, partition: p.partition, offset: p.high });
  return {
    async stop() {
      await consumer.disconnect().catch(() => undefined);
      await opts.admin.deleteGroups([groupId]).catch(() => undefined);
    },
  };
}
