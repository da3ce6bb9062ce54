/**
 * The context the routes take their parts from (context.ts), built from
 * the gateway's parts: the operations (commands appended to the log), the
 * dead-letter browser, "read your own writes" (an operation first waits
 * until the follower has handled everything already in the log), and the
 * guard that answers 503 while the online state is still replaying.
 */
import type { AvroCodec } from '../lib/avro/codec.js';
import { fetchArtifactFile } from '../lib/kafka/artifacts.js';
import type { GatewayContext } from './context.js';
import { HttpError } from './http/errors.js';
import { modelCacheDir } from './model/loading.js';
import { createDeadLetterOps } from './ops/dead-letters.js';
import { createOperations } from './ops/operations.js';
import type { Parts } from './parts.js';

const retrySoon = { headers: { 'retry-after': '2' }, retriable: true };

/** The context, and what to close with the gateway (the operations' producers, the dead-letter tail). */
export function buildContext(p: Parts, codec: AvroCodec): { g: GatewayContext; close(): Promise<void> } {
  const { cfg, kafka, online, store, metrics, status } = p;
  const readToEnd = async (topics: string[]) => {
    const follower = online.follower();
    if (!follower) throw new HttpError(503, 'CATCHING_UP', 'the gateway is still starting to follow the log; retry shortly', retrySoon);
    await follower.sync(topics);
  };
  const t = cfg.topics;
  const ops = createOperations({
    cfg,
    kafka,
    codec,
    registryAtEnd: async () => (await readToEnd([t.modelTrained, t.modelPromoted, t.modelAnnotations, t.modelAliases]), online.registry().registry),
    latestWeek: async () => (await readToEnd([t.sales]), store.latestWeek),
  });
  const deadLetters = createDeadLetterOps({ kafka, codec, topic: t.deadLetter });
  const cacheDir = modelCacheDir(cfg);
  const g: GatewayContext = {
    cfg, ch: p.ch, store, holder: p.holder, registry: online.registry, accuracy: p.accuracy, metrics, ops, readiness: p.readiness, forecasts: p.forecasts,
    deadLetters, startedAt: Date.now(),
    // counts answered rows (live accuracy reads the published forecasts instead: forecasts/feed.ts)
    scored: (kind, model, rows) => {
      metrics.predictions.inc({ model_version: metrics.versionLabel(model.version), kind }, rows);
      status.countPredictions(rows);
    },
    schedule: online.schedule,
    syncSchedule: () => readToEnd([t.trainingSchedule]),
    pace: online.pace,
    syncPace: () => readToEnd([t.simulationPace]),
    aliasModels: p.aliasModels,
    artifactFile: (uri) => fetchArtifactFile(kafka, uri, { cacheDir, timeoutMs: 60_000 }),
    assertServing: () => {
      if (!online.isCaughtUp()) throw new HttpError(503, 'CATCHING_UP', 'the gateway is still replaying sales.weekly into its online state; retry shortly', retrySoon);
    },
  };
  return { g, close: async () => void (await Promise.allSettled([ops.close(), deadLetters.close()])) };
}
