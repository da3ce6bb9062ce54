/**
 * What every consumer process's `main` shares: load the config once, start
 * the consumer, stop it gracefully on the first SIGINT/SIGTERM (flush, commit,
 * leave the group), and exit non-zero when it stops for good on its own.
 */
import { cliArgs, serviceUsage } from '../lib/process/cli.js';
import { loadConfig, type Config } from '../lib/config.js';
import { AppError, messageOf } from '../lib/errors.js';
import { waitForDependencies } from '../lib/process/wait-for.js';
import { createLogger, setLogLevel, type Logger } from '../lib/log.js';
import type { RunningConsumer } from '../lib/kafka/runner.js';

/** Runs `start` as a process until a signal or a fatal stop; `--help` says what it is (`about`). */
export function runConsumerProcess(name: string, start: (cfg: Readonly<Config>, log: Logger) => Promise<{ running: RunningConsumer; stop(): Promise<void> }>, about = `the ${name} consumer`): void {
  // a service takes no arguments (the environment configures it), but answers --help and a stray flag like every CLI
  cliArgs({ usage: serviceUsage(name, about), positionals: false });
  const log = createLogger(name);
  const main = async () => {
    const cfg = loadConfig();
    setLogLevel(cfg.logLevel, cfg.logFormat);
    await waitForDependencies(cfg, ['kafka', 'registry', 'clickhouse'], log);
    const c = await start(cfg, log);
    let stopping = false;
    const shutdown = () => {
      if (stopping) return;
      stopping = true;
      log.info('stopping: flushing the last batch and committing');
      c.stop().then(() => process.exit(0), () => process.exit(1));
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
    await c.running.done.catch((err: unknown) => {
      log.error(`stopped: ${messageOf(err)}`);
      exitWith(err, log);
    });
  };
  main().catch((err: unknown) => {
    log.error(messageOf(err));
    exitWith(err, log);
  });
}

/** Exits 1; an error that is not one of ours is a bug, so its stack is printed for whoever restarts the process. */
export function exitWith(err: unknown, log: Logger): never {
  if (!(err instanceof AppError) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else log.debug('exit', { error: messageOf(err) });
  process.exit(1);
}
