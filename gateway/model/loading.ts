/**
 * The champion's loader and the alias models, reporting each load to the
 * metrics, the live status and the training log. Both read run records from
 * the gateway's registry fold and artifacts from the model store topic.
 */
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Config } from '../../lib/config.js';
import type { Logger } from '../../lib/log.js';
import { lineOfLoad } from '../live/training-feed.js';
import type { LiveStatus } from '../live/status.js';
import type { GatewayMetrics } from '../metrics.js';
import type { GatewayRegistry } from '../state/registry-fold.js';
import { AliasModels } from './alias-models.js';
import type { ModelHolder } from './holder.js';
import { ModelLoader, openModel } from './loader.js';

/** Where loaded artifacts are cached. */
export const modelCacheDir = (cfg: Readonly<Config>) => join(cfg.stackDir, 'artifacts', 'models');

export function createModelLoading(d: {
  cfg: Readonly<Config>;
  kafka: Kafka;
  holder: ModelHolder;
  registry: () => GatewayRegistry;
  log: Logger;
  /** read at each load (the status is built after the loader) */
  report: () => { status: LiveStatus; metrics: GatewayMetrics };
}): { loader: ModelLoader; aliasModels: AliasModels } {
  const { cfg, kafka, holder, registry, log } = d;
  const cacheDir = modelCacheDir(cfg);
  const runOf = (v: number) => registry().registry.versions.get(v);
  const loader = new ModelLoader({
    kafka,
    holder,
    cacheDir,
    runOf,
    defaultHorizon: cfg.trainer.horizon,
    log,
    onEvent: (e) => {
      const { status, metrics } = d.report();
      if (e.type === 'loaded') {
        metrics.modelLoads.inc({ result: 'ok' });
        status.loadSucceeded(e.version);
      }
      if (e.type === 'failed') {
        metrics.modelLoads.inc({ result: 'failed' });
        status.loadFailed(e.version, e.reason);
      }
      const line = lineOfLoad(e);
      if (line) status.trainingLine(line);
    },
  });
  const aliasModels = new AliasModels({
    open: (ref) => openModel({ kafka, cacheDir, runOf, defaultHorizon: cfg.trainer.horizon }, ref),
    registry: () => registry().registry,
    champion: holder,
    log: log.child('aliases'),
  });
  return { loader, aliasModels };
}
