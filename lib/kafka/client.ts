import { Kafka, logLevel, type Admin, type ITopicConfig, type LogEntry } from 'kafkajs';
import type { Config, Topics } from '../config.js';
import { kafkaSecurityOptions } from './security.js';
import { DependencyError } from '../errors.js';
import { createLogger } from '../log.js';

const kafkaLog = createLogger('kafkajs');
const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client for the configured brokers; its log goes through our logger at WARN and above; `retry` overrides the default (8 retries from 200 ms). */
export function createKafka(cfg: Readonly<Config>, clientId: string, retry: KafkaRetry = { retries: 8, initialRetryTime: 200 }): Kafka {
  const kafka = new Kafka({
    clientId,
    brokers: [...cfg.kafka.brokers],
    // TLS and SASL when configured (KAFKA_SECURITY_PROTOCOL): a managed cluster
    ...kafkaSecurityOptions(cfg.kafka.security),
    logLevel: logLevel.WARN,
    retry,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        // kafkajs warns about its v2 partitioner change on every producer; we choose ours explicitly
        if (String(message).includes('switched default partitioner')) return;
        // we bound producer retries on purpose so a dead broker surfaces as an error;
        // downstream projections are idempotent, so a duplicate after exhausted retries is harmless
        if (String(message).includes('Limiting retries for the idempotent producer')) return;
        kafkaLog[LEVELS[level] ?? 'info'](String(message), rest);
      },
  });
  made.set(kafka, { clientId, retry });
  return kafka;
}

export interface KafkaRetry {
  retries: number;
  initialRetryTime?: number;
}

const made = new WeakMap<Kafka, { clientId: string; retry: KafkaRetry }>();

/** The client id and retry policy `kafka` was created with by createKafka (to create the same client on a worker thread). */
export function kafkaOptions(kafka: Kafka): { clientId: string; retry: KafkaRetry } {
  const o = made.get(kafka);
  if (!o) throw new Error('this Kafka client was not made by createKafka (lib/kafka/client.ts): its options cannot be copied to a worker thread');
  return o;
}

/** Topic layout: sales are partitioned by series; the rest are small, ordered logs. The log is kept forever (the training log, telemetry, for a day). */
export function topicSpecs(cfg: Readonly<Config>, topics: Topics = cfg.topics): ITopicConfig[] {
  // with acks=all, min.insync.replicas is what makes a write survive the loss of a broker
  const isr = { name: 'min.insync.replicas', value: String(cfg.kafka.minInsyncReplicas) };
  const forever = [{ name: 'retention.ms', value: '-1' }, isr];
  const specs: ITopicConfig[] = [
    { topic: topics.sales, numPartitions: cfg.kafka.salesPartitions, configEntries: forever },
    { topic: topics.deadLetter, numPartitions: 1, configEntries: forever },
    { topic: topics.trainingRequests, numPartitions: 1, configEntries: forever },
    { topic: topics.trainingSchedule, numPartitions: 1, configEntries: forever },
    { topic: topics.simulationPace, numPartitions: 1, configEntries: forever },
    { topic: topics.modelTrained, numPartitions: 1, configEntries: forever },
    { topic: topics.modelPromoted, numPartitions: 1, configEntries: forever },
    { topic: topics.modelAnnotations, numPartitions: 1, configEntries: forever },
    { topic: topics.modelAliases, numPartitions: 1, configEntries: forever },
    { topic: topics.backtestRequests, numPartitions: 1, configEntries: forever },
    { topic: topics.backtestResults, numPartitions: 1, configEntries: forever },
    // keyed by series like sales.weekly, so one series' forecasts stay in order in one partition
    { topic: topics.forecastPublished, numPartitions: cfg.kafka.salesPartitions, configEntries: forever },
    // Telemetry, not a domain fact: the trainer's progress lines for dashboards in other processes.
    // Plain JSON keyed by run id (no Avro contract, nothing replays it), kept for a day.
    { topic: topics.trainingLog, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '86400000' }, isr] },
    {
      topic: topics.modelArtifacts,
      numPartitions: 1,
      configEntries: [...forever, { name: 'max.message.bytes', value: '33554432' }],
    },
  ];
  return specs.map((s) => ({ ...s, replicationFactor: cfg.kafka.replicationFactor }));
}

/** Creates the topics that do not exist yet (idempotent). */
export async function ensureTopics(admin: Admin, specs: ITopicConfig[]): Promise<void> {
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  } catch (err) {
    throw new DependencyError('kafka', `creating topics failed: ${(err as Error).message}`, err);
  }
}

/** Connects an admin just long enough to create the configured topics that are missing (idempotent). */
export async function ensureConfiguredTopics(kafka: Kafka, cfg: Readonly<Config>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topicSpecs(cfg));
  } finally {
    await admin.disconnect();
  }
}

/** Sum over partitions of (high watermark - committed offset) for a group on a topic. */
/** Messages behind the end, per partition of `topic`, for `groupId` (a partition it never committed counts from its low offset). */
export async function partitionLag(admin: Admin, groupId: string, topic: string): Promise<{ partition: number; lag: number }[]> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map<number, number>();
  for (const t of committed) for (const p of t.partitions) done.set(p.partition, Number(p.offset));
  return ends.map((p) => {
    const c = done.get(p.partition) ?? -1;
    const high = Number(p.high);
    return { partition: p.partition, lag: c < 0 ? high - Number(p.low) : Math.max(0, high - c) };
  });
}

export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map<number, number>();
  for (const t of committed) for (const p of t.partitions) done.set(p.partition, Number(p.offset));
  let lag = 0;
  for (const p of ends) {
    const c = done.get(p.partition) ?? -1;
    const high = Number(p.high);
    lag += c < 0 ? high - Number(p.low) : Math.max(0, high - c);
  }
  return lag;
}
