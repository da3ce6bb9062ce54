/**
 * Security headers on every response the Koa app sends (the dashboard,
 * /docs, the backtest report, the API). Written here rather than with
 * helmet: the policy needs the request's own Host for the live WebSocket
 * (allowed because gateway/http/host.ts vetted it) and two pages need their
 * own policy, which is a few lines either way.
 */
import type { Context, Next } from 'koa';

/**
 * The default policy: scripts, styles and fonts from the gateway only (the
 * dashboard and Swagger UI have no inline script or stylesheet), images from
 * the gateway or data: URIs (favicons, Swagger's icons), fetches and the
 * Socket.IO WebSocket to the gateway itself, nothing may frame a page.
 */
export function defaultCsp(host: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://${host} wss://${host}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** /docs/reference: no script at all, its one inline stylesheet allowed. */
export const REFERENCE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * A backtest report is one self-contained file with inline script and
 * styles (trainer/backtest/report-html.ts): they may run, but it may load
 * and send nothing, so its data has nowhere to go.
 */
export const REPORT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Sets the headers before the rest runs; a route may replace the policy with its own (ctx.set). */
export function securityHeaders() {
  return async (ctx: Context, next: Next): Promise<void> => {
    ctx.set('content-security-policy', defaultCsp(ctx.host));
    ctx.set('x-content-type-options', 'nosniff');
    // for browsers without frame-ancestors
    ctx.set('x-frame-options', 'DENY');
    ctx.set('referrer-policy', 'no-referrer');
    ctx.set('cross-origin-opener-policy', 'same-origin');
    await next();
  };
}
