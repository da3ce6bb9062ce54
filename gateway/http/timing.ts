import type { Context, Next } from 'koa';
import type { AccessEntry } from '../../lib/log.js';
import type { GatewayMetrics } from '../metrics.js';

/** Receives each request's latency in ms with its route template (for the live latency chart). */
export type LatencySink = (route: string, ms: number) => void;

/**
 * Times every request into the latency histogram, labelled by route template
 * (not the raw path, so label cardinality stays bounded), and writes the
 * access log entry.
 */
export function timing(metrics: GatewayMetrics, sink?: LatencySink, access?: (e: AccessEntry) => void) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const t0 = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - t0;
      const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? (ctx.status === 404 ? 'unmatched' : 'static');
      metrics.httpDuration.observe({ method: ctx.method, route: String(route), status: String(ctx.status) }, ms / 1000);
      sink?.(String(route), ms);
      access?.({ method: ctx.method, path: ctx.path, route: String(route), status: ctx.status, ms, bytes: ctx.length ?? null });
    }
  };
}
