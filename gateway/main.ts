/**
 * The gateway process: `tsx gateway/main.ts`. Builds the dashboard when
 * web/dist is missing, starts the gateway on the configured host and port,
 * and shuts down cleanly on SIGINT / SIGTERM.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cliArgs, serviceUsage } from '../lib/process/cli.js';
import { loadConfig } from '../lib/config.js';
import { AppError, messageOf } from '../lib/errors.js';
import { createLogger, setLogLevel, type Logger } from '../lib/log.js';
import { gatewayTokenNotice } from '../lib/process/gateway-token.js';
import { assertTokenFitsHost } from './http/auth.js';
import { waitForDependencies } from '../lib/process/wait-for.js';
import { startGateway, WEB_DIST } from './server.js';
import { phase } from './state/startup-clock.js';

/** Builds web/ into web/dist with Vite; on failure the gateway still serves the API and a page saying why. */
async function ensureDashboard(log: Logger): Promise<void> {
  if (existsSync(join(WEB_DIST, 'index.html'))) return;
  log.info('web/dist is missing: building the dashboard (vite build web)');
  try {
    const { build } = await import('vite');
    await build({ configFile: join(WEB_DIST, '..', 'vite.config.ts'), logLevel: 'warn' });
    log.info('dashboard built');
  } catch (err) {
    log.warn(`dashboard build failed, serving the API only: ${messageOf(err)}`);
  }
}

async function main(): Promise<void> {
  cliArgs({ usage: serviceUsage('gateway', 'the HTTP gateway (predictions, the API, the dashboard, /metrics)'), positionals: false });
  const cfg = loadConfig();
  setLogLevel(cfg.logLevel, cfg.logFormat);
  const log = createLogger('gateway');
  // node's start and the imports (through tsx) up to here
  let t = phase(log, 'process and imports', 0);
  await ensureDashboard(log);
  // refused before waiting for anything: a guessable token off loopback is a configuration error (startGateway checks too)
  assertTokenFitsHost(cfg.gateway.host, cfg.gateway.token);
  await waitForDependencies(cfg, ['kafka', 'registry', 'clickhouse'], log);
  t = phase(log, 'dashboard check and dependencies reachable', t);
  const gw = await startGateway(cfg, { log, waitForCatchUp: false });
  phase(log, 'gateway listening, online state following', t, 'contracts, clients, HTTP, training-log follower, snapshot, follower start; the catch-up continues');
  log.info(`listening on ${gw.url} (dashboard /, API docs /docs, OpenAPI /openapi.json, metrics /metrics)`);
  if (cfg.gateway.tokenGenerated) process.stderr.write(`${gatewayTokenNotice(gw.url, cfg.gateway.token)}\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: closing`);
    // the last snapshot is written at close (state/snapshot-store.ts): at 50,000 series that takes seconds, not the 10 s a bare close needs
    const force = setTimeout(() => process.exit(1), cfg.gateway.snapshots.enabled ? 60_000 : 10_000);
    force.unref();
    gw.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // a bug in the online state stops its follower (lib/projection/handler-sink.ts): exit with the stack, the supervisor restarts the gateway
  await gw.done.catch((err: unknown) => {
    log.error(`online state stopped: ${messageOf(err)}`);
    if (!(err instanceof AppError) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });
}

main().catch((err: unknown) => {
  createLogger('gateway').error(err instanceof AppError ? err.message : `failed to start: ${messageOf(err)}`);
  process.exit(1);
});
