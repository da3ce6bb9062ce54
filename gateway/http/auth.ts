import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { HttpError } from './errors.js';

/** Whether an Authorization header carries exactly `Bearer <token>` (constant-time compare). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks a request's bearer token: 401 when missing, 403 when wrong. */
export function assertBearer(ctx: Context, token: string): void {
  const header = ctx.get('authorization');
  if (!header) {
    throw new HttpError(401, 'UNAUTHORIZED', 'authorization: expected a bearer token (Authorization: Bearer <token>)', {
      headers: { 'www-authenticate': 'Bearer realm="forecast-gateway"' },
    });
  }
  if (!bearerMatches(header, token)) throw new HttpError(403, 'FORBIDDEN', 'authorization: the bearer token is not valid');
}
