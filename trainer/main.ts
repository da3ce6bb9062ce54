/**
 * The trainer process: training-request consumer, cron and threshold
 * triggers, one run at a time. SIGINT/SIGTERM stop the triggers and the
 * consumer, let a run in progress record itself, then exit.
 * Run: npx tsx trainer/main.ts
 */
import { cliArgs, serviceUsage } from '../lib/process/cli.js';
import { loadConfig } from '../lib/config.js';
import { messageOf } from '../lib/errors.js';
import { createLogger, setLogLevel } from '../lib/log.js';
import { waitForDependencies } from '../lib/process/wait-for.js';
import { createProcessMetrics, serveMetrics } from '../lib/process/metrics-server.js';
import { TRAINING_CHANNEL, type TrainingDiagnostic } from '../domain/training/diagnostics.js';
import { startTrainer } from './service/trainer-service.js';

async function main(): Promise<void> {
  cliArgs({ usage: serviceUsage('trainer', 'the trainer (training requests, cron and threshold triggers, one run at a time)'), positionals: false });
  const cfg = loadConfig();
  setLogLevel(cfg.logLevel, cfg.logFormat);
  const log = createLogger('trainer');
  await waitForDependencies(cfg, ['kafka', 'registry', 'clickhouse'], log);
  const trainer = await startTrainer(cfg, { log });
  const metrics = createProcessMetrics('trainer', cfg.stackDir, log);
  TRAINING_CHANNEL.subscribe((m) => {
    const d = m as TrainingDiagnostic;
    if (d.type === 'finished') metrics.trainingDuration.observe({ decision: d.decision }, d.durationMs / 1000);
  });
  await serveMetrics(metrics.registry, cfg.metrics.trainerPort, log, cfg.metrics.host);
  log.info(
    `trainer up: requests on ${cfg.topics.trainingRequests}, cron "${cfg.trainer.cron}", threshold ${cfg.trainer.thresholdFraction}, ` +
      `horizon ${cfg.trainer.horizon}, holdout ${cfg.trainer.holdoutWeeks} weeks, data from ${cfg.clickhouse.database}`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal}: stopping`);
    trainer.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error(`stop failed: ${messageOf(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  await trainer.done.catch((err: unknown) => {
    log.error(`stopped: ${messageOf(err)}`);
    process.exit(1);
  });
}

main().catch((err: unknown) => {
  createLogger('trainer').error(messageOf(err));
  process.exit(1);
});
