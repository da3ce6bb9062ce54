import type { Config } from '../config.js';
import { AvroCodec, type Contract } from '../avro/codec.js';
import { createKafka, ensureConfiguredTopics } from './client.js';

/** Which contract each topic carries (the dead-letter and artifact topics carry raw bytes). */
export function topicContracts(cfg: Readonly<Config>): [Contract, string][] {
  return [
    ['sales', cfg.topics.sales],
    ['trainingRequests', cfg.topics.trainingRequests],
    ['modelTrained', cfg.topics.modelTrained],
    ['modelPromoted', cfg.topics.modelPromoted],
    ['backtestRequested', cfg.topics.backtestRequests],
    ['backtestFinished', cfg.topics.backtestResults],
    ['scheduleChanged', cfg.topics.trainingSchedule],
    ['modelAnnotated', cfg.topics.modelAnnotations],
    ['modelAliasChanged', cfg.topics.modelAliases],
    ['forecastPublished', cfg.topics.forecastPublished],
    ['simulationPaceChanged', cfg.topics.simulationPace],
  ];
}

/**
 * Creates the topics and registers every contract under `<topic>-value`
 * with BACKWARD compatibility. Idempotent; returns the codec ready to encode.
 */
export async function bootstrapContracts(cfg: Readonly<Config>): Promise<AvroCodec> {
  const kafka = createKafka(cfg, 'bootstrap');
  await ensureConfiguredTopics(kafka, cfg);
  const codec = AvroCodec.fromConfig(cfg);
  for (const [contract, topic] of topicContracts(cfg)) await codec.register(contract, topic);
  return codec;
}
