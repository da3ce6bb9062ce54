import type Router from '@koa/router';
import { route, type Route } from '../api/route.js';
import { HealthResponse, ReadyResponse } from '../api/schemas.js';
import type { GatewayContext } from '../context.js';

/** What these routes take from the gateway context, and nothing more. */
export type HealthRouteDeps = Pick<GatewayContext, 'metrics' | 'readiness' | 'startedAt'>;

/** /healthz (the process answers) and /readyz (it can serve correct predictions). */
export function healthRoutes(g: HealthRouteDeps): Route[] {
  const healthz = route(
    {
      method: 'get',
      path: '/healthz',
      tag: 'operations',
      access: 'public',
      summary: 'Liveness: the process is up and its event loop answers',
      ok: { schema: HealthResponse, description: 'alive' },
    },
    () => ({ status: 'ok', uptimeS: Math.round((Date.now() - g.startedAt) / 1000) }),
  );
  const readyz = route(
    {
      method: 'get',
      path: '/readyz',
      tag: 'operations',
      access: 'public',
      summary: 'Readiness: Kafka, schema registry, ClickHouse reachable, online state caught up, model loaded (503 otherwise, same body)',
      ok: { schema: ReadyResponse, description: 'ready' },
      errors: { 503: 'not ready; the body is a ReadyResponse naming the failing checks' },
    },
    async (_input, ctx) => {
      const r = await g.readiness.check();
      // the route sets 200 after the handler; an unready answer overrides it below
      ctx.state.status = r.ready ? 200 : 503;
      return r;
    },
  );
  return [healthz, readyz];
}

/** /metrics in the Prometheus text format. */
export function mountMetrics(router: Router, g: HealthRouteDeps): void {
  router.get('/metrics', async (ctx) => {
    ctx.type = g.metrics.registry.contentType;
    ctx.body = await g.metrics.registry.metrics();
  });
}
