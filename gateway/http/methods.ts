import type { Context, Next } from 'koa';
import { HttpError } from './errors.js';

/** What the router leaves on the context: the layers whose path matched, whatever their method. */
interface Matched {
  matched?: { methods: string[] }[];
}

/**
 * Answers a method a known path does not have: 405 with `Allow` (RFC 9110),
 * and OPTIONS with 204 and `Allow`. Mounted after the router, in place of
 * @koa/router's allowedMethods, which answers 501 for methods outside its
 * own list (TRACE, QUERY) and has no JSON body when it throws.
 */
export function methodNotAllowed() {
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    const layers = (ctx as Context & Matched).matched ?? [];
    const allowed = [...new Set(layers.flatMap((l) => l.methods))];
    if (allowed.length === 0) return;
    const allow = [...allowed, 'OPTIONS'].join(', ');
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set('allow', allow);
      return;
    }
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `method: expected one of ${allow} for ${ctx.path}, got ${ctx.method}`, { headers: { allow } });
  };
}
