/**
 * The gateway's one port: the Host check first (a DNS-rebinding page never
 * reaches anything behind it), then POST /v1/predict's fast path in front of
 * Koa (predict/fast-path.ts; a configured rate limit keeps it all in Koa's
 * route), Koa (the API, the docs, the dashboard) and Socket.IO.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../lib/config.js';
import { createAccessLogger, type Logger } from '../lib/log.js';
import { createApp } from './app.js';
import type { GatewayContext } from './context.js';
import { allowedHosts, guardHost } from './http/host.js';
import { attachSocket } from './live/socket.js';
import type { LiveStatus } from './live/status.js';
import { predictFastPath, type FastPath } from './predict/fast-path.js';
import { createPredictHandler } from './predict/handler.js';

export interface Serving {
  url: string;
  /** POST /v1/predict in front of Koa (null when a rate limit keeps it in Koa). */
  fast: FastPath | null;
  /** Closes the socket server and every connection. */
  close(): Promise<void>;
}

/** Listens on the configured host and port (0 = any free port) with the app, the fast path and Socket.IO. */
export async function serve(g: GatewayContext, status: LiveStatus, o: { webDir: string; bodyLimit: number; log: Logger }): Promise<Serving> {
  const { cfg } = g;
  const latency = (route: string, ms: number) => status.recordLatency(route, ms);
  const { app } = createApp(g, { webDir: o.webDir, bodyLimit: o.bodyLimit, log: o.log, latency });
  const fast = cfg.gateway.predictRate.perSecond > 0 ? null : predictFastPath({
    handler: createPredictHandler(g),
    bodyLimit: o.bodyLimit,
    readToken: cfg.gateway.openReads ? null : cfg.gateway.token,
    metrics: g.metrics,
    latency,
    access: cfg.gateway.accessLog ? createAccessLogger() : undefined,
    log: o.log,
  });
  const koa = app.callback();
  const hosts = allowedHosts(cfg);
  const server: Server = createServer(guardHost(hosts, fast ? (req, res) => void (fast(req, res) || koa(req, res)) : koa));
  // keep-alive longer than typical client pools so load tests do not pay reconnects
  server.keepAliveTimeout = 65_000;
  const io = attachSocket(server, status, { token: cfg.gateway.token, openReads: cfg.gateway.openReads, allowedOrigins: cfg.gateway.allowedOrigins, allowedHosts: hosts });
  await listen(server, cfg);
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    fast,
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, cfg: Readonly<Config>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.gateway.port, cfg.gateway.host, () => resolve());
  });
}
