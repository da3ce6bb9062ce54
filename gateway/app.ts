import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from '../lib/log.js';
import { renderDocs } from './api/docs-page.js';
import { mountDocs } from './api/swagger-ui.js';
import { buildOpenApi, OPENAPI_PATH } from './api/openapi.js';
import { mount, type Route } from './api/route.js';
import type { GatewayContext } from './context.js';
import { errorMiddleware, logAppErrors } from './http/errors.js';
import { methodNotAllowed } from './http/methods.js';
import { RateLimiter } from './http/rate-limit.js';
import { securityHeaders } from './http/security-headers.js';
import { serveDashboard } from './http/static.js';
import { timing, type LatencySink } from './http/timing.js';
import { createAccessLogger } from '../lib/log.js';
import { backtestRoutes } from './routes/backtests.js';
import { scheduleRoutes } from './routes/schedule.js';
import { paceRoutes } from './routes/pace.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { healthRoutes, mountMetrics } from './routes/health.js';
import { modelRoutes } from './routes/models.js';
import { registryRoutes } from './routes/registry.js';
import { opsRoutes } from './routes/ops.js';
import { forecastRoutes } from './routes/forecasts.js';
import { predictRoutes } from './routes/predict.js';
import { seriesRoutes } from './routes/series.js';
import { levelHistoryRoutes } from './routes/level-history.js';

export interface AppOptions {
  webDir: string;
  bodyLimit: number;
  log: Logger;
  latency?: LatencySink;
}

/** Every route of the gateway, in documentation order. */
export function allRoutes(g: GatewayContext): Route[] {
  return [...predictRoutes(g), ...forecastRoutes(g), ...seriesRoutes(g), ...levelHistoryRoutes(g), ...registryRoutes(g), ...modelRoutes(g), ...backtestRoutes(g), ...opsRoutes(g), ...scheduleRoutes(g), ...paceRoutes(g), ...deadLetterRoutes(g), ...healthRoutes(g)];
}

/**
 * The Koa application: timing, then errors, then routes, then the dashboard.
 * One concern per middleware; one error listener.
 */
export function createApp(g: GatewayContext, opts: AppOptions): { app: Koa; openapi: Record<string, unknown> } {
  const app = new Koa();
  app.on('error', logAppErrors(opts.log));
  app.use(timing(g.metrics, opts.latency, g.cfg.gateway.accessLog ? createAccessLogger() : undefined));
  app.use(securityHeaders());
  app.use(errorMiddleware());

  const routes = allRoutes(g);
  const openapi = buildOpenApi(routes, {
    title: 'Weekly sales forecasting gateway',
    version: '1',
    description:
      'Predictions from the champion XGBoost model (ONNX, hot-swapped on model.promoted), features computed online from sales.weekly, ' +
      `and the operations of the event-sourced pipeline. Writes need "Authorization: Bearer TOKEN" (the Authorize button sets it); reads ${g.cfg.gateway.openReads ? 'are open' : 'need it too'}. ` +
      `Bodies are limited to ${opts.bodyLimit} bytes; a batch to ${g.cfg.gateway.maxBatch} items.`,
  }, { openReads: g.cfg.gateway.openReads });
  const docs = renderDocs(openapi, OPENAPI_PATH);

  const router = new Router();
  const { perSecond, burst } = g.cfg.gateway.predictRate;
  const rateLimit = perSecond > 0 ? new RateLimiter(perSecond, burst) : null;
  mount(router, routes, { token: g.cfg.gateway.token, openReads: g.cfg.gateway.openReads, bodyLimit: opts.bodyLimit, rateLimit });
  mountMetrics(router, g);
  router.get(OPENAPI_PATH, (ctx) => {
    ctx.body = openapi;
  });
  mountDocs(router, OPENAPI_PATH, docs);
  app.use(router.routes());
  app.use(methodNotAllowed());
  app.use(serveDashboard(opts.webDir, ['/v1/', '/socket.io', '/metrics', '/docs', OPENAPI_PATH, '/healthz', '/readyz']));
  return { app, openapi };
}
