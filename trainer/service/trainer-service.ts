/**
 * The long-running trainer: consumes `training.requests` (one partition, so
 * one active trainer per group), feeds the coordinator decider, runs one
 * training at a time (run-pump.ts), and hosts the triggers (triggers.ts).
 *
 * Recovery comes from the log, not from local state: at start the registry
 * view says which requests recorded runs already answered, and the request
 * log is read once so a request that was accepted but never answered (a crash
 * mid-run) is run now. The coordinator drops duplicates, so the consumer
 * group redelivering the same requests changes nothing (requests.ts).
 */
import { join } from 'node:path';
import type { Config } from '../../lib/config.js';
import { createClickhouse } from '../../lib/clickhouse/client.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/log.js';
import { EventPublisher } from '../../domain/training/io/event-publisher.js';
import { answeredRequestIds } from '../../domain/registry/state.js';
import { startRegistryView } from '../../domain/registry/io/view.js';
import { newRequest } from '../../domain/training/request.js';
import type { RunContext } from '../run/training-run.js';
import { startBacktestWorker } from './backtest-worker.js';
import { consumeRequests, recoverFromLog } from './requests.js';
import { Coordinator, RunPump } from './run-pump.js';
import { startTrainingLogRelay } from './training-log-relay.js';
import { startTriggers } from './triggers.js';
import type { TrainerOptions, TrainerService } from './api.js';

export type { TrainerOptions, TrainerService } from './api.js';

/** Starts the trainer in-process (topics and contracts are ensured first). */
export async function startTrainer(cfg: Readonly<Config>, opts: TrainerOptions = {}): Promise<TrainerService> {
  const log = opts.log ?? createLogger('trainer');
  const prefix = opts.groupPrefix ?? `trainer:${cfg.topics.trainingRequests}`;
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'trainer');
  const admin = kafka.admin();
  await admin.connect();
  const ch = createClickhouse(cfg);
  const publisher = await EventPublisher.connect(kafka, codec, cfg.topics);
  const view = await startRegistryView(kafka, codec, cfg.topics, log.child('registry'));
  const relay = opts.relayLog === false ? null : await startTrainingLogRelay({ kafka, topic: cfg.topics.trainingLog, log: log.child('log-relay') });

  const coord = new Coordinator();
  const offView = view.onChange((st) => coord.dispatch({ type: 'markAnswered', requestIds: answeredRequestIds(st) }));
  const recovered = await recoverFromLog(cfg, kafka, codec, view, coord, log);
  const ctx: RunContext = {
    cfg, kafka, admin, ch, publisher, view,
    log: log.child('run'),
    cacheDir: opts.cacheDir ?? join(cfg.stackDir, 'artifacts-cache'),
    ...(opts.materializerWaitMs !== undefined ? { materializerWaitMs: opts.materializerWaitMs } : {}),
    ...(opts.xgb ? { xgb: opts.xgb } : {}),
  };
  const pump = new RunPump(coord, ctx, log, (r) => publisher.trainingRequested(r));
  const { consumer, dead } = await consumeRequests(cfg, kafka, codec, `${prefix}-requests`, coord, pump, log);
  pump.pump();
  const backtests = opts.backtests === false ? null : await startBacktestWorker({ cfg, kafka, codec, log: log.child('backtest') });
  const triggers = await startTriggers({ cfg, opts, kafka, admin, codec, ch, publisher, view, log, prefix, recovered, stopped: () => pump.stopping });

  return {
    coordinator: () => coord.state,
    registry: () => view.state(),
    async request(r) {
      const req = newRequest(r);
      await publisher.trainingRequested(req);
      return req;
    },
    runs: () => pump.outcomes,
    triggers: triggers.status,
    decay: triggers.decay,
    waitForRun: (pred, timeoutMs = 120_000) => pump.waitFor(pred, timeoutMs),
    done: Promise.all([consumer.done, triggers.done]).then(() => undefined),
    async stop() {
      if (pump.stopping) return;
      pump.stopping = true;
      pump.cancelRetries();
      offView();
      await Promise.allSettled([triggers.stop(), consumer.stop(), backtests?.stop(opts.stopTimeoutMs)]);
      if (pump.current) {
        log.info('waiting for the run in progress to be recorded');
        await Promise.race([pump.current, new Promise((r) => setTimeout(r, opts.stopTimeoutMs ?? 120_000).unref())]);
      }
      await Promise.allSettled([view.stop(), publisher.disconnect(), relay?.stop(), dead.disconnect()]);
      await Promise.allSettled([admin.disconnect(), ch.close()]);
    },
  };
}
