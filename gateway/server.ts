/**
 * The gateway's composition root: connects the clients, builds the parts
 * (parts.ts), the routes' context (build-context.ts) and the port
 * (serve.ts), then follows the log into the online state
 * (state/online-state.ts) and starts the forecast loop
 * (forecasts/start.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClickhouse } from '../lib/clickhouse/client.js';
import type { Config } from '../lib/config.js';
import { messageOf } from '../lib/errors.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger, type Logger } from '../lib/log.js';
import { buildContext } from './build-context.js';
import { startForecasts } from './forecasts/start.js';
import { assertTokenFitsHost } from './http/auth.js';
import { DEFAULT_BODY_LIMIT } from './http/body.js';
import { followTrainingLog } from './live/training-log-follower.js';
import { createParts, type Parts } from './parts.js';
import { serve, type Serving } from './serve.js';
import { followState } from './state/online-state.js';

/** Where the built dashboard lives. */
export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');

export interface GatewayOptions {
  log?: Logger;
  /** Request body limit in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Built dashboard folder (default web/dist). */
  webDir?: string;
  /** Resolve only once the log is replayed and the champion loaded (default true). */
  waitForCatchUp?: boolean;
  /** Status tick period in ms (default 1000). */
  tickMs?: number;
}

/** A running gateway: its URL, the parts tests look into, and how it ends. */
export interface Gateway extends Pick<Parts, 'holder' | 'store' | 'forecasts' | 'publisher' | 'loader' | 'aliasModels'> {
  url: string;
  /** POST /v1/predict in front of Koa (null when a rate limit keeps it in Koa). */
  fastPath: Serving['fast'];
  registry: Parts['online']['registry'];
  caughtUp: Promise<void>;
  deadLetters: ReturnType<typeof buildContext>['g']['deadLetters'];
  /** Rejects when the online state stopped on a bug (the process should exit with its stack and be restarted). */
  done: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a gateway: HTTP API, dashboard and Socket.IO on one port, the
 * online state replayed from the log, the champion loaded, and live status.
 * The port comes from config (0 = any free port, for tests).
 */
export async function startGateway(cfg: Readonly<Config>, opts: GatewayOptions = {}): Promise<Gateway> {
  // before anything connects: exposing the write endpoints with a guessable token is a configuration error
  assertTokenFitsHost(cfg.gateway.host, cfg.gateway.token);
  const log = opts.log ?? createLogger('gateway');
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'gateway');
  const admin = kafka.admin();
  await admin.connect();
  const ch = createClickhouse(cfg);
  const p = createParts({ cfg, log, kafka, admin, ch, ...(opts.tickMs !== undefined ? { tickMs: opts.tickMs } : {}) });
  const context = buildContext(p, codec);
  const http = await serve(context.g, p.status, { webDir: opts.webDir ?? WEB_DIST, bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT, log });
  p.status.start();
  // the one path of training lines to the dashboard, whichever process the trainer runs in (telemetry: the gateway serves without it)
  const trainingLog = await followTrainingLog({ kafka, admin, topic: cfg.topics.trainingLog, log: log.child('training-log'), onLine: (l) => p.status.trainingLine(l) }).catch((err: unknown) => {
    log.warn(`not following ${cfg.topics.trainingLog}, the dashboard shows no training log lines: ${messageOf(err)}`);
    return null;
  });
  const online = await followState(p, codec, ch, (f) => p.online.bindFollower(f));
  p.online.bind(online);
  const stopForecasts = await startForecasts(p, codec, online);
  if (opts.waitForCatchUp ?? true) {
    await online.caughtUp;
    await p.loader.idle();
  }
  let closed = false;
  return {
    url: http.url, fastPath: http.fast, holder: p.holder, store: p.store, forecasts: p.forecasts, publisher: p.publisher, loader: p.loader, aliasModels: p.aliasModels,
    registry: p.online.registry, caughtUp: online.caughtUp, deadLetters: context.g.deadLetters, done: online.done,
    async close() {
      if (closed) return;
      closed = true;
      await stopForecasts();
      await p.status.stop();
      await http.close();
      await Promise.allSettled([online.stop(), trainingLog?.stop(), context.close()]);
      await p.loader.idle().catch(() => undefined);
      await Promise.allSettled([admin.disconnect(), ch.close(), p.holder.close(), p.aliasModels.close()]);
    },
  };
}
